"""icindex: score cities on the Intercultural Cities Index and any composite index like it.

The whole public API is listed here; the work lives in private modules.

Examples
--------
>>> import icindex
>>> icc = icindex.load_definition("icc")
>>> cities = icindex.synthetic_cities(icc, 100, seed=0)
>>> scores = icindex.score(icc, cities, missing="skip")
>>> float(scores.column("index").min()) >= 0
True
"""

from ._definition import Definition, Fact, Group, Item, Node, Option, Variant
from ._encoding import Encoded, Layout, encode, synthetic_cities
from ._engine import MISSING_POLICIES, score
from ._errors import DefinitionError, IcindexError, ResponseError, ScoringError
from ._loader import bundled_definitions, find_definition, load_definition, validate_paths
from ._responses import (
    CityResponse,
    read_responses,
    write_city_toml,
    write_long_csv,
    write_wide_csv,
)
from ._scores import Scores

__version__ = "0.1.0"

__all__ = [
    "MISSING_POLICIES",
    "CityResponse",
    "Definition",
    "DefinitionError",
    "Encoded",
    "Fact",
    "Group",
    "IcindexError",
    "Item",
    "Layout",
    "Node",
    "Option",
    "ResponseError",
    "Scores",
    "ScoringError",
    "Variant",
    "__version__",
    "bundled_definitions",
    "encode",
    "find_definition",
    "load_definition",
    "read_responses",
    "score",
    "synthetic_cities",
    "validate_paths",
    "write_city_toml",
    "write_long_csv",
    "write_wide_csv",
]
