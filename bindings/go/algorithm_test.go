package variancescaling

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Every way of creating a handle gives the default algorithm.
func TestDefaultAlgorithmOfNewHandles(t *testing.T) {
	a := mustNew(t, 1, FanIn, Uniform, u64(1))
	b, err := NewWithAxes(1, FanIn, Uniform, u64(1), []int64{0}, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c, err := FromConfigJSON(`"he_normal"`)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, in := range []*Initializer{a, b, c} {
		if in.Algorithm() != DefaultAlgorithm || in.Algorithm() != SplitMix64CtrV2 {
			t.Errorf("handle %d: Algorithm() = %v, want %v", i, in.Algorithm(), DefaultAlgorithm)
		}
	}
}

func TestWithAlgorithm(t *testing.T) {
	in := mustNew(t, 2, FanIn, TruncatedNormal, u64(42))
	shape := []int64{3, 3, 16, 32}
	ref, err := in.Fill32(shape)
	if err != nil {
		t.Fatal(err)
	}
	refJSON, _ := in.ConfigJSON()

	v1, err := in.WithAlgorithm(PCG64BlockV1)
	if err != nil {
		t.Fatal(err)
	}
	defer v1.Close()
	if v1 == in || v1.Algorithm() != PCG64BlockV1 || v1.Seed() != 42 {
		t.Fatalf("WithAlgorithm(v1): same handle %v, algorithm %v, seed %d", v1 == in, v1.Algorithm(), v1.Seed())
	}
	// the receiver is unchanged
	if in.Algorithm() != SplitMix64CtrV2 {
		t.Fatalf("the receiver's algorithm changed to %v", in.Algorithm())
	}
	if got, err := in.Fill32(shape); err != nil || !equal32(got, ref) {
		t.Fatalf("the receiver's values changed (%v)", err)
	}
	// the same config JSON (the algorithm is not a Keras key), other values:
	// 0.1's, as its C quick start printed them
	if j, _ := v1.ConfigJSON(); j != refJSON {
		t.Fatalf("ConfigJSON of the derived handle: %s, want %s", j, refJSON)
	}
	w1, err := v1.Fill32(shape)
	if err != nil {
		t.Fatal(err)
	}
	if equal32(w1, ref) {
		t.Fatal("v1 and v2 gave the same values")
	}
	if s := fmt.Sprintf("%.6f %.6f %.6f", w1[0], w1[1], w1[4607]); s != "-0.220027 -0.249012 -0.015654" {
		t.Fatalf("v1 values %s, want 0.1's", s)
	}

	// back to v2, and v1 from v1: equal to the handles made directly
	v2, err := v1.WithAlgorithm(SplitMix64CtrV2)
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if got, _ := v2.Fill32(shape); v2.Algorithm() != SplitMix64CtrV2 || !equal32(got, ref) {
		t.Fatal("v1 -> v2 differs from the original v2 handle")
	}
	v11, err := v1.WithAlgorithm(PCG64BlockV1)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v11.Fill32(shape); !equal32(got, w1) {
		t.Fatal("v1 -> v1 differs")
	}
	// closing one does not affect the other
	v11.Close()
	if _, err := v11.Fill32(shape); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed derived handle: %v", err)
	}
	if got, err := v1.Fill32(shape); err != nil || !equal32(got, w1) {
		t.Fatalf("closing a handle derived from v1 affected v1 (%v)", err)
	}

	// axes and unseeded handles keep their axes and seed
	ax, err := NewWithAxes(2, FanIn, UntruncatedNormal, nil, []int64{1, 2, 3}, []int64{0, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	defer ax.Close()
	ax1 := withAlg(t, ax, PCG64BlockV1)
	if ax1.Seed() != ax.Seed() {
		t.Fatalf("seed %d, want %d", ax1.Seed(), ax.Seed())
	}
	j0, _ := ax.ConfigJSON()
	j1, _ := ax1.ConfigJSON()
	if j0 != j1 || !strings.Contains(j1, `"seed":null`) {
		t.Fatalf("config JSON %s, want %s", j1, j0)
	}
	p0, _ := ax.Describe([]int64{64, 32, 3, 3})
	p1, _ := ax1.Describe([]int64{64, 32, 3, 3})
	if p0 != p1 || p1.FanIn != 288 {
		t.Fatalf("Describe %+v, want %+v", p1, p0)
	}
	seed := ax.Seed()
	re, err := NewWithAxes(2, FanIn, UntruncatedNormal, &seed, []int64{1, 2, 3}, []int64{0, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	re1 := withAlg(t, re, PCG64BlockV1)
	a, _ := ax1.Fill64([]int64{64, 32, 3, 3})
	b, _ := re1.Fill64([]int64{64, 32, 3, 3})
	if !equal64(a, b) {
		t.Fatal("an unseeded v1 handle and New with its Seed() differ")
	}
}

// The receiver may be closed while the derived handle lives on, and the
// other way round.
func TestWithAlgorithmIndependentClose(t *testing.T) {
	shape := []int64{40, 50}
	base, err := New(1, FanAvg, Uniform, u64(3))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := base.Fill64(shape)
	d, err := base.WithAlgorithm(SplitMix64CtrV2)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	base.Close()
	if got, err := d.Fill64(shape); err != nil || !equal64(got, ref) {
		t.Fatalf("the derived handle after closing its receiver: %v", err)
	}
	if _, err := base.WithAlgorithm(PCG64BlockV1); !errors.Is(err, ErrClosed) {
		t.Fatalf("WithAlgorithm on a closed handle: %v", err)
	}
}

func TestWithAlgorithmUnknown(t *testing.T) {
	in := mustNew(t, 1, FanIn, TruncatedNormal, u64(1))
	for _, a := range []Algorithm{0, 3, 255, math.MaxUint32} {
		d, err := in.WithAlgorithm(a)
		if d != nil {
			t.Fatalf("WithAlgorithm(%d): got a handle", uint32(a))
		}
		e := wantStatus(t, err, StatusInvalidAlgorithm, fmt.Sprint(uint32(a)))
		if e.Op != "WithAlgorithm" || errors.Is(err, ErrClosed) {
			t.Fatalf("error %v: Op %q", err, e.Op)
		}
	}
	// the receiver still works
	if _, err := in.Fill32([]int64{4}); err != nil || in.Algorithm() != DefaultAlgorithm {
		t.Fatal(err)
	}
}

var isaNames = map[string]int{"portable": 0, "avx2": 1, "avx512": 2}

func TestISA(t *testing.T) {
	isa := ISA()
	if _, ok := isaNames[isa]; !ok {
		t.Fatalf("ISA() = %q", isa)
	}
	if again := ISA(); again != isa {
		t.Fatalf("ISA() changed from %q to %q", isa, again)
	}
	if os.Getenv("VS_MAX_ISA") == "" {
		t.Logf("kernel: %s", isa)
	}
}

// fillDigest hashes fills of every type and distribution, both algorithms,
// whole and sliced: the same on every kernel.
func fillDigest(t *testing.T) string {
	h := fnv.New64a()
	shape := []int64{333, 77}
	for _, dist := range []Distribution{TruncatedNormal, UntruncatedNormal, Uniform} {
		in, err := New(1.7, FanAvg, dist, u64(uint64(dist)+99))
		if err != nil {
			t.Fatal(err)
		}
		v1, err := in.WithAlgorithm(PCG64BlockV1)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []*Initializer{in, v1} {
			w32, err := x.Fill32(shape)
			if err != nil {
				t.Fatal(err)
			}
			w64, err := x.Fill64(shape)
			if err != nil {
				t.Fatal(err)
			}
			f16 := make([]uint16, len(w32))
			bf := make([]uint16, len(w32))
			if err := x.FillFloat16BitsInto(shape, f16); err != nil {
				t.Fatal(err)
			}
			if err := x.FillBFloat16BitsInto(shape, bf); err != nil {
				t.Fatal(err)
			}
			s32, err := x.FillSlice32(shape, []int64{5, 3}, []int64{100, 71})
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 0, 16*len(w32)+4*len(s32))
			for i := range w32 {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(w32[i]))
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(w64[i]))
				buf = binary.LittleEndian.AppendUint16(buf, f16[i])
				buf = binary.LittleEndian.AppendUint16(buf, bf[i])
			}
			for _, v := range s32 {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
			h.Write(buf)
		}
		v1.Close()
		in.Close()
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// TestISAChild runs only in the child processes of TestISACapped.
func TestISAChild(t *testing.T) {
	if os.Getenv("VSGO_ISA_CHILD") != "1" {
		t.Skip("run by TestISACapped")
	}
	fmt.Printf("VSGO_ISA=%s VSGO_DIGEST=%s\n", ISA(), fillDigest(t))
}

// VS_MAX_ISA caps the kernel, and every kernel gives the same bits: child
// processes of this test binary run with each cap.
func TestISACapped(t *testing.T) {
	if os.Getenv("VSGO_ISA_CHILD") == "1" {
		t.Skip("in a child")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no executable path:", err)
	}
	want := fillDigest(t)
	for _, limit := range []string{"portable", "avx2", "avx512", "bogus"} {
		cmd := exec.Command(exe, "-test.run=^TestISAChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "VSGO_ISA_CHILD=1", "VS_MAX_ISA="+limit)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("VS_MAX_ISA=%s: %v\n%s", limit, err, out)
		}
		var isa, digest string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "VSGO_ISA=") {
				fmt.Sscanf(line, "VSGO_ISA=%s VSGO_DIGEST=%s", &isa, &digest)
			}
		}
		rank, ok := isaNames[isa]
		if !ok {
			t.Fatalf("VS_MAX_ISA=%s: ISA() = %q\n%s", limit, isa, out)
		}
		if capRank, capped := isaNames[limit]; capped && rank > capRank {
			t.Errorf("VS_MAX_ISA=%s: the kernel is %s", limit, isa)
		}
		if limit == "portable" && isa != "portable" {
			t.Errorf("VS_MAX_ISA=portable: the kernel is %s", isa)
		}
		if digest != want {
			t.Errorf("VS_MAX_ISA=%s (kernel %s): the values differ from this process's (kernel %s)", limit, isa, ISA())
		}
		t.Logf("VS_MAX_ISA=%s: kernel %s", limit, isa)
	}
}

// box is the row-major box [start, start+extent) of the row-major whole
// fill w of shape.
func box[T any](w []T, shape, start, extent []int64) []T {
	n := int64(1)
	for _, e := range extent {
		n *= e
	}
	out := make([]T, 0, n)
	if n == 0 {
		return out
	}
	idx := make([]int64, len(shape)) // offsets inside the box
	for {
		flat := int64(0)
		for d := range shape {
			flat = flat*shape[d] + start[d] + idx[d]
		}
		out = append(out, w[flat])
		d := len(shape) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < extent[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return out
		}
	}
}

type sliceCase struct {
	shape, start, extent []int64
}

var sliceCases = []sliceCase{
	// rank 0: the scalar's box is the scalar
	{nil, nil, nil},
	{[]int64{}, []int64{}, []int64{}},
	// rank 1
	{[]int64{100}, []int64{0}, []int64{100}},
	{[]int64{100}, []int64{7}, []int64{50}},
	{[]int64{100}, []int64{99}, []int64{1}},
	{[]int64{100}, []int64{100}, []int64{0}}, // empty, at the end
	{[]int64{1}, []int64{0}, []int64{1}},
	// rank 2: whole rows (first dim), columns (last dim), interior, empty
	{[]int64{37, 29}, []int64{0, 0}, []int64{37, 29}},
	{[]int64{37, 29}, []int64{5, 0}, []int64{7, 29}},
	{[]int64{37, 29}, []int64{0, 3}, []int64{37, 5}},
	{[]int64{37, 29}, []int64{0, 28}, []int64{37, 1}},
	{[]int64{37, 29}, []int64{36, 0}, []int64{1, 29}},
	{[]int64{37, 29}, []int64{10, 10}, []int64{3, 4}},
	{[]int64{37, 29}, []int64{0, 5}, []int64{37, 0}},
	{[]int64{37, 29}, []int64{37, 0}, []int64{0, 29}},
	{[]int64{37, 29}, []int64{12, 29}, []int64{3, 0}},
	// rank 3, 4, 5
	{[]int64{5, 6, 7}, []int64{1, 2, 3}, []int64{3, 3, 3}},
	{[]int64{5, 6, 7}, []int64{4, 0, 0}, []int64{1, 6, 7}},
	{[]int64{3, 3, 16, 32}, []int64{1, 0, 4, 8}, []int64{2, 3, 8, 16}},
	{[]int64{3, 3, 16, 32}, []int64{0, 0, 0, 31}, []int64{3, 3, 16, 1}},
	{[]int64{2, 3, 5, 7, 11}, []int64{1, 1, 1, 1, 1}, []int64{1, 2, 3, 4, 9}},
	// tensors with a zero dimension: only empty boxes
	{[]int64{4, 0, 3}, []int64{0, 0, 0}, []int64{4, 0, 3}},
	{[]int64{4, 0, 3}, []int64{1, 0, 1}, []int64{2, 0, 2}},
	// over the threading threshold (2 x 131072 elements)
	{[]int64{600, 1000}, []int64{100, 200}, []int64{450, 700}},
	{[]int64{600, 1000}, []int64{0, 0}, []int64{600, 1000}},
}

// FillSlice* are the boxes of the whole fills, in every type, for both
// algorithms, for the default fan rule and for explicit axes.
func TestFillSliceMatchesWholeFill(t *testing.T) {
	seedBase := uint64(1234)
	for _, alg := range []Algorithm{PCG64BlockV1, SplitMix64CtrV2} {
		for _, dist := range []Distribution{TruncatedNormal, UntruncatedNormal, Uniform} {
			base := mustNew(t, 1.5, FanAvg, dist, u64(seedBase+uint64(dist)))
			ax, err := NewWithAxes(2, FanIn, dist, u64(seedBase), []int64{-1}, []int64{0})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ax.Close() })
			for _, src := range []*Initializer{base, ax} {
				in := withAlg(t, src, alg)
				var (
					w      *wholeFills
					wShape string
				)
				for _, c := range sliceCases {
					if src == ax && (len(c.shape) == 0 || len(c.shape) == 2 && c.shape[0] == 600) {
						continue // the axes need rank >= 1; the large cases once per algorithm and distribution
					}
					if w == nil || fmt.Sprint(c.shape) != wShape {
						w, wShape = fillWhole(t, in, c.shape), fmt.Sprint(c.shape)
					}
					checkSlice(t, in, w, c)
				}
			}
		}
	}
}

