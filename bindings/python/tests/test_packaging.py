"""The package's metadata against the library's: one version everywhere,
the extension's Cargo.lock in step with the library's, and dependency
floors that have the APIs the package calls."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import variance_scaling as vs
from conftest import REPO

PKG = REPO / "bindings" / "python"


def _toml(path: Path) -> dict:  # type: ignore[type-arg]
    with path.open("rb") as f:
        return tomllib.load(f)


def test_one_version() -> None:
    """The library's version (Cargo.toml) is the extension crate's, the
    installed distribution's and ``__version__``; pyproject.toml takes it
    from the crate (dynamic) instead of a copy of its own."""
    library = _toml(REPO / "Cargo.toml")["package"]["version"]
    assert _toml(PKG / "Cargo.toml")["package"]["version"] == library
    project = _toml(PKG / "pyproject.toml")["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert importlib.metadata.version("variance-scaling") == library
    assert vs.__version__ == library


def _locked(path: Path) -> dict[str, set[str]]:
    versions: dict[str, set[str]] = {}
    for p in _toml(path)["package"]:
        versions.setdefault(p["name"], set()).add(p["version"])
    return versions


def lock_mismatches(ours: Path, library: Path) -> list[str]:
    """Each crate in both lock files locked here at a version the library's
    lock lacks (the library's may hold more than one version of a crate,
    such as rand 0.9 for a dev-dependency beside the core's rand 0.10)."""
    a, b = _locked(ours), _locked(library)
    return [f"{n}: {sorted(a[n])} here, {sorted(b[n])} in the library's" for n in sorted(a.keys() & b.keys())
            if not a[n] <= b[n]]


def test_cargo_lock_in_step_with_the_librarys(tmp_path: Path) -> None:
    """bindings/python/Cargo.lock (the extension's own workspace) has a
    version the library's Cargo.lock has of every crate both lock, so the extension is built
    and tested with the core's dependencies as the library ships them."""
    ours, library = PKG / "Cargo.lock", REPO / "Cargo.lock"
    assert lock_mismatches(ours, library) == []
    shared = _locked(ours).keys() & _locked(library).keys()
    assert {"variance_scaling", "rand", "serde"} <= shared
    # the check sees a drift: the library's lock with one version changed
    text = library.read_text()
    drifted = tmp_path / "Cargo.lock"
    drifted.write_text(re.sub(r'(name = "serde"\nversion = ")[^"]+', r"\g<1>0.0.1", text, count=1))
    assert lock_mismatches(ours, drifted) == [f"serde: {sorted(_locked(ours)['serde'])} here, ['0.0.1'] in the library's"]


def test_jax_floor_has_vmap_method() -> None:
    """jax.py calls ``jax.pure_callback(..., vmap_method=...)``, which jax
    has taken since 0.4.35 (0.4.34 passes unknown keywords on to the
    callback), so the ``jax`` extra asks for at least that."""
    assert "vmap_method=" in (PKG / "python" / "variance_scaling" / "jax.py").read_text()
    extra = _toml(PKG / "pyproject.toml")["project"]["optional-dependencies"]["jax"]
    floor = re.fullmatch(r"jax>=([\d.]+)", extra[0])
    assert floor is not None, extra
    assert tuple(int(x) for x in floor[1].split(".")) >= (0, 4, 35)


def test_keras_floor_has_fan_axes() -> None:
    """The Keras adapter's configs carry ``input_axes``/``output_axes``,
    which Keras's VarianceScaling has taken since 3.15.0 (3.14 has neither),
    so the ``keras`` extra asks for at least that."""
    extra = _toml(PKG / "pyproject.toml")["project"]["optional-dependencies"]["keras"]
    floor = re.fullmatch(r"keras>=([\d.]+)", extra[0])
    assert floor is not None, extra
    assert tuple(int(x) for x in floor[1].split(".")) >= (3, 15)
