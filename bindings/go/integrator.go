package variancescaling

// The integrator API of libvariance_scaling 0.2: layouts and their fan
// rules, fills by fans without a handle, seed derivation, derived handles
// (seed, axes, layout, thread cap), Info and Axes, and the Description
// family.

// #include "vsgo.h"
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// Layout says where a weight tensor keeps its input and output dimensions,
// which decides its fans (vs_layout). With rf the product of the spatial
// dimensions (1 for rank 2), a tensor of rank >= 2 has:
//
//	layout                                fan_in              fan_out
//	LayoutInOut         (..., in, out)    shape[rank-2] * rf  shape[rank-1] * rf
//	LayoutOutIn         (out, in, ...)    shape[1] * rf       shape[0] * rf
//	LayoutOutSpatialIn  (out, ..., in)    shape[rank-1] * rf  shape[0] * rf
//
// Rank 0 has the fans (1, 1) and rank 1 (d0, d0) in every layout. The
// numbers are the C ABI's and never change within a major version; any
// other number is StatusInvalidLayout.
type Layout uint32

const (
	// LayoutInOut is (..., in, out): Keras, TensorFlow, JAX/Flax; Keras's
	// default fan rule, the rule of handles made without axes or layout
	// (VS_LAYOUT_IN_OUT).
	LayoutInOut Layout = 0
	// LayoutOutIn is (out, in, spatial...): PyTorch, ONNX, Caffe, Darknet,
	// MXNet, cuDNN/oneDNN OIHW, a ggml/llama.cpp matrix read row-major
	// (VS_LAYOUT_OUT_IN).
	LayoutOutIn Layout = 1
	// LayoutOutSpatialIn is (out, spatial..., in): TFLite, cuDNN NHWC
	// filters, oneDNN OHWI (VS_LAYOUT_OUT_SPATIAL_IN).
	LayoutOutSpatialIn Layout = 2
)

// String returns "in_out", "out_in" or "out_spatial_in" (the C constant's
// name without VS_LAYOUT_, in lower case), or "Layout(N)" for a number no
// layout has.
func (l Layout) String() string {
	switch l {
	case LayoutInOut:
		return "in_out"
	case LayoutOutIn:
		return "out_in"
	case LayoutOutSpatialIn:
		return "out_spatial_in"
	}
	return "Layout(" + uitoa(uint64(l)) + ")"
}

// Compile-time checks that the Go numbers are the header's.
func _() {
	var x [1]struct{}
	_ = x[LayoutInOut-C.VS_LAYOUT_IN_OUT]
	_ = x[LayoutOutIn-C.VS_LAYOUT_OUT_IN]
	_ = x[LayoutOutSpatialIn-C.VS_LAYOUT_OUT_SPATIAL_IN]
	_ = x[StatusInvalidLayout-C.VS_ERR_INVALID_LAYOUT]
}

// ComputeFansLayout returns the fans of shape stored in layout (see Layout):
// for a PyTorch/ONNX weight (out, in, kh, kw), LayoutOutIn gives
// fanIn = in*kh*kw, fanOut = out*kh*kw. LayoutInOut gives ComputeFans's
// result (vs_compute_fans_layout). Errors: StatusInvalidLayout,
// StatusInvalidShape (negative dimension, a count or fan beyond MaxInt64).
func ComputeFansLayout(shape []int64, layout Layout) (fanIn, fanOut int64, err error) {
	var (
		fi, fo C.int64_t
		msg    *C.char
	)
	st := C.vsgo_compute_fans_layout(int64Ptr(shape), C.size_t(len(shape)), C.uint32_t(layout),
		&fi, &fo, &msg)
	runtime.KeepAlive(shape)
	if err := newError("ComputeFansLayout", st, msg); err != nil {
		return 0, 0, err
	}
	return int64(fi), int64(fo), nil
}

