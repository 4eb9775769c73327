//go:build vs_static

package variancescaling

// With the build tag vs_static (go build -tags vs_static) the package links
// libvariance_scaling.a: pkg-config's --static adds the system libraries
// the archive needs (Libs.private), and link_name, the name Libs gives to
// -l, is redefined as the archive (-l:libvariance_scaling.a, the form of
// GNU ld, gold and lld), since -lvariance_scaling would find the shared
// library of the same directory first. The program then needs no
// libvariance_scaling.so at run time.

// #cgo pkg-config: --static --define-variable=link_name=:libvariance_scaling.a variance_scaling
import "C"

// linkedStatic tells whether the package links the static library (build tag vs_static).
const linkedStatic = true
