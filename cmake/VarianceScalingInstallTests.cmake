# The install, package, consumer and Go tests, registered with ctest
# (included by CMakeLists.txt when VS_BUILD_TESTS is ON). Each test is one
# call of tests/install/checks.sh or tests/install/go.sh, against an
# installed copy of the library, never the build tree (except go_*_build):
#
#   label install   cmake --install into <build>/tests/install/prefix, then
#                   the checks on that tree (layout, stripped libraries, the
#                   debug file and gdb, exported symbols, versions, vs-init
#                   and its man page, the man pages: tests/install/man.sh)
#   label package   cpack's four .debs (a nested build tree with
#                   VS_PACKAGE_DEB=ON in <build>/tests/deb-build, sharing this
#                   tree's cargo output), their fields and lintian, then the
#                   same checks on the .debs unpacked into <build>/tests/deb/root
#   label consumer  the projects of tests/consumers/ (CMake find_package,
#                   Makefile + pkg-config, C++17) built and run against each
#                   tree (also labelled install or package)
#   label go        bindings/go: go vet and go test (shared, and static with
#                   the tag vs_static) against the build tree, through its
#                   variance_scaling-uninstalled.pc, and against the
#                   installed prefix, through its variance_scaling.pc
#
# Fixtures order them: install_prefix, install_debug, install_consumer_run,
# deb, deb_root, deb_consumer_run. ctest -L <label> pulls in the setup
# tests a selected test needs. None of them builds anything of this tree:
# build first (cmake --build), as for every test.
#
# Tools that a developer machine may lack (gdb, lintian, dpkg-deb, go) make
# their tests skip (SKIP_RETURN_CODE 77, listed as "Skipped" by ctest);
# with VS_REQUIRE_TEST_TOOLS=1 in the environment (.ci/run) they fail.
include_guard(GLOBAL)
include(VarianceScalingDebianNames)

find_program(VS_BASH_EXECUTABLE bash)
# Go is often installed outside PATH, in /usr/local/go (go.dev's archive).
find_program(VS_GO_EXECUTABLE go HINTS "$ENV{GOROOT}/bin" /usr/local/go/bin)
set(VS_GO_TEST_FLAGS "-race" CACHE STRING
    "Extra `go test` flags of the go_test_* tests, as a ;-list (-race needs cgo and a race-capable platform)")

set(_vs_checks "${PROJECT_SOURCE_DIR}/tests/install/checks.sh")
set(_vs_man "${PROJECT_SOURCE_DIR}/tests/install/man.sh")
set(_vs_go "${PROJECT_SOURCE_DIR}/tests/install/go.sh")
set(_vs_tests_dir "${PROJECT_BINARY_DIR}/tests")
list(JOIN VS_GO_TEST_FLAGS " " _vs_go_test_flags)
# What the checks compare against: the facts CMake read from Cargo.toml.
set(_vs_check_env
  "VS_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "VS_BUILD_DIR=${PROJECT_BINARY_DIR}"
  "VS_RUST_LIB_DIR=${VS_RUST_LIB_DIR}"
  "VS_CARGO_VERSION=${VS_CARGO_VERSION}"
  "VS_NUMERIC_VERSION=${PROJECT_VERSION}"
  "VS_ABI_MAJOR=${VS_ABI_MAJOR}"
  "VS_CMAKE=${CMAKE_COMMAND}"
  "VS_CMAKE_GENERATOR=${CMAKE_GENERATOR}"
  "VS_DEB_VERSION=${VS_DEB_VERSION}"
  "VS_DEB_UPSTREAM_VERSION=${VS_DEB_UPSTREAM_VERSION}"
  "VS_DEB_RUNTIME_PACKAGE=${VS_DEB_RUNTIME_PACKAGE}"
  "VS_DEB_DEV_PACKAGE=${VS_DEB_DEV_PACKAGE}"
  "VS_DEB_DBGSYM_PACKAGE=${VS_DEB_DBGSYM_PACKAGE}"
  "VS_DEB_TOOLS_PACKAGE=${VS_DEB_TOOLS_PACKAGE}"
  "VS_GO_TEST_FLAGS=${_vs_go_test_flags}")

