//go:build linux

package variancescaling

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadedLibraries lists the libvariance_scaling.so files mapped into this
// process (from /proc/self/maps, each once).
func loadedLibraries(t *testing.T) []string {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps:", err)
	}
	seen := map[string]bool{}
	var libs []string
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		path := strings.Join(f[5:], " ")
		if strings.HasPrefix(filepath.Base(path), "libvariance_scaling.so") && !seen[path] {
			seen[path] = true
			libs = append(libs, path)
		}
	}
	return libs
}

// The test binary is linked as the build tags say: without vs_static it
// loads libvariance_scaling.so (from the directory VSGO_WANT_LIBRARY_DIR
// names, when set: tests/install/go.sh sets it to pkg-config's libdir, so
// the build tree's uninstalled .pc and the installed .pc are each checked to
// be the one used); with vs_static it loads none.
func TestLinkKind(t *testing.T) {
	if v := Version(); v == "" { // a call into the library
		t.Fatal("Version() is empty")
	}
	libs := loadedLibraries(t)
	if linkedStatic {
		if len(libs) != 0 {
			t.Fatalf("built with the tag vs_static, yet the shared library is loaded: %v", libs)
		}
		return
	}
	if len(libs) != 1 {
		t.Fatalf("built without vs_static: want one libvariance_scaling.so loaded, found %v", libs)
	}
	t.Logf("loaded %s", libs[0])
	want := os.Getenv("VSGO_WANT_LIBRARY_DIR")
	if want == "" {
		return
	}
	wantDir, err := filepath.EvalSymlinks(want)
	if err != nil {
		t.Fatalf("VSGO_WANT_LIBRARY_DIR=%s: %v", want, err)
	}
	gotDir, err := filepath.EvalSymlinks(filepath.Dir(libs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if gotDir != wantDir {
		t.Fatalf("loaded %s, not a library of VSGO_WANT_LIBRARY_DIR=%s", libs[0], want)
	}
}