// ComputeFansAxes returns the fans of shape under explicit axes, as Keras 3
// computes them from input_axes / output_axes and as a handle made by
// NewWithAxes or WithAxes does (vs_compute_fans_axes): fanIn is the product
// of shape[a] over a in inputAxes, fanOut likewise over outputAxes;
// negative axes count from the end; an axis listed twice is multiplied in
// twice. As in NewWithAxes, a nil slice is "no list" and a non-nil empty
// slice an empty list (fan 1); both nil is the default rule (ComputeFans).
// Errors: StatusInvalidConfig (exactly one of the lists nil),
// StatusInvalidShape (the shape as in ComputeFans, or an axis out of range
// for it).
func ComputeFansAxes(shape, inputAxes, outputAxes []int64) (fanIn, fanOut int64, err error) {
	var (
		fi, fo C.int64_t
		msg    *C.char
	)
	st := C.vsgo_compute_fans_axes(int64Ptr(shape), C.size_t(len(shape)),
		boolInt(inputAxes != nil), int64Ptr(inputAxes), C.size_t(len(inputAxes)),
		boolInt(outputAxes != nil), int64Ptr(outputAxes), C.size_t(len(outputAxes)),
		&fi, &fo, &msg)
	runtime.KeepAlive(shape)
	runtime.KeepAlive(inputAxes)
	runtime.KeepAlive(outputAxes)
	if err := newError("ComputeFansAxes", st, msg); err != nil {
		return 0, 0, err
	}
	return int64(fi), int64(fo), nil
}

// FillFans32 fills dst with the elements [offset, offset+len(dst)) of a
// weight tensor whose fans are (fanIn, fanOut), as float32 values, in one
// call and without a handle: for a layer constructor that knows its fans
// (vs_fill_fans_f32). dst[j] is bit for bit what FillRange32 (or Fill32)
// of a handle made by New(scale, mode, distribution, &seed) gives at
// element offset+j of any tensor whose fans are these, under the default
// algorithm (SplitMix64CtrV2): an element's value depends on the seed, the
// config, the fans and its index only, not on the rest of the shape. For
// PCG64BlockV1's values (0.1's), fill through a handle made by
// WithAlgorithm with FillRange32 on the tensor's shape.
//
// Give each tensor its own seed (DeriveSeed, DeriveSeedName): two tensors
// with one seed and equal fans get equal values. Filling a tensor in parts
// at their offsets, on any goroutines, gives the same bits as one call; a
// fill of at least 2 x 131072 elements uses up to SetMaxThreads threads of
// the library (an engine with its own goroutine pool gives each worker its
// own part and may call SetMaxThreads(1)).
//
// Errors: StatusInvalidScale (scale not finite and > 0, or a uniform limit
// that overflows), StatusInvalidMode, StatusInvalidDistribution,
// StatusInvalidShape (a negative fan), StatusBufferSize (offset+len(dst)
// beyond MaxInt64, the largest element count a tensor can have),
// StatusInternal. The arguments are checked also when dst is empty. On
// error dst is untouched.
func FillFans32(scale float64, mode Mode, distribution Distribution, seed uint64,
	fanIn, fanOut int64, offset uint64, dst []float32) error {
	return fillFans("FillFans32", C.VSGO_F32, scale, mode, distribution, seed, fanIn, fanOut, offset, dst)
}

// FillFans64 is FillFans32 with float64 values (those of Fill64 and
// FillRange64).
func FillFans64(scale float64, mode Mode, distribution Distribution, seed uint64,
	fanIn, fanOut int64, offset uint64, dst []float64) error {
	return fillFans("FillFans64", C.VSGO_F64, scale, mode, distribution, seed, fanIn, fanOut, offset, dst)
}

// FillFansFloat16Bits is FillFans32 with binary16 bits (those of
// FillFloat16BitsInto and FillRangeFloat16Bits: each the float32 value
// rounded to nearest-even).
func FillFansFloat16Bits(scale float64, mode Mode, distribution Distribution, seed uint64,
	fanIn, fanOut int64, offset uint64, dst []uint16) error {
	return fillFans("FillFansFloat16Bits", C.VSGO_F16, scale, mode, distribution, seed, fanIn, fanOut, offset, dst)
}

