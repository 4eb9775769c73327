package variancescaling

// The C helpers (vsgo_create, vsgo_fill, ...) are in vsgo.c, declared in
// vsgo.h; the flags come from pkg-config (link.go, link_static.go).

// #include "vsgo.h"
import "C"

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Mode says how n is derived from the fans (vs_mode). The numbers are the
// C ABI's and never change within a major version.
type Mode uint32

const (
	FanIn  Mode = 0 // n = fan_in (VS_MODE_FAN_IN)
	FanOut Mode = 1 // n = fan_out (VS_MODE_FAN_OUT)
	FanAvg Mode = 2 // n = (fan_in + fan_out) / 2, a real-valued mean (VS_MODE_FAN_AVG)
)

// String returns the Keras name: "fan_in", "fan_out" or "fan_avg".
func (m Mode) String() string {
	switch m {
	case FanIn:
		return "fan_in"
	case FanOut:
		return "fan_out"
	case FanAvg:
		return "fan_avg"
	}
	return "Mode(" + uitoa(uint64(m)) + ")"
}

// Distribution is the distribution values are drawn from (vs_distribution).
// The numbers are the C ABI's and never change within a major version.
type Distribution uint32

const (
	// Normal with stddev sqrt(scale/n)/0.87962566103423978, values with
	// |x| >= 2 stddev re-drawn (VS_DISTRIBUTION_TRUNCATED_NORMAL).
	TruncatedNormal Distribution = 0
	// Normal with stddev sqrt(scale/n) (VS_DISTRIBUTION_UNTRUNCATED_NORMAL).
	UntruncatedNormal Distribution = 1
	// Uniform on [-limit, limit), limit = sqrt(3*scale/n) (VS_DISTRIBUTION_UNIFORM).
	Uniform Distribution = 2
)

// String returns the Keras name: "truncated_normal", "untruncated_normal"
// or "uniform".
func (d Distribution) String() string {
	switch d {
	case TruncatedNormal:
		return "truncated_normal"
	case UntruncatedNormal:
		return "untruncated_normal"
	case Uniform:
		return "uniform"
	}
	return "Distribution(" + uitoa(uint64(d)) + ")"
}

// Algorithm is a sampling algorithm (vs_algorithm_id): how a seed becomes
// values. Each algorithm has a name and version (String), is specified bit
// for bit in the library's docs, and is kept, bit for bit, for as long as
// the library exists. The numbers are the C ABI's.
//
// New handles use DefaultAlgorithm; WithAlgorithm derives a handle for
// another one, for example PCG64BlockV1 to get the bits of
// libvariance_scaling 0.1.
type Algorithm uint32

const (
	// PCG64BlockV1 is "pcg64-block-v1" (docs/algorithm.md of the library),
	// the only algorithm of libvariance_scaling 0.1: one PCG64 stream per
	// block of BlockLen elements, ziggurat normals; float32, binary16 and
	// bfloat16 values are the float64 values rounded
	// (VS_ALGORITHM_PCG64_BLOCK_V1). Select it to keep 0.1's bits.
	PCG64BlockV1 Algorithm = 1
	// SplitMix64CtrV2 is "splitmix64-ctr-v2" (docs/algorithm-v2.md), the
	// default since 0.2: SplitMix64 in counter mode, inverse-CDF truncated
	// normals and Box-Muller normals, with SIMD kernels chosen at run time
	// (ISA). float32, binary16 and bfloat16 share one binary32 stream (the
	// 16-bit values are the float32 values rounded); float64 has its own
	// binary64 stream (VS_ALGORITHM_SPLITMIX64_CTR_V2).
	SplitMix64CtrV2 Algorithm = 2

	// DefaultAlgorithm is the algorithm New, NewWithAxes and FromConfigJSON
	// give a handle (VS_ALGORITHM_DEFAULT of the header this package was
	// compiled against): SplitMix64CtrV2.
	DefaultAlgorithm = SplitMix64CtrV2
)

