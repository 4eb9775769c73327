package variancescaling

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func u64(v uint64) *uint64 { return &v }

func mustNew(t *testing.T, scale float64, mode Mode, dist Distribution, seed *uint64) *Initializer {
	t.Helper()
	in, err := New(scale, mode, dist, seed)
	if err != nil {
		t.Fatalf("New(%v, %v, %v): %v", scale, mode, dist, err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

// withAlg derives in's handle for alg (closed at the end of the test).
func withAlg(t *testing.T, in *Initializer, alg Algorithm) *Initializer {
	t.Helper()
	d, err := in.WithAlgorithm(alg)
	if err != nil {
		t.Fatalf("WithAlgorithm(%v): %v", alg, err)
	}
	t.Cleanup(func() { d.Close() })
	if d.Algorithm() != alg {
		t.Fatalf("WithAlgorithm(%v) gave a handle of %v", alg, d.Algorithm())
	}
	return d
}

// wantStatus checks that err is an *Error with status st whose message
// contains every one of parts.
func wantStatus(t *testing.T, err error, st Status, parts ...string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", st)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Status != st || !errors.Is(err, st) {
		t.Fatalf("error %v: status %v, want %v", err, e.Status, st)
	}
	var got Status
	if !errors.As(err, &got) || got != st {
		t.Fatalf("errors.As(err, *Status) gave %v, want %v", got, st)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Fatalf("error message %q does not contain %q", e.Message, p)
		}
	}
	if !strings.Contains(err.Error(), st.String()) || !strings.Contains(err.Error(), e.Message) {
		t.Fatalf("Error() = %q lacks the status name or the message", err.Error())
	}
	return e
}

func TestVersionAndAlgorithm(t *testing.T) {
	if v, h := Version(), headerVersion(); v != h {
		t.Fatalf("library version %q, header version %q", v, h)
	}
	// since 0.2 the default is splitmix64-ctr-v2
	if a := DefaultAlgorithmName(); a != "splitmix64-ctr-v2" {
		t.Fatalf("DefaultAlgorithmName() = %q", a)
	}
	if DefaultAlgorithm != SplitMix64CtrV2 || DefaultAlgorithm.String() != DefaultAlgorithmName() {
		t.Fatalf("DefaultAlgorithm = %d (%q)", uint32(DefaultAlgorithm), DefaultAlgorithm.String())
	}
}

func TestEnumsAndStatusStrings(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{FanIn.String(), "fan_in"}, {FanOut.String(), "fan_out"}, {FanAvg.String(), "fan_avg"},
		{Mode(3).String(), "Mode(3)"},
		{TruncatedNormal.String(), "truncated_normal"},
		{UntruncatedNormal.String(), "untruncated_normal"},
		{Uniform.String(), "uniform"}, {Distribution(9).String(), "Distribution(9)"},
		{StatusOK.String(), "VS_OK"}, {StatusInternal.String(), "VS_ERR_INTERNAL"},
		{StatusInvalidScale.String(), "VS_ERR_INVALID_SCALE"},
		{StatusInvalidAlgorithm.String(), "VS_ERR_INVALID_ALGORITHM"},
		{StatusInvalidLayout.String(), "VS_ERR_INVALID_LAYOUT"},
		{Status(-1).String(), "Status(-1)"}, {Status(12).String(), "Status(12)"},
		{LayoutInOut.String(), "in_out"}, {LayoutOutIn.String(), "out_in"},
		{LayoutOutSpatialIn.String(), "out_spatial_in"}, {Layout(3).String(), "Layout(3)"},
		{PCG64BlockV1.String(), "pcg64-block-v1"},
		{SplitMix64CtrV2.String(), "splitmix64-ctr-v2"},
		{Algorithm(0).String(), "Algorithm(0)"}, {Algorithm(3).String(), "Algorithm(3)"},
		{Algorithm(math.MaxUint32).String(), "Algorithm(4294967295)"},
		{fmt.Sprint(PCG64BlockV1), "pcg64-block-v1"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// Status.Error is the library's vs_status_str
	for s := StatusNullArgument; s <= StatusInvalidLayout; s++ {
		if !strings.HasPrefix(s.Error(), s.String()) {
			t.Errorf("%v.Error() = %q", s, s.Error())
		}
	}
	if got := Status(42).Error(); got != "unknown vs_status value" {
		t.Errorf("Status(42).Error() = %q", got)
	}
	if got := StatusInvalidAlgorithm.Error(); !strings.Contains(strings.ToLower(got), "algorithm") {
		t.Errorf("StatusInvalidAlgorithm.Error() = %q", got)
	}
	if got := StatusInvalidLayout.Error(); !strings.HasPrefix(got, "VS_ERR_INVALID_LAYOUT") ||
		!strings.Contains(strings.ToLower(got), "layout") {
		t.Errorf("StatusInvalidLayout.Error() = %q", got)
	}
}

// The Go statuses are the C library's: every number vs_status_str knows has
// a Go constant whose name is the C name before ": ", and the first number
// after the last constant is unknown to the library too.
func TestStatusesAreTheLibrarys(t *testing.T) {
	consts := []Status{StatusOK, StatusNullArgument, StatusInvalidScale, StatusInvalidMode,
		StatusInvalidDistribution, StatusInvalidDtype, StatusInvalidShape, StatusBufferSize,
		StatusInvalidConfig, StatusInternal, StatusInvalidAlgorithm, StatusInvalidLayout}
	for i, s := range consts {
		if s != Status(i) {
			t.Fatalf("constant %d is Status(%d)", i, int32(s))
		}
		text := statusText(s)
		name, rest, ok := strings.Cut(text, ": ")
		if !ok || rest == "" || s.String() != name || s.Error() != text {
			t.Errorf("Status(%d): String %q, Error %q, vs_status_str %q", i, s.String(), s.Error(), text)
		}
	}
	next := Status(len(consts))
	if got := statusText(next); got != "unknown vs_status value" {
		t.Errorf("the library has a status %d (%q) the Go package lacks", int32(next), got)
	}
	if got := next.String(); got != "Status("+itoa(int64(next))+")" {
		t.Errorf("%d.String() = %q", int32(next), got)
	}
}

func TestBadScale(t *testing.T) {
	for _, scale := range []float64{math.NaN(), 0, -1, math.Inf(1), math.Inf(-1)} {
		in, err := New(scale, FanIn, TruncatedNormal, u64(1))
		if in != nil {
			t.Fatalf("scale %v: got a handle", scale)
		}
		wantStatus(t, err, StatusInvalidScale, "scale")
		_, err = NewWithAxes(scale, FanIn, TruncatedNormal, nil, []int64{0}, []int64{1})
		wantStatus(t, err, StatusInvalidScale, "scale")
	}
	// the first invalid argument is reported (scale, then mode, then distribution)
	_, err := New(-1, 7, 7, nil)
	wantStatus(t, err, StatusInvalidScale, "scale=-1")
}

func TestBadModeAndDistribution(t *testing.T) {
	_, err := New(1, Mode(3), Uniform, u64(1))
	wantStatus(t, err, StatusInvalidMode, "mode", "3")
	_, err = New(1, FanIn, Distribution(3), u64(1))
	wantStatus(t, err, StatusInvalidDistribution, "distribution", "3")
	_, err = New(1, FanIn, Distribution(math.MaxUint32), nil)
	wantStatus(t, err, StatusInvalidDistribution, "4294967295")
}

func TestInvalidJSON(t *testing.T) {
	for _, c := range []struct {
		json  string
		st    Status
		parts []string
	}{
		{"{bad", StatusInvalidConfig, []string{"JSON"}},
		{"", StatusInvalidConfig, nil},
		{"[1, 2]", StatusInvalidConfig, nil},
		{`{"seed":-42}`, StatusInvalidConfig, []string{"seed=-42"}},
		{`{"seed":1,"unknown_key":1}`, StatusInvalidConfig, []string{"unknown_key"}},
		{`"normal"`, StatusInvalidConfig, nil}, // Keras's RandomNormal, not VarianceScaling
		{`{"scale":-2.0}`, StatusInvalidScale, []string{"scale"}},
		{`{"mode":"fan_sideways"}`, StatusInvalidMode, []string{"fan_sideways"}},
		{`{"distribution":"cauchy"}`, StatusInvalidDistribution, []string{"cauchy"}},
		{`{"dtype":"int32"}`, StatusInvalidDtype, []string{"int32"}},
		{`{"input_axes":[0],"output_axes":null}`, StatusInvalidConfig, nil},
		{"{\"seed\":1}\x00garbage", StatusInvalidConfig, []string{"NUL"}},
	} {
		in, err := FromConfigJSON(c.json)
		if in != nil {
			t.Fatalf("%q: got a handle", c.json)
		}
		wantStatus(t, err, c.st, c.parts...)
	}
}

func TestInvalidShape(t *testing.T) {
	in := mustNew(t, 1, FanIn, TruncatedNormal, u64(3))
	bad := []int64{3, -7}
	_, err := in.Fill32(bad)
	wantStatus(t, err, StatusInvalidShape, "-7")
	_, err = in.Fill64(bad)
	wantStatus(t, err, StatusInvalidShape, "-7")
	wantStatus(t, in.Fill32Into(bad, make([]float32, 21)), StatusInvalidShape, "-7")
	wantStatus(t, in.Fill64Into(bad, nil), StatusInvalidShape, "-7")
	wantStatus(t, in.FillRange32(bad, 0, make([]float32, 2)), StatusInvalidShape, "-7")
	wantStatus(t, in.FillRange64(bad, 0, nil), StatusInvalidShape, "-7")
	_, err = in.Describe(bad)
	wantStatus(t, err, StatusInvalidShape, "-7")
	_, _, err = ComputeFans(bad)
	wantStatus(t, err, StatusInvalidShape, "-7")
	// an element count beyond MaxInt64
	huge := []int64{1 << 40, 1 << 40}
	_, err = in.Fill32(huge)
	wantStatus(t, err, StatusInvalidShape)
	// a valid shape too large for one Go slice: fill it in ranges
	_, err = in.Fill32([]int64{1 << 62})
	wantStatus(t, err, StatusBufferSize, "too large")
	_, err = in.Fill64([]int64{1 << 61, 2})
	wantStatus(t, err, StatusBufferSize, "too large")
	r := make([]float32, 3)
	if err := in.FillRange32([]int64{1 << 62}, 1<<61, r); err != nil {
		t.Fatal("a range of a huge tensor:", err)
	}
	_, _, err = ComputeFans([]int64{1 << 62, 4, 2})
	wantStatus(t, err, StatusInvalidShape)
	// an axis out of range is reported by the fill
	ax, err := NewWithAxes(1, FanIn, TruncatedNormal, u64(1), []int64{5}, []int64{0})
	if err != nil {
		t.Fatal(err)
	}
	defer ax.Close()
	_, err = ax.Fill32([]int64{2, 3})
	wantStatus(t, err, StatusInvalidShape, "5")
	_, err = ax.Describe([]int64{2, 3})
	wantStatus(t, err, StatusInvalidShape, "5")
}

// sentinel fills: a NaN payload no fill produces
const sentinel32 = 0x7fc0dead
const sentinel64 = 0x7ff8deaddeadbeef

func sentinels32(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = math.Float32frombits(sentinel32)
	}
	return s
}

func sentinels64(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.Float64frombits(sentinel64)
	}
	return s
}