// FillFansBFloat16Bits is FillFans32 with bfloat16 bits (those of
// FillBFloat16BitsInto and FillRangeBFloat16Bits).
func FillFansBFloat16Bits(scale float64, mode Mode, distribution Distribution, seed uint64,
	fanIn, fanOut int64, offset uint64, dst []uint16) error {
	return fillFans("FillFansBFloat16Bits", C.VSGO_BF16, scale, mode, distribution, seed, fanIn, fanOut, offset, dst)
}

func fillFans[T element](op string, kind C.int, scale float64, mode Mode, distribution Distribution,
	seed uint64, fanIn, fanOut int64, offset uint64, dst []T) error {
	var msg *C.char
	st := C.vsgo_fill_fans(kind, C.double(scale), C.uint32_t(mode), C.uint32_t(distribution),
		C.uint64_t(seed), C.int64_t(fanIn), C.int64_t(fanOut), C.uint64_t(offset),
		slicePtr(dst), C.size_t(len(dst)), &msg)
	runtime.KeepAlive(dst)
	return newError(op, st, msg)
}

// DeriveSeed returns the seed of tensor number index of a model seeded with
// base (vs_derive_seed): a hash of both, specified bit for bit in the
// library's docs/seeds.md, so that neighbouring bases and neighbouring
// indices give unrelated seeds, and for one base distinct indices always
// give distinct seeds. Use it instead of base+index, with which the models
// of seeds 1 and 2 share all but one tensor's values. Pure; never fails.
func DeriveSeed(base, index uint64) uint64 {
	return uint64(C.vs_derive_seed(C.uint64_t(base), C.uint64_t(index)))
}

// DeriveSeedName returns the seed of the tensor called name (for example
// "layers.3.attn.q_proj.weight") of a model seeded with base
// (vs_derive_seed_name): a hash of base and the name's bytes (any bytes,
// UTF-8 or not), specified bit for bit in the library's docs/seeds.md.
// Names survive reordering and insertion of layers, indices do not; the
// library's vs-init tool seeds tensors by name with this rule.
//
// The C function reads a name up to its first NUL byte, so a name that
// contains a NUL byte cannot be passed to it: DeriveSeedName returns an
// *Error with StatusInvalidConfig for such a name (naming the byte's
// offset) and seed 0, rather than hash a truncated name. (docs/seeds.md
// defines the seed of such names too, but the C API cannot compute it.)
// Every other name succeeds, so a name known to be NUL-free needs no error
// check.
func DeriveSeedName(base uint64, name string) (uint64, error) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		return 0, &Error{Op: "DeriveSeedName", Status: StatusInvalidConfig,
			Message: "name contains a NUL byte at offset " + uitoa(uint64(i)) +
				"; vs_derive_seed_name reads a name up to its NUL and cannot take it"}
	}
	// name plus a NUL, in Go memory (no pointers in it, so cgo may pass it)
	b := make([]byte, len(name)+1)
	copy(b, name)
	seed := C.vs_derive_seed_name(C.uint64_t(base), (*C.char)(unsafe.Pointer(&b[0])))
	runtime.KeepAlive(b)
	return uint64(seed), nil
}

// derived runs one vs_with_* helper on in's handle (read-locked) and wraps
// the new handle.
func (in *Initializer) derived(op string,
	call func(h *C.vs_initializer, out **C.vs_initializer, seed *C.uint64_t, alg *C.uint32_t, msg **C.char) C.int32_t,
) (*Initializer, error) {
	h, err := in.acquire(op)
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
	st := call(h, &nh, &got, &alg, &msg)
	if err := newError(op, st, msg); err != nil {
		return nil, err
	}
	return wrap(nh, uint64(got), Algorithm(alg)), nil
}

// WithSeed returns a new Initializer equal to in (config, fan rule,
// algorithm, thread cap) but for the seed (vs_with_seed). The caller owns
// it and must Close it; in is not changed and stays usable, and closing
// either does not affect the other. To give each tensor of a model its own
// seed, derive them with DeriveSeed or DeriveSeedName:
//
//	t, err := ini.WithSeed(variancescaling.DeriveSeed(base, k))
//	if err != nil { ... }
//	defer t.Close()
//
// Errors: ErrClosed (in is closed or nil), StatusInternal.
func (in *Initializer) WithSeed(seed uint64) (*Initializer, error) {
	return in.derived("WithSeed", func(h *C.vs_initializer, out **C.vs_initializer, s *C.uint64_t, a *C.uint32_t, msg **C.char) C.int32_t {
		return C.vsgo_with_seed(h, 1, C.uint64_t(seed), out, s, a, msg)
	})
}

