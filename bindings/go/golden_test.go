package variancescaling

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The golden vector files shared with tests/golden.rs, c_tests/ and
// tests/python, one per algorithm, in the same format.
var goldenFiles = []struct {
	path string
	alg  Algorithm
}{
	{filepath.Join("..", "..", "tests", "data", "golden_vectors.txt"), PCG64BlockV1},
	{filepath.Join("..", "..", "tests", "data", "golden_vectors_v2.txt"), SplitMix64CtrV2},
}

type goldenCase struct {
	name        string
	seed        uint64
	scale       float64
	mode        Mode
	dist        Distribution
	shape       []int64
	hasAxes     bool
	inAx, outAx []int64
	offset      uint64
	count       int
	f64, f32    []uint64 // expected bit patterns
	f16, bf16   []uint64
	line        int
}

// parseGolden reads the file's format (see its header comment):
//
//	case NAME SEED SCALE MODE DIST NDIM DIMS... HASAXES [NIN AXES... NOUT AXES...] OFFSET COUNT
//
// then four lines f64, f32, f16, bf16 with COUNT hex bit patterns each.
func parseGolden(t *testing.T, goldenPath string) []goldenCase {
	t.Helper()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("golden vectors: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var (
		cases  []goldenCase
		lineNo int
	)
	next := func() ([]string, bool) {
		for sc.Scan() {
			lineNo++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			return strings.Fields(line), true
		}
		return nil, false
	}
	for {
		tok, ok := next()
		if !ok {
			break
		}
		g, err := parseCaseLine(tok)
		if err != nil {
			t.Fatalf("%s:%d: %v", goldenPath, lineNo, err)
		}
		g.line = lineNo
		for _, tag := range []string{"f64", "f32", "f16", "bf16"} {
			vt, ok := next()
			if !ok || len(vt) == 0 || vt[0] != tag {
				t.Fatalf("%s:%d: case %s: expected a %s line", goldenPath, lineNo, g.name, tag)
			}
			if len(vt)-1 != g.count {
				t.Fatalf("%s:%d: case %s: %s line has %d values, want %d",
					goldenPath, lineNo, g.name, tag, len(vt)-1, g.count)
			}
			bits := make([]uint64, g.count)
			for i, s := range vt[1:] {
				if bits[i], err = strconv.ParseUint(s, 16, 64); err != nil {
					t.Fatalf("%s:%d: case %s: %v", goldenPath, lineNo, g.name, err)
				}
			}
			switch tag {
			case "f64":
				g.f64 = bits
			case "f32":
				g.f32 = bits
			case "f16":
				g.f16 = bits
			case "bf16":
				g.bf16 = bits
			}
		}
		cases = append(cases, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("golden vectors: %v", err)
	}
	return cases
}

func parseCaseLine(tok []string) (goldenCase, error) {
	var g goldenCase
	pos := 0
	take := func() (string, error) {
		if pos >= len(tok) {
			return "", fmt.Errorf("case line too short")
		}
		pos++
		return tok[pos-1], nil
	}
	takeU := func() (uint64, error) {
		s, err := take()
		if err != nil {
			return 0, err
		}
		return strconv.ParseUint(s, 10, 64)
	}
	takeI := func() (int64, error) {
		s, err := take()
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(s, 10, 64)
	}
	takeList := func() ([]int64, error) {
		n, err := takeU()
		if err != nil {
			return nil, err
		}
		if n > 64 {
			return nil, fmt.Errorf("list of %d elements", n)
		}
		l := make([]int64, n)
		for i := range l {
			if l[i], err = takeI(); err != nil {
				return nil, err
			}
		}
		return l, nil
	}
	var err error
	s, err := take()
	if err != nil || s != "case" {
		return g, fmt.Errorf("expected a case line, got %q", strings.Join(tok, " "))
	}
	if g.name, err = take(); err != nil {
		return g, err
	}
	if g.seed, err = takeU(); err != nil {
		return g, err
	}
	if s, err = take(); err != nil {
		return g, err
	}
	if g.scale, err = strconv.ParseFloat(s, 64); err != nil {
		return g, err
	}
	var m, d, has uint64
	if m, err = takeU(); err != nil {
		return g, err
	}
	if d, err = takeU(); err != nil {
		return g, err
	}
	g.mode, g.dist = Mode(m), Distribution(d)
	if g.shape, err = takeList(); err != nil {
		return g, err
	}
	if has, err = takeU(); err != nil || has > 1 {
		return g, fmt.Errorf("bad HASAXES")
	}
	if has == 1 {
		g.hasAxes = true
		if g.inAx, err = takeList(); err != nil {
			return g, err
		}
		if g.outAx, err = takeList(); err != nil {
			return g, err
		}
	}
	if g.offset, err = takeU(); err != nil {
		return g, err
	}
	var c uint64
	if c, err = takeU(); err != nil || c > 1<<20 {
		return g, fmt.Errorf("bad COUNT")
	}
	g.count = int(c)
	if pos != len(tok) {
		return g, fmt.Errorf("extra tokens on the case line")
	}
	return g, nil
}

// initializer returns the case's handle for alg: the default algorithm
// straight from New / NewWithAxes, any other through WithAlgorithm.
func (g *goldenCase) initializer(t *testing.T, alg Algorithm) *Initializer {
	t.Helper()
	seed := g.seed
	var (
		in  *Initializer
		err error
	)
	if g.hasAxes {
		in, err = NewWithAxes(g.scale, g.mode, g.dist, &seed, g.inAx, g.outAx)
	} else {
		in, err = New(g.scale, g.mode, g.dist, &seed)
	}
	if err != nil {
		t.Fatalf("case %s: %v", g.name, err)
	}
	if in.Algorithm() != DefaultAlgorithm {
		t.Fatalf("case %s: a new handle has algorithm %v, want %v", g.name, in.Algorithm(), DefaultAlgorithm)
	}
	if alg == DefaultAlgorithm {
		return in
	}
	derived, err := in.WithAlgorithm(alg)
	in.Close()
	if err != nil {
		t.Fatalf("case %s: WithAlgorithm(%v): %v", g.name, alg, err)
	}
	if derived.Algorithm() != alg {
		t.Fatalf("case %s: WithAlgorithm(%v) gave a handle of %v", g.name, alg, derived.Algorithm())
	}
	return derived
}

// f32ToF16Bits rounds a binary32 value to binary16 bits, nearest-even,
// subnormals kept, overflow to infinity (numpy's astype(float16)).
func f32ToF16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	b &= 0x7fffffff
	if b >= 0x7f800000 { // infinity or NaN
		if b == 0x7f800000 {
			return sign | 0x7c00
		}
		return sign | 0x7e00
	}
	if b < 0x00800000 { // binary32 subnormals are far below half the least binary16
		return sign
	}
	e := int(b>>23) - 127              // unbiased exponent
	m := uint64(b&0x7fffff | 0x800000) // value = m * 2^(e-23)
	rne := func(m uint64, s uint) uint64 {
		if s >= 40 {
			return 0
		}
		q, r, half := m>>s, m&(1<<s-1), uint64(1)<<(s-1)
		if r > half || (r == half && q&1 == 1) {
			q++
		}
		return q
	}
	var h uint64
	if e >= -14 { // normal: an 11-bit significand in units of 2^(e-10); a carry bumps the exponent
		h = uint64(e+14)<<10 + rne(m, 13)
		if h >= 0x7c00 {
			h = 0x7c00
		}
	} else { // subnormal: units of 2^-24
		h = rne(m, uint(-(e + 1)))
	}
	return sign | uint16(h)
}

