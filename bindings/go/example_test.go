package variancescaling_test

import (
	"errors"
	"fmt"
	"log"

	variancescaling "github.com/libvariance-scaling/variance_scaling/bindings/go"
)

// A He normal Conv2D kernel, 3x3, 16 -> 32 channels (Keras layout
// (kh, kw, in, out)), with the default algorithm, splitmix64-ctr-v2.
func ExampleNew() {
	seed := uint64(42)
	ini, err := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
	if err != nil {
		log.Fatal(err)
	}
	defer ini.Close()

	w, err := ini.Fill32([]int64{3, 3, 16, 32})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("w[0] = %+f  w[1] = %+f  w[%d] = %+f\n", w[0], w[1], len(w)-1, w[len(w)-1])
	// Output: w[0] = +0.107058  w[1] = +0.080227  w[4607] = +0.254639
}

// The bits of libvariance_scaling 0.1: derive a handle with the 0.1
// algorithm, pcg64-block-v1 (the same kernel as in ExampleNew).
func ExampleInitializer_WithAlgorithm() {
	seed := uint64(42)
	ini, err := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
	if err != nil {
		log.Fatal(err)
	}
	defer ini.Close()
	v1, err := ini.WithAlgorithm(variancescaling.PCG64BlockV1)
	if err != nil {
		log.Fatal(err)
	}
	defer v1.Close() // a new handle; ini stays usable

	w, err := v1.Fill32([]int64{3, 3, 16, 32})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ini.Algorithm(), "->", v1.Algorithm())
	fmt.Printf("w[0] = %+f  w[1] = %+f  w[%d] = %+f\n", w[0], w[1], len(w)-1, w[len(w)-1])
	// Output:
	// splitmix64-ctr-v2 -> pcg64-block-v1
	// w[0] = -0.220027  w[1] = -0.249012  w[4607] = -0.015654
}

// The algorithms and their names.
func ExampleAlgorithm() {
	fmt.Println(variancescaling.DefaultAlgorithm, uint32(variancescaling.DefaultAlgorithm))
	fmt.Println(variancescaling.PCG64BlockV1, uint32(variancescaling.PCG64BlockV1))
	fmt.Println(variancescaling.Algorithm(7))
	// Output:
	// splitmix64-ctr-v2 2
	// pcg64-block-v1 1
	// Algorithm(7)
}

// An initializer read from a Keras model file's serialized form.
func ExampleFromConfigJSON() {
	ini, err := variancescaling.FromConfigJSON(
		`{"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": 1}, "registered_name": null}`)
	if err != nil {
		log.Fatal(err)
	}
	defer ini.Close()
	cfg, _ := ini.ConfigJSON()
	fmt.Println(cfg)
	p, _ := ini.Describe([]int64{784, 10})
	fmt.Printf("fan_in %d fan_out %d n %g limit %.6f\n", p.FanIn, p.FanOut, p.N, p.Limit)
	// Output:
	// {"seed":1,"scale":1.0,"mode":"fan_avg","distribution":"uniform","input_axes":null,"output_axes":null}
	// fan_in 784 fan_out 10 n 397 limit 0.086929
}

// A PyTorch Conv2d weight [out, in, kh, kw] with PyTorch's fans.
func ExampleNewWithAxes() {
	seed := uint64(7)
	ini, err := variancescaling.NewWithAxes(2.0, variancescaling.FanIn, variancescaling.UntruncatedNormal,
		&seed, []int64{1, 2, 3}, []int64{0, 2, 3})
	if err != nil {
		log.Fatal(err)
	}
	defer ini.Close()
	p, _ := ini.Describe([]int64{64, 32, 3, 3})
	fmt.Println(p.FanIn, p.FanOut)
	// Output: 288 576
}

// Shards of one tensor, filled separately, are the slices of the whole fill.
func ExampleInitializer_FillRange32() {
	seed := uint64(42)
	ini, _ := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
	defer ini.Close()
	shape := []int64{3, 3, 16, 32}
	shard := make([]float32, 2)
	if err := ini.FillRange32(shape, 0, shard); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+f %+f\n", shard[0], shard[1])
	// Output: +0.107058 +0.080227
}

// A tensor-parallel shard: the output channels [8, 16) of a Dense kernel
// (in, out) = (784, 32), bit-identical to those columns of the whole fill.
func ExampleInitializer_FillSlice32() {
	seed := uint64(42)
	ini, _ := variancescaling.New(1.0, variancescaling.FanAvg, variancescaling.Uniform, &seed)
	defer ini.Close()
	shape := []int64{784, 32}
	shard, err := ini.FillSlice32(shape, []int64{0, 8}, []int64{784, 8})
	if err != nil {
		log.Fatal(err)
	}
	whole, _ := ini.Fill32(shape)
	fmt.Println(len(shard), shard[0] == whole[8], shard[9] == whole[32+9])
	// Output: 6272 true true
}

