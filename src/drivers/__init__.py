"""drivers: which improvements matter most for a client's Net Promoter Score.

The public namespace is flat: ``import drivers as dr`` then ``dr.load_survey``,
``dr.nps``, ``dr.key_drivers``, ``dr.priority_matrix``, ``dr.simulate``, ...
Modules with heavier imports load on first use: ``dr.charts``, ``dr.deck``,
``dr.narrate``, ``dr.demo``. ``dr.benchmark(...)`` returns the published figures.
"""

import importlib

from drivers.errors import (
    AnalysisError,
    DataError,
    DataQualityWarning,
    DriversError,
    MissingTouchpointWarning,
    ParameterError,
    SmallBaseWarning,
)
from drivers.load.io import load_survey, read_table
from drivers.load.quality import QualityReport
from drivers.load.spec import SurveySpec, Touchpoint
from drivers.load.survey import Survey
from drivers.stats.benchmark import benchmark, compare_benchmark
from drivers.stats.importance import DriverResult, compare_drivers, key_drivers
from drivers.stats.matrix import PriorityMatrix, priority_matrix
from drivers.stats.nps import (
    NPSDifference,
    NPSResult,
    classify,
    compare_grades,
    compare_nps,
    nps,
    nps_table,
    score_distribution,
    touchpoint_performance,
)
from drivers.stats.simulate import ChangeAttribution, SimulationResult, attribute_change, simulate
from drivers.stats.themes import (
    compare_theme_shares,
    suggest_themes,
    theme_impact,
    theme_quotes,
    themes,
)
from drivers.workflow.analyse import analyse
from drivers.workflow.client import ClientConfig, Wave, load_client
from drivers.workflow.report import write_report
from drivers.workflow.results import Results, ResultsError, load_results
from drivers.workflow.run import run_client

__version__ = "0.1.0"

_LAZY = {
    "charts": "drivers.present.charts",
    "deck": "drivers.present.deck",
    "narrate": "drivers.present.narrate",
    "palette": "drivers.present.palette",
    "demo": "drivers.workflow.demo",
    "report": "drivers.workflow.report",
    "privacy": "drivers.privacy",
    "pool": "drivers.workflow.pool",
}


def __getattr__(name: str):
    if name == "norms":  # the benchmark store's norms: dr.norms(store, sector=None, year=None)
        from drivers.workflow.pool import norms

        return norms
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module 'drivers' has no attribute {name!r}")


__all__ = [
    "AnalysisError",
    "ChangeAttribution",
    "ClientConfig",
    "DataQualityWarning",
    "Wave",
    "Results",
    "ResultsError",
    "analyse",
    "load_results",
    "DataError",
    "DriverResult",
    "DriversError",
    "MissingTouchpointWarning",
    "NPSDifference",
    "NPSResult",
    "ParameterError",
    "attribute_change",
    "benchmark",
    "compare_benchmark",
    "PriorityMatrix",
    "QualityReport",
    "SimulationResult",
    "SmallBaseWarning",
    "Survey",
    "SurveySpec",
    "Touchpoint",
    "classify",
    "compare_theme_shares",
    "suggest_themes",
    "theme_impact",
    "theme_quotes",
    "themes",
    "compare_drivers",
    "compare_grades",
    "compare_nps",
    "key_drivers",
    "load_client",
    "load_survey",
    "nps",
    "nps_table",
    "priority_matrix",
    "read_table",
    "run_client",
    "score_distribution",
    "simulate",
    "touchpoint_performance",
    "write_report",
]
