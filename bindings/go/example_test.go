package variancescaling_test

import (
	"errors"
	"fmt"
	"log"

	variancescaling "github.com/libvariance-scaling/variance_scaling/bindings/go"
)

// A He normal Conv2D kernel, 3x3, 16 -> 32 channels (Keras layout
// (kh, kw, in, out)): the same values as the C quick start in the
// library's README.
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
	// Output: w[0] = -0.220027  w[1] = -0.249012  w[4607] = -0.015654
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
	// Output: -0.220027 -0.249012
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
