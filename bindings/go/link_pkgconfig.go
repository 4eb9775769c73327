//go:build vs_pkgconfig

package variancescaling

// With the build tag vs_pkgconfig, the compiler and linker flags come from
// pkg-config's variance_scaling.pc (an installed library). Without the tag
// they come from CGO_CFLAGS / CGO_LDFLAGS in the environment; see README.md.

// #cgo pkg-config: variance_scaling
import "C"
