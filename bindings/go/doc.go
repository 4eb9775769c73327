// Package variancescaling is the Go binding of libvariance_scaling, the
// TensorFlow / Keras 3 VarianceScaling weight initializer with a C ABI: the
// same fan rules, the same scale/n variance, the same three distributions
// and the same config JSON as Keras, with values reproducible bit for bit
// from a 64-bit seed (algorithm "pcg64-block-v1").
//
//	seed := uint64(42)
//	ini, err := variancescaling.New(2.0, variancescaling.FanIn, variancescaling.TruncatedNormal, &seed)
//	if err != nil { ... }
//	defer ini.Close()
//	w, err := ini.Fill32([]int64{3, 3, 16, 32}) // He normal Conv2D kernel (kh, kw, in, out)
//
// # Linking
//
// The package uses cgo. Without build tags it takes the compiler and linker
// flags from the environment; for a build tree of the library:
//
//	CGO_CFLAGS=-I$REPO/include
//	CGO_LDFLAGS="-L$REPO/target/release -lvariance_scaling -Wl,-rpath,$REPO/target/release"
//
// With the build tag vs_pkgconfig it uses pkg-config's variance_scaling.pc
// of an installed library instead (go build -tags vs_pkgconfig). See
// README.md in this directory.
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