func untouched32(t *testing.T, what string, s []float32) {
	t.Helper()
	for i, v := range s {
		if math.Float32bits(v) != sentinel32 {
			t.Fatalf("%s: dst[%d] was written (%v)", what, i, v)
		}
	}
}

func untouched64(t *testing.T, what string, s []float64) {
	t.Helper()
	for i, v := range s {
		if math.Float64bits(v) != sentinel64 {
			t.Fatalf("%s: dst[%d] was written (%v)", what, i, v)
		}
	}
}

func TestBufferSizeAndDstUntouched(t *testing.T) {
	in := mustNew(t, 1, FanAvg, Uniform, u64(9))
	shape := []int64{3, 7} // 21 elements

	for _, n := range []int{0, 1, 20, 22, 100} {
		d32 := sentinels32(n)
		wantStatus(t, in.Fill32Into(shape, d32), StatusBufferSize, fmt.Sprint(n), "21")
		untouched32(t, "Fill32Into wrong length", d32)
		d64 := sentinels64(n)
		wantStatus(t, in.Fill64Into(shape, d64), StatusBufferSize, fmt.Sprint(n), "21")
		untouched64(t, "Fill64Into wrong length", d64)
	}
	// ranges past the end
	for _, c := range []struct {
		off uint64
		n   int
	}{{20, 2}, {21, 1}, {22, 0}, {0, 22}, {math.MaxUint64, 2}} {
		d32 := sentinels32(c.n)
		wantStatus(t, in.FillRange32(shape, c.off, d32), StatusBufferSize)
		untouched32(t, "FillRange32 past the end", d32)
		d64 := sentinels64(c.n)
		wantStatus(t, in.FillRange64(shape, c.off, d64), StatusBufferSize)
		untouched64(t, "FillRange64 past the end", d64)
	}
	// a bad shape with a buffer of the "right" size
	d32 := sentinels32(21)
	wantStatus(t, in.Fill32Into([]int64{-3, -7}, d32), StatusInvalidShape)
	untouched32(t, "Fill32Into bad shape", d32)
	d64 := sentinels64(21)
	wantStatus(t, in.FillRange64([]int64{3, -7}, 0, d64), StatusInvalidShape)
	untouched64(t, "FillRange64 bad shape", d64)
	// a closed handle
	c := mustNew(t, 1, FanIn, Uniform, u64(1))
	c.Close()
	if err := c.Fill32Into(shape, d32); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
	untouched32(t, "Fill32Into closed", d32)
	// and a good call writes everything
	if err := in.Fill32Into(shape, d32); err != nil {
		t.Fatal(err)
	}
	for i, v := range d32 {
		if math.Float32bits(v) == sentinel32 || math.IsNaN(float64(v)) {
			t.Fatalf("dst[%d] not written", i)
		}
	}
}