// The SIMD kernel of the fills; VS_MAX_ISA=portable|avx2|avx512 in the
// environment caps it. Every kernel gives the same bits.
func ExampleISA() {
	fmt.Println("kernel:", variancescaling.ISA()) // "portable", "avx2" or "avx512"
}

// Errors carry the library's status and message.
func ExampleError() {
	_, err := variancescaling.New(-1, variancescaling.FanIn, variancescaling.Uniform, nil)
	fmt.Println(errors.Is(err, variancescaling.StatusInvalidScale))
	var e *variancescaling.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status.String(), e.Message)
	}
	// Output:
	// true
	// VS_ERR_INVALID_SCALE argument `scale` must be a finite number > 0; received: scale=-1.0
}

// A layer constructor that knows its fans fills its weight without a
// handle, each tensor with its own seed derived from the model's.
func ExampleFillFans32() {
	const base = 20261201 // the model's seed
	// a PyTorch Linear(784 -> 10) weight, (out, in) = (10, 784)
	fanIn, fanOut, err := variancescaling.ComputeFansLayout([]int64{10, 784}, variancescaling.LayoutOutIn)
	if err != nil {
		log.Fatal(err)
	}
	seed, err := variancescaling.DeriveSeedName(base, "fc.weight")
	if err != nil {
		log.Fatal(err)
	}
	w := make([]float32, 10*784)
	err = variancescaling.FillFans32(1.0, variancescaling.FanAvg, variancescaling.Uniform, seed,
		fanIn, fanOut, 0, w)
	if err != nil {
		log.Fatal(err)
	}
	// the same bits as a handle with that seed and layout
	ini, _ := variancescaling.New(1.0, variancescaling.FanAvg, variancescaling.Uniform, &seed)
	defer ini.Close()
	torch, _ := ini.WithLayout(variancescaling.LayoutOutIn)
	defer torch.Close()
	v, _ := torch.Fill32([]int64{10, 784})
	fmt.Println(fanIn, fanOut, w[0] == v[0], w[7839] == v[7839])
	// Output: 784 10 true true
}

// Seeds per tensor, by index or by name (docs/seeds.md of the library).
func ExampleDeriveSeedName() {
	fmt.Printf("%#x\n", variancescaling.DeriveSeed(1, 1))
	s, err := variancescaling.DeriveSeedName(42, "conv1.weight")
	fmt.Printf("%#x %v\n", s, err)
	_, err = variancescaling.DeriveSeedName(42, "conv1\x00weight")
	fmt.Println(errors.Is(err, variancescaling.StatusInvalidConfig))
	// Output:
	// 0x954d78b5b4455f01
	// 0xfec0122b2b113a4c <nil>
	// true
}

// A PyTorch Conv2d weight (out, in, kh, kw) through a layout: no axes
// arithmetic, and the values' standard deviation from Description.
func ExampleInitializer_WithLayout() {
	seed := uint64(7)
	ini, err := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
	if err != nil {
		log.Fatal(err)
	}
	defer ini.Close()
	torch, err := ini.WithLayout(variancescaling.LayoutOutIn)
	if err != nil {
		log.Fatal(err)
	}
	defer torch.Close() // a new handle; ini stays usable
	d, _ := torch.Description([]int64{64, 32, 3, 3})
	fmt.Printf("fan_in %d fan_out %d value stddev %.6f\n", d.FanIn, d.FanOut, d.ValueStddev)
	info, _ := torch.Info()
	fmt.Println(info.Layout, info.HasAxes, info.Seed)
	// Output:
	// fan_in 288 fan_out 576 value stddev 0.083333
	// out_in false 7
}

// What a fill uses, without a handle.
func ExampleDescribeShape() {
	d, err := variancescaling.DescribeShape(1.0, variancescaling.FanAvg, variancescaling.Uniform,
		[]int64{32, 3, 3, 16}, variancescaling.LayoutOutSpatialIn) // TFLite (out, kh, kw, in)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("fans %d %d n %g limit %.6f value stddev %.6f\n", d.FanIn, d.FanOut, d.N, d.Limit, d.ValueStddev)
	// Output: fans 144 288 n 216 limit 0.117851 value stddev 0.068041
}
