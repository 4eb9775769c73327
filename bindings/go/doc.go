// Package variancescaling is the Go binding of libvariance_scaling, the
// TensorFlow / Keras 3 VarianceScaling weight initializer with a C ABI: the
// same fan rules, the same scale/n variance, the same three distributions
// and the same config JSON as Keras, with values reproducible bit for bit
// from a 64-bit seed and the sampling algorithm (by default
// "splitmix64-ctr-v2").
//
//	seed := uint64(42)
//	ini, err := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
//	if err != nil { ... }
//	defer ini.Close()
//	w, err := ini.Fill32([]int64{3, 3, 16, 32}) // He normal Conv2D kernel (kh, kw, in, out)
//
// # Algorithms
//
// An Algorithm turns (seed, scale, mode, distribution, axes, shape) into
// values; each is specified bit for bit and kept, bit for bit, for as long
// as the library exists. Since libvariance_scaling 0.2 new handles use
// DefaultAlgorithm, SplitMix64CtrV2 ("splitmix64-ctr-v2"): a counter-based
// generator, so every element is computed independently, with SIMD kernels.
// Its float32, binary16 and bfloat16 fills share one binary32 stream (the
// 16-bit values are the float32 values rounded), and Fill64 has its own
// binary64 stream: a float32 value is not the float64 value rounded.
//
// The 0.1 algorithm, PCG64BlockV1 ("pcg64-block-v1"), stays available. A
// program that needs 0.1's bits (checkpoints, tests pinned to old values)
// derives a handle for it; the new handle must be closed too, and the
// original stays usable:
//
//	v1, err := ini.WithAlgorithm(variancescaling.PCG64BlockV1)
//	if err != nil { ... }
//	defer v1.Close()
//	w, err := v1.Fill32([]int64{3, 3, 16, 32}) // the values of 0.1
//
// With PCG64BlockV1 every type is the float64 value rounded, as in 0.1.
// Initializer.Algorithm tells a handle's algorithm. The config JSON does not
// carry it (it is not a Keras key): keep it next to the JSON when a run must
// be reproduced.
//
// ISA names the SIMD kernel the fills run on ("portable", "avx2" or
// "avx512"); the environment variable VS_MAX_ISA=portable|avx2|avx512,
// set before the first fill, caps it. Every kernel gives the same bits.
//
// # Shards
//
// FillRange32 (and the other FillRange methods) fill a range of the
// row-major flattened tensor; FillSlice32 (FillSlice32Into, FillSlice64,
// FillSlice64Into, FillSliceFloat16BitsInto, FillSliceBFloat16BitsInto)
// fill an N-d box [start, start+extent) of it, such as the columns a
// tensor-parallel rank owns. Fans come from the whole shape, and each shard
// is bit-identical to the same elements of the whole fill, so the shards of
// one tensor can be filled on any goroutines, processes or machines.
//
// # Integrators: layouts, fills by fans, seeds per tensor
//
// A Layout (LayoutInOut, LayoutOutIn, LayoutOutSpatialIn) says where a
// weight keeps its input and output dimensions: Keras (..., in, out),
// PyTorch/ONNX (out, in, spatial...), TFLite (out, spatial..., in).
// ComputeFansLayout gives its fans, ComputeFansAxes those of explicit axes,
// and Initializer.WithLayout a handle whose fills use them.
//
// FillFans32 (FillFans64, FillFansFloat16Bits, FillFansBFloat16Bits) fill
// the elements [offset, offset+len(dst)) of a tensor with known fans in one
// call, without a handle: the bits of FillRange32 of a handle with the
// same config and seed, under the default algorithm, for any shape with
// those fans. Parts filled at their offsets on any goroutines give the bits
// of one call. DeriveSeed and DeriveSeedName give each tensor of a model its
// own seed (docs/seeds.md); DeriveSeedName refuses a name containing a NUL
// byte (StatusInvalidConfig), which the C function cannot take, rather
// than hash a truncated name.
//
//	seed, err := variancescaling.DeriveSeedName(base, "fc.weight")
//	fanIn, fanOut, err := variancescaling.ComputeFansLayout([]int64{10, 784}, variancescaling.LayoutOutIn)
//	w := make([]float32, 10*784)
//	err = variancescaling.FillFans32(1, variancescaling.FanAvg, variancescaling.Uniform, seed, fanIn, fanOut, 0, w)
//
// WithSeed, WithFreshSeed, WithAxes, WithLayout and WithMaxThreads (like
// WithAlgorithm) return a new Initializer that differs in one setting; close
// it too. Info and Axes tell what a handle is; Description, DescribeFans and
// DescribeShape report what a fill uses, with ValueStddev, the standard
// deviation of the values produced.
//
// # Linking
//
// The package uses cgo and takes its flags from pkg-config
// (#cgo pkg-config: variance_scaling), like other cgo packages over a C
// library; CGO_CFLAGS and CGO_LDFLAGS are not needed. An installed library
// is found through its variance_scaling.pc, in a prefix pkg-config searches
// or in PKG_CONFIG_PATH=<prefix>/lib/pkgconfig; a CMake build tree through
// the variance_scaling-uninstalled.pc CMake writes into it:
//
//	PKG_CONFIG_PATH=$REPO/build/default go test -count=1 ./...
//
// The build tag vs_static links the static library instead
// (go build -tags vs_static), so the program needs no .so at run time.
// A header of another ABI major than this package's (VS_ABI_MAJOR 0) stops
// the build with an #error. (Earlier versions read CGO_CFLAGS/CGO_LDFLAGS
// by default and had a tag vs_pkgconfig; see README.md in this directory.)
//
// # Errors
//
// Every error is an *Error carrying the library's Status and its message,
// read in the same cgo call that failed (the library keeps the message per
// OS thread, and a goroutine may move between threads). Test the kind with
// errors.Is(err, StatusInvalidShape), or errors.Is(err, ErrClosed) for a
// closed Initializer.
//
// # Concurrency and memory
//
// An Initializer is immutable: any number of goroutines may use one at once.
// Close releases it (idempotent; a finalizer releases a forgotten one). Go
// slices are passed to the library for the duration of a call only; it
// keeps no pointer.
package variancescaling
