"""Helpers shared by the command-line tests (tests/test_cli_*.py)."""

from __future__ import annotations

import pytest

from icindex._cli.main import main


def usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run ``icindex argv``, expecting a usage error; return its message.

    A usage error exits 2 after printing the command's usage and one line
    ``icindex COMMAND: error: MESSAGE`` on standard error, before any output.
    """
    with pytest.raises(SystemExit) as caught:
        main(argv)
    captured = capsys.readouterr()
    assert caught.value.code == 2 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith(f"usage: icindex {argv[0]}")
    prefix = f"icindex {argv[0]}: error: "
    assert lines[-1].startswith(prefix), captured.err
    return lines[-1].removeprefix(prefix)
