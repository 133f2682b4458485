"""The optional progress bar: silent unless asked for or on a terminal, clear without tqdm."""

from __future__ import annotations

import importlib

import pytest

from icindex import ScoringError
from icindex._analysis.progress import progress_bar


def test_no_bar_when_not_a_terminal():
    """By default (standard error captured, not a terminal) there is no bar."""
    with progress_bar(10, "replications", None) as advance:
        assert advance is None


def test_no_bar_when_switched_off():
    """False never shows one."""
    with progress_bar(10, "replications", False) as advance:
        assert advance is None


def test_a_bar_when_asked_for_writes_to_standard_error(capsys):
    """True shows a tqdm bar of the total on standard error (nothing on standard output)."""
    pytest.importorskip("tqdm")
    with progress_bar(10, "replications", True) as advance:
        assert advance is not None
        advance(10)
    captured = capsys.readouterr()
    assert captured.out == "" and "0/10" in captured.err and "replications" in captured.err


def test_asking_for_a_bar_without_tqdm_names_the_extra(monkeypatch):
    """Without tqdm, asking for a bar is a ScoringError naming the extra to install."""
    real = importlib.import_module

    def without_tqdm(name, *args):
        if name == "tqdm":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_tqdm)
    with (
        pytest.raises(ScoringError, match=r"icindex\[progress\]"),
        progress_bar(10, "replications", True),
    ):
        pass