// WithFreshSeed is WithSeed with a fresh seed drawn from the operating
// system now (vs_with_seed with NULL): the new Initializer is unseeded, as
// New with a nil seed makes one (its ConfigJSON says "seed":null; Seed
// tells the seed drawn; Info().Seeded is false). Errors: ErrClosed,
// StatusInternal (no OS entropy).
func (in *Initializer) WithFreshSeed() (*Initializer, error) {
	return in.derived("WithFreshSeed", func(h *C.vs_initializer, out **C.vs_initializer, s *C.uint64_t, a *C.uint32_t, msg **C.char) C.int32_t {
		return C.vsgo_with_seed(h, 0, 0, out, s, a, msg)
	})
}

// WithAxes returns a new Initializer equal to in but for the fan axes
// (Keras 3 input_axes / output_axes, as in NewWithAxes; vs_with_axes). The
// axes replace any axes or layout in had; seed, algorithm and thread cap
// are kept. A nil slice is "no list", a non-nil empty slice an empty list
// (fan 1); both nil give Keras's default fan rule. The slices are copied.
// An axis out of range for a shape is reported by the fill or Description
// (StatusInvalidShape). The caller owns the new handle and must Close it.
// Errors: StatusInvalidConfig (exactly one of the lists nil), ErrClosed,
// StatusInternal.
func (in *Initializer) WithAxes(inputAxes, outputAxes []int64) (*Initializer, error) {
	return in.derived("WithAxes", func(h *C.vs_initializer, out **C.vs_initializer, s *C.uint64_t, a *C.uint32_t, msg **C.char) C.int32_t {
		st := C.vsgo_with_axes(h,
			boolInt(inputAxes != nil), int64Ptr(inputAxes), C.size_t(len(inputAxes)),
			boolInt(outputAxes != nil), int64Ptr(outputAxes), C.size_t(len(outputAxes)),
			out, s, a, msg)
		runtime.KeepAlive(inputAxes)
		runtime.KeepAlive(outputAxes)
		return st
	})
}

// WithLayout returns a new Initializer equal to in but whose fills take
// their fans from layout (vs_with_layout), so that a weight stored as, say,
// PyTorch's (out, in, kh, kw) needs no axes arithmetic: LayoutOutIn. The
// layout replaces any axes in had (LayoutInOut is Keras's default rule);
// seed, algorithm and thread cap are kept. The caller owns the new handle
// and must Close it.
//
// A layout is not a Keras setting: the new handle's ConfigJSON says
// "input_axes":null,"output_axes":null, which Keras (and FromConfigJSON)
// read as the default (..., in, out) rule. Keep the layout beside the JSON,
// or use WithAxes with the layout's axes for the tensor's rank, which the
// JSON carries. Errors: StatusInvalidLayout, ErrClosed, StatusInternal.
func (in *Initializer) WithLayout(layout Layout) (*Initializer, error) {
	return in.derived("WithLayout", func(h *C.vs_initializer, out **C.vs_initializer, s *C.uint64_t, a *C.uint32_t, msg **C.char) C.int32_t {
		return C.vsgo_with_layout(h, C.uint32_t(layout), out, s, a, msg)
	})
}

// WithMaxThreads returns a new Initializer equal to in but whose fills use
// at most n threads of the library (vs_with_max_threads): 0 = no cap of its
// own (only SetMaxThreads's process-wide cap applies, the default), 1 =
// never start a thread (the calling goroutine's thread does all the work:
// for engines that run fills on their own goroutine pool), n = at most n,
// and never more than the process-wide cap or the cores. It never changes
// the values. The caller owns the new handle and must Close it. Errors:
// ErrClosed, StatusInternal.
func (in *Initializer) WithMaxThreads(n uint32) (*Initializer, error) {
	return in.derived("WithMaxThreads", func(h *C.vs_initializer, out **C.vs_initializer, s *C.uint64_t, a *C.uint32_t, msg **C.char) C.int32_t {
		return C.vsgo_with_max_threads(h, C.uint32_t(n), out, s, a, msg)
	})
}

