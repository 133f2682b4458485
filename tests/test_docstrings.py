"""Every docstring example in the package runs and prints what it says (doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import icindex

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(icindex.__path__, prefix="icindex.")
    if not name.endswith("__main__")
)
#: Module prefixes whose examples need the optional packages of ``icindex[dask]``: skipped
#: without them (the modules themselves import without them).
DASK_EXAMPLES = ("icindex._scale", "icindex._cli.scale")
DASK_PACKAGES = ("dask.array", "distributed", "threadpoolctl")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    """The module's examples pass doctest (run in a scratch folder: some write files)."""
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    if name.startswith(DASK_EXAMPLES):
        for package in DASK_PACKAGES:
            pytest.importorskip(package)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
