"""Shared fixtures for the Python cross-checks of libvariance_scaling."""

import pytest

import vslib


@pytest.fixture(scope="session")
def lib():
    """The built C library (target/release/libvariance_scaling.so, or $VS_LIB);
    runs `cargo build --release` first when it is missing."""
    return vslib.load()
