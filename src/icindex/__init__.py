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

from ._analysis.factors import (
    Aggregation,
    DirichletWeights,
    Factor,
    LeaveOneOut,
    MissingPolicy,
    Normaliser,
    WeightNoise,
)
from ._analysis.plots import plot_sensitivity, plot_uncertainty
from ._analysis.sensitivity import Sensitivity, sensitivity
from ._analysis.sobol import SobolIndices, sobol
from ._analysis.uncertainty import Uncertainty, rank, uncertainty
from ._engine.encoding import Encoded, Layout, encode, synthetic_cities
from ._engine.impute import IMPUTE_METHODS, impute
from ._engine.normalise import normalise
from ._engine.plan import MISSING_POLICIES, Options, Plan, compile
from ._engine.score import effective_weights, score, score_composite
from ._engine.stream import Chunk, iter_encoded
from ._errors import (
    DefinitionError,
    IcindexError,
    OutputError,
    ResponseError,
    ScoringError,
    UnknownIdError,
    UsageError,
)
from ._io.coinr import read_coinr
from ._io.coinr_write import write_coinr
from ._io.dataset import Dataset
from ._io.responses import CityResponse, read_responses
from ._io.synthetic import SyntheticBlock, synthetic_block, synthetic_sample
from ._io.synthetic_write import synthetic_block_csv, write_synthetic
from ._io.writers import write_city_toml, write_long_csv, write_wide_csv
from ._model.definition import (
    NORMALISE_METHODS,
    Definition,
    Fact,
    Group,
    Item,
    Node,
    Normalisation,
    Option,
    PeerBand,
    Variant,
)
from ._model.loader import bundled_definitions, find_definition, load_definition, validate_paths
from ._report.advice import Advice, AdviceList, advise
from ._report.compare import Comparison, compare
from ._report.document import Report, build_report
from ._report.html import render_html
from ._report.markdown import render_markdown
from ._report.progress import Progress, progress, read_mapping
from ._report.sample import Sample
from ._report.sample_io import load_sample, save_sample
from ._results.export import EXPORTERS
from ._results.read import read_scores
from ._results.scores import Scores
from ._results.stream_write import StreamSummary, score_stream
from ._scale.dask_backend import DaskScores, encoded_to_dask, score_dask
from ._scale.dask_cluster import uncertainty_dask

__version__ = "0.1.0"

__all__ = [
    "EXPORTERS",
    "IMPUTE_METHODS",
    "MISSING_POLICIES",
    "NORMALISE_METHODS",
    "Advice",
    "AdviceList",
    "Aggregation",
    "Chunk",
    "CityResponse",
    "Comparison",
    "DaskScores",
    "Dataset",
    "Definition",
    "DefinitionError",
    "DirichletWeights",
    "Encoded",
    "Fact",
    "Factor",
    "Group",
    "IcindexError",
    "Item",
    "Layout",
    "LeaveOneOut",
    "MissingPolicy",
    "Node",
    "Normalisation",
    "Normaliser",
    "Option",
    "Options",
    "OutputError",
    "PeerBand",
    "Plan",
    "Progress",
    "Report",
    "ResponseError",
    "Sample",
    "Scores",
    "ScoringError",
    "Sensitivity",
    "SobolIndices",
    "StreamSummary",
    "SyntheticBlock",
    "Uncertainty",
    "UnknownIdError",
    "UsageError",
    "Variant",
    "WeightNoise",
    "__version__",
    "advise",
    "build_report",
    "bundled_definitions",
    "compare",
    "compile",
    "effective_weights",
    "encode",
    "encoded_to_dask",
    "find_definition",
    "impute",
    "iter_encoded",
    "load_definition",
    "load_sample",
    "normalise",
    "plot_sensitivity",
    "plot_uncertainty",
    "progress",
    "rank",
    "read_coinr",
    "read_mapping",
    "read_responses",
    "read_scores",
    "render_html",
    "render_markdown",
    "save_sample",
    "score",
    "score_composite",
    "score_dask",
    "score_stream",
    "sensitivity",
    "sobol",
    "synthetic_block",
    "synthetic_block_csv",
    "synthetic_cities",
    "synthetic_sample",
    "uncertainty",
    "uncertainty_dask",
    "validate_paths",
    "write_city_toml",
    "write_coinr",
    "write_long_csv",
    "write_synthetic",
    "write_wide_csv",
]
