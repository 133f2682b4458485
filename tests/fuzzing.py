"""The fuzz suite's one property and its tally: whatever the bytes, only IcindexError escapes.

:func:`must_contain` runs a loader on one fuzzed input. The input is *contained* when the
loader returns or raises an :class:`icindex.IcindexError` whose message names the file;
anything else (another exception, or an IcindexError that does not name the file) is an
*escape*. Every call is counted in :data:`TALLY`, which ``tests/conftest.py`` prints at the
end of the session ("N fuzzed inputs tried, K escapes found").

Two modes, chosen by the hypothesis profile (``tests/conftest.py``):

- ``ci`` (default): an escape fails the test at once, and hypothesis shrinks it to a minimal
  input, which it prints.
- ``fuzz`` (``--hypothesis-profile=fuzz`` or ``ICINDEX_FUZZ=long``): escapes are collected,
  not raised, so one long run inventories every distinct escape (by exception type and the
  line of icindex it came from); the test fails at its end listing them.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, settings

from icindex import IcindexError

LONG = os.environ.get("ICINDEX_FUZZ") == "long"
"""Whether the long profile runs (set by tests/conftest.py from the option or the variable)."""

#: Health checks that byte-level inputs trip by design (large, slow, often filtered inputs).
RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


@attrs.define
class Tally:
    """Inputs tried and escapes found, per test and in all (for the end-of-session line)."""

    tried: int = 0
    escapes: int = 0
    distinct: dict[str, str] = attrs.field(factory=dict)  # signature -> first test it came from
    current: str = ""

    def line(self) -> str:
        """The summary sentence printed at the end of a session."""
        head = (
            f"fuzz: {self.tried} fuzzed inputs tried, {len(self.distinct)} escapes found "
            f"({self.escapes} escaping inputs, shrinking included)"
        )
        listed = "".join(f"\n  {sig}  (first in {test})" for sig, test in self.distinct.items())
        return head + listed


TALLY = Tally()


def fuzz_settings(ci_examples: int) -> settings:
    """Hypothesis settings of one fuzz test: ``ci_examples`` in CI, the profile's when long.

    In CI the examples are derandomized (the same every run), so a fuzz test marked
    ``xfail(strict=True)`` for a known escape fails or passes the same way every time.
    """
    if LONG:
        return settings(suppress_health_check=RELAXED)
    return settings(max_examples=ci_examples, derandomize=True, suppress_health_check=RELAXED)


def _signature(error: BaseException) -> str:
    """``Type at file:line``: the innermost frame inside icindex (or the innermost at all)."""
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if "/icindex/" in f.filename.replace("\\", "/")] or frames
    where = f"{Path(inside[-1].filename).name}:{inside[-1].lineno}" if inside else "?"
    return f"{type(error).__name__} at {where}"


def _escape(error: BaseException, detail: str) -> None:
    TALLY.escapes += 1
    TALLY.distinct.setdefault(_signature(error), TALLY.current)
    if not LONG:
        raise AssertionError(detail) from error


def must_contain(load: Callable[[], Any], path: Path | str) -> Any:
    """Run ``load()``; return its result, or None when it raised an IcindexError naming ``path``.

    Any other exception, or an IcindexError whose message does not name ``path``, is an
    escape: it fails the test (ci) or is collected (long profile).
    """
    TALLY.tried += 1
    try:
        return load()
    except IcindexError as error:
        if str(path) not in str(error):
            _escape(error, f"{type(error).__name__} does not name {path}: {error}")
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as error:  # the property under test: nothing but IcindexError escapes
        _escape(error, f"{type(error).__name__} escaped: {error!r}"[:2000])
    return None


def escapes_of(test: str) -> list[str]:
    """The distinct escapes a test collected (long profile), for its closing assertion."""
    return [sig for sig, first in TALLY.distinct.items() if first == test]
