"""The optional packages of ``icindex[dask]``, imported when first needed."""

from __future__ import annotations

import importlib
from types import ModuleType

from .._errors import ScoringError

__all__ = ["INSTALL", "require"]

INSTALL = "pip install 'icindex[dask]'"


def require(module: str) -> ModuleType:
    """Import ``module`` (``dask.array``, ``distributed``, ``threadpoolctl``) or say how to get it.

    Raises
    ------
    ScoringError
        When it cannot be imported, naming the extra to install.

    Examples
    --------
    >>> require("dask.array").__name__
    'dask.array'
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ScoringError(
            f"the Dask backend: expected {module!r} to be installed (got {error}); {INSTALL}"
        ) from None