// wholeFills are the whole fills of one shape in the four types.
type wholeFills struct {
	w32      []float32
	w64      []float64
	w16, wbf []uint16
}

func fillWhole(t *testing.T, in *Initializer, shape []int64) *wholeFills {
	t.Helper()
	var (
		w   wholeFills
		err error
	)
	if w.w32, err = in.Fill32(shape); err != nil {
		t.Fatal(shape, err)
	}
	if w.w64, err = in.Fill64(shape); err != nil {
		t.Fatal(shape, err)
	}
	w.w16 = make([]uint16, len(w.w32))
	if err := in.FillFloat16BitsInto(shape, w.w16); err != nil {
		t.Fatal(shape, err)
	}
	w.wbf = make([]uint16, len(w.w32))
	if err := in.FillBFloat16BitsInto(shape, w.wbf); err != nil {
		t.Fatal(shape, err)
	}
	return &w
}

func checkSlice(t *testing.T, in *Initializer, w *wholeFills, c sliceCase) {
	t.Helper()
	what := fmt.Sprintf("%v: shape %v start %v extent %v", in.Algorithm(), c.shape, c.start, c.extent)
	w32, w64, w16, wbf := w.w32, w.w64, w.w16, w.wbf
	want32 := box(w32, c.shape, c.start, c.extent)
	want64 := box(w64, c.shape, c.start, c.extent)

	s32, err := in.FillSlice32(c.shape, c.start, c.extent)
	if err != nil || s32 == nil || !equal32(s32, want32) {
		t.Fatalf("%s: FillSlice32 differs from the box of Fill32 (%v)", what, err)
	}
	s64, err := in.FillSlice64(c.shape, c.start, c.extent)
	if err != nil || s64 == nil || !equal64(s64, want64) {
		t.Fatalf("%s: FillSlice64 differs from the box of Fill64 (%v)", what, err)
	}
	i32 := sentinels32(len(want32))
	if err := in.FillSlice32Into(c.shape, c.start, c.extent, i32); err != nil || !equal32(i32, want32) {
		t.Fatalf("%s: FillSlice32Into differs (%v)", what, err)
	}
	i64 := sentinels64(len(want64))
	if err := in.FillSlice64Into(c.shape, c.start, c.extent, i64); err != nil || !equal64(i64, want64) {
		t.Fatalf("%s: FillSlice64Into differs (%v)", what, err)
	}
	for _, k := range []struct {
		name  string
		whole []uint16
		fill  func(shape, start, extent []int64, dst []uint16) error
	}{
		{"FillSliceFloat16BitsInto", w16, in.FillSliceFloat16BitsInto},
		{"FillSliceBFloat16BitsInto", wbf, in.FillSliceBFloat16BitsInto},
	} {
		want := box(k.whole, c.shape, c.start, c.extent)
		got := make([]uint16, len(want))
		for i := range got {
			got[i] = 0xdead
		}
		if err := k.fill(c.shape, c.start, c.extent, got); err != nil {
			t.Fatalf("%s: %s: %v", what, k.name, err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: %s[%d] = %04x, the whole fill has %04x", what, k.name, i, got[i], want[i])
			}
		}
	}
	// an empty box also accepts a nil dst
	if len(want32) == 0 {
		if err := in.FillSlice32Into(c.shape, c.start, c.extent, nil); err != nil {
			t.Fatalf("%s: nil dst for an empty box: %v", what, err)
		}
	}
}

