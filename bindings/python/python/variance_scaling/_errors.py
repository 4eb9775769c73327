"""The package's exceptions: one base class and ValueError / TypeError
subclasses, each carrying the C library's status name and message."""

from __future__ import annotations

from . import _core

#: Status name -> number, as in include/variance_scaling.h (from the core).
STATUS_CODES: dict[str, int] = {name: code for name, code in _core.STATUSES}


class VarianceScalingError(Exception):
    """An error of libvariance_scaling.

    ``status`` is the C status name (``"VS_ERR_INVALID_SCALE"``, ...),
    ``code`` its number and ``message`` the library's text, which names the
    argument and the value received."""

    status: str
    code: int
    message: str

    def __init__(self, status: str, message: str) -> None:
        super().__init__(f"{message} [{status}]")
        self.status = status
        self.code = STATUS_CODES[status]
        self.message = message


class VarianceScalingValueError(VarianceScalingError, ValueError):
    """A value the library rejects: a scale, mode, distribution, shape,
    config, size, algorithm, or an output array it cannot write."""


class VarianceScalingTypeError(VarianceScalingError, TypeError):
    """An argument of the wrong type: a dtype other than float32, float64,
    float16 and bfloat16, an output that is not a numpy array, or a config
    that is not JSON."""


def from_core(status: str, message: str, type_error: bool) -> VarianceScalingError:
    """The exception for `status` (called by the extension module too)."""
    if type_error or status == "VS_ERR_INVALID_DTYPE":
        return VarianceScalingTypeError(status, message)
    if status == "VS_ERR_INTERNAL":
        return VarianceScalingError(status, message)
    return VarianceScalingValueError(status, message)