// bf16Bits rounds a (finite) binary32 value to bfloat16 bits, nearest-even.
func bf16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// unravel is the row-major multi-index of flat element i of shape.
func unravel(shape []int64, i int64) []int64 {
	idx := make([]int64, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
	return idx
}

func compareBits(t *testing.T, name, typ string, got, want []uint64) {
	t.Helper()
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			if bad < 5 {
				t.Errorf("case %s %s[%d]: got %x, want %x", name, typ, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("case %s %s: %d of %d values differ", name, typ, bad, len(want))
	}
}

// TestGoldenVectors: the same bits as the Rust and C tests, for both
// algorithms (pcg64-block-v1 selected with WithAlgorithm, splitmix64-ctr-v2
// as the default), in all four types: through the range fills with each
// case's offset and count, through one-element slice fills at each
// element's multi-index, and through the whole fills where the tensor is
// small.
func TestGoldenVectors(t *testing.T) {
	for _, gf := range goldenFiles {
		gf := gf
		cases := parseGolden(t, gf.path)
		if len(cases) < 10 {
			t.Fatalf("only %d golden cases in %s", len(cases), gf.path)
		}
		t.Run(gf.alg.String(), func(t *testing.T) {
			for _, g := range cases {
				g := g
				t.Run(g.name, func(t *testing.T) { checkGoldenCase(t, &g, gf.alg) })
			}
		})
	}
}

func checkGoldenCase(t *testing.T, g *goldenCase, alg Algorithm) {
	in := g.initializer(t, alg)
	defer in.Close()

	d64 := make([]float64, g.count)
	if err := in.FillRange64(g.shape, g.offset, d64); err != nil {
		t.Fatal(err)
	}
	got := make([]uint64, g.count)
	for i, v := range d64 {
		got[i] = math.Float64bits(v)
	}
	compareBits(t, g.name, "f64", got, g.f64)

	d32 := make([]float32, g.count)
	if err := in.FillRange32(g.shape, g.offset, d32); err != nil {
		t.Fatal(err)
	}
	for i, v := range d32 {
		got[i] = uint64(math.Float32bits(v))
		// pcg64-block-v1 only: each f32 is the f64 rounded to nearest-even
		// (splitmix64-ctr-v2 has separate binary32 and binary64 streams)
		if alg == PCG64BlockV1 && v != float32(d64[i]) {
			t.Errorf("case %s: f32[%d] %v != float32(f64 %v)", g.name, i, v, d64[i])
		}
	}
	compareBits(t, g.name, "f32", got, g.f32)

	d16 := make([]uint16, g.count)
	if err := in.FillRangeFloat16Bits(g.shape, g.offset, d16); err != nil {
		t.Fatal(err)
	}
	for i, v := range d16 {
		got[i] = uint64(v)
		// both algorithms: each half is the f32 value rounded
		if want := f32ToF16Bits(d32[i]); v != want {
			t.Errorf("case %s: f16[%d] %04x, but the f32 %v rounds to %04x", g.name, i, v, d32[i], want)
		}
	}
	compareBits(t, g.name, "f16", got, g.f16)

	b16 := make([]uint16, g.count)
	if err := in.FillRangeBFloat16Bits(g.shape, g.offset, b16); err != nil {
		t.Fatal(err)
	}
	for i, v := range b16 {
		got[i] = uint64(v)
		if want := bf16Bits(d32[i]); v != want {
			t.Errorf("case %s: bf16[%d] %04x, but the f32 %v rounds to %04x", g.name, i, v, d32[i], want)
		}
	}
	compareBits(t, g.name, "bf16", got, g.bf16)

	// each element as a one-element box of a slice fill (also for the
	// far cases, whose tensors are too large to fill whole)
	ones := make([]int64, len(g.shape))
	for i := range ones {
		ones[i] = 1
	}
	var (
		s64 [1]float64
		s32 [1]float32
		s16 [1]uint16
		sbf [1]uint16
	)
	for i := 0; i < g.count; i++ {
		at := unravel(g.shape, int64(g.offset)+int64(i))
		if err := in.FillSlice64Into(g.shape, at, ones, s64[:]); err != nil {
			t.Fatal(err)
		}
		if err := in.FillSlice32Into(g.shape, at, ones, s32[:]); err != nil {
			t.Fatal(err)
		}
		if err := in.FillSliceFloat16BitsInto(g.shape, at, ones, s16[:]); err != nil {
			t.Fatal(err)
		}
		if err := in.FillSliceBFloat16BitsInto(g.shape, at, ones, sbf[:]); err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(s64[0]) != g.f64[i] || uint64(math.Float32bits(s32[0])) != g.f32[i] ||
			uint64(s16[0]) != g.f16[i] || uint64(sbf[0]) != g.bf16[i] {
			t.Fatalf("case %s: the slice fill of element %d (at %v) differs", g.name, g.offset+uint64(i), at)
		}
	}

	// the whole tensor, where it is small: the same slice
	total, ok := elementCount(g.shape)
	if !ok || total > 1<<22 {
		return
	}
	w64, err := in.Fill64(g.shape)
	if err != nil {
		t.Fatal(err)
	}
	w32, err := in.Fill32(g.shape)
	if err != nil {
		t.Fatal(err)
	}
	w16 := make([]uint16, total)
	if err := in.FillFloat16BitsInto(g.shape, w16); err != nil {
		t.Fatal(err)
	}
	wbf := make([]uint16, total)
	if err := in.FillBFloat16BitsInto(g.shape, wbf); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < g.count; i++ {
		j := int(g.offset) + i
		if math.Float64bits(w64[j]) != g.f64[i] || uint64(math.Float32bits(w32[j])) != g.f32[i] ||
			uint64(w16[j]) != g.f16[i] || uint64(wbf[j]) != g.bf16[i] {
			t.Fatalf("case %s: whole fill differs at element %d", g.name, j)
		}
	}
}