// Boxes of a tensor too large to fill whole are its ranges, row by row
// (fans from the whole shape, far from the start).
func TestFillSliceFarInHugeTensor(t *testing.T) {
	shape := []int64{2000000, 1000000}
	start := []int64{1099511, 627000}
	extent := []int64{3, 17}
	for _, alg := range []Algorithm{PCG64BlockV1, SplitMix64CtrV2} {
		in := withAlg(t, mustNew(t, 6, FanOut, Uniform, u64(2024)), alg)
		s64, err := in.FillSlice64(shape, start, extent)
		if err != nil {
			t.Fatal(err)
		}
		s32, err := in.FillSlice32(shape, start, extent)
		if err != nil {
			t.Fatal(err)
		}
		for r := int64(0); r < extent[0]; r++ {
			off := uint64((start[0]+r)*shape[1] + start[1])
			r64 := make([]float64, extent[1])
			r32 := make([]float32, extent[1])
			if err := in.FillRange64(shape, off, r64); err != nil {
				t.Fatal(err)
			}
			if err := in.FillRange32(shape, off, r32); err != nil {
				t.Fatal(err)
			}
			if !equal64(r64, s64[r*extent[1]:(r+1)*extent[1]]) || !equal32(r32, s32[r*extent[1]:(r+1)*extent[1]]) {
				t.Fatalf("%v: row %d of the box differs from FillRange at %d", alg, r, off)
			}
		}
	}
}

