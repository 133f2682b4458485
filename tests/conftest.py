"""Shared fixtures: paths to the repository's data and the small golden definition.

Hypothesis profiles: ``ci`` (the default: few examples, so the fuzz suite adds well under a
minute), ``dev`` (fewer still) and ``fuzz`` (the long run: 10,000 examples a test, no
deadline; escapes are collected and listed, see tests/fuzzing.py). Choose one with
``--hypothesis-profile=NAME``; ``ICINDEX_FUZZ=long`` chooses ``fuzz``. The session ends with
the fuzz tally: "N fuzzed inputs tried, K escapes found".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

import icindex
from tests import fuzzing

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"

settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("fuzz", max_examples=10_000, deadline=None)
settings.load_profile("fuzz" if fuzzing.LONG else "ci")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``large`` marker; ``--hypothesis-profile=fuzz`` switches on the long mode."""
    config.addinivalue_line(
        "markers", "large: builds a file of tens of megabytes (deselect with -m 'not large')"
    )
    if config.getoption("hypothesis_profile", None) == "fuzz":
        os.environ["ICINDEX_FUZZ"] = "long"
        fuzzing.LONG = True


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fuzz tally when fuzz tests ran."""
    if fuzzing.TALLY.tried:
        terminalreporter.write_line(fuzzing.TALLY.line())


@pytest.fixture(autouse=True)
def _fuzz_test_name(request: pytest.FixtureRequest) -> Iterator[None]:
    """Name the running test in the fuzz tally; in the long run, fail it on collected escapes."""
    fuzzing.TALLY.current = request.node.nodeid
    yield
    found = fuzzing.escapes_of(request.node.nodeid)
    if fuzzing.LONG and found:
        pytest.fail("escapes found:\n" + "\n".join(found), pytrace=False)


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
