"""Slide-ready charts in one house style.

Every chart takes a result object (anything with a ``.table``) or one of the tidy tables
of ``docs/CONTRACT.md``, draws on ``ax`` (a new 16:9 slide-size figure when ``ax`` is
None) and returns the Axes. Charts compute nothing statistical: they place what the
table says. Display text is Dutch or English (``lang``, from the catalogs
``locales/<lang>/charts.toml`` and ``common.toml``), every number goes through
:func:`drivers.present._format.fmt`; touchpoint, group and wave names come from the data
and are drawn as plain text (a ``$`` stays a ``$``). :func:`save` writes PNG (exact slide
size) and SVG (text kept as text).

The look is applied explicitly by each chart (no global style, no style context, so
every chart shows in an executed notebook); colours come from
:mod:`drivers.present.palette`, the client's colour per chart with ``brand=``.
:func:`set_brand` / :func:`get_brand` are kept for the deck and the report, and the
charts ignore them.

Modules, by chart family: :mod:`~drivers.present.charts.nps` (``nps_bar``,
``score_distribution``), :mod:`~drivers.present.charts.grades` (``touchpoint_grades``,
``wave_change``), :mod:`~drivers.present.charts.importance` (``driver_importance``),
:mod:`~drivers.present.charts.trends` (``grade_trend``, ``importance_waves``: small
multiples across every wave, returning the Figure),
:mod:`~drivers.present.charts.matrix` (``priority_matrix``, ``matrix_movement``),
:mod:`~drivers.present.charts.segments` (``segment_importance`` heat table, ``segment_pages``),
:mod:`~drivers.present.charts.labels` (label placement as pure geometry) and
:mod:`~drivers.present.charts._base` (figure, save, shared helpers).
"""

from drivers.present.charts._base import SLIDE_SIZE, STYLE_PATH, new_figure, save, use_style
from drivers.present.charts.grades import touchpoint_grades, wave_change
from drivers.present.charts.importance import driver_importance
from drivers.present.charts.matrix import (
    _movement_arrows,  # noqa: F401 (tests, the deck)
    matrix_movement,
    priority_matrix,
)
from drivers.present.charts.nps import nps_bar, score_distribution
from drivers.present.charts.segments import segment_importance, segment_pages
from drivers.present.charts.trends import grade_trend, importance_waves, trend_pages
from drivers.present.palette import DETRACTOR, PASSIVE, PROMOTER, get_brand, set_brand

__all__ = [
    "SLIDE_SIZE",
    "STYLE_PATH",
    "DETRACTOR",
    "PASSIVE",
    "PROMOTER",
    "set_brand",
    "get_brand",
    "use_style",
    "new_figure",
    "save",
    "nps_bar",
    "score_distribution",
    "touchpoint_grades",
    "driver_importance",
    "priority_matrix",
    "matrix_movement",
    "wave_change",
    "grade_trend",
    "importance_waves",
    "trend_pages",
    "segment_importance",
    "segment_pages",
]