// String returns the algorithm's name and version from the library
// (vs_algorithm_name), such as "pcg64-block-v1" or "splitmix64-ctr-v2", or
// "Algorithm(N)" for a number no algorithm has.
func (a Algorithm) String() string {
	if n := C.vs_algorithm_name(C.uint32_t(a)); n != nil {
		return C.GoString(n)
	}
	return "Algorithm(" + uitoa(uint64(a)) + ")"
}

// Compile-time checks that the Go numbers are the header's.
func _() {
	var x [1]struct{}
	_ = x[FanIn-C.VS_MODE_FAN_IN]
	_ = x[FanOut-C.VS_MODE_FAN_OUT]
	_ = x[FanAvg-C.VS_MODE_FAN_AVG]
	_ = x[TruncatedNormal-C.VS_DISTRIBUTION_TRUNCATED_NORMAL]
	_ = x[UntruncatedNormal-C.VS_DISTRIBUTION_UNTRUNCATED_NORMAL]
	_ = x[Uniform-C.VS_DISTRIBUTION_UNIFORM]
	_ = x[StatusOK-C.VS_OK]
	_ = x[StatusNullArgument-C.VS_ERR_NULL_ARGUMENT]
	_ = x[StatusInvalidScale-C.VS_ERR_INVALID_SCALE]
	_ = x[StatusInvalidMode-C.VS_ERR_INVALID_MODE]
	_ = x[StatusInvalidDistribution-C.VS_ERR_INVALID_DISTRIBUTION]
	_ = x[StatusInvalidDtype-C.VS_ERR_INVALID_DTYPE]
	_ = x[StatusInvalidShape-C.VS_ERR_INVALID_SHAPE]
	_ = x[StatusBufferSize-C.VS_ERR_BUFFER_SIZE]
	_ = x[StatusInvalidConfig-C.VS_ERR_INVALID_CONFIG]
	_ = x[StatusInternal-C.VS_ERR_INTERNAL]
	_ = x[StatusInvalidAlgorithm-C.VS_ERR_INVALID_ALGORITHM]
	_ = x[PCG64BlockV1-C.VS_ALGORITHM_PCG64_BLOCK_V1]
	_ = x[SplitMix64CtrV2-C.VS_ALGORITHM_SPLITMIX64_CTR_V2]
	_ = x[DefaultAlgorithm-C.VS_ALGORITHM_DEFAULT]
	_ = x[BlockLen-C.VS_BLOCK_LEN]
}

// BlockLen is the number of elements per block of PCG64BlockV1
// (VS_BLOCK_LEN): with that algorithm a range fill costs at most one block
// of discarded draws (a slice fill one block per contiguous run of its
// box). SplitMix64CtrV2, the default, has no blocks: a range or slice fill
// computes only its own elements.
const BlockLen = 1024

// Params is what a fill of a shape uses, as Describe reports it (vs_params).
type Params struct {
	FanIn  int64   // fan-in of the shape (default rule or input axes)
	FanOut int64   // fan-out of the shape (default rule or output axes)
	N      float64 // max(1, fan_in | fan_out | (fan_in+fan_out)/2) by mode
	Stddev float64 // stddev of the underlying normal; 0 for uniform
	Limit  float64 // largest possible |value|; +Inf for untruncated normal
}

// Initializer is a VarianceScaling initializer: scale, mode, distribution,
// 64-bit seed, optional fan axes and sampling algorithm, held by a library
// handle. It is immutable; WithAlgorithm derives a new one for another
// algorithm.
//
// Its methods may be called from any number of goroutines at once. Close
// releases the handle (a finalizer does it too, for a forgotten Close);
// afterwards every method but Seed, Algorithm and Close returns an error
// that matches ErrClosed. Close waits for calls in progress on other
// goroutines.
type Initializer struct {
	mu   sync.RWMutex // read-held during every library call; Close write-locks
	h    *C.vs_initializer
	seed uint64
	alg  Algorithm
}