const kerasText = `{"seed":123,"scale":2.0,"mode":"fan_out","distribution":"untruncated_normal","input_axes":null,"output_axes":null}`

func TestConfigJSONRoundTrip(t *testing.T) {
	in := mustNew(t, 2.0, FanOut, UntruncatedNormal, u64(123))
	got, err := in.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got != kerasText {
		t.Fatalf("ConfigJSON:\n got %s\nwant %s", got, kerasText)
	}
	back, err := FromConfigJSON(kerasText)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Seed() != 123 {
		t.Fatalf("Seed() = %d", back.Seed())
	}
	if j, _ := back.ConfigJSON(); j != kerasText {
		t.Fatalf("round trip gave %s", j)
	}
	shape := []int64{5, 6, 7}
	a, _ := in.Fill64(shape)
	b, _ := back.Fill64(shape)
	if !equal64(a, b) {
		t.Fatal("values differ after the JSON round trip")
	}

	// axes and the full seed range
	ax, err := NewWithAxes(0.1, FanAvg, Uniform, u64(math.MaxUint64), []int64{1, 2, 3}, []int64{0, -2, -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ax.Close()
	j, err := ax.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"seed":18446744073709551615,"scale":0.1,"mode":"fan_avg","distribution":"uniform","input_axes":[1,2,3],"output_axes":[0,-2,-1]}`
	if j != want {
		t.Fatalf("ConfigJSON:\n got %s\nwant %s", j, want)
	}
	ax2, err := FromConfigJSON(j)
	if err != nil {
		t.Fatal(err)
	}
	defer ax2.Close()
	if j2, _ := ax2.ConfigJSON(); j2 != j || ax2.Seed() != math.MaxUint64 {
		t.Fatalf("round trip gave %s, seed %d", j2, ax2.Seed())
	}

	// empty axes lists are lists (fan 1), not "no list"
	e, err := NewWithAxes(1, FanIn, TruncatedNormal, u64(1), []int64{}, []int64{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if j, _ := e.ConfigJSON(); !strings.Contains(j, `"input_axes":[],"output_axes":[]`) {
		t.Fatalf("empty axes: %s", j)
	}
	if p, err := e.Describe([]int64{4, 5}); err != nil || p.FanIn != 1 || p.FanOut != 1 {
		t.Fatalf("empty axes: %+v %v", p, err)
	}
	// nil lists are the default rule; exactly one nil is an error
	d, err := NewWithAxes(1, FanIn, TruncatedNormal, u64(1), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if j, _ := d.ConfigJSON(); !strings.Contains(j, `"input_axes":null,"output_axes":null`) {
		t.Fatalf("nil axes: %s", j)
	}
	_, err = NewWithAxes(1, FanIn, TruncatedNormal, u64(1), []int64{0}, nil)
	wantStatus(t, err, StatusInvalidConfig, "input_axes", "output_axes")
	_, err = NewWithAxes(1, FanIn, TruncatedNormal, u64(1), nil, []int64{})
	wantStatus(t, err, StatusInvalidConfig)
}

func TestKerasForms(t *testing.T) {
	he, err := FromConfigJSON(`"he_normal"`)
	if err != nil {
		t.Fatal(err)
	}
	defer he.Close()
	j, _ := he.ConfigJSON()
	if want := `{"seed":null,"scale":2.0,"mode":"fan_in","distribution":"truncated_normal","input_axes":null,"output_axes":null}`; j != want {
		t.Fatalf("he_normal: %s", j)
	}

	ser := `{"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": 7}, "registered_name": null}`
	s, err := FromConfigJSON(ser)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ref := mustNew(t, 2.0, FanIn, TruncatedNormal, u64(7))
	j1, _ := s.ConfigJSON()
	j2, _ := ref.ConfigJSON()
	if j1 != j2 || s.Seed() != 7 {
		t.Fatalf("serialized HeNormal: %s, want %s", j1, j2)
	}
	shape := []int64{3, 3, 16, 32}
	a, _ := s.Fill32(shape)
	b, _ := ref.Fill32(shape)
	if !equal32(a, b) {
		t.Fatal("serialized HeNormal gives other values than New(2, FanIn, TruncatedNormal, 7)")
	}

	g, err := FromConfigJSON(`{"class_name": "GlorotUniform", "config": {"seed": 1}}`)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if j, _ := g.ConfigJSON(); j != `{"seed":1,"scale":1.0,"mode":"fan_avg","distribution":"uniform","input_axes":null,"output_axes":null}` {
		t.Fatalf("GlorotUniform: %s", j)
	}
}

func TestUnseeded(t *testing.T) {
	in := mustNew(t, 2.0, FanIn, Uniform, nil)
	j, err := in.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(j, `"seed":null`) {
		t.Fatalf("unseeded ConfigJSON: %s", j)
	}
	seed := in.Seed()
	re := mustNew(t, 2.0, FanIn, Uniform, &seed)
	shape := []int64{64, 33}
	a, _ := in.Fill64(shape)
	a2, _ := in.Fill64(shape)
	b, _ := re.Fill64(shape)
	if !equal64(a, a2) {
		t.Fatal("an unseeded handle gave different values on two calls")
	}
	if !equal64(a, b) {
		t.Fatal("New with the unseeded handle's Seed() gives other values")
	}
	if jr, _ := re.ConfigJSON(); !strings.Contains(jr, fmt.Sprintf(`"seed":%d`, seed)) {
		t.Fatalf("reseeded ConfigJSON: %s", jr)
	}
	other := mustNew(t, 2.0, FanIn, Uniform, nil)
	if other.Seed() == seed {
		t.Fatalf("two unseeded handles drew the same seed %d", seed)
	}
}

func TestDescribeAndComputeFans(t *testing.T) {
	for _, c := range []struct {
		shape         []int64
		fanIn, fanOut int64
	}{
		{nil, 1, 1},
		{[]int64{}, 1, 1},
		{[]int64{5}, 5, 5},
		{[]int64{784, 10}, 784, 10},
		{[]int64{3, 3, 64, 64}, 576, 576}, // 3*3*64 both
		{[]int64{3, 3, 16, 32}, 144, 288},
		{[]int64{2, 3, 5, 7}, 30, 42},
		{[]int64{64, 32, 3, 3}, 6144, 6144},
		{[]int64{0, 5}, 0, 5},
		{[]int64{0, 1 << 62, 4, 4}, 0, 0}, // a zero makes the product 0 before overflow
	} {
		fi, fo, err := ComputeFans(c.shape)
		if err != nil || fi != c.fanIn || fo != c.fanOut {
			t.Errorf("ComputeFans(%v) = %d, %d, %v; want %d, %d", c.shape, fi, fo, err, c.fanIn, c.fanOut)
		}
	}

	near := func(got, want float64) bool {
		return got == want || math.Abs(got-want) <= 1e-15*math.Abs(want)
	}
	const c = 0.87962566103423978
	he := mustNew(t, 2, FanIn, TruncatedNormal, u64(1))
	p, err := he.Describe([]int64{3, 3, 64, 64})
	if err != nil {
		t.Fatal(err)
	}
	sd := math.Sqrt(2.0/576) / c
	if p.FanIn != 576 || p.FanOut != 576 || p.N != 576 || !near(p.Stddev, sd) || !near(p.Limit, 2*sd) {
		t.Errorf("he_normal [3,3,64,64]: %+v", p)
	}

	gl := mustNew(t, 1, FanAvg, Uniform, u64(1))
	p, err = gl.Describe([]int64{784, 10})
	if err != nil {
		t.Fatal(err)
	}
	if p.FanIn != 784 || p.FanOut != 10 || p.N != 397 || p.Stddev != 0 || !near(p.Limit, math.Sqrt(3.0/397)) {
		t.Errorf("glorot_uniform [784,10]: %+v", p)
	}
	p, _ = gl.Describe([]int64{3, 4})
	if p.N != 3.5 {
		t.Errorf("fan_avg of 3 and 4: n = %v", p.N)
	}
	p, _ = gl.Describe([]int64{0, 4})
	if p.N != 2 {
		t.Errorf("fan_avg of 0 and 4: n = %v", p.N)
	}

	un := mustNew(t, 1, FanOut, UntruncatedNormal, u64(1))
	p, err = un.Describe([]int64{100})
	if err != nil {
		t.Fatal(err)
	}
	if p.FanIn != 100 || p.FanOut != 100 || p.N != 100 || !near(p.Stddev, 0.1) || !math.IsInf(p.Limit, 1) {
		t.Errorf("untruncated [100]: %+v", p)
	}
	p, _ = un.Describe([]int64{0, 0})
	if p.N != 1 || p.Stddev != 1 {
		t.Errorf("empty tensor: n must be at least 1: %+v", p)
	}

	// PyTorch conv weight [out, in, kh, kw] with explicit axes
	tc, err := NewWithAxes(2, FanIn, UntruncatedNormal, u64(1), []int64{1, 2, 3}, []int64{0, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	p, err = tc.Describe([]int64{64, 32, 3, 3})
	if err != nil || p.FanIn != 288 || p.FanOut != 576 || p.N != 288 {
		t.Errorf("torch axes: %+v %v", p, err)
	}
}

func TestScalarAndEmpty(t *testing.T) {
	in := mustNew(t, 3, FanIn, Uniform, u64(123))
	a, err := in.Fill64(nil)
	if err != nil || len(a) != 1 {
		t.Fatalf("scalar: %v %v", a, err)
	}
	b, err := in.Fill64([]int64{})
	if err != nil || !equal64(a, b) {
		t.Fatalf("empty shape: %v %v", b, err)
	}
	if math.Float64bits(a[0]) != 0xbff2bc8e361e4dca { // golden case uniform_scalar, v2 (the default)
		t.Fatalf("scalar value %x", math.Float64bits(a[0]))
	}
	v1 := withAlg(t, in, PCG64BlockV1)
	if a, err := v1.Fill64(nil); err != nil || math.Float64bits(a[0]) != 0x3ff1eb562e6ffb43 { // the v1 golden case
		t.Fatalf("v1 scalar: %v %v", a, err)
	}
	e, err := in.Fill32([]int64{0, 5})
	if err != nil || e == nil || len(e) != 0 {
		t.Fatalf("empty tensor: %#v %v", e, err)
	}
	if err := in.Fill32Into([]int64{4, 0}, nil); err != nil {
		t.Fatal(err)
	}
	if err := in.Fill64Into([]int64{4, 0}, []float64{}); err != nil {
		t.Fatal(err)
	}
	if err := in.FillRange32([]int64{3, 7}, 21, nil); err != nil {
		t.Fatal("an empty range at the end:", err)
	}
	if err := in.FillRange64([]int64{3, 7}, 5, []float64{}); err != nil {
		t.Fatal(err)
	}
	if err := in.FillRange32(nil, 0, make([]float32, 1)); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, in.Fill32Into([]int64{0}, make([]float32, 1)), StatusBufferSize)
}

func TestRangesMatchWholeFill(t *testing.T) {
	base := mustNew(t, 0.5, FanAvg, TruncatedNormal, u64(77))
	for _, alg := range []Algorithm{PCG64BlockV1, SplitMix64CtrV2} {
		t.Run(alg.String(), func(t *testing.T) { rangesMatchWholeFill(t, withAlg(t, base, alg)) })
	}
}

func rangesMatchWholeFill(t *testing.T, in *Initializer) {
	shape := []int64{3000, 700} // 2.1M elements, over the threading threshold
	w64, err := in.Fill64(shape)
	if err != nil {
		t.Fatal(err)
	}
	w32, err := in.Fill32(shape)
	if err != nil {
		t.Fatal(err)
	}
	// pcg64-block-v1 only: f32 is the f64 rounded (v2 has its own streams)
	if in.Algorithm() == PCG64BlockV1 {
		for i := range w64 {
			if w32[i] != float32(w64[i]) {
				t.Fatalf("f32[%d] != float32(f64[%d])", i, i)
			}
		}
	}
	for _, off := range []int{0, 1, 1023, 1024, 1025, 2047, 4096, 123457, len(w64) - 3000} {
		for _, n := range []int{1, 5, 1024, 2999} {
			r64 := make([]float64, n)
			r32 := make([]float32, n)
			if err := in.FillRange64(shape, uint64(off), r64); err != nil {
				t.Fatal(err)
			}
			if err := in.FillRange32(shape, uint64(off), r32); err != nil {
				t.Fatal(err)
			}
			if !equal64(r64, w64[off:off+n]) || !equal32(r32, w32[off:off+n]) {
				t.Fatalf("range [%d, %d) differs from the whole fill", off, off+n)
			}
		}
	}
	f16 := make([]uint16, len(w32))
	if err := in.FillFloat16BitsInto(shape, f16); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(w32); i += 991 {
		// binary16 is the f32 rounded to nearest-even (both algorithms)
		if want := f32ToF16Bits(w32[i]); f16[i] != want {
			t.Fatalf("f16[%d] = %04x, want %04x", i, f16[i], want)
		}
	}
	r16 := make([]uint16, 100)
	if err := in.FillRangeFloat16Bits(shape, 5000, r16); err != nil {
		t.Fatal(err)
	}
	for i := range r16 {
		if r16[i] != f16[5000+i] {
			t.Fatal("f16 range differs")
		}
	}
	if err := in.FillBFloat16BitsInto(shape, f16); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(w32); i += 997 {
		// bf16 is the f32 rounded to nearest-even in its upper 16 bits
		if want := bf16Bits(w32[i]); f16[i] != want {
			t.Fatalf("bf16[%d] = %04x, want %04x", i, f16[i], want)
		}
	}
}

func TestSetMaxThreadsNeverChangesValues(t *testing.T) {
	defer SetMaxThreads(0)
	in := mustNew(t, 2, FanIn, UntruncatedNormal, u64(5))
	shape := []int64{600, 1000}
	var ref []float32
	for _, n := range []uint32{0, 1, 2, 3, 64} {
		SetMaxThreads(n)
		got, err := in.Fill32(shape)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = got
		} else if !equal32(ref, got) {
			t.Fatalf("SetMaxThreads(%d) changed the values", n)
		}
	}
}

func TestConcurrentFillsOneHandle(t *testing.T) {
	in := mustNew(t, 1, FanAvg, Uniform, u64(2024))
	shape := []int64{256, 300}
	ref, err := in.Fill32(shape)
	if err != nil {
		t.Fatal(err)
	}
	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for it := 0; it < 10; it++ {
				got, err := in.Fill32(shape)
				if err != nil {
					errs <- err
					return
				}
				if !equal32(got, ref) {
					errs <- fmt.Errorf("worker %d: whole fill differs", w)
					return
				}
				off := (w*7919 + it*104729) % (len(ref) - 500)
				part := make([]float32, 500)
				if err := in.FillRange32(shape, uint64(off), part); err != nil {
					errs <- err
					return
				}
				if !equal32(part, ref[off:off+500]) {
					errs <- fmt.Errorf("worker %d: range at %d differs", w, off)
					return
				}
				if _, err := in.ConfigJSON(); err != nil {
					errs <- err
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

func TestClose(t *testing.T) {
	in, err := New(1, FanIn, TruncatedNormal, u64(11))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if in.Seed() != 11 || in.Algorithm() != DefaultAlgorithm {
		t.Fatalf("Seed() after Close = %d, Algorithm() %v", in.Seed(), in.Algorithm())
	}
	checks := map[string]error{}
	_, checks["Fill32"] = in.Fill32([]int64{2})
	_, checks["Fill64"] = in.Fill64([]int64{2})
	checks["Fill32Into"] = in.Fill32Into([]int64{2}, make([]float32, 2))
	checks["Fill64Into"] = in.Fill64Into([]int64{2}, make([]float64, 2))
	checks["FillRange32"] = in.FillRange32([]int64{2}, 0, make([]float32, 2))
	checks["FillRange64"] = in.FillRange64([]int64{2}, 0, make([]float64, 2))
	checks["FillFloat16BitsInto"] = in.FillFloat16BitsInto([]int64{2}, make([]uint16, 2))
	checks["FillRangeBFloat16Bits"] = in.FillRangeBFloat16Bits([]int64{2}, 0, make([]uint16, 2))
	_, checks["Describe"] = in.Describe([]int64{2})
	_, checks["ConfigJSON"] = in.ConfigJSON()
	_, checks["WithAlgorithm"] = in.WithAlgorithm(PCG64BlockV1)
	_, checks["FillSlice32"] = in.FillSlice32([]int64{2}, []int64{0}, []int64{1})
	_, checks["FillSlice64"] = in.FillSlice64([]int64{2}, []int64{0}, []int64{1})
	checks["FillSlice32Into"] = in.FillSlice32Into([]int64{2}, []int64{0}, []int64{1}, make([]float32, 1))
	checks["FillSlice64Into"] = in.FillSlice64Into([]int64{2}, []int64{0}, []int64{1}, make([]float64, 1))
	checks["FillSliceFloat16BitsInto"] = in.FillSliceFloat16BitsInto([]int64{2}, []int64{0}, []int64{1}, make([]uint16, 1))
	checks["FillSliceBFloat16BitsInto"] = in.FillSliceBFloat16BitsInto([]int64{2}, []int64{0}, []int64{1}, make([]uint16, 1))
	for op, err := range checks {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", op, err)
			continue
		}
		e := wantStatus(t, err, StatusNullArgument, "closed")
		if e.Op != op {
			t.Errorf("Op = %q, want %q", e.Op, op)
		}
	}
	// a nil *Initializer behaves as a closed one
	var nilIn *Initializer
	if _, err := nilIn.Fill32(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("nil handle: %v", err)
	}
	if nilIn.Close() != nil || nilIn.Seed() != 0 || nilIn.Algorithm() != 0 {
		t.Error("nil handle Close/Seed/Algorithm")
	}
	if _, err := nilIn.WithAlgorithm(PCG64BlockV1); !errors.Is(err, ErrClosed) {
		t.Errorf("nil handle WithAlgorithm: %v", err)
	}
	// ErrClosed matches only closed-handle errors
	_, err = New(-1, FanIn, Uniform, nil)
	if errors.Is(err, ErrClosed) {
		t.Error("a scale error matches ErrClosed")
	}
}

// Close while other goroutines fill: each call either succeeds with the
// right values or reports ErrClosed; nothing crashes.
func TestCloseWhileInUse(t *testing.T) {
	for round := 0; round < 20; round++ {
		in, err := New(1, FanIn, Uniform, u64(uint64(round)))
		if err != nil {
			t.Fatal(err)
		}
		shape := []int64{64, 64}
		ref, _ := in.Fill32(shape)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < 50; i++ {
					got, err := in.Fill32(shape)
					if err != nil {
						if !errors.Is(err, ErrClosed) {
							t.Error(err)
						}
						return
					}
					if !equal32(got, ref) {
						t.Error("values differ")
						return
					}
				}
			}()
		}
		close(start)
		runtime.Gosched()
		in.Close()
		wg.Wait()
	}
}

// Handles dropped without Close are released by the finalizer (smoke test:
// no crash, no double free with a later explicit Close).
func TestFinalizer(t *testing.T) {
	for i := 0; i < 200; i++ {
		in, err := New(1, FanIn, Uniform, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			in.Close()
		}
	}
	runtime.GC()
	runtime.GC()
}

// The message of each failed call is its own, although goroutines move
// between OS threads and the library's message is per thread: every
// goroutine fails with its own bad values, and every message must name them.
func TestErrorMessagePerCall(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 4 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	}
	in := mustNew(t, 1, FanIn, TruncatedNormal, u64(1))
	const workers, iters = 64, 200
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		moved int
	)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			threads := map[int]bool{}
			for i := 0; i < iters; i++ {
				threads[threadID()] = true
				switch i % 3 {
				case 0:
					scale := -float64(w*iters+i) - 0.5
					_, err := New(scale, FanIn, Uniform, nil)
					var e *Error
					if !errors.As(err, &e) || e.Status != StatusInvalidScale ||
						!strings.Contains(e.Message, fmt.Sprintf("scale=%v", scale)) {
						errs <- fmt.Errorf("goroutine %d: scale %v gave %v", w, scale, err)
						return
					}
				case 1:
					dim := -int64(1000000 + w*iters + i)
					_, err := in.Fill32([]int64{2, dim})
					var e *Error
					if !errors.As(err, &e) || e.Status != StatusInvalidShape ||
						!strings.Contains(e.Message, fmt.Sprintf("= %d ", dim)) {
						errs <- fmt.Errorf("goroutine %d: dim %d gave %v", w, dim, err)
						return
					}
				case 2:
					seed := -int64(w*iters + i + 1)
					_, err := FromConfigJSON(fmt.Sprintf(`{"seed":%d}`, seed))
					var e *Error
					if !errors.As(err, &e) || e.Status != StatusInvalidConfig ||
						!strings.Contains(e.Message, fmt.Sprintf("seed=%d", seed)) {
						errs <- fmt.Errorf("goroutine %d: seed %d gave %v", w, seed, err)
						return
					}
				}
				runtime.Gosched()
			}
			threads[threadID()] = true
			if len(threads) > 1 {
				mu.Lock()
				moved++
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d of %d goroutines ran on more than one OS thread", moved, workers)
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func equal64(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
