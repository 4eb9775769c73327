# Conan 2 recipe of libvariance_scaling (docs/conan.md).
#
#   conan create .                          # shared library, Release
#   conan create . -o "&:shared=False"      # static library
#   bash scripts/test-conan.sh              # both, in a throwaway CONAN_HOME
#
# The library is Rust: build() runs the project's own CMakeLists.txt, which
# drives cargo with the machine's toolchain (no Conan requirements, nothing
# fetched by Conan; cargo reads crates from its registry cache and reaches
# crates.io only for a crate the cache lacks, never with --offline or
# CARGO_NET_OFFLINE=true). package_info() gives consumers the same names as
# the installed CMake package and .pc file: find_package(VarianceScaling),
# the target VarianceScaling::variance_scaling, pkg-config variance_scaling.
#
# User confs (they do not change the package id):
#   user.variance_scaling:cargo_target_dir  cargo --target-dir; one fixed
#       directory shared by every build reuses the compiled crates.io
#       dependencies (default: <build folder>/cargo, new for every build)
#   user.variance_scaling:cargo_flags       extra `cargo build` arguments,
#       space-separated (e.g. "--offline"); --locked is always passed
#
# SPDX-License-Identifier: MIT OR Apache-2.0

import os
import re
import shutil

from conan import ConanFile
from conan.errors import ConanException, ConanInvalidConfiguration
from conan.tools.build import cross_building
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rm, rmdir

# 2.21: the `cmake_extra_variables` property of package_info (conan-io/conan#18822)
required_conan_version = ">=2.21"

# What a fill of the static library needs from the system (Rust's std), as
# CMakeLists.txt's VS_STATIC_SYSTEM_LIBS lists them for Linux.
_STATIC_SYSTEM_LIBS = ["gcc_s", "util", "rt", "pthread", "m", "dl", "c"]

# Not exported with the sources: build output, fuzzing (its own cargo
# workspace and its corpora), CI.
_EXPORT_SKIP = ("target/", "build/", "build-", "fuzz/", ".ci/", "test_package/build")