// Every error of the slice fills, with the status, the message and the
// destination untouched, for both algorithms and all four types.
func TestFillSliceErrors(t *testing.T) {
	shape := []int64{37, 29}
	for _, alg := range []Algorithm{PCG64BlockV1, SplitMix64CtrV2} {
		in := withAlg(t, mustNew(t, 1, FanAvg, Uniform, u64(9)), alg)
		for _, c := range []struct {
			shape, start, extent []int64
			n                    int // len(dst)
			st                   Status
			parts                []string
		}{
			// the box leaves the tensor
			{shape, []int64{30, 0}, []int64{10, 29}, 290, StatusInvalidShape, []string{"dimension 0", "30", "10", "37"}},
			{shape, []int64{0, 20}, []int64{1, 10}, 10, StatusInvalidShape, []string{"dimension 1", "29"}},
			{shape, []int64{38, 0}, []int64{0, 1}, 0, StatusInvalidShape, []string{"38"}},
			{shape, []int64{0, 30}, []int64{1, 0}, 0, StatusInvalidShape, []string{"30"}},
			{shape, []int64{math.MaxInt64, 0}, []int64{math.MaxInt64, 1}, 1, StatusInvalidShape, []string{"9223372036854775807"}},
			{[]int64{4, 0, 3}, []int64{0, 0, 0}, []int64{4, 1, 3}, 12, StatusInvalidShape, nil},
			// negative start / extent
			{shape, []int64{-1, 0}, []int64{1, 1}, 1, StatusInvalidShape, []string{"start[0]", "-1"}},
			{shape, []int64{0, -5}, []int64{1, 1}, 1, StatusInvalidShape, []string{"start[1]", "-5"}},
			{shape, []int64{0, 0}, []int64{1, -1}, 1, StatusInvalidShape, []string{"extent[1]", "-1"}},
			{shape, []int64{2, 2}, []int64{-3, 0}, 0, StatusInvalidShape, []string{"extent[0]", "-3"}},
			// start or extent of another length than the shape
			{shape, []int64{0}, []int64{1, 1}, 1, StatusInvalidShape, []string{"len(start)=1"}},
			{shape, []int64{0, 0}, []int64{1, 1, 1}, 1, StatusInvalidShape, []string{"len(extent)=3"}},
			{shape, nil, nil, 1, StatusInvalidShape, []string{"len(shape)=2"}},
			{nil, []int64{0}, []int64{1}, 1, StatusInvalidShape, []string{"len(shape)=0"}},
			// an invalid shape
			{[]int64{3, -7}, []int64{0, 0}, []int64{1, 1}, 1, StatusInvalidShape, []string{"-7"}},
			{[]int64{1 << 40, 1 << 40}, []int64{0, 0}, []int64{1, 1}, 1, StatusInvalidShape, nil},
			// dst of the wrong length
			{shape, []int64{0, 0}, []int64{2, 2}, 0, StatusBufferSize, []string{"4"}},
			{shape, []int64{0, 0}, []int64{2, 2}, 3, StatusBufferSize, []string{"3", "4"}},
			{shape, []int64{0, 0}, []int64{2, 2}, 5, StatusBufferSize, []string{"5", "4"}},
			{shape, []int64{3, 3}, []int64{2, 0}, 1, StatusBufferSize, []string{"1", "0"}},
			{nil, nil, nil, 0, StatusBufferSize, nil},
			{nil, nil, nil, 2, StatusBufferSize, nil},
		} {
			what := fmt.Sprintf("%v shape %v start %v extent %v len %d", alg, c.shape, c.start, c.extent, c.n)
			d32 := sentinels32(c.n)
			e := wantStatus(t, in.FillSlice32Into(c.shape, c.start, c.extent, d32), c.st, c.parts...)
			if e.Op != "FillSlice32Into" {
				t.Fatalf("%s: Op %q", what, e.Op)
			}
			untouched32(t, what, d32)
			d64 := sentinels64(c.n)
			wantStatus(t, in.FillSlice64Into(c.shape, c.start, c.extent, d64), c.st, c.parts...)
			untouched64(t, what, d64)
			for _, fill := range []func(shape, start, extent []int64, dst []uint16) error{
				in.FillSliceFloat16BitsInto, in.FillSliceBFloat16BitsInto,
			} {
				d16 := make([]uint16, c.n)
				for i := range d16 {
					d16[i] = 0xdead
				}
				wantStatus(t, fill(c.shape, c.start, c.extent, d16), c.st, c.parts...)
				for i, v := range d16 {
					if v != 0xdead {
						t.Fatalf("%s: dst[%d] was written", what, i)
					}
				}
			}
			// the allocating forms report the box and shape errors alike
			if c.st == StatusInvalidShape {
				r32, err := in.FillSlice32(c.shape, c.start, c.extent)
				if r32 != nil {
					t.Fatalf("%s: FillSlice32 returned values", what)
				}
				if e := wantStatus(t, err, c.st, c.parts...); e.Op != "FillSlice32" {
					t.Fatalf("%s: Op %q", what, e.Op)
				}
				r64, err := in.FillSlice64(c.shape, c.start, c.extent)
				if r64 != nil {
					t.Fatalf("%s: FillSlice64 returned values", what)
				}
				wantStatus(t, err, c.st, c.parts...)
			}
		}

		// a valid box too large for one Go slice: fill it in smaller boxes
		_, err := in.FillSlice32([]int64{1 << 62}, []int64{0}, []int64{1 << 62})
		wantStatus(t, err, StatusBufferSize, "too large")
		_, err = in.FillSlice64([]int64{1 << 61, 2}, []int64{0, 0}, []int64{1 << 61, 2})
		wantStatus(t, err, StatusBufferSize, "too large")
		// ... unless it is not a box of the tensor
		_, err = in.FillSlice32([]int64{10}, []int64{0}, []int64{1 << 62})
		wantStatus(t, err, StatusInvalidShape, "10")
		_, err = in.FillSlice64([]int64{1 << 62, 4}, []int64{0, 0}, []int64{1 << 62, 4})
		wantStatus(t, err, StatusInvalidShape)
		// a small box of that huge tensor is fine
		if s, err := in.FillSlice32([]int64{1 << 62}, []int64{1 << 61}, []int64{3}); err != nil || len(s) != 3 {
			t.Fatalf("a box of a huge tensor: %v", err)
		}

		// an axis out of range, with the box inside the tensor
		ax := withAlg(t, func() *Initializer {
			a, err := NewWithAxes(1, FanIn, TruncatedNormal, u64(1), []int64{5}, []int64{0})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		}(), alg)
		d32 := sentinels32(4)
		wantStatus(t, ax.FillSlice32Into(shape, []int64{0, 0}, []int64{2, 2}, d32), StatusInvalidShape, "5")
		untouched32(t, "axis out of range", d32)
		_, err = ax.FillSlice64(shape, []int64{0, 0}, []int64{2, 2})
		wantStatus(t, err, StatusInvalidShape, "5")

		// a uniform limit that overflows
		big := withAlg(t, mustNew(t, math.MaxFloat64, FanIn, Uniform, u64(1)), alg)
		d64 := sentinels64(1)
		wantStatus(t, big.FillSlice64Into([]int64{1, 1}, []int64{0, 0}, []int64{1, 1}, d64), StatusInvalidScale)
		untouched64(t, "overflowing scale", d64)

		// a closed handle
		c := withAlg(t, mustNew(t, 1, FanIn, Uniform, u64(1)), alg)
		c.Close()
		d32 = sentinels32(4)
		if err := c.FillSlice32Into(shape, []int64{0, 0}, []int64{2, 2}, d32); !errors.Is(err, ErrClosed) {
			t.Fatalf("closed: %v", err)
		}
		untouched32(t, "closed", d32)
	}
}