// Elements of the fills (the kind numbers of vsgo_fill).
const (
	kindF32  C.int = C.VSGO_F32
	kindF64  C.int = C.VSGO_F64
	kindF16  C.int = C.VSGO_F16
	kindBF16 C.int = C.VSGO_BF16
)

// New returns an initializer with the default fan rule and the default
// algorithm (DefaultAlgorithm; WithAlgorithm derives another). seed points
// to the 64-bit seed, or is nil for an unseeded initializer, whose seed is
// drawn from the operating system once, now (Seed tells it; the config JSON
// says "seed":null); the values are then the same on every call. Errors:
// StatusInvalidScale (scale not finite and > 0), StatusInvalidMode,
// StatusInvalidDistribution, StatusInternal (no OS entropy).
func New(scale float64, mode Mode, distribution Distribution, seed *uint64) (*Initializer, error) {
	return create("New", scale, mode, distribution, seed, nil, nil)
}

// NewWithAxes is New with explicit fan axes (Keras 3 input_axes /
// output_axes): fan_in is the product of shape[a] over a in inputAxes,
// fan_out likewise over outputAxes; negative axes count from the end of the
// shape; an axis may be listed twice (it is multiplied in twice).
//
// A nil slice means "no list", a non-nil empty slice an empty list (fan 1).
// Both nil is the default fan rule (as New); exactly one nil is
// StatusInvalidConfig. An axis out of range for a shape is reported by the
// fill or Describe (StatusInvalidShape). The slices are copied.
//
// Example: a PyTorch conv weight [out, in, kh, kw] gets PyTorch's fans with
// inputAxes = {1, 2, 3}, outputAxes = {0, 2, 3}.
func NewWithAxes(scale float64, mode Mode, distribution Distribution, seed *uint64,
	inputAxes, outputAxes []int64) (*Initializer, error) {
	return create("NewWithAxes", scale, mode, distribution, seed, inputAxes, outputAxes)
}

func create(op string, scale float64, mode Mode, distribution Distribution, seed *uint64,
	inputAxes, outputAxes []int64) (*Initializer, error) {
	var (
		hasSeed C.int
		seedVal C.uint64_t
		h       *C.vs_initializer
		got     C.uint64_t
		alg     C.uint32_t
		msg     *C.char
	)
	if seed != nil {
		hasSeed, seedVal = 1, C.uint64_t(*seed)
	}
	st := C.vsgo_create(C.double(scale), C.uint32_t(mode), C.uint32_t(distribution),
		hasSeed, seedVal,
		boolInt(inputAxes != nil), int64Ptr(inputAxes), C.size_t(len(inputAxes)),
		boolInt(outputAxes != nil), int64Ptr(outputAxes), C.size_t(len(outputAxes)),
		&h, &got, &alg, &msg)
	runtime.KeepAlive(inputAxes)
	runtime.KeepAlive(outputAxes)
	if err := newError(op, st, msg); err != nil {
		return nil, err
	}
	return wrap(h, uint64(got), Algorithm(alg)), nil
}

// FromConfigJSON returns an initializer from Keras JSON: a config object as
// Keras 3's VarianceScaling.get_config() writes it (missing keys take Keras's
// defaults), a serialized initializer ({"class_name": "HeNormal", "config":
// {...}, ...}; VarianceScaling, GlorotNormal, GlorotUniform, HeNormal,
// HeUniform, LecunNormal, LecunUniform), or a JSON string naming one of them
// ("he_normal", unseeded). The handle has the default algorithm
// (DefaultAlgorithm): the algorithm is not a Keras key, so keep it next to
// the JSON when a run must be reproduced with another one (WithAlgorithm).
// Errors: StatusInvalidConfig (malformed JSON,
// unknown key or class, bad seed, a NUL byte in json, ...),
// StatusInvalidScale, StatusInvalidMode, StatusInvalidDistribution,
// StatusInvalidDtype.
func FromConfigJSON(json string) (*Initializer, error) {
	if i := strings.IndexByte(json, 0); i >= 0 {
		return nil, &Error{Op: "FromConfigJSON", Status: StatusInvalidConfig,
			Message: "json contains a NUL byte at offset " + uitoa(uint64(i))}
	}
	cjson := C.CString(json)
	defer C.free(unsafe.Pointer(cjson))
	var (
		h   *C.vs_initializer
		got C.uint64_t
		alg C.uint32_t
		msg *C.char
	)
	st := C.vsgo_from_json(cjson, &h, &got, &alg, &msg)
	if err := newError("FromConfigJSON", st, msg); err != nil {
		return nil, err
	}
	return wrap(h, uint64(got), Algorithm(alg)), nil
}