# vs_add_check(<name> LABELS <l>... [SETUP <fixture>] [REQUIRES <fixture>...]
#              [DEPENDS <test>...] [TIMEOUT <s>] COMMAND <script> <args>...)
function(vs_add_check name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SETUP;TIMEOUT" "LABELS;REQUIRES;DEPENDS;COMMAND")
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND "${VS_BASH_EXECUTABLE}" ${arg_COMMAND})
  set_tests_properties(${name} PROPERTIES
    LABELS "${arg_LABELS}"
    TIMEOUT ${arg_TIMEOUT}
    SKIP_RETURN_CODE 77
    ENVIRONMENT "${_vs_check_env}")
  if(arg_SETUP)
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP "${arg_SETUP}")
  endif()
  if(arg_REQUIRES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${arg_REQUIRES}")
  endif()
  if(arg_DEPENDS)
    set_tests_properties(${name} PROPERTIES DEPENDS "${arg_DEPENDS}")
  endif()
endfunction()

# vs_add_tree_checks(<tree> <label> <tree fixture> <debug fixture>): the
# checks every installed tree gets (the prefix and the unpacked .debs)
function(vs_add_tree_checks tree label tree_fixture debug_fixture)
  set(w "${_vs_tests_dir}/${tree}")
  set(all ${tree_fixture} ${debug_fixture})
  vs_add_check(${tree}_layout LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" layout "${w}")
  vs_add_check(${tree}_stripped LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" stripped "${w}")
  vs_add_check(${tree}_debug_file LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" debug-file "${w}")
  vs_add_check(${tree}_gdb LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" gdb "${w}")
  vs_add_check(${tree}_symbols LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" symbols "${w}")
  vs_add_check(${tree}_vs_init LABELS ${label} REQUIRES ${all}
    COMMAND "${_vs_checks}" vs-init "${w}")
  # the man pages (tests/install/man.sh): section 3 against the header,
  # vs-init(1) against vs-init --help; every page rendered by man -l
  if(VS_BUILD_MAN)
    vs_add_check(${tree}_man_pages LABELS ${label} REQUIRES ${all}
      COMMAND "${_vs_man}" pages "${w}")
    vs_add_check(${tree}_man_vs_init LABELS ${label} REQUIRES ${all}
      COMMAND "${_vs_man}" vs-init "${w}")
  endif()
  set(consumers "${PROJECT_SOURCE_DIR}/tests/consumers")
  # the shared CMake consumer prints vs_version() for ${tree}_versions
  vs_add_check(${tree}_consumer_cmake_shared LABELS ${label} consumer
    REQUIRES ${all} SETUP ${tree}_consumer_run
    COMMAND "${_vs_checks}" consumer-cmake "${w}" "${consumers}/cmake" consumer shared cmake-shared)
  vs_add_check(${tree}_consumer_cmake_static LABELS ${label} consumer REQUIRES ${all}
    COMMAND "${_vs_checks}" consumer-cmake "${w}" "${consumers}/cmake" consumer static cmake-static)
  vs_add_check(${tree}_consumer_pkgconfig LABELS ${label} consumer REQUIRES ${all}
    COMMAND "${_vs_checks}" consumer-make "${w}")
  vs_add_check(${tree}_consumer_cxx_shared LABELS ${label} consumer REQUIRES ${all}
    COMMAND "${_vs_checks}" consumer-cmake "${w}" "${consumers}/cxx" consumer_cxx shared cxx-shared)
  vs_add_check(${tree}_consumer_cxx_static LABELS ${label} consumer REQUIRES ${all}
    COMMAND "${_vs_checks}" consumer-cmake "${w}" "${consumers}/cxx" consumer_cxx static cxx-static)
  vs_add_check(${tree}_versions LABELS ${label} REQUIRES ${all} ${tree}_consumer_run
    COMMAND "${_vs_checks}" versions "${w}")
endfunction()

if(NOT VS_BASH_EXECUTABLE)
  message(STATUS "No bash: the install, package, consumer and Go tests are not registered")
  return()
endif()
if(VS_PACKAGE_DEB OR NOT DEFINED VS_DEBUG_FILE)
  # A packaging tree (prefix /usr, Debian layout) is what the package tests
  # build, not what they test; and without objcopy/strip there is no debug
  # file the checks could look for.
  message(STATUS "The install and package tests need VS_PACKAGE_DEB=OFF and objcopy/strip: not registered")
  return()
endif()

# --- cmake --install --prefix <build>/tests/install/prefix -------------------
set(_vs_w "${_vs_tests_dir}/install")
vs_add_check(install_prefix LABELS install SETUP install_prefix
  COMMAND "${_vs_checks}" install "${_vs_w}" "${PROJECT_BINARY_DIR}"
          "${CMAKE_INSTALL_LIBDIR}" "${CMAKE_INSTALL_DOCDIR}")
vs_add_check(install_full_has_no_debug LABELS install REQUIRES install_prefix
  COMMAND "${_vs_checks}" no-debug-in-full-install "${_vs_w}")
vs_add_check(install_debug_component LABELS install
  REQUIRES install_prefix SETUP install_debug DEPENDS install_full_has_no_debug
  COMMAND "${_vs_checks}" install-debug "${_vs_w}" "${PROJECT_BINARY_DIR}")
vs_add_check(install_strip_same LABELS install REQUIRES install_prefix
  COMMAND "${_vs_checks}" install-strip "${_vs_w}" "${PROJECT_BINARY_DIR}")
vs_add_tree_checks(install install install_prefix install_debug)

# --- the Debian packages -----------------------------------------------------
set(_vs_w "${_vs_tests_dir}/deb")
set(_vs_deb_configure
  -G "${CMAKE_GENERATOR}"
  -DCMAKE_BUILD_TYPE=Release
  -DVS_PACKAGE_DEB=ON
  -DVS_BUILD_TESTS=OFF
  "-DVS_DEB_RELEASE=${VS_DEB_RELEASE}"
  "-DVS_CARGO_PROFILE=${VS_CARGO_PROFILE}"
  "-DVS_CARGO_TARGET_DIR=${VS_CARGO_TARGET_DIR}"
  "-DCARGO_EXECUTABLE=${CARGO_EXECUTABLE}")
if(CMAKE_MAKE_PROGRAM)
  list(APPEND _vs_deb_configure "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}")
endif()
if(VS_CARGO_FLAGS)
  string(REPLACE ";" "$<SEMICOLON>" _vs_flags "${VS_CARGO_FLAGS}")
  list(APPEND _vs_deb_configure "-DVS_CARGO_FLAGS=${_vs_flags}")
endif()
vs_add_check(deb_build LABELS package SETUP deb TIMEOUT 900
  COMMAND "${_vs_checks}" deb-build "${_vs_w}" "${_vs_tests_dir}/deb-build" ${_vs_deb_configure})
vs_add_check(deb_fields LABELS package REQUIRES deb
  COMMAND "${_vs_checks}" deb-fields "${_vs_w}")
vs_add_check(deb_lintian LABELS package REQUIRES deb
  COMMAND "${_vs_checks}" lintian "${_vs_w}")
vs_add_check(deb_unpack LABELS package REQUIRES deb SETUP deb_root
  COMMAND "${_vs_checks}" deb-unpack "${_vs_w}")
# deb_root holds the debug file as well (the dbgsym package)
vs_add_tree_checks(deb package deb_root deb)

# --- the Go binding ----------------------------------------------------------
if(NOT VS_GO_EXECUTABLE)
  set(VS_GO_EXECUTABLE "go-not-found")
endif()
# go_vet_*: go vet with and without the tag vs_static (and, on the build
# tree, vsgo.c's warnings and ABI check); go_test_*: go test with
# VS_GO_TEST_FLAGS; go_static_*: go test -tags vs_static. The build tree's
# checks read variance_scaling-uninstalled.pc from this binary dir. They
# share a Go build cache (go.sh): the DEPENDS let the vet and static checks
# compile the standard library once, after go_vet_build, rather than in
# two checks at once; the two go_test_* (the longest, -race) run in
# parallel.
foreach(_vs_action IN ITEMS vet test static)
  set(_vs_build_after "")
  set(_vs_installed_after "")
  if(_vs_action STREQUAL "static")
    set(_vs_build_after DEPENDS go_vet_build)
  endif()
  if(NOT _vs_action STREQUAL "test")
    set(_vs_installed_after DEPENDS go_${_vs_action}_build)
  endif()
  vs_add_check(go_${_vs_action}_build LABELS go TIMEOUT 900 ${_vs_build_after}
    COMMAND "${_vs_go}" ${_vs_action} build "${VS_GO_EXECUTABLE}" "${PROJECT_BINARY_DIR}")
  vs_add_check(go_${_vs_action}_installed LABELS go REQUIRES install_prefix TIMEOUT 900
    ${_vs_installed_after}
    COMMAND "${_vs_go}" ${_vs_action} installed "${VS_GO_EXECUTABLE}" "${_vs_tests_dir}/install")
endforeach()