// Goroutines derive handles, fill slices and close their handles while
// others use the shared one (run with -race).
func TestConcurrentWithAlgorithmAndSlices(t *testing.T) {
	base := mustNew(t, 2, FanIn, TruncatedNormal, u64(77))
	shape := []int64{64, 48}
	refs := map[Algorithm][]float32{}
	for _, alg := range []Algorithm{PCG64BlockV1, SplitMix64CtrV2} {
		w, err := withAlg(t, base, alg).Fill32(shape)
		if err != nil {
			t.Fatal(err)
		}
		refs[alg] = w
	}
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for it := 0; it < 20; it++ {
				alg := PCG64BlockV1 + Algorithm((w+it)%2)
				d, err := base.WithAlgorithm(alg)
				if err != nil {
					errs <- err
					return
				}
				r0, c0 := int64((w*7+it)%60), int64((w*5+it*3)%40)
				start, extent := []int64{r0, c0}, []int64{4, 8}
				got, err := d.FillSlice32(shape, start, extent)
				d.Close()
				if err != nil {
					errs <- err
					return
				}
				if !equal32(got, box(refs[alg], shape, start, extent)) {
					errs <- fmt.Errorf("worker %d: %v box at %v differs", w, alg, start)
					return
				}
				if _, err := d.FillSlice32(shape, start, extent); !errors.Is(err, ErrClosed) {
					errs <- fmt.Errorf("worker %d: after Close: %v", w, err)
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
