"""The wheel ships the definitions and example cities, and the package's API is tidy."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

import icindex
from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_contains_definitions_and_example_cities(tmp_path):
    """A wheel built from the repository holds the definitions and example cities in icindex/."""
    pytest.importorskip("hatchling")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("icindex-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "icindex/indicators/icc/index.toml" in names
    assert "icindex/indicators/icc/README.md" in names
    assert {
        f"icindex/examples/cities/{c}.toml" for c in ("ansan", "sejong", "gwangjin-gu")
    } <= names
    assert "icindex/py.typed" in names
    indicators = {p.name for p in (REPO / "indicators" / "icc").glob("*.toml")}
    assert {
        n.rsplit("/", 1)[1] for n in names if n.startswith("icindex/indicators/icc/")
    } >= indicators


def test_all_names_exist_and_are_unique():
    """Every name in __all__ exists once (ruff's RUF022 keeps the list sorted)."""
    assert len(set(icindex.__all__)) == len(icindex.__all__)
    assert all(hasattr(icindex, name) for name in icindex.__all__)


def test_errors_share_one_base_and_a_builtin():
    """Every icindex error is an IcindexError and a ValueError."""
    for error in (icindex.DefinitionError, icindex.ResponseError, icindex.ScoringError):
        assert issubclass(error, icindex.IcindexError) and issubclass(error, ValueError)
    assert issubclass(icindex.UnknownIdError, icindex.IcindexError)
    assert issubclass(icindex.UnknownIdError, KeyError)
