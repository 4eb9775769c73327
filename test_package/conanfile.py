# test_package of the Conan recipe (../conanfile.py, docs/conan.md): builds a
# C program and a C++17 program against the package through
# find_package(VarianceScaling) and the C program once more through
# pkg-config (variance_scaling.pc), runs them, and fails on any wrong value.
#
# SPDX-License-Identifier: MIT OR Apache-2.0

import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.gnu import PkgConfigDeps


class VarianceScalingTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    test_type = "explicit"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def _linkage(self):
        shared = self.dependencies[self.tested_reference_str].options.shared
        return "shared" if shared else "static"

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["VS_TEST_LINKAGE"] = self._linkage()
        tc.user_presets_path = False  # no CMakeUserPresets.json in test_package/
        tc.generate()
        CMakeDeps(self).generate()
        PkgConfigDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if not can_run(self):
            return
        for program in ("test_package_c", "test_package_cxx", "test_package_pkgconfig"):
            path = os.path.join(self.cpp.build.bindir, program)
            # env="conanrun": the shared library's directory on LD_LIBRARY_PATH
            self.run(f"{path} {self._linkage()}", env="conanrun")
