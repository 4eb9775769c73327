# The names and the version of the Debian packages, from the version and ABI
# major CMakeLists.txt read from Cargo.toml. Used by
# cmake/VarianceScalingDebian.cmake (which builds the packages) and by
# cmake/VarianceScalingInstallTests.cmake (whose package tests check them).
include_guard(GLOBAL)

set(VS_DEB_RELEASE "1" CACHE STRING "Debian revision of the packages (the -N of <version>-N)")

set(VS_DEB_RUNTIME_PACKAGE "libvariance-scaling${VS_ABI_MAJOR}")
set(VS_DEB_DEV_PACKAGE "libvariance-scaling-dev")
set(VS_DEB_DBGSYM_PACKAGE "${VS_DEB_RUNTIME_PACKAGE}-dbgsym")
# vs-init and its man page (component tools)
set(VS_DEB_TOOLS_PACKAGE "variance-scaling-tools")
# Debian orders 1.0.0~rc.1 before 1.0.0; Cargo's 1.0.0-rc.1 maps to it.
string(REPLACE "-" "~" VS_DEB_UPSTREAM_VERSION "${VS_CARGO_VERSION}")
set(VS_DEB_VERSION "${VS_DEB_UPSTREAM_VERSION}-${VS_DEB_RELEASE}")
