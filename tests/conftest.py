"""Shared fixtures: paths to the repository's data and the small golden definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import icindex

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository's top folder."""
    return REPO


@pytest.fixture(scope="session")
def tiny() -> icindex.Definition:
    """The small golden definition of tests/data/tiny."""
    return icindex.load_definition(DATA / "tiny")


@pytest.fixture(scope="session")
def icc() -> icindex.Definition:
    """The bundled ICC definition."""
    return icindex.load_definition("icc")