// Info is what a handle is, as Info reports it (vs_info).
type Info struct {
	Scale        float64      // the scale factor (> 0)
	Mode         Mode         // how n follows from the fans
	Distribution Distribution // the distribution
	// Seed is the seed in use: the configured one, or the one drawn from
	// the OS for an unseeded handle (as Initializer.Seed).
	Seed uint64
	// Seeded is true when the seed was given (New with a seed, the JSON's
	// "seed", WithSeed), false when it was drawn from the OS (New with nil,
	// WithFreshSeed).
	Seeded    bool
	Algorithm Algorithm // the sampling algorithm (as Initializer.Algorithm)
	// HasAxes is true when the fans come from explicit axes (Axes gives
	// them; Layout is then LayoutInOut and unused), false when they come
	// from Layout.
	HasAxes bool
	// Layout is the fan rule's layout: LayoutInOut (Keras's default)
	// unless set by WithLayout.
	Layout        Layout
	NumInputAxes  int    // length of the input axes list (0 without axes)
	NumOutputAxes int    // length of the output axes list (0 without axes)
	MaxThreads    uint32 // the handle's thread cap (WithMaxThreads; 0: none)
}

// Info reports what the handle is: scale, mode, distribution, seed (and
// whether it was given), algorithm, fan rule (axes or layout, and the
// axes' lengths) and thread cap (vs_get_info, called with this package's
// sizeof(vs_info); should the linked library be older and know fewer
// members, the others are zero). Errors: ErrClosed.
func (in *Initializer) Info() (Info, error) {
	h, err := in.acquire("Info")
	if err != nil {
		return Info{}, err
	}
	defer in.release()
	return info(h, "Info")
}

func info(h *C.vs_initializer, op string) (Info, error) {
	var (
		ci  C.vs_info
		msg *C.char
	)
	st := C.vsgo_get_info(h, &ci, &msg)
	if err := newError(op, st, msg); err != nil {
		return Info{}, err
	}
	return Info{
		Scale:         float64(ci.scale),
		Mode:          Mode(ci.mode),
		Distribution:  Distribution(ci.distribution),
		Seed:          uint64(ci.seed),
		Seeded:        ci.seeded != 0,
		Algorithm:     Algorithm(ci.algorithm),
		HasAxes:       ci.has_axes != 0,
		Layout:        Layout(ci.layout),
		NumInputAxes:  int(ci.n_input_axes),
		NumOutputAxes: int(ci.n_output_axes),
		MaxThreads:    uint32(ci.max_threads),
	}, nil
}

// Axes returns the handle's explicit fan axes (vs_get_axes), as NewWithAxes
// or WithAxes took them: nil, nil for a handle without axes (the default
// rule or a layout; Info().HasAxes is false), and non-nil slices, possibly
// empty, for a handle with axes, so that "no axes" and two empty lists are
// told apart. The slices are the caller's. Errors: ErrClosed.
func (in *Initializer) Axes() (inputAxes, outputAxes []int64, err error) {
	h, err := in.acquire("Axes")
	if err != nil {
		return nil, nil, err
	}
	defer in.release()
	inf, err := info(h, "Axes")
	if err != nil || !inf.HasAxes {
		return nil, nil, err
	}
	// a handle is immutable: the lengths Info gave are the lists' lengths
	inputAxes = make([]int64, inf.NumInputAxes)
	outputAxes = make([]int64, inf.NumOutputAxes)
	var (
		nIn, nOut C.size_t
		msg       *C.char
	)
	st := C.vsgo_get_axes(h, int64Ptr(inputAxes), C.size_t(len(inputAxes)),
		int64Ptr(outputAxes), C.size_t(len(outputAxes)), &nIn, &nOut, &msg)
	runtime.KeepAlive(inputAxes)
	runtime.KeepAlive(outputAxes)
	if err := newError("Axes", st, msg); err != nil {
		return nil, nil, err
	}
	return inputAxes[:nIn], outputAxes[:nOut], nil
}

