package variancescaling

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Tests of the integrator API: layouts, ComputeFansLayout/Axes, FillFans*,
// DeriveSeed/DeriveSeedName, WithSeed/WithFreshSeed/WithAxes/WithLayout/
// WithMaxThreads, Info, Axes, Description/DescribeFans/DescribeShape.

const sentinel16 = 0xdead

func sentinels16(n int) []uint16 {
	s := make([]uint16, n)
	for i := range s {
		s[i] = sentinel16
	}
	return s
}

func untouched16(t *testing.T, what string, s []uint16) {
	t.Helper()
	for i, v := range s {
		if v != sentinel16 {
			t.Fatalf("%s: dst[%d] was written (%#04x)", what, i, v)
		}
	}
}

func equal16(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// derive runs mk (a With* call), checks its result and closes the new
// handle at the end of the test.
func derive(t *testing.T, what string, mk func() (*Initializer, error)) *Initializer {
	t.Helper()
	d, err := mk()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if d == nil {
		t.Fatalf("%s: no handle and no error", what)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func mustInfo(t *testing.T, in *Initializer) Info {
	t.Helper()
	inf, err := in.Info()
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	return inf
}

func mustDescription(t *testing.T, in *Initializer, shape []int64) Description {
	t.Helper()
	d, err := in.Description(shape)
	if err != nil {
		t.Fatalf("Description(%v): %v", shape, err)
	}
	return d
}

// layoutAxes returns the explicit axes that give layout's fans for a
// tensor of rank rank (the table of Layout).
func layoutAxes(l Layout, rank int) (in, out []int64) {
	switch rank {
	case 0:
		return []int64{}, []int64{}
	case 1:
		return []int64{0}, []int64{0}
	}
	var inAx, outAx int64
	var spatial []int64
	switch l {
	case LayoutInOut:
		inAx, outAx = int64(rank-2), int64(rank-1)
		for a := 0; a < rank-2; a++ {
			spatial = append(spatial, int64(a))
		}
	case LayoutOutIn:
		inAx, outAx = 1, 0
		for a := 2; a < rank; a++ {
			spatial = append(spatial, int64(a))
		}
	case LayoutOutSpatialIn:
		inAx, outAx = int64(rank-1), 0
		for a := 1; a < rank-1; a++ {
			spatial = append(spatial, int64(a))
		}
	default:
		panic("layoutAxes: unknown layout")
	}
	return append([]int64{inAx}, spatial...), append([]int64{outAx}, spatial...)
}

var allLayouts = []Layout{LayoutInOut, LayoutOutIn, LayoutOutSpatialIn}

func TestComputeFansLayout(t *testing.T) {
	for _, c := range []struct {
		shape             []int64
		layout            Layout
		fanIn, fanOut     int64
		sameForAllLayouts bool
		comment           string
	}{
		{nil, LayoutOutIn, 1, 1, true, "scalar"},
		{[]int64{}, LayoutOutSpatialIn, 1, 1, true, "scalar"},
		{[]int64{5}, LayoutOutIn, 5, 5, true, "rank 1"},
		{[]int64{784, 10}, LayoutInOut, 784, 10, false, "Keras Dense (in, out)"},
		{[]int64{10, 784}, LayoutOutIn, 784, 10, false, "torch Linear (out, in)"},
		{[]int64{10, 784}, LayoutOutSpatialIn, 784, 10, false, "rank 2: in is last"},
		{[]int64{3, 3, 16, 32}, LayoutInOut, 144, 288, false, "Keras Conv2D (kh, kw, in, out)"},
		{[]int64{32, 16, 3, 3}, LayoutOutIn, 144, 288, false, "torch Conv2d (out, in, kh, kw)"},
		{[]int64{32, 3, 3, 16}, LayoutOutSpatialIn, 144, 288, false, "TFLite (out, kh, kw, in)"},
		{[]int64{64, 32, 3, 3}, LayoutOutIn, 288, 576, false, "torch"},
		{[]int64{2, 3, 5, 7, 11}, LayoutOutIn, 3 * 5 * 7 * 11, 2 * 5 * 7 * 11, false, "rank 5 OIDHW"},
		{[]int64{2, 3, 5, 7, 11}, LayoutOutSpatialIn, 11 * 3 * 5 * 7, 2 * 3 * 5 * 7, false, "rank 5 ODHWI"},
		{[]int64{0, 16, 3, 3}, LayoutOutIn, 144, 0, false, "zero dimension"},
	} {
		fi, fo, err := ComputeFansLayout(c.shape, c.layout)
		if err != nil || fi != c.fanIn || fo != c.fanOut {
			t.Errorf("%s: ComputeFansLayout(%v, %v) = %d, %d, %v; want %d, %d",
				c.comment, c.shape, c.layout, fi, fo, err, c.fanIn, c.fanOut)
		}
		if c.sameForAllLayouts {
			for _, l := range allLayouts {
				if fi2, fo2, err := ComputeFansLayout(c.shape, l); err != nil || fi2 != fi || fo2 != fo {
					t.Errorf("%s: %v gives %d, %d, %v", c.comment, l, fi2, fo2, err)
				}
			}
		}
		// LayoutInOut is ComputeFans's default rule
		fi, fo, err = ComputeFansLayout(c.shape, LayoutInOut)
		dfi, dfo, derr := ComputeFans(c.shape)
		if err != nil || derr != nil || fi != dfi || fo != dfo {
			t.Errorf("%v: LayoutInOut %d, %d, %v; ComputeFans %d, %d, %v", c.shape, fi, fo, err, dfi, dfo, derr)
		}
	}

	// errors
	for _, l := range []Layout{3, 255, math.MaxUint32} {
		fi, fo, err := ComputeFansLayout([]int64{2, 3}, l)
		e := wantStatus(t, err, StatusInvalidLayout, "layout", fmt.Sprint(uint32(l)))
		if e.Op != "ComputeFansLayout" || fi != 0 || fo != 0 {
			t.Errorf("Op %q, fans %d, %d", e.Op, fi, fo)
		}
	}
	_, _, err := ComputeFansLayout([]int64{2, -3}, LayoutOutIn)
	wantStatus(t, err, StatusInvalidShape, "shape[1]", "-3")
	_, _, err = ComputeFansLayout([]int64{1 << 40, 1 << 40, 1 << 40}, LayoutOutSpatialIn)
	wantStatus(t, err, StatusInvalidShape, "1099511627776")
}

func TestComputeFansAxes(t *testing.T) {
	for _, c := range []struct {
		shape, in, out []int64
		fanIn, fanOut  int64
	}{
		{[]int64{64, 32, 3, 3}, []int64{1, 2, 3}, []int64{0, 2, 3}, 288, 576}, // torch conv
		{[]int64{64, 32, 3, 3}, []int64{-3, -2, -1}, []int64{-4, -2, -1}, 288, 576},
		{[]int64{6, 7}, []int64{0, 0}, []int64{1}, 36, 7}, // an axis twice
		{[]int64{6, 7}, []int64{}, []int64{}, 1, 1},       // empty lists
		{nil, []int64{}, []int64{}, 1, 1},
		{[]int64{6, 7}, []int64{}, []int64{0, 1}, 1, 42},
	} {
		fi, fo, err := ComputeFansAxes(c.shape, c.in, c.out)
		if err != nil || fi != c.fanIn || fo != c.fanOut {
			t.Errorf("ComputeFansAxes(%v, %v, %v) = %d, %d, %v; want %d, %d",
				c.shape, c.in, c.out, fi, fo, err, c.fanIn, c.fanOut)
		}
	}
	// both nil: the default rule, for any shape
	for _, shape := range [][]int64{nil, {5}, {784, 10}, {3, 3, 16, 32}, {2, 3, 5, 7, 11}} {
		fi, fo, err := ComputeFansAxes(shape, nil, nil)
		dfi, dfo, _ := ComputeFans(shape)
		if err != nil || fi != dfi || fo != dfo {
			t.Errorf("ComputeFansAxes(%v, nil, nil) = %d, %d, %v; ComputeFans %d, %d", shape, fi, fo, err, dfi, dfo)
		}
	}
	// errors
	for _, c := range []struct {
		shape, in, out []int64
		st             Status
		parts          []string
	}{
		{[]int64{2, 3}, []int64{0}, nil, StatusInvalidConfig, []string{"input_axes", "output_axes", "only one"}},
		{[]int64{2, 3}, nil, []int64{}, StatusInvalidConfig, []string{"input_axes", "output_axes", "only one"}},
		{[]int64{2, 3}, []int64{2}, []int64{0}, StatusInvalidShape, []string{"input_axes[0]", "2", "rank 2"}},
		{[]int64{2, 3}, []int64{0}, []int64{1, -3}, StatusInvalidShape, []string{"output_axes[1]", "-3"}},
		{nil, []int64{0}, []int64{}, StatusInvalidShape, []string{"input_axes[0]"}},
		{[]int64{2, -3}, []int64{0}, []int64{1}, StatusInvalidShape, []string{"shape[1]", "-3"}},
		{[]int64{2, -3}, nil, nil, StatusInvalidShape, []string{"shape[1]", "-3"}},
		{[]int64{1 << 40, 1 << 40}, []int64{0, 1}, []int64{1}, StatusInvalidShape, nil},
	} {
		fi, fo, err := ComputeFansAxes(c.shape, c.in, c.out)
		e := wantStatus(t, err, c.st, c.parts...)
		if e.Op != "ComputeFansAxes" || fi != 0 || fo != 0 {
			t.Errorf("%v %v %v: Op %q, fans %d, %d", c.shape, c.in, c.out, e.Op, fi, fo)
		}
	}
}

// The fills by fans give, at every offset, the bits of the range fills of
// a handle with the same config and seed, for every tensor with those
// fans (the default rule, a layout, axes), in all four types.
func TestFillFansEqualsRangeFill(t *testing.T) {
	type cfg struct {
		scale float64
		mode  Mode
		dist  Distribution
		seed  uint64
	}
	configs := []cfg{
		{2, FanIn, TruncatedNormal, 42},
		{1, FanAvg, Uniform, 7},
		{0.5, FanOut, UntruncatedNormal, math.MaxUint64},
		{3, FanAvg, TruncatedNormal, 0},
	}
	shapes := []struct {
		shape  []int64
		layout Layout
	}{
		{[]int64{3, 3, 16, 32}, LayoutInOut},
		{[]int64{32, 16, 3, 3}, LayoutOutIn},
		{[]int64{32, 3, 3, 16}, LayoutOutSpatialIn},
		{[]int64{1000, 37}, LayoutOutIn},
		{[]int64{4099}, LayoutInOut},
		{nil, LayoutInOut},
	}
	for _, c := range configs {
		base := mustNew(t, c.scale, c.mode, c.dist, u64(c.seed))
		for _, s := range shapes {
			in := derive(t, "WithLayout", func() (*Initializer, error) { return base.WithLayout(s.layout) })
			fi, fo, err := ComputeFansLayout(s.shape, s.layout)
			if err != nil {
				t.Fatal(err)
			}
			count, _ := elementCount(s.shape)
			n := int(count)
			for _, r := range [][2]int{{0, n}, {0, 1}, {1, 5}, {n / 3, n / 2}, {n - 7, 7}, {n - 1, 1}, {n, 0}} {
				off, cnt := r[0], r[1]
				if off < 0 || cnt < 0 || off+cnt > n {
					continue
				}
				what := fmt.Sprintf("%+v shape %v %v [%d, %d)", c, s.shape, s.layout, off, off+cnt)

				want32, got32 := make([]float32, cnt), sentinels32(cnt)
				if err := in.FillRange32(s.shape, uint64(off), want32); err != nil {
					t.Fatal(what, err)
				}
				if err := FillFans32(c.scale, c.mode, c.dist, c.seed, fi, fo, uint64(off), got32); err != nil {
					t.Fatal(what, err)
				}
				if !equal32(got32, want32) {
					t.Fatalf("%s: FillFans32 differs from FillRange32", what)
				}

				want64, got64 := make([]float64, cnt), sentinels64(cnt)
				if err := in.FillRange64(s.shape, uint64(off), want64); err != nil {
					t.Fatal(what, err)
				}
				if err := FillFans64(c.scale, c.mode, c.dist, c.seed, fi, fo, uint64(off), got64); err != nil {
					t.Fatal(what, err)
				}
				if !equal64(got64, want64) {
					t.Fatalf("%s: FillFans64 differs from FillRange64", what)
				}

				for _, k := range []struct {
					name string
					rng  func([]int64, uint64, []uint16) error
					fans func(float64, Mode, Distribution, uint64, int64, int64, uint64, []uint16) error
				}{
					{"Float16", in.FillRangeFloat16Bits, FillFansFloat16Bits},
					{"BFloat16", in.FillRangeBFloat16Bits, FillFansBFloat16Bits},
				} {
					want16, got16 := make([]uint16, cnt), sentinels16(cnt)
					if err := k.rng(s.shape, uint64(off), want16); err != nil {
						t.Fatal(what, err)
					}
					if err := k.fans(c.scale, c.mode, c.dist, c.seed, fi, fo, uint64(off), got16); err != nil {
						t.Fatal(what, err)
					}
					if !equal16(got16, want16) {
						t.Fatalf("%s: FillFans%sBits differs from FillRange%sBits", what, k.name, k.name)
					}
				}
			}
		}
	}

	// far into a huge tensor: shape [2^62] has the fans (2^62, 2^62)
	in := mustNew(t, 1, FanIn, UntruncatedNormal, u64(5))
	for _, off := range []uint64{1 << 61, 1<<62 - 3} {
		want, got := make([]float64, 3), make([]float64, 3)
		if err := in.FillRange64([]int64{1 << 62}, off, want); err != nil {
			t.Fatal(err)
		}
		if err := FillFans64(1, FanIn, UntruncatedNormal, 5, 1<<62, 1<<62, off, got); err != nil {
			t.Fatal(err)
		}
		if !equal64(got, want) {
			t.Fatalf("offset %d of [2^62]: FillFans64 differs", off)
		}
	}
	// the last elements a tensor can have
	if err := FillFans32(1, FanIn, Uniform, 1, 3, 3, math.MaxInt64-2, make([]float32, 2)); err != nil {
		t.Fatal("offset+count == MaxInt64-... :", err)
	}
	if err := FillFans32(1, FanIn, Uniform, 1, 3, 3, math.MaxInt64, nil); err != nil {
		t.Fatal("offset MaxInt64, no element:", err)
	}
}

// Every status the fills by fans return, in all four types, with dst
// untouched and the argument named.
func TestFillFansErrors(t *testing.T) {
	type args struct {
		scale  float64
		mode   Mode
		dist   Distribution
		fi, fo int64
		off    uint64
		n      int
		st     Status
		parts  []string
	}
	for _, c := range []args{
		{math.NaN(), FanIn, Uniform, 2, 3, 0, 4, StatusInvalidScale, []string{"scale", "nan"}},
		{0, FanIn, Uniform, 2, 3, 0, 4, StatusInvalidScale, []string{"scale=0"}},
		{-1, FanIn, Uniform, 2, 3, 0, 4, StatusInvalidScale, []string{"scale=-1"}},
		{math.Inf(1), FanIn, Uniform, 2, 3, 0, 4, StatusInvalidScale, []string{"scale", "inf"}},
		{math.Inf(-1), FanIn, Uniform, 2, 3, 0, 4, StatusInvalidScale, []string{"scale"}},
		{math.MaxFloat64, FanIn, Uniform, 1, 1, 0, 4, StatusInvalidScale, []string{"scale", "overflows"}},
		{1, Mode(3), Uniform, 2, 3, 0, 4, StatusInvalidMode, []string{"mode", "3"}},
		{1, Mode(math.MaxUint32), Uniform, 2, 3, 0, 4, StatusInvalidMode, []string{"mode=4294967295"}},
		{1, FanIn, Distribution(3), 2, 3, 0, 4, StatusInvalidDistribution, []string{"distribution", "3"}},
		{1, FanIn, UntruncatedNormal, -2, 3, 0, 4, StatusInvalidShape, []string{"fan_in", "-2"}},
		{1, FanIn, TruncatedNormal, 2, -3, 0, 4, StatusInvalidShape, []string{"fan_out", "-3"}},
		{1, FanIn, TruncatedNormal, math.MinInt64, 0, 0, 4, StatusInvalidShape, []string{"fan_in"}},
		{1, FanIn, Uniform, 2, 3, math.MaxInt64 - 2, 4, StatusBufferSize, []string{"offset", "9223372036854775805", "4", "INT64_MAX"}},
		{1, FanIn, Uniform, 2, 3, math.MaxUint64, 4, StatusBufferSize, []string{"offset", "18446744073709551615"}},
		{1, FanIn, Uniform, 2, 3, math.MaxInt64 + 1, 0, StatusBufferSize, []string{"offset", "9223372036854775808"}},
		// arguments are checked when dst is empty too
		{-1, FanIn, Uniform, 2, 3, 0, 0, StatusInvalidScale, []string{"scale"}},
		{1, Mode(9), Uniform, 2, 3, 0, 0, StatusInvalidMode, []string{"mode"}},
		{1, FanIn, Uniform, -1, 3, 0, 0, StatusInvalidShape, []string{"fan_in"}},
	} {
		what := fmt.Sprintf("%+v", c)
		d32 := sentinels32(c.n)
		e := wantStatus(t, FillFans32(c.scale, c.mode, c.dist, 1, c.fi, c.fo, c.off, d32), c.st, c.parts...)
		if e.Op != "FillFans32" {
			t.Fatalf("%s: Op %q", what, e.Op)
		}
		untouched32(t, what, d32)
		d64 := sentinels64(c.n)
		e = wantStatus(t, FillFans64(c.scale, c.mode, c.dist, 1, c.fi, c.fo, c.off, d64), c.st, c.parts...)
		if e.Op != "FillFans64" {
			t.Fatalf("%s: Op %q", what, e.Op)
		}
		untouched64(t, what, d64)
		d16 := sentinels16(c.n)
		e = wantStatus(t, FillFansFloat16Bits(c.scale, c.mode, c.dist, 1, c.fi, c.fo, c.off, d16), c.st, c.parts...)
		if e.Op != "FillFansFloat16Bits" {
			t.Fatalf("%s: Op %q", what, e.Op)
		}
		untouched16(t, what, d16)
		e = wantStatus(t, FillFansBFloat16Bits(c.scale, c.mode, c.dist, 1, c.fi, c.fo, c.off, d16), c.st, c.parts...)
		if e.Op != "FillFansBFloat16Bits" {
			t.Fatalf("%s: Op %q", what, e.Op)
		}
		untouched16(t, what, d16)
	}
}

// An engine's goroutine pool fills one tensor in parts, each with FillFans
// at its offset, in any order: the result is the bits of one call (and of
// the handle's whole fill).
func TestFillFansEnginePool(t *testing.T) {
	const (
		scale = 2.0
		mode  = FanIn
		dist  = TruncatedNormal
	)
	shape := []int64{300, 2053} // 615,900 elements: one call uses threads
	fi, fo, err := ComputeFans(shape)
	if err != nil {
		t.Fatal(err)
	}
	seed := DeriveSeed(20261201, 3)
	n := 300 * 2053

	// parts of uneven sizes, handed out in a scrambled order
	type part struct{ off, len int }
	var parts []part
	for off, k := 0, 0; off < n; k++ {
		l := 1 + (k*7919)%40000
		if off+l > n {
			l = n - off
		}
		parts = append(parts, part{off, l})
		off += l
	}
	for i := range parts {
		j := (i * 104729) % len(parts)
		parts[i], parts[j] = parts[j], parts[i]
	}

	run := func(fill func(off, l int) error) {
		t.Helper()
		const workers = 8
		queue := make(chan part)
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range queue {
					if err := fill(p.off, p.len); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for _, p := range parts {
			queue <- p
		}
		close(queue)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}

	ref := mustNew(t, scale, mode, dist, &seed)

	one32 := make([]float32, n)
	if err := FillFans32(scale, mode, dist, seed, fi, fo, 0, one32); err != nil {
		t.Fatal(err)
	}
	whole32, _ := ref.Fill32(shape)
	if !equal32(one32, whole32) {
		t.Fatal("one FillFans32 call differs from the handle's Fill32")
	}
	pool32 := sentinels32(n)
	run(func(off, l int) error {
		return FillFans32(scale, mode, dist, seed, fi, fo, uint64(off), pool32[off:off+l])
	})
	if !equal32(pool32, one32) {
		t.Fatal("float32: the pool's parts differ from one call")
	}

	one64 := make([]float64, n)
	if err := FillFans64(scale, mode, dist, seed, fi, fo, 0, one64); err != nil {
		t.Fatal(err)
	}
	pool64 := sentinels64(n)
	run(func(off, l int) error {
		return FillFans64(scale, mode, dist, seed, fi, fo, uint64(off), pool64[off:off+l])
	})
	if !equal64(pool64, one64) {
		t.Fatal("float64: the pool's parts differ from one call")
	}

	for _, k := range []struct {
		name string
		fans func(float64, Mode, Distribution, uint64, int64, int64, uint64, []uint16) error
	}{{"Float16", FillFansFloat16Bits}, {"BFloat16", FillFansBFloat16Bits}} {
		one := make([]uint16, n)
		if err := k.fans(scale, mode, dist, seed, fi, fo, 0, one); err != nil {
			t.Fatal(err)
		}
		pool := sentinels16(n)
		run(func(off, l int) error {
			return k.fans(scale, mode, dist, seed, fi, fo, uint64(off), pool[off:off+l])
		})
		if !equal16(pool, one) {
			t.Fatalf("%s: the pool's parts differ from one call", k.name)
		}
	}

	// with the library's own threads switched off, as an engine with its
	// own pool may do: the same bits
	defer SetMaxThreads(0)
	SetMaxThreads(1)
	single := make([]float32, n)
	run(func(off, l int) error {
		return FillFans32(scale, mode, dist, seed, fi, fo, uint64(off), single[off:off+l])
	})
	if !equal32(single, one32) {
		t.Fatal("SetMaxThreads(1): the pool's parts differ")
	}
}

// The measured standard deviation of a large fill by fans agrees with
// DescribeFans's ValueStddev within 6 standard errors (the standard error
// of a sample stddev is at most sigma/sqrt(2n) for these distributions,
// whose kurtosis is at most 3).
func TestFillFansValueStddev(t *testing.T) {
	const n = 1 << 20
	for _, c := range []struct {
		scale  float64
		mode   Mode
		dist   Distribution
		fi, fo int64
	}{
		{2, FanIn, TruncatedNormal, 576, 576},
		{1, FanAvg, Uniform, 784, 10},
		{1, FanOut, UntruncatedNormal, 3, 100},
	} {
		d, err := DescribeFans(c.scale, c.mode, c.dist, c.fi, c.fo)
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, n)
		if err := FillFans64(c.scale, c.mode, c.dist, DeriveSeed(1, uint64(c.dist)), c.fi, c.fo, 0, v); err != nil {
			t.Fatal(err)
		}
		var sum, sq float64
		for _, x := range v {
			sum += x
		}
		mean := sum / n
		for _, x := range v {
			sq += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(sq / (n - 1))
		se := d.ValueStddev / math.Sqrt(2*n)
		if math.Abs(sd-d.ValueStddev) > 6*se {
			t.Errorf("%+v: measured stddev %g, ValueStddev %g (6 SE = %g)", c, sd, d.ValueStddev, 6*se)
		}
	}
}

// tests/data/derived_seeds.txt, every line (none has a NUL byte in its
// name, the only names DeriveSeedName refuses).
func TestDeriveSeedGolden(t *testing.T) {
	path := filepath.Join("..", "..", "tests", "data", "derived_seeds.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("derived seeds: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var nIndex, nName, lineNo int
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		tok := strings.Fields(line)
		if len(tok) != 4 {
			t.Fatalf("%s:%d: want 4 fields, got %q", path, lineNo, line)
		}
		base, err := strconv.ParseUint(tok[1], 10, 64)
		if err != nil {
			t.Fatalf("%s:%d: base: %v", path, lineNo, err)
		}
		want, err := strconv.ParseUint(tok[3], 16, 64)
		if err != nil || len(tok[3]) != 16 {
			t.Fatalf("%s:%d: seed %q: %v", path, lineNo, tok[3], err)
		}
		switch tok[0] {
		case "index":
			index, err := strconv.ParseUint(tok[2], 10, 64)
			if err != nil {
				t.Fatalf("%s:%d: index: %v", path, lineNo, err)
			}
			if got := DeriveSeed(base, index); got != want {
				t.Errorf("%s:%d: DeriveSeed(%d, %d) = %016x, want %016x", path, lineNo, base, index, got, want)
			}
			nIndex++
		case "name":
			var name []byte
			if tok[2] != "-" {
				if name, err = hex.DecodeString(tok[2]); err != nil {
					t.Fatalf("%s:%d: name: %v", path, lineNo, err)
				}
			}
			got, err := DeriveSeedName(base, string(name))
			if err != nil {
				t.Fatalf("%s:%d: DeriveSeedName(%d, %q): %v", path, lineNo, base, name, err)
			}
			if got != want {
				t.Errorf("%s:%d: DeriveSeedName(%d, %q) = %016x, want %016x", path, lineNo, base, name, got, want)
			}
			nName++
		default:
			t.Fatalf("%s:%d: unknown kind %q", path, lineNo, tok[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// the file has 42 index and 48 name lines; guard against a truncated read
	if nIndex < 42 || nName < 48 {
		t.Fatalf("only %d index and %d name lines checked", nIndex, nName)
	}
	t.Logf("%d index and %d name seeds checked", nIndex, nName)

	// the table of docs/seeds.md
	for _, c := range []struct{ got, want uint64 }{
		{DeriveSeed(0, 0), 0xbb2162376d7c3497},
		{DeriveSeed(1, 0), 0x9b44c154654503c9},
		{DeriveSeed(1, 1), 0x954d78b5b4455f01},
		{DeriveSeed(2, 0), 0xcdd50bb7fcf2cc9c},
	} {
		if c.got != c.want {
			t.Errorf("got %016x, want %016x", c.got, c.want)
		}
	}
	for _, c := range []struct {
		base uint64
		name string
		want uint64
	}{{0, "", 0x2ee1b74b47cea43b}, {42, "conv1.weight", 0xfec0122b2b113a4c}} {
		if got, err := DeriveSeedName(c.base, c.name); err != nil || got != c.want {
			t.Errorf("DeriveSeedName(%d, %q) = %016x, %v; want %016x", c.base, c.name, got, err, c.want)
		}
	}
}

// A name with a NUL byte is an error, never a truncated name's seed.
func TestDeriveSeedNameNUL(t *testing.T) {
	for _, c := range []struct {
		name string
		at   string
	}{
		{"\x00", "offset 0"},
		{"w\x00", "offset 1"},
		{"conv1\x00.weight", "offset 5"},
		{"a\x00b\x00", "offset 1"},
	} {
		got, err := DeriveSeedName(42, c.name)
		e := wantStatus(t, err, StatusInvalidConfig, "name", "NUL", c.at)
		if e.Op != "DeriveSeedName" || got != 0 {
			t.Errorf("%q: Op %q, seed %016x", c.name, e.Op, got)
		}
	}
	// non-ASCII, non-UTF-8 and long names are fine
	for _, name := range []string{"Gewichte.größe", "\xff\xfe", strings.Repeat("layers.0.", 1000)} {
		if _, err := DeriveSeedName(1, name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
}

// For one base distinct indices give distinct seeds, and neighbouring bases
// share none of their first seeds (docs/seeds.md's properties).
func TestDeriveSeedDistinct(t *testing.T) {
	seen := make(map[uint64]string, 64*1024)
	for base := uint64(0); base < 64; base++ {
		for index := uint64(0); index < 1024; index++ {
			s := DeriveSeed(base, index)
			if prev, dup := seen[s]; dup {
				t.Fatalf("DeriveSeed(%d, %d) = %016x = %s", base, index, s, prev)
			}
			seen[s] = fmt.Sprintf("DeriveSeed(%d, %d)", base, index)
		}
	}
	a, _ := DeriveSeedName(7, "w")
	b, _ := DeriveSeedName(7, "w.")
	c, _ := DeriveSeedName(8, "w")
	if a == b || a == c {
		t.Fatal("names or bases collide")
	}
}

func TestWithSeed(t *testing.T) {
	shape := []int64{40, 33}
	base, err := NewWithAxes(2, FanOut, UntruncatedNormal, u64(1), []int64{1}, []int64{0})
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	v1 := withAlg(t, base, PCG64BlockV1)
	capped := derive(t, "WithMaxThreads", func() (*Initializer, error) { return v1.WithMaxThreads(2) })
	before := mustInfo(t, capped)
	ref, _ := capped.Fill64(shape)

	for _, seed := range []uint64{0, 99, DeriveSeed(1, 2), math.MaxUint64} {
		d := derive(t, "WithSeed", func() (*Initializer, error) { return capped.WithSeed(seed) })
		if d == capped || d.Seed() != seed {
			t.Fatalf("WithSeed(%d): same handle %v, Seed %d", seed, d == capped, d.Seed())
		}
		// everything but the seed is kept
		want := before
		want.Seed, want.Seeded = seed, true
		if got := mustInfo(t, d); got != want {
			t.Fatalf("WithSeed(%d): Info %+v, want %+v", seed, got, want)
		}
		// the values of a handle made with that seed
		fresh, err := NewWithAxes(2, FanOut, UntruncatedNormal, &seed, []int64{1}, []int64{0})
		if err != nil {
			t.Fatal(err)
		}
		fresh1 := withAlg(t, fresh, PCG64BlockV1)
		fresh.Close()
		a, err1 := d.Fill64(shape)
		b, err2 := fresh1.Fill64(shape)
		if err1 != nil || err2 != nil || !equal64(a, b) {
			t.Fatalf("WithSeed(%d) differs from NewWithAxes with that seed (%v, %v)", seed, err1, err2)
		}
	}
	// the receiver is unchanged
	if got, _ := capped.Fill64(shape); !equal64(got, ref) || mustInfo(t, capped) != before {
		t.Fatal("the receiver changed")
	}
	js, _ := capped.WithSeed(5)
	defer js.Close()
	if j, _ := js.ConfigJSON(); !strings.HasPrefix(j, `{"seed":5,`) {
		t.Fatalf("ConfigJSON of WithSeed(5): %s", j)
	}

	// independent Close, both ways
	d, err := capped.WithSeed(3)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if got, err := capped.Fill64(shape); err != nil || !equal64(got, ref) {
		t.Fatal("closing the derived handle affected the receiver", err)
	}
	tmp, _ := New(1, FanIn, Uniform, u64(8))
	d2, err := tmp.WithSeed(9)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	tmp.Close()
	if _, err := d2.Fill32([]int64{4}); err != nil || d2.Seed() != 9 {
		t.Fatal("the derived handle after closing its receiver:", err)
	}
}

func TestWithFreshSeed(t *testing.T) {
	base := mustNew(t, 1, FanAvg, Uniform, u64(11))
	lay := derive(t, "WithLayout", func() (*Initializer, error) { return base.WithLayout(LayoutOutIn) })
	a := derive(t, "WithFreshSeed", func() (*Initializer, error) { return lay.WithFreshSeed() })
	b := derive(t, "WithFreshSeed", func() (*Initializer, error) { return lay.WithFreshSeed() })
	if a.Seed() == b.Seed() || a.Seed() == 11 {
		t.Fatalf("fresh seeds %d and %d (receiver 11)", a.Seed(), b.Seed())
	}
	ia := mustInfo(t, a)
	want := mustInfo(t, lay)
	want.Seed, want.Seeded = a.Seed(), false
	if ia != want {
		t.Fatalf("Info %+v, want %+v", ia, want)
	}
	if j, _ := a.ConfigJSON(); !strings.HasPrefix(j, `{"seed":null,`) {
		t.Fatalf("ConfigJSON of an unseeded handle: %s", j)
	}
	// the seed it tells reproduces the values
	shape := []int64{32, 16, 3, 3}
	r := derive(t, "WithSeed", func() (*Initializer, error) { return lay.WithSeed(a.Seed()) })
	x, _ := a.Fill32(shape)
	y, _ := r.Fill32(shape)
	if !equal32(x, y) {
		t.Fatal("WithSeed(Seed()) of an unseeded handle gives other values")
	}
	// and WithSeed makes an unseeded handle seeded again
	if !mustInfo(t, r).Seeded {
		t.Fatal("WithSeed gave an unseeded handle")
	}
}

func TestWithAxes(t *testing.T) {
	shape := []int64{64, 32, 3, 3}
	base := mustNew(t, 2, FanIn, TruncatedNormal, u64(21))
	lay := derive(t, "WithLayout", func() (*Initializer, error) { return base.WithLayout(LayoutOutSpatialIn) })

	inAx, outAx := []int64{1, 2, 3}, []int64{0, 2, 3}
	ax := derive(t, "WithAxes", func() (*Initializer, error) { return lay.WithAxes(inAx, outAx) })
	inAx[0], outAx[0] = 3, 3 // the slices were copied
	ref, err := NewWithAxes(2, FanIn, TruncatedNormal, u64(21), []int64{1, 2, 3}, []int64{0, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	a, _ := ax.Fill32(shape)
	b, _ := ref.Fill32(shape)
	if !equal32(a, b) {
		t.Fatal("WithAxes differs from NewWithAxes")
	}
	inf := mustInfo(t, ax)
	if !inf.HasAxes || inf.Layout != LayoutInOut || inf.NumInputAxes != 3 || inf.NumOutputAxes != 3 ||
		inf.Seed != 21 || !inf.Seeded || inf.Algorithm != DefaultAlgorithm {
		t.Fatalf("Info of a WithAxes handle (the axes replace the layout): %+v", inf)
	}
	gi, go_, err := ax.Axes()
	if err != nil || !reflect.DeepEqual(gi, []int64{1, 2, 3}) || !reflect.DeepEqual(go_, []int64{0, 2, 3}) {
		t.Fatalf("Axes() = %v, %v, %v", gi, go_, err)
	}
	if j, _ := ax.ConfigJSON(); !strings.Contains(j, `"input_axes":[1,2,3],"output_axes":[0,2,3]`) {
		t.Fatalf("ConfigJSON: %s", j)
	}

	// empty lists: axes, with fan 1 each; Axes gives non-nil empty slices
	em := derive(t, "WithAxes(empty)", func() (*Initializer, error) { return base.WithAxes([]int64{}, []int64{}) })
	if inf := mustInfo(t, em); !inf.HasAxes || inf.NumInputAxes != 0 || inf.NumOutputAxes != 0 {
		t.Fatalf("Info of empty lists: %+v", inf)
	}
	ei, eo, err := em.Axes()
	if err != nil || ei == nil || eo == nil || len(ei) != 0 || len(eo) != 0 {
		t.Fatalf("Axes() of empty lists = %#v, %#v, %v", ei, eo, err)
	}
	if d := mustDescription(t, em, shape); d.FanIn != 1 || d.FanOut != 1 {
		t.Fatalf("empty lists: fans %d, %d", d.FanIn, d.FanOut)
	}

	// both nil: back to Keras's default rule, no axes
	def := derive(t, "WithAxes(nil, nil)", func() (*Initializer, error) { return ax.WithAxes(nil, nil) })
	if inf := mustInfo(t, def); inf.HasAxes || inf.Layout != LayoutInOut {
		t.Fatalf("Info after WithAxes(nil, nil): %+v", inf)
	}
	if di, do, err := def.Axes(); di != nil || do != nil || err != nil {
		t.Fatalf("Axes() without axes = %#v, %#v, %v", di, do, err)
	}
	x, _ := def.Fill32(shape)
	y, _ := base.Fill32(shape)
	if !equal32(x, y) {
		t.Fatal("WithAxes(nil, nil) differs from the default rule")
	}

	// errors: one list only; an axis out of range is reported by the fill
	for _, c := range [][2][]int64{{{0}, nil}, {nil, {}}} {
		d, err := base.WithAxes(c[0], c[1])
		if d != nil {
			t.Fatal("got a handle")
		}
		e := wantStatus(t, err, StatusInvalidConfig, "input_axes", "output_axes")
		if e.Op != "WithAxes" {
			t.Fatalf("Op %q", e.Op)
		}
	}
	far := derive(t, "WithAxes", func() (*Initializer, error) { return base.WithAxes([]int64{7}, []int64{0}) })
	d32 := sentinels32(6)
	wantStatus(t, far.Fill32Into([]int64{2, 3}, d32), StatusInvalidShape, "input_axes[0]", "7")
	untouched32(t, "axis out of range", d32)
}

// A handle with a layout gives the values of a handle with that layout's
// axes, for every rank and type; ComputeFansLayout, ComputeFansAxes,
// Description and DescribeShape agree.
func TestWithLayoutEqualsAxes(t *testing.T) {
	shapes := [][]int64{nil, {7}, {33, 65}, {5, 4, 3}, {8, 6, 3, 3}, {4, 3, 2, 5, 3}, {2, 3, 2, 2, 3, 2}}
	for _, alg := range []Algorithm{SplitMix64CtrV2, PCG64BlockV1} {
		base := withAlg(t, mustNew(t, 1.5, FanAvg, TruncatedNormal, u64(77)), alg)
		for _, l := range allLayouts {
			lh := derive(t, "WithLayout", func() (*Initializer, error) { return base.WithLayout(l) })
			inf := mustInfo(t, lh)
			if inf.Layout != l || inf.HasAxes || inf.Algorithm != alg || inf.Seed != 77 {
				t.Fatalf("Info of WithLayout(%v): %+v", l, inf)
			}
			if i, o, err := lh.Axes(); i != nil || o != nil || err != nil {
				t.Fatalf("Axes() of a layout handle: %v, %v, %v", i, o, err)
			}
			for _, shape := range shapes {
				what := fmt.Sprintf("%v %v %v", alg, l, shape)
				inAx, outAx := layoutAxes(l, len(shape))
				ah := derive(t, "WithAxes", func() (*Initializer, error) { return base.WithAxes(inAx, outAx) })

				lfi, lfo, err1 := ComputeFansLayout(shape, l)
				afi, afo, err2 := ComputeFansAxes(shape, inAx, outAx)
				if err1 != nil || err2 != nil || lfi != afi || lfo != afo {
					t.Fatalf("%s: ComputeFansLayout %d, %d, %v; ComputeFansAxes %d, %d, %v", what, lfi, lfo, err1, afi, afo, err2)
				}
				dl, da := mustDescription(t, lh, shape), mustDescription(t, ah, shape)
				ds, err := DescribeShape(1.5, FanAvg, TruncatedNormal, shape, l)
				if err != nil || dl != da || dl != ds || dl.FanIn != lfi || dl.FanOut != lfo {
					t.Fatalf("%s: Description %+v (axes %+v, DescribeShape %+v, %v)", what, dl, da, ds, err)
				}

				a32, err1 := lh.Fill32(shape)
				b32, err2 := ah.Fill32(shape)
				if err1 != nil || err2 != nil || !equal32(a32, b32) {
					t.Fatalf("%s: Fill32 differs (%v, %v)", what, err1, err2)
				}
				a64, _ := lh.Fill64(shape)
				b64, _ := ah.Fill64(shape)
				if !equal64(a64, b64) {
					t.Fatalf("%s: Fill64 differs", what)
				}
				for _, f := range []func(*Initializer) func([]int64, []uint16) error{
					func(in *Initializer) func([]int64, []uint16) error { return in.FillFloat16BitsInto },
					func(in *Initializer) func([]int64, []uint16) error { return in.FillBFloat16BitsInto },
				} {
					a16, b16 := make([]uint16, len(a32)), make([]uint16, len(a32))
					if err := f(lh)(shape, a16); err != nil {
						t.Fatal(what, err)
					}
					if err := f(ah)(shape, b16); err != nil {
						t.Fatal(what, err)
					}
					if !equal16(a16, b16) {
						t.Fatalf("%s: 16-bit fill differs", what)
					}
				}
			}
		}
		// the layout replaces axes
		ax := derive(t, "WithAxes", func() (*Initializer, error) { return base.WithAxes([]int64{0}, []int64{1}) })
		back := derive(t, "WithLayout", func() (*Initializer, error) { return ax.WithLayout(LayoutOutIn) })
		if inf := mustInfo(t, back); inf.HasAxes || inf.Layout != LayoutOutIn || inf.NumInputAxes != 0 {
			t.Fatalf("WithLayout after WithAxes: %+v", inf)
		}
		if j, _ := back.ConfigJSON(); !strings.Contains(j, `"input_axes":null,"output_axes":null`) {
			t.Fatalf("ConfigJSON of a layout handle: %s", j)
		}
	}
	// unknown layouts
	base := mustNew(t, 1, FanIn, Uniform, u64(1))
	for _, l := range []Layout{3, 1000, math.MaxUint32} {
		d, err := base.WithLayout(l)
		if d != nil {
			t.Fatal("got a handle")
		}
		e := wantStatus(t, err, StatusInvalidLayout, "layout", fmt.Sprint(uint32(l)))
		if e.Op != "WithLayout" {
			t.Fatalf("Op %q", e.Op)
		}
	}
}

func TestWithMaxThreads(t *testing.T) {
	base := mustNew(t, 2, FanIn, UntruncatedNormal, u64(5))
	shape := []int64{600, 1000} // above the threading threshold
	ref, err := base.Fill32(shape)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint32{0, 1, 2, 3, 64, math.MaxUint32} {
		d := derive(t, "WithMaxThreads", func() (*Initializer, error) { return base.WithMaxThreads(n) })
		want := mustInfo(t, base)
		want.MaxThreads = n
		if got := mustInfo(t, d); got != want {
			t.Fatalf("WithMaxThreads(%d): Info %+v, want %+v", n, got, want)
		}
		got, err := d.Fill32(shape)
		if err != nil || !equal32(got, ref) {
			t.Fatalf("WithMaxThreads(%d) changed the values (%v)", n, err)
		}
		part := make([]float64, 5000)
		want64 := make([]float64, 5000)
		base.FillRange64(shape, 123456, want64)
		if err := d.FillRange64(shape, 123456, part); err != nil || !equal64(part, want64) {
			t.Fatalf("WithMaxThreads(%d): range differs (%v)", n, err)
		}
	}
}

// Every way of making a handle, and every With*, as Info reports it;
// each With* keeps the other settings.
func TestInfo(t *testing.T) {
	seeded := mustNew(t, 2.5, FanOut, Uniform, u64(123))
	if got, want := mustInfo(t, seeded), (Info{Scale: 2.5, Mode: FanOut, Distribution: Uniform,
		Seed: 123, Seeded: true, Algorithm: DefaultAlgorithm, Layout: LayoutInOut}); got != want {
		t.Errorf("New: %+v, want %+v", got, want)
	}
	unseeded := mustNew(t, 1, FanAvg, TruncatedNormal, nil)
	if got, want := mustInfo(t, unseeded), (Info{Scale: 1, Mode: FanAvg, Distribution: TruncatedNormal,
		Seed: unseeded.Seed(), Seeded: false, Algorithm: DefaultAlgorithm}); got != want {
		t.Errorf("New(nil seed): %+v, want %+v", got, want)
	}
	ax, err := NewWithAxes(3, FanIn, UntruncatedNormal, u64(4), []int64{1, 2, 3}, []int64{0, -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ax.Close()
	if got, want := mustInfo(t, ax), (Info{Scale: 3, Mode: FanIn, Distribution: UntruncatedNormal,
		Seed: 4, Seeded: true, Algorithm: DefaultAlgorithm, HasAxes: true,
		NumInputAxes: 3, NumOutputAxes: 2}); got != want {
		t.Errorf("NewWithAxes: %+v, want %+v", got, want)
	}
	js, err := FromConfigJSON(`"he_normal"`)
	if err != nil {
		t.Fatal(err)
	}
	defer js.Close()
	if got, want := mustInfo(t, js), (Info{Scale: 2, Mode: FanIn, Distribution: TruncatedNormal,
		Seed: js.Seed(), Seeded: false, Algorithm: DefaultAlgorithm}); got != want {
		t.Errorf("FromConfigJSON(he_normal): %+v, want %+v", got, want)
	}
	if inf := mustInfo(t, js); inf.Seed != js.Seed() || inf.Algorithm != js.Algorithm() {
		t.Errorf("Info and Seed/Algorithm disagree: %+v", inf)
	}

	// a chain of derived handles: each changes one setting and keeps the rest
	want := mustInfo(t, seeded)
	h := seeded
	for _, step := range []struct {
		name   string
		derive func(*Initializer) (*Initializer, error)
		change func(*Info)
	}{
		{"WithLayout(OutIn)", func(i *Initializer) (*Initializer, error) { return i.WithLayout(LayoutOutIn) },
			func(w *Info) { w.Layout = LayoutOutIn }},
		{"WithMaxThreads(3)", func(i *Initializer) (*Initializer, error) { return i.WithMaxThreads(3) },
			func(w *Info) { w.MaxThreads = 3 }},
		{"WithAlgorithm(v1)", func(i *Initializer) (*Initializer, error) { return i.WithAlgorithm(PCG64BlockV1) },
			func(w *Info) { w.Algorithm = PCG64BlockV1 }},
		{"WithSeed(9)", func(i *Initializer) (*Initializer, error) { return i.WithSeed(9) },
			func(w *Info) { w.Seed = 9 }},
		{"WithAxes", func(i *Initializer) (*Initializer, error) { return i.WithAxes([]int64{0}, []int64{1, 1}) },
			func(w *Info) { w.Layout, w.HasAxes, w.NumInputAxes, w.NumOutputAxes = LayoutInOut, true, 1, 2 }},
		{"WithAlgorithm(v2)", func(i *Initializer) (*Initializer, error) { return i.WithAlgorithm(SplitMix64CtrV2) },
			func(w *Info) { w.Algorithm = SplitMix64CtrV2 }},
		{"WithMaxThreads(0)", func(i *Initializer) (*Initializer, error) { return i.WithMaxThreads(0) },
			func(w *Info) { w.MaxThreads = 0 }},
		{"WithLayout(OutSpatialIn)", func(i *Initializer) (*Initializer, error) { return i.WithLayout(LayoutOutSpatialIn) },
			func(w *Info) { w.Layout, w.HasAxes, w.NumInputAxes, w.NumOutputAxes = LayoutOutSpatialIn, false, 0, 0 }},
	} {
		d := derive(t, step.name, func() (*Initializer, error) { return step.derive(h) })
		step.change(&want)
		if got := mustInfo(t, d); got != want {
			t.Errorf("after %s: Info %+v, want %+v", step.name, got, want)
		}
		if d.Seed() != want.Seed || d.Algorithm() != want.Algorithm {
			t.Errorf("after %s: Seed %d, Algorithm %v", step.name, d.Seed(), d.Algorithm())
		}
		h = d
	}
}

// Description is Describe's Params plus ValueStddev; DescribeFans and
// DescribeShape give what a handle gives.
func TestDescription(t *testing.T) {
	near := func(got, want float64) bool {
		return got == want || math.Abs(got-want) <= 1e-15*math.Abs(want)
	}
	const c = 0.87962566103423978
	shapes := [][]int64{nil, {5}, {784, 10}, {3, 3, 64, 64}, {0, 4}, {0, 0}, {2, 3, 5, 7}}
	for _, scale := range []float64{0.5, 1, 2} {
		for _, mode := range []Mode{FanIn, FanOut, FanAvg} {
			for _, dist := range []Distribution{TruncatedNormal, UntruncatedNormal, Uniform} {
				in := mustNew(t, scale, mode, dist, u64(1))
				for _, shape := range shapes {
					what := fmt.Sprintf("%v %v %v %v", scale, mode, dist, shape)
					d := mustDescription(t, in, shape)
					p, err := in.Describe(shape)
					if err != nil {
						t.Fatal(err)
					}
					if d.FanIn != p.FanIn || d.FanOut != p.FanOut || d.N != p.N || d.Stddev != p.Stddev || d.Limit != p.Limit {
						t.Fatalf("%s: Description %+v, Describe %+v", what, d, p)
					}
					if !near(d.ValueStddev, math.Sqrt(scale/d.N)) {
						t.Fatalf("%s: ValueStddev %v, sqrt(scale/n) %v", what, d.ValueStddev, math.Sqrt(scale/d.N))
					}
					switch dist {
					case TruncatedNormal:
						if !near(d.ValueStddev, d.Stddev*c) {
							t.Fatalf("%s: truncated: ValueStddev %v, Stddev*c %v", what, d.ValueStddev, d.Stddev*c)
						}
					case Uniform:
						if !near(d.ValueStddev, d.Limit/math.Sqrt(3)) {
							t.Fatalf("%s: uniform: ValueStddev %v, Limit/sqrt(3) %v", what, d.ValueStddev, d.Limit/math.Sqrt(3))
						}
					case UntruncatedNormal:
						if d.ValueStddev != d.Stddev {
							t.Fatalf("%s: untruncated: ValueStddev %v, Stddev %v", what, d.ValueStddev, d.Stddev)
						}
					}
					f, err := DescribeFans(scale, mode, dist, d.FanIn, d.FanOut)
					if err != nil || f != d {
						t.Fatalf("%s: DescribeFans %+v, %v; handle %+v", what, f, err, d)
					}
					s, err := DescribeShape(scale, mode, dist, shape, LayoutInOut)
					if err != nil || s != d {
						t.Fatalf("%s: DescribeShape %+v, %v; handle %+v", what, s, err, d)
					}
				}
			}
		}
	}
	// fan_avg of 0 and 0: n is at least 1
	if d, err := DescribeFans(1, FanAvg, UntruncatedNormal, 0, 0); err != nil || d.N != 1 || d.ValueStddev != 1 {
		t.Fatalf("DescribeFans(0, 0): %+v %v", d, err)
	}
	// a PyTorch conv weight
	d, err := DescribeShape(2, FanIn, TruncatedNormal, []int64{64, 32, 3, 3}, LayoutOutIn)
	if err != nil || d.FanIn != 288 || d.FanOut != 576 || d.N != 288 || !near(d.ValueStddev, math.Sqrt(2.0/288)) {
		t.Fatalf("torch conv: %+v %v", d, err)
	}
}

func TestDescriptionErrors(t *testing.T) {
	in := mustNew(t, 1, FanIn, TruncatedNormal, u64(1))
	_, err := in.Description([]int64{3, -7})
	e := wantStatus(t, err, StatusInvalidShape, "shape[1]", "-7")
	if e.Op != "Description" {
		t.Fatalf("Op %q", e.Op)
	}
	_, err = in.Description([]int64{1 << 40, 1 << 40})
	wantStatus(t, err, StatusInvalidShape)
	ax := derive(t, "WithAxes", func() (*Initializer, error) { return in.WithAxes([]int64{5}, []int64{0}) })
	_, err = ax.Description([]int64{2, 3})
	wantStatus(t, err, StatusInvalidShape, "input_axes[0]", "5")
	big := mustNew(t, math.MaxFloat64, FanIn, Uniform, u64(1))
	_, err = big.Description([]int64{1, 1})
	wantStatus(t, err, StatusInvalidScale, "scale", "overflows")

	for _, c := range []struct {
		scale  float64
		mode   Mode
		dist   Distribution
		fi, fo int64
		st     Status
		parts  []string
	}{
		{0, FanIn, Uniform, 1, 2, StatusInvalidScale, []string{"scale=0"}},
		{math.NaN(), FanIn, Uniform, 1, 2, StatusInvalidScale, []string{"scale", "nan"}},
		{math.Inf(1), FanIn, Uniform, 1, 2, StatusInvalidScale, []string{"scale"}},
		{math.MaxFloat64, FanIn, Uniform, 1, 2, StatusInvalidScale, []string{"scale", "overflows"}},
		{1, Mode(4), Uniform, 1, 2, StatusInvalidMode, []string{"mode=4"}},
		{1, FanIn, Distribution(4), 1, 2, StatusInvalidDistribution, []string{"distribution=4"}},
		{1, FanIn, Uniform, -1, 2, StatusInvalidShape, []string{"fan_in", "-1"}},
		{1, FanIn, Uniform, 1, -2, StatusInvalidShape, []string{"fan_out", "-2"}},
	} {
		d, err := DescribeFans(c.scale, c.mode, c.dist, c.fi, c.fo)
		e := wantStatus(t, err, c.st, c.parts...)
		if e.Op != "DescribeFans" || d != (Description{}) {
			t.Fatalf("%+v: Op %q, %+v", c, e.Op, d)
		}
		// DescribeShape reports the same arguments alike (shape [fo, fi] in
		// LayoutOutIn has these fans when both are >= 0)
		if c.fi >= 0 && c.fo >= 0 {
			d, err = DescribeShape(c.scale, c.mode, c.dist, []int64{c.fo, c.fi}, LayoutOutIn)
			if e := wantStatus(t, err, c.st, c.parts...); e.Op != "DescribeShape" || d != (Description{}) {
				t.Fatalf("%+v: DescribeShape Op %q, %+v", c, e.Op, d)
			}
		}
	}
	for _, l := range []Layout{3, math.MaxUint32} {
		_, err := DescribeShape(1, FanIn, Uniform, []int64{2, 3}, l)
		wantStatus(t, err, StatusInvalidLayout, "layout", fmt.Sprint(uint32(l)))
	}
	_, err = DescribeShape(1, FanIn, Uniform, []int64{-2}, LayoutOutIn)
	wantStatus(t, err, StatusInvalidShape, "shape[0]", "-2")
	_, err = DescribeShape(1, FanIn, Uniform, []int64{1 << 40, 1 << 40, 1 << 40}, LayoutOutSpatialIn)
	wantStatus(t, err, StatusInvalidShape)
}

// The new methods on a closed or nil handle: ErrClosed errors, no handle.
func TestIntegratorClosed(t *testing.T) {
	in, err := New(1, FanIn, Uniform, u64(1))
	if err != nil {
		t.Fatal(err)
	}
	in.Close()
	var nilIn *Initializer
	for _, h := range []*Initializer{in, nilIn} {
		derived := map[string]func() (*Initializer, error){
			"WithSeed":       func() (*Initializer, error) { return h.WithSeed(1) },
			"WithFreshSeed":  h.WithFreshSeed,
			"WithAxes":       func() (*Initializer, error) { return h.WithAxes([]int64{0}, []int64{1}) },
			"WithLayout":     func() (*Initializer, error) { return h.WithLayout(LayoutOutIn) },
			"WithMaxThreads": func() (*Initializer, error) { return h.WithMaxThreads(1) },
		}
		for op, f := range derived {
			d, err := f()
			if d != nil || !errors.Is(err, ErrClosed) {
				t.Errorf("%s on a closed handle: %v, %v", op, d, err)
				continue
			}
			if e := wantStatus(t, err, StatusNullArgument, "closed"); e.Op != op {
				t.Errorf("Op %q, want %q", e.Op, op)
			}
		}
		inf, err := h.Info()
		if e := wantStatus(t, err, StatusNullArgument, "closed"); e.Op != "Info" || inf != (Info{}) || !errors.Is(err, ErrClosed) {
			t.Errorf("Info on a closed handle: %+v %v", inf, err)
		}
		i, o, err := h.Axes()
		if e := wantStatus(t, err, StatusNullArgument, "closed"); e.Op != "Axes" || i != nil || o != nil || !errors.Is(err, ErrClosed) {
			t.Errorf("Axes on a closed handle: %v %v %v", i, o, err)
		}
		d, err := h.Description([]int64{2})
		if e := wantStatus(t, err, StatusNullArgument, "closed"); e.Op != "Description" || d != (Description{}) || !errors.Is(err, ErrClosed) {
			t.Errorf("Description on a closed handle: %+v %v", d, err)
		}
	}
}

// Goroutines derive handles of every kind from one shared handle, fill
// with them and close them, while others fill by fans (run with -race).
func TestConcurrentDerivedHandles(t *testing.T) {
	base := mustNew(t, 2, FanIn, TruncatedNormal, u64(314))
	shape := []int64{32, 16, 3, 3}
	lay := derive(t, "WithLayout", func() (*Initializer, error) { return base.WithLayout(LayoutOutIn) })
	ref, _ := lay.Fill32(shape)
	fi, fo, _ := ComputeFansLayout(shape, LayoutOutIn)
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for it := 0; it < 20; it++ {
				var d *Initializer
				var err error
				switch (w + it) % 4 {
				case 0:
					d, err = base.WithLayout(LayoutOutIn)
				case 1:
					d, err = base.WithAxes([]int64{1, 2, 3}, []int64{0, 2, 3})
				case 2:
					d, err = lay.WithMaxThreads(uint32(it % 3))
				case 3:
					d, err = lay.WithSeed(314)
				}
				if err != nil {
					errs <- err
					return
				}
				got, err := d.Fill32(shape)
				d.Close()
				if err != nil || !equal32(got, ref) {
					errs <- fmt.Errorf("worker %d, iteration %d: values differ (%v)", w, it, err)
					return
				}
				part := make([]float32, 100)
				off := (w*131 + it*17) % (len(ref) - 100)
				if err := FillFans32(2, FanIn, TruncatedNormal, 314, fi, fo, uint64(off), part); err != nil ||
					!equal32(part, ref[off:off+100]) {
					errs <- fmt.Errorf("worker %d: FillFans32 at %d differs (%v)", w, off, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
