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

// goldenPath is the file shared with tests/golden.rs and c_tests/test_values.c.
var goldenPath = filepath.Join("..", "..", "tests", "data", "golden_vectors.txt")

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
func parseGolden(t *testing.T) []goldenCase {
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

func (g *goldenCase) initializer(t *testing.T) *Initializer {
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
	return in
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

// TestGoldenVectors: the same bits as the Rust and C tests, in all four
// types, through the range fills with each case's offset and count, and
// through the whole fills where the tensor is small.
func TestGoldenVectors(t *testing.T) {
	cases := parseGolden(t)
	if len(cases) < 10 {
		t.Fatalf("only %d golden cases in %s", len(cases), goldenPath)
	}
	for _, g := range cases {
		g := g
		t.Run(g.name, func(t *testing.T) {
			in := g.initializer(t)
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
				// each f32 is the f64 rounded to nearest-even
				if v != float32(d64[i]) {
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
			}
			compareBits(t, g.name, "f16", got, g.f16)

			if err := in.FillRangeBFloat16Bits(g.shape, g.offset, d16); err != nil {
				t.Fatal(err)
			}
			for i, v := range d16 {
				got[i] = uint64(v)
			}
			compareBits(t, g.name, "bf16", got, g.bf16)

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
			for i := 0; i < g.count; i++ {
				j := int(g.offset) + i
				if math.Float64bits(w64[j]) != g.f64[i] || uint64(math.Float32bits(w32[j])) != g.f32[i] {
					t.Fatalf("case %s: whole fill differs at element %d", g.name, j)
				}
			}
		})
	}
}
