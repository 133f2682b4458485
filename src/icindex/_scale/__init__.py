"""Optional backends that spread icindex's work beyond one process: ``icindex[dask]``.

Nothing in the core imports this package; its modules import Dask inside their functions, so
``import icindex`` works without it (``docs/scale.md``).
"""
