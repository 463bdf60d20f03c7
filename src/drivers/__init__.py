"""drivers: which improvements matter most for a client's Net Promoter Score.

The public namespace is flat: ``import drivers as dr`` then ``dr.load_survey``,
``dr.nps``, ``dr.key_drivers``, ``dr.priority_matrix``, ...
"""

from drivers.errors import (
    DriversError,
    MissingTouchpointWarning,
    SmallBaseWarning,
)
from drivers.io import load_survey, read_table
from drivers.nps import (
    NPSResult,
    classify,
    compare_nps,
    nps,
    nps_table,
    score_distribution,
    touchpoint_performance,
)
from drivers.quality import QualityReport
from drivers.spec import SurveySpec, Touchpoint
from drivers.survey import Survey

__version__ = "0.1.0"

__all__ = [
    "DriversError",
    "MissingTouchpointWarning",
    "NPSResult",
    "QualityReport",
    "SmallBaseWarning",
    "Survey",
    "SurveySpec",
    "Touchpoint",
    "classify",
    "compare_nps",
    "load_survey",
    "nps",
    "nps_table",
    "read_table",
    "score_distribution",
    "touchpoint_performance",
]
