"""``python -m icindex``: the same as the ``icindex`` command."""

from ._cli.main import main

raise SystemExit(main())