// WithAlgorithm returns a new Initializer equal to in (config, seed, fan
// axes) but for the sampling algorithm a. The caller owns it and must Close
// it; in is not changed and stays usable, and closing either does not
// affect the other. With PCG64BlockV1 the fills give the bits of
// libvariance_scaling 0.1:
//
//	v1, err := ini.WithAlgorithm(variancescaling.PCG64BlockV1)
//	if err != nil { ... }
//	defer v1.Close()
//
// The new handle's ConfigJSON is the same (the algorithm is not a Keras
// key). Errors: StatusInvalidAlgorithm (a number no algorithm has),
// ErrClosed (in is closed or nil), StatusInternal.
func (in *Initializer) WithAlgorithm(a Algorithm) (*Initializer, error) {
	h, err := in.acquire("WithAlgorithm")
	if err != nil {
		return nil, err
	}
	defer in.release()
	var (
		nh  *C.vs_initializer
		got C.uint64_t
		alg C.uint32_t
		msg *C.char
	)
	st := C.vsgo_with_algorithm(h, C.uint32_t(a), &nh, &got, &alg, &msg)
	if err := newError("WithAlgorithm", st, msg); err != nil {
		return nil, err
	}
	return wrap(nh, uint64(got), Algorithm(alg)), nil
}

func wrap(h *C.vs_initializer, seed uint64, alg Algorithm) *Initializer {
	in := &Initializer{h: h, seed: seed, alg: alg}
	runtime.SetFinalizer(in, (*Initializer).Close)
	return in
}

// Close releases the library handle. It is idempotent, safe to call from any
// goroutine, waits for calls in progress, and always returns nil.
func (in *Initializer) Close() error {
	if in == nil {
		return nil
	}
	in.mu.Lock()
	if in.h != nil {
		C.vs_destroy(in.h)
		in.h = nil
	}
	in.mu.Unlock()
	runtime.SetFinalizer(in, nil)
	return nil
}

// acquire read-locks the handle for one library call; release undoes it.
func (in *Initializer) acquire(op string) (*C.vs_initializer, error) {
	if in == nil {
		return nil, closedError(op)
	}
	in.mu.RLock()
	if in.h == nil {
		in.mu.RUnlock()
		return nil, closedError(op)
	}
	return in.h, nil
}

func (in *Initializer) release() {
	in.mu.RUnlock()
	// the handle must not be finalized while the library uses it
	runtime.KeepAlive(in)
}

// Seed returns the 64-bit seed: the configured one, or for an unseeded
// initializer the one drawn at creation (pass it to New to reproduce the
// values). It works after Close too (0 for a nil *Initializer).
func (in *Initializer) Seed() uint64 {
	if in == nil {
		return 0
	}
	return in.seed
}

// Algorithm returns the handle's sampling algorithm (vs_get_algorithm, read
// once at creation): DefaultAlgorithm unless the handle was made by
// WithAlgorithm. It works after Close too (0 for a nil *Initializer).
func (in *Initializer) Algorithm() Algorithm {
	if in == nil {
		return 0
	}
	return in.alg
}

