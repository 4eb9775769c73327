//go:build !vs_static

package variancescaling

// The compiler and linker flags come from pkg-config, as for any cgo
// package over a C library: variance_scaling.pc of an installed library, or
// variance_scaling-uninstalled.pc of a build tree when PKG_CONFIG_PATH names
// that tree. This links the shared library; the build tag vs_static links
// the static one instead (link_static.go).

// #cgo pkg-config: variance_scaling
import "C"

// linkedStatic tells whether the package links the shared library (build tag vs_static).
const linkedStatic = false
