"""``python -m icindex``: the same as the ``icindex`` command."""

from ._cli import main

raise SystemExit(main())