// ConfigJSON returns the config as Keras 3's get_config() JSON, exactly
// {"seed":S,"scale":X,"mode":M,"distribution":D,"input_axes":A,"output_axes":B}
// (compact, in that order; seed is null for an unseeded initializer).
// FromConfigJSON and Keras's VarianceScaling.from_config accept it.
func (in *Initializer) ConfigJSON() (string, error) {
	h, err := in.acquire("ConfigJSON")
	if err != nil {
		return "", err
	}
	defer in.release()
	var (
		json *C.char
		n    C.size_t
		msg  *C.char
	)
	st := C.vsgo_config_json(h, &json, &n, &msg)
	if err := newError("ConfigJSON", st, msg); err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(json))
	return C.GoStringN(json, C.int(n)), nil
}

// Describe reports what a fill of shape would use, without drawing: fans,
// n, the stddev of the underlying normal (0 for uniform) and the largest
// |value| (+Inf for untruncated normal). Errors: StatusInvalidShape
// (negative dimension, overflow, axis out of range), StatusInvalidScale
// (uniform whose limit overflows for this shape).
func (in *Initializer) Describe(shape []int64) (Params, error) {
	h, err := in.acquire("Describe")
	if err != nil {
		return Params{}, err
	}
	defer in.release()
	var (
		p   C.struct_vs_params
		msg *C.char
	)
	st := C.vsgo_describe(h, int64Ptr(shape), C.size_t(len(shape)), &p, &msg)
	runtime.KeepAlive(shape)
	if err := newError("Describe", st, msg); err != nil {
		return Params{}, err
	}
	return Params{
		FanIn:  int64(p.fan_in),
		FanOut: int64(p.fan_out),
		N:      float64(p.n),
		Stddev: float64(p.stddev),
		Limit:  float64(p.limit),
	}, nil
}

// Fill32 returns a new row-major tensor of shape (TensorFlow/Keras layout
// (..., in, out) for the default fan rule) as float32 values. The values
// are a pure function of (seed, scale, mode, distribution, axes, shape) and
// the handle's Algorithm: the same bits on every call, machine, SIMD kernel
// (ISA), thread count and release. A nil or empty shape is a scalar (one
// element); a zero dimension gives an empty, non-nil slice. Errors:
// StatusInvalidShape, StatusInvalidScale (uniform whose limit overflows),
// StatusInternal.
func (in *Initializer) Fill32(shape []int64) ([]float32, error) {
	return fillNew[float32](in, "Fill32", kindF32, shape)
}

// Fill32Into fills dst, whose length must be the element count of shape
// (StatusBufferSize otherwise), as Fill32 does. On error dst is untouched.
func (in *Initializer) Fill32Into(shape []int64, dst []float32) error {
	return fillInto(in, "Fill32Into", kindF32, shape, dst)
}

// FillRange32 fills dst with the elements [offset, offset+len(dst)) of the
// row-major flattened tensor shape, bit-identical to the same elements of
// Fill32: fans come from the whole shape, so shards of one tensor can be
// filled separately, in any order, on any goroutine. A range past the end is
// StatusBufferSize. On error dst is untouched.
func (in *Initializer) FillRange32(shape []int64, offset uint64, dst []float32) error {
	return fillRange(in, "FillRange32", kindF32, shape, offset, dst)
}

// Fill64 is Fill32 with float64 values. With SplitMix64CtrV2 (the default)
// float64 has its own binary64 stream, independent of the float32 values;
// with PCG64BlockV1 it is the stream every other type is rounded from (each
// Fill32 value is then the Fill64 value rounded to nearest-even).
func (in *Initializer) Fill64(shape []int64) ([]float64, error) {
	return fillNew[float64](in, "Fill64", kindF64, shape)
}

// Fill64Into is Fill32Into with float64 values.
func (in *Initializer) Fill64Into(shape []int64, dst []float64) error {
	return fillInto(in, "Fill64Into", kindF64, shape, dst)
}

// FillRange64 is FillRange32 with float64 values.
func (in *Initializer) FillRange64(shape []int64, offset uint64, dst []float64) error {
	return fillRange(in, "FillRange64", kindF64, shape, offset, dst)
}