// Description is what a fill uses, with the standard deviation of the
// values it produces (vs_description), as Initializer.Description,
// DescribeFans and DescribeShape report it.
type Description struct {
	FanIn  int64   // fan-in
	FanOut int64   // fan-out
	N      float64 // max(1, fan_in | fan_out | (fan_in+fan_out)/2) by mode
	// Stddev is the stddev of the underlying normal, as Params.Stddev:
	// sqrt(scale/n)/0.87962566103423978 (truncated), sqrt(scale/n)
	// (untruncated), 0 (uniform).
	Stddev float64
	// Limit is the largest possible |value|, as Params.Limit: 2*Stddev
	// (truncated, exclusive), sqrt(3*scale/n) (uniform, exclusive before
	// rounding to the output type), +Inf (untruncated).
	Limit float64
	// ValueStddev is the standard deviation of the values a fill produces
	// (of the distribution, before rounding to the output type):
	// sqrt(scale/n) for every distribution; for the truncated normal that
	// is Stddev*0.87962566103423978, for the uniform Limit/sqrt(3).
	// Compare a filled tensor's measured standard deviation with this.
	ValueStddev float64
}

func description(d *C.vs_description) Description {
	return Description{
		FanIn:       int64(d.fan_in),
		FanOut:      int64(d.fan_out),
		N:           float64(d.n),
		Stddev:      float64(d.stddev),
		Limit:       float64(d.limit),
		ValueStddev: float64(d.value_stddev),
	}
}

// Description reports what a fill of shape with this handle uses, without
// drawing, with the standard deviation of the produced values
// (vs_describe_ex): Describe's Params plus ValueStddev. Errors:
// StatusInvalidShape (negative dimension, overflow, axis out of range),
// StatusInvalidScale (uniform whose limit overflows for this shape),
// ErrClosed.
func (in *Initializer) Description(shape []int64) (Description, error) {
	h, err := in.acquire("Description")
	if err != nil {
		return Description{}, err
	}
	defer in.release()
	var (
		d   C.vs_description
		msg *C.char
	)
	st := C.vsgo_describe_ex(h, int64Ptr(shape), C.size_t(len(shape)), &d, &msg)
	runtime.KeepAlive(shape)
	if err := newError("Description", st, msg); err != nil {
		return Description{}, err
	}
	return description(&d), nil
}

// DescribeFans reports what a fill with fans (fanIn, fanOut) uses, without
// a handle and without drawing (vs_describe_fans): exactly what a handle
// with this scale, mode and distribution reports for any shape with these
// fans, and what FillFans32 and the other FillFans functions use. Errors:
// StatusInvalidScale (also a uniform limit that overflows),
// StatusInvalidMode, StatusInvalidDistribution, StatusInvalidShape (a
// negative fan).
func DescribeFans(scale float64, mode Mode, distribution Distribution, fanIn, fanOut int64) (Description, error) {
	var (
		d   C.vs_description
		msg *C.char
	)
	st := C.vsgo_describe_fans(C.double(scale), C.uint32_t(mode), C.uint32_t(distribution),
		C.int64_t(fanIn), C.int64_t(fanOut), &d, &msg)
	if err := newError("DescribeFans", st, msg); err != nil {
		return Description{}, err
	}
	return description(&d), nil
}

// DescribeShape reports what a fill of shape, stored in layout, uses,
// without a handle (vs_describe_shape): the fans of ComputeFansLayout, then
// as DescribeFans. Errors: those of DescribeFans, StatusInvalidLayout,
// StatusInvalidShape (the shape as in ComputeFansLayout).
func DescribeShape(scale float64, mode Mode, distribution Distribution, shape []int64, layout Layout) (Description, error) {
	var (
		d   C.vs_description
		msg *C.char
	)
	st := C.vsgo_describe_shape(C.double(scale), C.uint32_t(mode), C.uint32_t(distribution),
		int64Ptr(shape), C.size_t(len(shape)), C.uint32_t(layout), &d, &msg)
	runtime.KeepAlive(shape)
	if err := newError("DescribeShape", st, msg); err != nil {
		return Description{}, err
	}
	return description(&d), nil
}
