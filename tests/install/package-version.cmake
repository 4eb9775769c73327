# cmake -DFILE=<VarianceScalingConfigVersion.cmake> -DFIND=<major.minor>
#       -P package-version.cmake
#
# Asks an installed package version file what find_package(VarianceScaling
# <FIND>) would ask it, and prints PACKAGE_VERSION and
# PACKAGE_VERSION_COMPATIBLE (tests/install/checks.sh, check `versions`).
cmake_minimum_required(VERSION 3.25)
set(PACKAGE_FIND_NAME VarianceScaling)
set(PACKAGE_FIND_VERSION "${FIND}")
string(REPLACE "." ";" _parts "${FIND}")
list(GET _parts 0 PACKAGE_FIND_VERSION_MAJOR)
list(GET _parts 1 PACKAGE_FIND_VERSION_MINOR)
set(PACKAGE_FIND_VERSION_PATCH 0)
set(PACKAGE_FIND_VERSION_COUNT 2)
set(CMAKE_SIZEOF_VOID_P 8)
include("${FILE}")
message("PACKAGE_VERSION=${PACKAGE_VERSION}")
message("PACKAGE_VERSION_COMPATIBLE=${PACKAGE_VERSION_COMPATIBLE}")