// FillFloat16BitsInto fills dst with IEEE-754 binary16 values given as raw
// bits: each is the Fill32 value rounded to nearest-even (subnormals kept,
// overflow to infinity), as numpy's astype(float16) gives. Otherwise as
// Fill32Into.
func (in *Initializer) FillFloat16BitsInto(shape []int64, dst []uint16) error {
	return fillInto(in, "FillFloat16BitsInto", kindF16, shape, dst)
}

// FillRangeFloat16Bits is FillRange32 with binary16 bits.
func (in *Initializer) FillRangeFloat16Bits(shape []int64, offset uint64, dst []uint16) error {
	return fillRange(in, "FillRangeFloat16Bits", kindF16, shape, offset, dst)
}

// FillBFloat16BitsInto fills dst with bfloat16 values given as raw bits (the
// upper 16 bits of a binary32): each is the Fill32 value rounded to
// nearest-even. Otherwise as Fill32Into.
func (in *Initializer) FillBFloat16BitsInto(shape []int64, dst []uint16) error {
	return fillInto(in, "FillBFloat16BitsInto", kindBF16, shape, dst)
}

// FillRangeBFloat16Bits is FillRange32 with bfloat16 bits.
func (in *Initializer) FillRangeBFloat16Bits(shape []int64, offset uint64, dst []uint16) error {
	return fillRange(in, "FillRangeBFloat16Bits", kindBF16, shape, offset, dst)
}

// FillSlice32 returns the row-major box [start, start+extent) of the tensor
// shape (a tensor-parallel or pipeline-parallel shard) as a new slice of
// float32 values: element j is the box's j-th element in row-major order
// inside the box, bit-identical to the same element of Fill32(shape). Fans
// come from the whole shape, so any partition of a tensor into boxes,
// filled on any goroutines, processes or machines, gives the whole fill's
// bits. With SplitMix64CtrV2 (the default) only the box's elements are
// computed.
//
// start and extent have one entry per dimension of shape (all three nil or
// empty for a scalar, whose box is the scalar); an extent with a 0 is an
// empty box (an empty, non-nil slice). Errors: StatusInvalidShape (the
// shape as in Fill32; start or extent of another length than shape; a
// negative start or extent; start+extent beyond a dimension),
// StatusBufferSize (a box too large for one Go slice), StatusInvalidScale,
// StatusInternal.
func (in *Initializer) FillSlice32(shape, start, extent []int64) ([]float32, error) {
	return fillSliceNew[float32](in, "FillSlice32", kindF32, shape, start, extent)
}

// FillSlice32Into fills dst, whose length must be the element count of the
// box (the product of extent; StatusBufferSize otherwise), as FillSlice32
// does. On error dst is untouched.
func (in *Initializer) FillSlice32Into(shape, start, extent []int64, dst []float32) error {
	return fillSliceInto(in, "FillSlice32Into", kindF32, shape, start, extent, dst)
}

// FillSlice64 is FillSlice32 with float64 values (boxes of Fill64).
func (in *Initializer) FillSlice64(shape, start, extent []int64) ([]float64, error) {
	return fillSliceNew[float64](in, "FillSlice64", kindF64, shape, start, extent)
}

// FillSlice64Into is FillSlice32Into with float64 values.
func (in *Initializer) FillSlice64Into(shape, start, extent []int64, dst []float64) error {
	return fillSliceInto(in, "FillSlice64Into", kindF64, shape, start, extent, dst)
}

// FillSliceFloat16BitsInto is FillSlice32Into with binary16 bits (boxes of
// FillFloat16BitsInto).
func (in *Initializer) FillSliceFloat16BitsInto(shape, start, extent []int64, dst []uint16) error {
	return fillSliceInto(in, "FillSliceFloat16BitsInto", kindF16, shape, start, extent, dst)
}

// FillSliceBFloat16BitsInto is FillSlice32Into with bfloat16 bits (boxes of
// FillBFloat16BitsInto).
func (in *Initializer) FillSliceBFloat16BitsInto(shape, start, extent []int64, dst []uint16) error {
	return fillSliceInto(in, "FillSliceBFloat16BitsInto", kindBF16, shape, start, extent, dst)
}