class VarianceScalingConan(ConanFile):
    name = "variance_scaling"
    description = "TensorFlow/Keras VarianceScaling weight initializer with a stable C ABI"
    license = "MIT OR Apache-2.0"
    topics = ("initializer", "keras", "tensorflow", "neural-network", "ffi")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False]}
    default_options = {"shared": True}
    # build() uses the exported sources where they are: the shared and the
    # static package of one recipe revision then build the same cargo
    # package path, and with a shared cargo_target_dir cargo compiles the
    # crate once for both.
    no_copy_source = True

    def set_version(self):
        # Cargo.toml is the single source of the version (as in CMakeLists.txt).
        text = load(self, os.path.join(self.recipe_folder, "Cargo.toml"))
        m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
        if not m:
            raise ConanException('Cargo.toml has no `version = "X.Y.Z"` line')
        self.version = m.group(1)

    def export_sources(self):
        # The files git would commit (tracked, or new and not ignored), less
        # _EXPORT_SKIP; outside a git checkout, the whole tree less the same.
        src = self.recipe_folder
        try:
            from conan.tools.scm import Git

            files = Git(self, src).included_files()
        except Exception:  # not a git checkout, or no git
            files = [
                os.path.relpath(os.path.join(d, f), src).replace(os.sep, "/")
                for d, _, names in os.walk(src)
                if ".git" not in os.path.relpath(d, src).split(os.sep)
                for f in names
            ]
        for f in files:
            if f.startswith(_EXPORT_SKIP) or not os.path.isfile(os.path.join(src, f)):
                continue
            dst = os.path.join(self.export_sources_folder, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(src, f), dst)

    def layout(self):
        cmake_layout(self)

    def package_id(self):
        # The binaries are Rust's (rustc, cargo): the C and C++ compilers
        # build nothing that is packaged.
        del self.info.settings.compiler

    def validate(self):
        if self.settings.os != "Linux":
            raise ConanInvalidConfiguration(
                f"os={self.settings.os}: the build (CMakeLists.txt) supports only Linux"
            )
        if cross_building(self):
            raise ConanInvalidConfiguration(
                f"arch={self.settings.arch}: cross-building is not supported "
                "(cargo builds for the build machine)"
            )

    def validate_build(self):
        if shutil.which("cargo") is None and not os.path.isfile(
            os.path.join(os.path.expanduser("~"), ".cargo", "bin", "cargo")
        ):
            raise ConanInvalidConfiguration(
                "cargo not found on PATH or in ~/.cargo/bin: install Rust (rustup)"
            )

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["VS_BUILD_TESTS"] = False
        tc.cache_variables["VS_CARGO_PROFILE"] = (
            "dev" if self.settings.build_type == "Debug" else "release"
        )
        flags = ["--locked"] + self.conf.get(
            "user.variance_scaling:cargo_flags", default="", check_type=str
        ).split()
        tc.cache_variables["VS_CARGO_FLAGS"] = ";".join(flags)
        target_dir = self.conf.get("user.variance_scaling:cargo_target_dir", check_type=str)
        if target_dir:
            tc.cache_variables["VS_CARGO_TARGET_DIR"] = os.path.abspath(target_dir)
        # no CMakeUserPresets.json beside the sources (the project has its
        # own CMakePresets.json)
        tc.user_presets_path = False
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        # The libraries (cargo, then the stripped copies that are installed),
        # not the whole tree: vs-init (a second cargo build), the example
        # programs and their tests are not part of the package.
        cmake.build(target="variance_scaling_stripped")

    def package(self):
        cmake = CMake(self)
        # The libraries and the headers: not vs-init (component tools, which
        # may link the machine's Open MPI), which build() did not build.
        cmake.install(component="runtime")
        cmake.install(component="dev")
        for name in ("LICENSE-MIT", "LICENSE-APACHE"):
            copy(self, name, self.source_folder, os.path.join(self.package_folder, "licenses"))
        lib = os.path.join(self.package_folder, "lib")
        # Conan writes its own CMake config and .pc file (package_info).
        rmdir(self, os.path.join(lib, "cmake"))
        rmdir(self, os.path.join(lib, "pkgconfig"))
        rmdir(self, os.path.join(self.package_folder, "share"))
        if self.options.shared:
            rm(self, "*.a", lib)
        else:
            rm(self, "*.so*", lib)

    def _abi_major(self):
        header = load(self, os.path.join(self.package_folder, "include", "variance_scaling.h"))
        m = re.search(r"^#define VS_ABI_MAJOR (\d+)", header, re.MULTILINE)
        if not m:
            raise ConanException("include/variance_scaling.h defines no VS_ABI_MAJOR")
        return int(m.group(1))

    def package_info(self):
        # The names of the project's own installed package (cmake/
        # VarianceScalingConfig.cmake.in, cmake/variance_scaling.pc.in). The
        # target VarianceScaling::variance_scaling is the library the option
        # `shared` chose; a static package also answers to
        # VarianceScaling::variance_scaling_static, the installed package's
        # name for the static library.
        self.cpp_info.set_property("cmake_file_name", "VarianceScaling")
        self.cpp_info.set_property("cmake_target_name", "VarianceScaling::variance_scaling")
        self.cpp_info.set_property("pkg_config_name", "variance_scaling")
        # 0.x releases are compatible only within one minor version.
        self.cpp_info.set_property(
            "cmake_config_version_compat",
            "SameMinorVersion" if str(self.version).startswith("0.") else "SameMajorVersion",
        )
        abi = self._abi_major()
        extra = {
            "VarianceScaling_ABI_MAJOR": abi,
            "VarianceScaling_INCLUDE_DIR": os.path.join(self.package_folder, "include").replace(
                "\\", "/"
            ),
        }
        self.cpp_info.libs = ["variance_scaling"]
        if self.options.shared:
            extra["VarianceScaling_SONAME"] = f"libvariance_scaling.so.{abi}"
        else:
            self.cpp_info.set_property(
                "cmake_target_aliases", ["VarianceScaling::variance_scaling_static"]
            )
            if self.settings.os == "Linux":
                self.cpp_info.system_libs = list(_STATIC_SYSTEM_LIBS)
        self.cpp_info.set_property("cmake_extra_variables", extra)