type element interface {
	float32 | float64 | uint16
}

func fillNew[T element](in *Initializer, op string, kind C.int, shape []int64) ([]T, error) {
	var zero T
	count, ok := elementCount(shape)
	if ok && count > int64(math.MaxInt)/int64(unsafe.Sizeof(zero)) {
		return nil, &Error{Op: op, Status: StatusBufferSize,
			Message: "the tensor (" + uitoa(uint64(count)) + " elements) is too large for one Go slice; fill it in ranges"}
	}
	if !ok {
		// an invalid shape: the library reports it, with its message
		if err := fillInto[T](in, op, kind, shape, nil); err != nil {
			return nil, err
		}
		return nil, &Error{Op: op, Status: StatusInvalidShape, Message: "invalid shape"}
	}
	dst := make([]T, count)
	if err := fillInto(in, op, kind, shape, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

func fillInto[T element](in *Initializer, op string, kind C.int, shape []int64, dst []T) error {
	h, err := in.acquire(op)
	if err != nil {
		return err
	}
	defer in.release()
	var msg *C.char
	st := C.vsgo_fill(kind, h, int64Ptr(shape), C.size_t(len(shape)),
		slicePtr(dst), C.size_t(len(dst)), &msg)
	runtime.KeepAlive(shape)
	runtime.KeepAlive(dst)
	return newError(op, st, msg)
}

func fillSliceNew[T element](in *Initializer, op string, kind C.int, shape, start, extent []int64) ([]T, error) {
	var zero T
	count, ok := elementCount(extent)
	if !ok || count > int64(math.MaxInt)/int64(unsafe.Sizeof(zero)) {
		// The library reports an invalid shape or box (a negative extent,
		// a box outside the tensor: every box beyond MaxInt64 elements is
		// one), with its message; a valid box gets StatusBufferSize for
		// the empty dst.
		err := fillSliceInto[T](in, op, kind, shape, start, extent, nil)
		if err != nil && !(ok && errors.Is(err, StatusBufferSize)) {
			return nil, err
		}
		if !ok {
			return nil, &Error{Op: op, Status: StatusInvalidShape, Message: "invalid box"}
		}
		return nil, &Error{Op: op, Status: StatusBufferSize,
			Message: "the box (" + uitoa(uint64(count)) + " elements) is too large for one Go slice; fill it in smaller boxes"}
	}
	dst := make([]T, count)
	if err := fillSliceInto(in, op, kind, shape, start, extent, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

func fillSliceInto[T element](in *Initializer, op string, kind C.int, shape, start, extent []int64, dst []T) error {
	// The library reads len(shape) entries of start and extent.
	if len(start) != len(shape) || len(extent) != len(shape) {
		return &Error{Op: op, Status: StatusInvalidShape,
			Message: "start and extent must have one entry per dimension of shape; received: len(shape)=" +
				uitoa(uint64(len(shape))) + ", len(start)=" + uitoa(uint64(len(start))) +
				", len(extent)=" + uitoa(uint64(len(extent)))}
	}
	h, err := in.acquire(op)
	if err != nil {
		return err
	}
	defer in.release()
	var msg *C.char
	st := C.vsgo_fill_slice(kind, h, int64Ptr(shape), C.size_t(len(shape)),
		int64Ptr(start), int64Ptr(extent), slicePtr(dst), C.size_t(len(dst)), &msg)
	runtime.KeepAlive(shape)
	runtime.KeepAlive(start)
	runtime.KeepAlive(extent)
	runtime.KeepAlive(dst)
	return newError(op, st, msg)
}

func fillRange[T element](in *Initializer, op string, kind C.int, shape []int64, offset uint64, dst []T) error {
	h, err := in.acquire(op)
	if err != nil {
		return err
	}
	defer in.release()
	var msg *C.char
	st := C.vsgo_fill_range(kind, h, int64Ptr(shape), C.size_t(len(shape)),
		C.uint64_t(offset), slicePtr(dst), C.size_t(len(dst)), &msg)
	runtime.KeepAlive(shape)
	runtime.KeepAlive(dst)
	return newError(op, st, msg)
}

// ComputeFans applies the default TensorFlow/Keras fan rule to shape (layout
// (..., in, out)): rank 0 gives (1, 1); rank 1 (d0, d0); rank 2 (d0, d1);
// higher ranks multiply the last two by the product of the others. Errors:
// StatusInvalidShape (negative dimension, a count or fan beyond MaxInt64).
func ComputeFans(shape []int64) (fanIn, fanOut int64, err error) {
	var (
		fi, fo C.int64_t
		msg    *C.char
	)
	st := C.vsgo_compute_fans(int64Ptr(shape), C.size_t(len(shape)), &fi, &fo, &msg)
	runtime.KeepAlive(shape)
	if err := newError("ComputeFans", st, msg); err != nil {
		return 0, 0, err
	}
	return int64(fi), int64(fo), nil
}

// SetMaxThreads caps, process-wide, how many threads one fill may use:
// 0 = as many as the machine has cores (the default), 1 = only the calling
// thread, n = at most n. It never changes the values.
func SetMaxThreads(n uint32) {
	C.vs_set_max_threads(C.uint32_t(n))
}

// Version returns the library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.vs_version()) }

// DefaultAlgorithmName returns the name and version of the algorithm the
// linked library gives new handles (vs_algorithm): "splitmix64-ctr-v2"
// (docs/algorithm-v2.md of the library), the same text as
// DefaultAlgorithm.String(). (Before 0.2 this was the function Algorithm,
// which is now the type.)
func DefaultAlgorithmName() string { return C.GoString(C.vs_algorithm()) }

// ISA returns the name of the SIMD kernel the fills of SplitMix64CtrV2 run
// on (vs_isa): "portable" (scalar, any CPU), "avx2" (x86-64 with AVX2, FMA
// and F16C) or "avx512" (AVX-512 F and DQ). The library chooses it once,
// at the first call of ISA or of a fill: the widest the CPU runs, capped by
// the environment variable VS_MAX_ISA=portable|avx2|avx512 when it is set
// to one of those names (other values are ignored; set it before the
// process starts or before the first fill). Every kernel gives the same
// bits; only the speed differs.
func ISA() string { return C.GoString(C.vs_isa()) }

// headerVersion is the VS_VERSION_STRING of the header this package was
// compiled against.
func headerVersion() string { return C.GoString(C.vsgo_header_version()) }

// statusText is vs_status_str: a static description of a status number.
func statusText(s Status) string { return C.GoString(C.vs_status_str(C.int32_t(s))) }

// newError turns a helper's status and copied message into an error (nil
// for VS_OK), freeing the message.
func newError(op string, st C.int32_t, msg *C.char) error {
	if st == 0 {
		return nil
	}
	e := &Error{Op: op, Status: Status(st)}
	if msg != nil {
		e.Message = C.GoString(msg)
		C.free(unsafe.Pointer(msg))
	}
	return e
}

// elementCount is the product of the dimensions; ok is false for a negative
// dimension or a count beyond MaxInt64 (a zero dimension makes it 0 first).
func elementCount(shape []int64) (count int64, ok bool) {
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
	}
	for _, d := range shape {
		if d == 0 {
			return 0, true
		}
	}
	count = 1
	for _, d := range shape {
		if count > math.MaxInt64/d {
			return 0, false
		}
		count *= d
	}
	return count, true
}

// int64Ptr is &s[0], or NULL for an empty slice (the library reads no
// element then). Slices of plain numbers hold no Go pointers, so cgo allows
// passing them; the library keeps no pointer after the call.
func int64Ptr(s []int64) *C.int64_t {
	if len(s) == 0 {
		return nil
	}
	return (*C.int64_t)(unsafe.Pointer(&s[0]))
}

func slicePtr[T element](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
