"""Plain-language findings, as Markdown, in the language of the display-text catalogs.

Every function takes a result object or a tidy table and returns a Markdown string for a
notebook cell or the notes of a slide. The functions only word what the statistics
computed: they need no respondent data, and every sentence comes from the catalogs
``locales/<lang>/narrate.toml`` (a third language is a new folder of catalogs, not code).
Every number goes through :func:`drivers.present._format.fmt` (decimal comma and "+17" in
Dutch). The text hedges honestly:

- the two most important drivers "cannot be separated" when their confidence intervals
  overlap;
- a base below ``min_n`` respondents (the client's option, default 30) is called small;
- a model with R² below 0.2 "explains little";
- importance, the what-if and the modelled change are associations in survey data, never
  proven causes, and a modelled contribution is never presented as measured.

Touchpoint labels come from the result tables' ``label`` column, or from an explicit
``labels`` mapping (key -> display label) in the language of the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import ParameterError, check_option
from drivers.present._format import check_lang, fmt, nps_definition, text
from drivers.present._methods import method_keys, method_name, sums_to_r2
from drivers.present._quadrants import probability_label
from drivers.stats.nps import STANDARD

__all__ = [
    "bases_note",
    "change_note",
    "findings",
    "importance_change_note",
    "methods_agreement",
    "methods_note",
    "missing_sensitivity_note",
    "segment_importance_note",
    "narrate_drivers",
    "narrate_gain",
    "narrate_matrix",
    "narrate_nps",
    "narrate_simulation",
    "narrate_trend",
]

#: Default of ``min_n``: below this many respondents a base is called small.
MIN_N = 30
LOW_R2 = 0.2
LOW_TAU = 0.5  # below this Kendall's tau a method's ranking is called different
LARGE_SHIFT = 1.0  # grade points: a mean shift this large is called large
UNCERTAIN_QUADRANT = 0.6  # below this probability a quadrant is called uncertain
#: A touchpoint answered by fewer than this share, among the most important, is told as
#: "weighs heavily for the few who answered" with its gain for the whole base.
FEW_REACH = 0.5
FEW_TOP = 3

_QUADRANT_ORDER = ("improve", "maintain", "overkill", "monitor")

#: Display text of each missing-data option ("n.v.t." handling) of key_drivers.
_MISSING_TEXT = {
    "listwise": "narrate_na_listwise",  # common's Dutch text keeps the raw word "listwise"
    "pairwise": "na_pairwise",
    "impute": "na_impute",
    "dummy": "narrate_na_dummy",
}
#: The assumptions behind every what-if, in the order they are listed.
_ASSUMPTIONS = (
    "narrate_assumption_observational",
    "narrate_assumption_uniform",
    "narrate_assumption_others_fixed",
    "narrate_assumption_capped",
    "narrate_assumption_same_model",
)


# --------------------------------------------------------------------------- helpers


def _join(items: Sequence[str], lang: str) -> str:
    """'a, b en c' (nl) / 'a, b, and c' (en): the catalog decides the last link."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return text("narrate_join_pair", lang, first=items[0], last=items[1])
    rest = text("narrate_join_separator", lang).join(items[:-1])
    return text("narrate_join_many", lang, rest=rest, last=items[-1])


def _unit(value: Any, lang: str, decimals: int = 0) -> str:
    """'punt' / 'punten' for a number of points as it is shown."""
    one = _finite(value) and abs(round(float(value), decimals)) == 1
    return text("narrate_point_one" if one else "narrate_point_other", lang)


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _interval(low: Any, high: Any, level: Any, lang: str, kind: str, decimals=None) -> str:
    """'95%-BI 33% tot 49%' (nl) / '95% CI 33% to 49%' (en)."""
    return text(
        "narrate_interval",
        lang,
        level=fmt(level, kind="percent", lang=lang),
        low=fmt(low, kind=kind, lang=lang, decimals=decimals),
        high=fmt(high, kind=kind, lang=lang, decimals=decimals),
    )


def _p_value(p: Any, lang: str) -> str:
    if _finite(p) and float(p) < 0.001:
        return text("narrate_p_below", lang, p=fmt(0.001, kind="number", lang=lang, decimals=3))
    decimals = 3 if _finite(p) and float(p) < 0.01 else 2
    return text("narrate_p_value", lang, p=fmt(p, kind="number", lang=lang, decimals=decimals))


def _name(value: Any) -> str:
    """A wave or group name as shown: 2024, not 2024.0."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a table as dicts, each value with its column's own type (no upcasting)."""
    return frame.to_dict("records")


def _check_min_n(func: str, min_n: Any, parameter: str = "min_n") -> int:
    if isinstance(min_n, bool) or not _finite(min_n) or float(min_n) < 1:
        raise ParameterError(
            f"The '{parameter}' parameter of {func} must be a positive whole number. "
            f"Got {min_n!r} instead."
        )
    return int(min_n)


def _small_base(n: Any, min_n: int, lang: str) -> str:
    return text(
        "narrate_small_base",
        lang,
        n=fmt(n, kind="count", lang=lang),
        min_n=fmt(min_n, kind="count", lang=lang),
    )


def _is_small(n: Any, min_n: int) -> bool:
    return _finite(n) and float(n) < min_n


def _labels_from(table: pd.DataFrame, key_column: str, labels: Any, survey: Any, lang: str):
    """Key -> display label: the table's ``label`` column, then the spec, then ``labels``."""
    keys = [str(k) for k in table[key_column]]
    column = table["label"] if "label" in table.columns else table[key_column]
    found = {k: str(v) for k, v in zip(keys, column, strict=True)}
    spec = getattr(survey, "spec", None)  # backward compatibility: labels only, never data
    if spec is not None:
        for key in keys:
            try:
                found[key] = str(spec.label(key, lang))
            except Exception:  # not a spec column: keep the table's label
                pass
    if labels is not None:
        if not isinstance(labels, Mapping):
            raise ParameterError(
                "The 'labels' parameter must be a mapping key -> display label. "
                f"Got {type(labels).__name__} instead."
            )
        found.update({str(k): str(v) for k, v in labels.items() if str(k) in found})
    return found


def _lookup(mapping: Any, key: str) -> float | None:
    """A number for ``key`` from a dict, Series or touchpoint table (column ``mean``)."""
    if mapping is None:
        return None
    if isinstance(mapping, pd.DataFrame):
        frame = mapping.set_index("touchpoint") if "touchpoint" in mapping.columns else mapping
        for column in ("mean", "value", "grade"):
            if column in frame.columns and key in frame.index:
                value = frame.loc[key, column]
                return float(value) if _finite(value) else None
        return None
    if isinstance(mapping, Mapping | pd.Series) and key in mapping:
        value = mapping[key]
        return float(value) if _finite(value) else None
    return None


def _need_columns(func: str, parameter: str, frame: Any, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"The '{parameter}' parameter of {func} must be a DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"The '{parameter}' table of {func} lacks the column(s) {missing}. "
            f"Found {list(frame.columns)}; expected {list(columns)}."
        )


# --------------------------------------------------------------------------- NPS


def narrate_nps(
    nps_result: Any,
    *,
    lang: str = "nl",
    benchmark: Any = None,
    previous: Any = None,
    change: Any = None,
    weighted: bool = False,
    unweighted: Any = None,
    min_n: int = MIN_N,
    cutoffs: Any = None,
) -> str:
    """The NPS in words: value with margin, distribution, benchmark, change since last wave.

    Parameters
    ----------
    nps_result : NPSResult
        From :func:`drivers.stats.nps`.
    lang : {"nl", "en"}
    benchmark : float, tuple or dict, optional
        A benchmark NPS: a number (``17``), a pair ``("B2B Nederland 2024", 17)`` or a
        dict ``{"label": ..., "nps": ...}``.
    previous : NPSResult, optional
        Last wave, when ``change`` is not given: the change is then tested with
        :func:`drivers.stats.nps.compare_nps`.
    change : NPSDifference, optional
        The comparison with last wave, from :func:`drivers.stats.nps.compare_nps` (adjusted
        Wald CI of the difference of two independent samples); it is called significant
        only when that interval excludes zero.
    weighted : bool, default False
        The NPS is weighted: the text says so, and quotes ``unweighted`` beside it.
    unweighted : NPSResult or float, optional
        The unweighted NPS, quoted beside a weighted one.
    min_n : int, default 30
        Below this many respondents the base is called small.
    cutoffs : Cutoffs, optional
        The run's NPS cut-offs. Other than the usual 9-10 / 0-6, the text states them and
        warns that published benchmarks use the usual ones.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> from drivers.stats.nps import nps
    >>> print(narrate_nps(nps([10, 9, 9, 8, 7, 6, 3] * 20), lang="en"))  # doctest: +ELLIPSIS
    The NPS is **+14** (95% CI 0 to +28; n = 140): 43% promoters, 29% passives, and 29% detractors. ...
    """
    check_lang("narrate_nps", lang)
    min_n = _check_min_n("narrate_nps", min_n)
    r = nps_result
    shares = _join(
        [
            text(
                "narrate_share_promoters", lang, share=fmt(r.promoters, kind="percent", lang=lang)
            ),
            text("narrate_share_passives", lang, share=fmt(r.passives, kind="percent", lang=lang)),
            text(
                "narrate_share_detractors", lang, share=fmt(r.detractors, kind="percent", lang=lang)
            ),
        ],
        lang,
    )
    fields = {
        "nps": fmt(r.nps, kind="nps", lang=lang),
        "interval": _interval(r.ci_low, r.ci_high, getattr(r, "level", 0.95), lang, "nps"),
        "n": fmt(r.n, kind="count", lang=lang),
        "shares": shares,
    }
    if not weighted:
        key = "narrate_nps_value"
    elif unweighted is None:
        key = "narrate_nps_value_weighted"
    else:
        key = "narrate_nps_value_weighted_vs_unweighted"
        fields["unweighted"] = fmt(getattr(unweighted, "nps", unweighted), kind="nps", lang=lang)
    highest_detractor = (cutoffs or STANDARD).detractor
    sentences = [
        text(key, lang, **fields),
        text(
            "narrate_nps_not_all", lang, detractor=fmt(highest_detractor, kind="count", lang=lang)
        ),
    ]
    if cutoffs is not None and not cutoffs.standard:
        sentences.append(
            text("narrate_nps_cutoffs", lang, definition=nps_definition(cutoffs, lang))
        )
    if _is_small(r.n, min_n):
        sentences.append(_small_base(r.n, min_n, lang))
    if benchmark is not None:
        sentences.append(_nps_benchmark(r, benchmark, lang))
    if change is None and previous is not None:
        from drivers.stats.nps import compare_nps  # the statistic lives there

        change = compare_nps(previous, r, level=getattr(r, "level", 0.95))
    if change is not None:
        sentences.append(_nps_change(change, lang))
    return " ".join(sentences)


def _parse_nps_benchmark(benchmark: Any) -> tuple[str | None, float]:
    if isinstance(benchmark, Mapping):
        label = benchmark.get("label") or benchmark.get("name")
        value = benchmark.get("nps", benchmark.get("value"))
    elif isinstance(benchmark, tuple | list) and len(benchmark) == 2:
        label, value = benchmark
    else:
        label, value = None, benchmark
    if not _finite(value):
        raise ParameterError(
            "The 'benchmark' parameter of narrate_nps must be a number, a pair (label, nps) "
            f"or a dict {{'label': ..., 'nps': ...}}. Got {benchmark!r} instead."
        )
    return (None if label is None else str(label)), float(value)


def _nps_benchmark(r: Any, benchmark: Any, lang: str) -> str:
    label, value = _parse_nps_benchmark(benchmark)
    shown = fmt(value, kind="nps", lang=lang)
    named = text("narrate_nps_benchmark_named", lang, value=shown, label=label) if label else shown
    difference = r.nps - value
    if round(difference) == 0:
        position = text("narrate_nps_benchmark_level", lang, benchmark=named)
    else:
        position = text(
            "narrate_nps_benchmark_above" if difference > 0 else "narrate_nps_benchmark_below",
            lang,
            points=fmt(abs(difference), kind="number", lang=lang, decimals=0),
            unit=_unit(difference, lang),
            benchmark=named,
        )
    within = r.ci_low <= value <= r.ci_high
    key = "narrate_nps_benchmark_within" if within else "narrate_nps_benchmark_outside"
    return text(key, lang, position=position)


def _nps_change(d: Any, lang: str) -> str:
    key = (
        "narrate_nps_change_significant" if d.significant else "narrate_nps_change_not_significant"
    )
    return text(
        key,
        lang,
        before=fmt(d.a.nps, kind="nps", lang=lang),
        change=fmt(d.difference, kind="signed", lang=lang),
        unit=_unit(d.difference, lang, 1),
        level=text("narrate_ci_level", lang, level=fmt(d.level, kind="percent", lang=lang)),
        range=text(
            "narrate_range",
            lang,
            low=fmt(d.ci_low, kind="signed", lang=lang),
            high=fmt(d.ci_high, kind="signed", lang=lang),
        ),
    )


# --------------------------------------------------------------------------- drivers


def narrate_drivers(
    result: Any,
    *,
    lang: str = "nl",
    performance: Any = None,
    benchmark: Any = None,
    labels: Mapping[str, str] | None = None,
    survey: Any = None,
    top: int = 3,
    min_n: int = MIN_N,
) -> str:
    """Which touchpoints weigh most for recommendation, hedged honestly.

    Parameters
    ----------
    result : DriverResult
        From :func:`drivers.key_drivers`. The share of importance (``share``, with
        ``share_ci_low`` / ``share_ci_high`` when bootstrapped) is quoted as a percentage.
    lang : {"nl", "en"}
    performance : DataFrame, dict or Series, optional
        A :func:`drivers.stats.nps.touchpoint_performance` table (column ``mean``) or a mapping
        touchpoint -> mean grade; the top driver's grade is then quoted.
    benchmark : dict or Series, optional
        Touchpoint -> benchmark grade, quoted next to the grade.
    labels : mapping, optional
        Touchpoint -> display label in ``lang`` (default: the driver table's ``label``).
    survey : Survey, optional
        Kept for backward compatibility: only its spec's labels are read, never its data.
    top : int, default 3
        How many drivers to name.
    min_n : int, default 30
        Below this many respondents the base is called small.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("narrate_drivers", lang)
    min_n = _check_min_n("narrate_drivers", min_n)
    table = result.table.copy()
    if "indicator" in table.columns:  # "<touchpoint>_answered" rows are not touchpoints
        table = table[~table["indicator"].fillna(False).astype(bool)]
    if "rank" in table.columns:
        table = table.sort_values("rank", kind="stable")
    else:
        table = table.sort_values("importance", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    names = _labels_from(table, "driver", labels, survey, lang)
    column = "share" if "share" in table.columns else "importance"
    low_col, high_col = (
        ("share_ci_low", "share_ci_high") if column == "share" else ("ci_low", "ci_high")
    )
    has_ci = {low_col, high_col} <= set(table.columns) and table[low_col].notna().any()

    def amount(row: pd.Series, key: str = column) -> str:
        if column == "share":
            return fmt(row[key], kind="percent", lang=lang)
        return fmt(row[key], kind="number", lang=lang, decimals=3)

    def name(row: pd.Series) -> str:
        return names.get(str(row["driver"]), str(row["driver"]))

    first = table.iloc[0]
    ci = ""
    if has_ci and _finite(first[low_col]) and _finite(first[high_col]):
        ci = (
            " ("
            + text(
                "narrate_interval",
                lang,
                level=fmt(getattr(result, "level", 0.95), kind="percent", lang=lang),
                low=amount(first, low_col),
                high=amount(first, high_col),
            )
            + ")"
        )
    others = [
        text("narrate_label_with_value", lang, label=name(row), value=amount(row))
        for _, row in table.iloc[1:top].iterrows()
    ]
    if column != "share":
        what = text("narrate_drivers_what_importance", lang)
    elif sums_to_r2(getattr(result, "method", None)):  # shares of R²
        what = text("narrate_drivers_what_explained", lang)
    else:
        what = text("narrate_drivers_what_total", lang)
    fields = {"name": f"**{name(first)}**", "amount": amount(first), "what": what, "ci": ci}
    if others:
        sentences = [
            text("narrate_drivers_top_followed", lang, others=_join(others, lang), **fields)
        ]
    else:
        sentences = [text("narrate_drivers_top", lang, **fields)]

    # honest hedging: top two not separable
    if len(table) > 1 and has_ci:
        second = table.iloc[1]
        if _finite(first[low_col]) and _finite(second[high_col]):
            if first[low_col] <= second[high_col]:
                sentences.append(
                    text("narrate_drivers_overlap", lang, first=name(first), second=name(second))
                )

    # grade and benchmark of the top driver
    grade = _lookup(performance, first["driver"])
    if grade is not None:
        bench = _lookup(benchmark, first["driver"])
        fields = {"label": name(first), "grade": fmt(grade, kind="grade", lang=lang)}
        if bench is None:
            sentences.append(text("narrate_drivers_grade", lang, **fields))
        else:
            # compare as shown: 7,2 against 7,2 is level, whatever the hidden digits
            shown, shown_bench = round(grade, 1), round(bench, 1)
            side = "below" if shown < shown_bench else "above" if shown > shown_bench else "level"
            sentences.append(
                text(
                    f"narrate_drivers_grade_{side}",
                    lang,
                    benchmark=fmt(bench, kind="grade", lang=lang),
                    **fields,
                )
            )

    r2 = getattr(result, "r2", None)
    if _finite(r2):
        sentences.append(
            text(
                "narrate_drivers_r2",
                lang,
                share=fmt(r2, kind="percent", lang=lang),
                r2=fmt(r2, kind="r2", lang=lang),
            )
        )
        if r2 < LOW_R2:
            sentences.append(text("narrate_drivers_r2_low", lang))

    n = getattr(result, "n", None)
    if _is_small(n, min_n):
        sentences.append(_small_base(n, min_n, lang))
    sentences.append(text("narrate_drivers_association", lang))
    return " ".join(sentences)


# --------------------------------------------------------------------------- matrix


def narrate_matrix(
    matrix: Any,
    *,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
    start: bool = True,
) -> str:
    """The priority matrix in words: per quadrant its touchpoints, with certainty.

    Parameters
    ----------
    matrix : PriorityMatrix
        From :func:`drivers.priority_matrix`.
    lang : {"nl", "en"}
    labels : mapping, optional
        Touchpoint -> display label in ``lang`` (default: the matrix table's ``label``).
    start : bool, default True
        End with "start with <the first touchpoint to improve>". :func:`findings` turns it
        off when it ranks what to improve first by expected NPS gain (:func:`narrate_gain`).

    Returns
    -------
    str
        Markdown: one bullet per non-empty quadrant (improve first, maintain, possible
        overkill, monitor). With quadrant probabilities, each touchpoint carries the share
        of bootstrap draws that put it in its quadrant, and touchpoints below 60% are named
        as uncertain.
    """
    check_lang("narrate_matrix", lang)
    m = matrix.relabel(lang) if hasattr(matrix, "relabel") else matrix
    table = m.table
    names = _labels_from(table, "touchpoint", labels, None, lang)
    probabilities = "p_improve" in table.columns
    if m.x == "top_box":
        line = fmt(m.x_line, kind="percent", lang=lang)
        intro = text("narrate_matrix_intro_top_box", lang, line=line)
    else:
        intro = text("narrate_matrix_intro_mean", lang, line=fmt(m.x_line, kind="grade", lang=lang))
    lines = [intro, ""]
    uncertain = []
    for quadrant in _QUADRANT_ORDER:
        rows = table[table["quadrant"] == quadrant]
        if rows.empty:
            continue
        items = []
        for _, row in rows.iterrows():
            label = names[str(row["touchpoint"])]
            if probabilities:
                p = row[f"p_{quadrant}"]
                items.append(probability_label(label, p, lang))
                if p < UNCERTAIN_QUADRANT:
                    uncertain.append(label)
            else:
                items.append(label)
        name = text(quadrant, lang)
        if not start:  # the advice is the NPS-gain order: name the quadrant as the matrix's
            name = text("narrate_matrix_quadrant_named", lang, quadrant=name)
        lines.append(f"- **{name}:** {_join(items, lang)}")
    lines.append("")
    if probabilities:
        lines.append(text("narrate_matrix_probability", lang))
        if uncertain:
            key = (
                "narrate_matrix_uncertain_one"
                if len(uncertain) == 1
                else ("narrate_matrix_uncertain_many")
            )
            lines.append(text(key, lang, names=_join(uncertain, lang)))
    improve = table[table["quadrant"] == "improve"]
    if start and not improve.empty:
        first = names[str(improve.iloc[0]["touchpoint"])]
        lines.append(text("narrate_matrix_start", lang, label=first))
    elif not improve.empty:
        lines.append(text("narrate_matrix_not_the_order", lang))
    return "\n".join(lines).strip() + "\n"


# --------------------------------------------------------------------------- NPS gain


def narrate_gain(
    nps_gain: pd.DataFrame,
    *,
    drivers: Any = None,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
    top: int = 3,
    shift: float = 0.5,
    few_reach: float = FEW_REACH,
    few_top: int = FEW_TOP,
    level: float = 0.95,
) -> str:
    """What to improve first, ranked by the expected NPS gain on the whole customer base.

    Importance is measured among those who graded a touchpoint; the gain (from
    :func:`drivers.stats.gain.nps_gain`, the what-if's model) counts everyone, so a
    touchpoint only some customers use (complaint handling) gains less than its
    importance suggests. A touchpoint among the ``few_top`` most important that fewer
    than ``few_reach`` of the customers answered is named: it weighs heavily for the few
    who answered, and its gain for the whole base is quoted.

    Parameters
    ----------
    nps_gain : DataFrame
        Columns ``driver``, ``nps_gain``, ``reach``; optional ``label``, ``ci_low``,
        ``ci_high``.
    drivers : DriverResult, optional
        Its ``rank`` (importance among those who answered) decides which low-reach
        touchpoints are told as weighing heavily for few.
    lang : {"nl", "en"}
    labels : mapping, optional
        Touchpoint -> display label in ``lang``.
    top : int, default 3
        How many touchpoints to name in the order.
    shift : float, default 0.5
        The grade change the gains are for (as computed).
    few_reach, few_top
        The "matters a lot to few customers" rule: reach below ``few_reach`` and an
        importance rank of at most ``few_top``.
    level : float, default 0.95
        Confidence level of ``ci_low`` / ``ci_high``.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("narrate_gain", lang)
    _need_columns("narrate_gain", "nps_gain", nps_gain, ["driver", "nps_gain", "reach"])
    table = nps_gain[nps_gain["nps_gain"].map(_finite)]
    if table.empty:
        return ""
    table = table.sort_values("nps_gain", ascending=False, kind="stable").reset_index(drop=True)
    names = _labels_from(table, "driver", labels, None, lang)
    shift_text = fmt(shift, kind="signed", lang=lang)
    has_ci = {"ci_low", "ci_high"} <= set(table.columns)

    def gain(row: Mapping[str, Any]) -> str:
        return fmt(row["nps_gain"], kind="signed", lang=lang)

    first = table.iloc[0]
    ci = ""
    if has_ci and _finite(first["ci_low"]) and _finite(first["ci_high"]):
        ci = " (" + _interval(first["ci_low"], first["ci_high"], level, lang, "signed") + ")"
    sentences = [
        text(
            "narrate_gain_first",
            lang,
            label=names[str(first["driver"])],
            shift=shift_text,
            gain=gain(first),
            unit=_unit(first["nps_gain"], lang, 1),
            ci=ci,
        )
    ]
    others = [
        text(
            "narrate_label_with_value",
            lang,
            label=names[str(row["driver"])],
            value=gain(row),
        )
        for row in _rows(table.iloc[1:top])
    ]
    if others:
        sentences.append(text("narrate_gain_next", lang, others=_join(others, lang)))
    if ci and first["ci_low"] <= 0 <= first["ci_high"]:
        sentences.append(text("narrate_sim_no_effect", lang))
    sentences.append(text("narrate_gain_reach", lang))
    lines = [" ".join(sentences)]

    ranks: dict[str, float] = {}
    if drivers is not None:
        frame = getattr(drivers, "table", drivers)
        if "indicator" in frame.columns:
            frame = frame[~frame["indicator"].fillna(False).astype(bool)]
        if "rank" in frame.columns:
            ranks = {str(k): float(v) for k, v in zip(frame["driver"], frame["rank"], strict=True)}
    for row in _rows(table):
        key = str(row["driver"])
        rank, reach = ranks.get(key), row["reach"]
        if rank is None or not _finite(reach) or rank > few_top or float(reach) >= few_reach:
            continue
        lines.append(
            text(
                "narrate_gain_few",
                lang,
                label=names[key],
                reach=fmt(reach, kind="percent", lang=lang),
                shift=shift_text,
                gain=gain(row),
                unit=_unit(row["nps_gain"], lang, 1),
            )
        )
    return "\n\n".join(lines)


# --------------------------------------------------------------------------- simulation


def _floor_text(value: float, lang: str) -> str:
    return fmt(value, kind="number", lang=lang, decimals=0 if float(value).is_integer() else 1)


def _describe_changes(sim: Any, lang: str, labels: Mapping[str, str] | None) -> list[str]:
    """The scenario as clauses for 'Als ..., dan' / 'If ..., then' (verb last in Dutch).

    Three or more "at least" changes to the same grade are told as one clause.
    """

    def label(key: str) -> str:
        if labels is not None and key in labels:
            return str(labels[key])
        return sim.label(key, lang) if hasattr(sim, "label") else key

    rows = sim.changes
    clauses = []
    floors = rows[rows["kind"] == "at_least"].groupby("value", sort=False)["touchpoint"]
    grouped = {value: list(keys) for value, keys in floors if len(keys) >= 3}
    told = set()
    for _, row in rows.iterrows():
        key = row["touchpoint"]
        before = fmt(row["mean_before"], kind="grade", lang=lang)
        after = fmt(row["mean_after"], kind="grade", lang=lang)
        if row["kind"] == "at_least" and row["value"] in grouped:
            if row["value"] in told:
                continue
            told.add(row["value"])
            keys = grouped[row["value"]]
            clauses.append(
                text(
                    "narrate_sim_clause_group",
                    lang,
                    count=fmt(len(keys), kind="count", lang=lang),
                    names=_join([label(k) for k in keys], lang),
                    floor=_floor_text(row["value"], lang),
                )
            )
        elif row["kind"] == "at_least":
            clauses.append(
                text(
                    "narrate_sim_clause_at_least",
                    lang,
                    label=label(key),
                    floor=_floor_text(row["value"], lang),
                    before=before,
                    after=after,
                )
            )
        else:
            benchmark = row.get("source") == "benchmark"
            clauses.append(
                text(
                    "narrate_sim_clause_move_benchmark" if benchmark else "narrate_sim_clause_move",
                    lang,
                    label=label(key),
                    before=before,
                    after=after,
                )
            )
    return clauses


def narrate_simulation(
    sim: Any,
    *,
    lang: str = "nl",
    assumptions: bool = True,
    labels: Mapping[str, str] | None = None,
    min_n: int = MIN_N,
) -> str:
    """The what-if in words: the scenario, the expected NPS change with CI, the assumptions.

    Parameters
    ----------
    sim : SimulationResult
        From :func:`drivers.stats.simulate`.
    lang : {"nl", "en"}
    assumptions : bool, default True
        List the model's assumptions under the text.
    labels : mapping, optional
        Touchpoint -> display label in ``lang`` (default: the result's own labels).
    min_n : int, default 30
        Below this many respondents the base is called small.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("narrate_simulation", lang)
    min_n = _check_min_n("narrate_simulation", min_n)
    changes = _describe_changes(sim, lang, labels)
    large = bool((sim.changes["shift"].abs() >= LARGE_SHIFT).any())
    table = sim.table.set_index("measure")
    nps_row = table.loc["nps"]
    has_ci = _finite(nps_row["ci_low"]) and _finite(nps_row["ci_high"])
    ci = ""
    if has_ci:
        ci = (
            " (" + _interval(nps_row["ci_low"], nps_row["ci_high"], sim.level, lang, "signed") + ")"
        )
    prom, det = table.loc["promoters"], table.loc["detractors"]

    def arrow(row: pd.Series) -> str:
        before = fmt(row["before"], kind="percent", lang=lang)
        return f"{before} → {fmt(row['after'], kind='percent', lang=lang)}"

    sentences = [
        text(
            "narrate_sim_expect",
            lang,
            changes=_join(changes, lang),
            after=fmt(nps_row["after"], kind="nps", lang=lang),
            before=fmt(nps_row["before"], kind="nps", lang=lang),
            change=fmt(nps_row["change"], kind="signed", lang=lang),
            unit=_unit(nps_row["change"], lang, 1),
            ci=ci,
            promoters=arrow(prom),
            detractors=arrow(det),
        )
    ]
    if has_ci and nps_row["ci_low"] <= 0 <= nps_row["ci_high"]:
        sentences.append(text("narrate_sim_no_effect", lang))
    if _is_small(sim.n, min_n):
        sentences.append(_small_base(sim.n, min_n, lang))
    if large:
        sentences.append(text("narrate_sim_large", lang))
    sentences.append(text("narrate_sim_not_guarantee", lang))
    out = " ".join(sentences)
    if assumptions:
        listed = "\n".join(f"- {text(key, lang)}" for key in _ASSUMPTIONS)
        out += "\n\n" + text("narrate_sim_assumptions", lang) + "\n\n" + listed
    return out + "\n"


# --------------------------------------------------------------------------- methods


def methods_note(
    *,
    n: int | None,
    method: str | None,
    r2: float | None,
    weighted: bool | None,
    missing: str | None,
    bootstrap: int | None,
    route: str | None = None,
    lang: str = "nl",
) -> str:
    """One line saying how the drivers were computed, for under a chart or on a slide.

    The one builder of this line: the deck's driver and matrix footnotes call it too.
    A part given as None is left out (a hand-made result need not know them all).

    Parameters
    ----------
    n : int or None
        Respondents in the model.
    method : str or None
        The importance method (a key of :data:`drivers.stats.methods.METHODS`, named by
        its record's ``label_key``).
    r2 : float or None
        R² of the model; left out when None or NaN.
    weighted : bool or None
        Survey weights used ("gewogen"); nothing is said when False.
    missing : {"listwise", "pairwise", "impute", "dummy"} or None
        How "n.v.t." answers were handled.
    bootstrap : int or None
        Bootstrap resamples behind the intervals; left out when 0.
    route : str, optional
        A display-text key saying how the bootstrap was done (above many touchpoints),
        e.g. ``"narrate_route_sampled"``; shown after the number of resamples. An unknown
        key raises :class:`~drivers.errors.ParameterError`.
    lang : {"nl", "en"}

    Returns
    -------
    str
        Parts separated by " · ".

    Examples
    --------
    >>> methods_note(n=800, method="shapley", r2=0.712, weighted=True, missing="pairwise",
    ...              bootstrap=500, lang="nl")
    'n = 800 · Shapley-waarde (LMG) · R² = 0,71 · gewogen · n.v.t.: paarsgewijs · bootstrap 500×'
    """
    check_lang("methods_note", lang)
    if method is not None:
        check_option("methods_note", "method", method, method_keys())
    if missing is not None:
        check_option("methods_note", "missing", missing, list(_MISSING_TEXT))
    parts = []
    if n is not None:
        parts.append(text("narrate_n", lang, n=fmt(n, kind="count", lang=lang)))
    if method is not None:
        parts.append(method_name(method, lang))
    if _finite(r2):
        parts.append(f"R² = {fmt(r2, kind='r2', lang=lang)}")
    if weighted:
        parts.append(text("weighted", lang))
    if missing is not None:
        parts.append(text(_MISSING_TEXT[missing], lang))
    if bootstrap and int(bootstrap) > 0:
        count = fmt(int(bootstrap), kind="count", lang=lang)
        if route is None:
            parts.append(text("narrate_methods_bootstrap", lang, n=count))
        else:
            parts.append(
                text("narrate_methods_bootstrap_route", lang, n=count, route=text(route, lang))
            )
    return " · ".join(parts)


_MISSING_OPTIONS = ("dummy", "pairwise", "listwise", "impute")
_WHY = ("dummy", "fallback", "configured")


def missing_sensitivity_note(
    sensitivity: Any,
    *,
    used: str,
    why: str = "dummy",
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
    detail: bool = False,
) -> str:
    """Whether the top of the ranking depends on how "n.v.t." is handled, as slide bullets.

    Parameters
    ----------
    sensitivity : MissingSensitivity
        From :func:`drivers.stats.sensitivity.missing_sensitivity`.
    used : {"dummy", "pairwise", "listwise", "impute"}
        The option the report's driver analysis used.
    why : {"dummy", "fallback", "configured"}
        Why it is used: the default (keeps every respondent, one importance per
        touchpoint), the fallback above the grouped Shapley's column limit, or the
        client's own setting.
    lang : {"nl", "en"}
    labels : mapping, optional
        Touchpoint -> display label.
    detail : bool, default False
        Instead of the top per option, every touchpoint's rank under each option (for
        the notes of the methods slide).

    Returns
    -------
    str
        Markdown bullets. When the top is the same under every option, one bullet
        saying so (empty with ``detail``).
    """
    check_lang("missing_sensitivity_note", lang)
    check_option("missing_sensitivity_note", "used", used, _MISSING_OPTIONS)
    check_option("missing_sensitivity_note", "why", why, _WHY)
    table = sensitivity.table
    names = _labels_from(table.drop_duplicates("driver"), "driver", labels, None, lang)
    options = [o for o in _MISSING_OPTIONS if o in sensitivity.top]
    options.sort(key=lambda o: o != used)  # the report's option first

    def option_name(option: str) -> str:
        name = text(f"missing_option_{option}", lang)
        return text("narrate_sensitivity_used", lang, option=name) if option == used else name

    k = fmt(sensitivity.k, kind="count", lang=lang)
    if not sensitivity.top_differs:
        return "" if detail else "- " + text("narrate_sensitivity_same", lang, k=k)
    if detail:
        ranks = sensitivity.ranks()
        order = ranks[used].sort_values(kind="stable").index if used in ranks else ranks.index
        lines = [
            text("narrate_sensitivity_ranks", lang, options=" · ".join(map(option_name, options)))
        ]
        for key in order:
            shown = " · ".join(fmt(ranks.loc[key, o], kind="count", lang=lang) for o in options)
            lines.append(f"- {names.get(str(key), str(key))}: {shown}")
        return "\n".join(lines)
    head = text(
        "narrate_sensitivity_differs",
        lang,
        k=k,
        option=text(f"missing_option_{used}", lang),
        why=text(f"narrate_sensitivity_why_{why}", lang),
    )
    lines = ["- " + head]
    counts = table.drop_duplicates("option").set_index("option")["n"]
    for option in options:
        top = ", ".join(
            f"{i}. {names.get(str(key), str(key))}"
            for i, key in enumerate(sensitivity.top[option], 1)
        )
        base = text("narrate_n", lang, n=fmt(counts[option], kind="count", lang=lang))
        lines.append(f"  - {option_name(option)}: {top} ({base})")
    return "\n".join(lines)


def importance_change_note(
    change: pd.DataFrame,
    *,
    wave_before: str,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    level: float = 0.95,
) -> str:
    """Touchpoints whose share of importance changed significantly since the last wave.

    Parameters
    ----------
    change : DataFrame
        From :func:`drivers.stats.sensitivity.compare_importance`: ``driver``,
        ``share_a``, ``share_b``, ``change``, ``ci_low``, ``ci_high``, ``p_value``.
    wave_before : str
        The earlier wave's name.
    lang : {"nl", "en"}
    labels : mapping, optional
    alpha : float, default 0.05
        A change with ``p_value`` below it is told.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    str
        One sentence: the significant changes with their CI (largest first), or that
        none changed significantly.
    """
    check_lang("importance_change_note", lang)
    _need_columns(
        "importance_change_note",
        "change",
        change,
        ["driver", "share_a", "share_b", "change", "ci_low", "ci_high", "p_value"],
    )
    names = _labels_from(change, "driver", labels, None, lang)
    tested = change[change["p_value"].map(_finite)]
    found = tested[tested["p_value"] < alpha]
    wave = _name(wave_before)
    if found.empty:
        return text("narrate_importance_none", lang, wave=wave)
    found = found.reindex(found["change"].abs().sort_values(ascending=False).index)
    items = [
        text(
            "narrate_importance_item",
            lang,
            label=names[str(row["driver"])],
            change=fmt(row["change"], kind="pp", lang=lang),
            interval=_interval(row["ci_low"], row["ci_high"], level, lang, "pp"),
            before=fmt(row["share_a"], kind="percent", lang=lang),
            after=fmt(row["share_b"], kind="percent", lang=lang),
        )
        for row in _rows(found)
    ]
    return text("narrate_importance_changed", lang, wave=wave, items="; ".join(items))


def segment_importance_note(
    segments: Any,
    *,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
    limit: int = 6,
) -> str:
    """Where importance differs significantly between a segment group and the rest.

    Parameters
    ----------
    segments : SegmentDrivers or its table
        From :func:`drivers.stats.segments.compare_segments`: ``segment``, ``group``,
        ``driver``, ``share``, ``share_rest``, ``difference``, ``significant``.
    lang : {"nl", "en"}
    labels : mapping, optional
    limit : int, default 6
        Name at most this many differences (largest first), then "and k more".

    Returns
    -------
    str
        One sentence.
    """
    check_lang("segment_importance_note", lang)
    table = getattr(segments, "table", segments)
    _need_columns(
        "segment_importance_note",
        "segments",
        table,
        ["segment", "group", "driver", "share", "share_rest", "difference", "significant"],
    )
    names = _labels_from(table.drop_duplicates("driver"), "driver", labels, None, lang)
    found = table[table["significant"].fillna(False).astype(bool)]
    if found.empty:
        return text("narrate_segments_none", lang)
    found = found.reindex(found["difference"].abs().sort_values(ascending=False).index)
    items = [
        text(
            "narrate_segments_item",
            lang,
            label=names[str(row["driver"])],
            segment=str(row["segment"]),
            group=str(row["group"]),
            share=fmt(row["share"], kind="percent", lang=lang),
            rest=fmt(row["share_rest"], kind="percent", lang=lang),
        )
        for row in _rows(found.head(limit))
    ]
    if len(found) > limit:
        items.append(text("narrate_and_more", lang, n=len(found) - limit))
    return text("narrate_segments_differ", lang, items="; ".join(items))


def bases_note(
    segments: Mapping[str, pd.DataFrame],
    *,
    min_n: int = MIN_N,
    privacy_floor: int = 5,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
) -> str:
    """Which segment groups have a small base (flagged) and which are not shown (suppressed).

    Parameters
    ----------
    segments : mapping of str to DataFrame
        Segment name -> table as :func:`drivers.stats.nps.nps_table` makes it: columns
        ``group``, ``n``, ``small_base``, ``suppressed``; the first row is the total and is
        not listed. A group counts as small when flagged or when its n is below ``min_n``;
        the n of a suppressed group is never shown.
    min_n : int, default 30
        The small-base line (the client's option).
    privacy_floor : int, default 5
        Groups below this n are not shown anywhere.
    lang : {"nl", "en"}
    labels : mapping, optional
        Segment name -> display label (default: the name as given).

    Returns
    -------
    str
        Markdown: one sentence per segment with small or hidden groups, or one sentence
        saying every group is large enough.
    """
    check_lang("bases_note", lang)
    min_n = _check_min_n("bases_note", min_n)
    privacy_floor = _check_min_n("bases_note", privacy_floor, "privacy_floor")
    if not isinstance(segments, Mapping):
        raise ParameterError(
            "The 'segments' parameter of bases_note must be a mapping segment -> table. "
            f"Got {type(segments).__name__} instead."
        )
    sentences = []
    for segment, table in segments.items():
        _need_columns("bases_note", "segments", table, ("group", "n", "small_base", "suppressed"))
        name = str((labels or {}).get(segment, segment))
        groups = table.iloc[1:]
        n = groups["n"].to_numpy()
        hidden = groups["suppressed"].fillna(False).astype(bool).to_numpy() | np.array(
            [_is_small(x, privacy_floor) for x in n], dtype=bool
        )
        small = ~hidden & (
            groups["small_base"].fillna(False).astype(bool).to_numpy()
            | np.array([_is_small(x, min_n) for x in n], dtype=bool)
        )
        if small.any():
            items = [
                text(
                    "narrate_label_with_n",
                    lang,
                    label=_name(row["group"]),
                    n=fmt(row["n"], kind="count", lang=lang),
                )
                for row in _rows(groups[small])
            ]
            key = "narrate_bases_small_one" if len(items) == 1 else "narrate_bases_small_many"
            sentences.append(
                text(
                    key,
                    lang,
                    segment=name,
                    groups=_join(items, lang),
                    min_n=fmt(min_n, kind="count", lang=lang),
                )
            )
        if hidden.any():
            items = [_name(g) for g in groups.loc[hidden, "group"]]
            key = (
                "narrate_bases_suppressed_one"
                if len(items) == 1
                else ("narrate_bases_suppressed_many")
            )
            sentences.append(
                text(
                    key,
                    lang,
                    segment=name,
                    groups=_join(items, lang),
                    floor=fmt(privacy_floor, kind="count", lang=lang),
                )
            )
    if not sentences:
        return text("narrate_bases_ok", lang, min_n=fmt(min_n, kind="count", lang=lang))
    return " ".join(sentences)


def methods_agreement(agreement: pd.DataFrame, *, lang: str = "nl") -> str:
    """Whether the importance methods agree: same top touchpoint, similar ranking.

    Parameters
    ----------
    agreement : DataFrame
        From :func:`drivers.stats.agreement.method_agreement`: ``method``, ``top_driver``,
        ``top_label``, ``kendall_tau``, ``agrees_on_top``; the first row is the reference.
    lang : {"nl", "en"}

    Returns
    -------
    str
        Markdown.
    """
    check_lang("methods_agreement", lang)
    _need_columns(
        "methods_agreement",
        "agreement",
        agreement,
        ("method", "top_driver", "top_label", "kendall_tau", "agrees_on_top"),
    )
    if agreement.empty:
        raise ParameterError("The 'agreement' table of methods_agreement has no rows.")
    if len(agreement) == 1:
        return text("narrate_agreement_single", lang)
    reference = agreement.iloc[0]
    others = agreement.iloc[1:]
    sentences = []
    if others["agrees_on_top"].astype(bool).all():
        sentences.append(
            text(
                "narrate_agreement_all",
                lang,
                count=fmt(len(agreement), kind="count", lang=lang),
                label=reference["top_label"],
            )
        )
    else:
        details = []
        for label, rows in agreement.groupby("top_label", sort=False):
            methods = _join([method_name(m, lang) for m in rows["method"]], lang)
            details.append(
                text("narrate_agreement_split_detail", lang, label=label, methods=methods)
            )
        separator = text("narrate_agreement_split_separator", lang)
        sentences.append(text("narrate_agreement_split", lang, details=separator.join(details)))
    taus = others["kendall_tau"].astype(float)
    taus = taus[np.isfinite(taus)]
    if not taus.empty:
        low, high = (fmt(t, kind="number", lang=lang, decimals=2) for t in (taus.min(), taus.max()))
        tau = low if low == high else text("narrate_range", lang, low=low, high=high)
        key = "narrate_agreement_tau" if taus.min() >= LOW_TAU else "narrate_agreement_tau_low"
        sentences.append(text(key, lang, reference=method_name(reference["method"], lang), tau=tau))
    agree = bool(others["agrees_on_top"].astype(bool).all()) and (
        taus.empty or taus.min() >= LOW_TAU
    )
    sentences.append(
        text("narrate_agreement_hedge" if agree else "narrate_drivers_association", lang)
    )
    return " ".join(sentences)


# --------------------------------------------------------------------------- over time


def change_note(
    attribution: Any, *, lang: str = "nl", level: float | None = None, top: int = 5
) -> str:
    """Modelled against measured: what the changed grades would explain, what the NPS did.

    Parameters
    ----------
    attribution : object
        An attribution of an NPS change between two waves, with the attributes
        ``expected``, ``expected_ci_low``, ``expected_ci_high`` (NPS points the changed
        grades would explain, by the model), ``observed``, ``observed_ci_low``,
        ``observed_ci_high``, ``observed_p_value`` (the measured change), ``agrees`` (bool:
        the two are compatible) and ``.table`` with ``touchpoint``, ``label``,
        ``grade_change``, ``grade_change_significant``, ``contribution`` (modelled NPS
        points per touchpoint); optionally ``level`` (default 0.95).
    lang : {"nl", "en"}
    level : float, optional
        Confidence level of the intervals, when the attribution does not carry one.

    Returns
    -------
    str
        Markdown (the ``top`` largest significant grade changes are named, the rest
        counted). A touchpoint's contribution is only ever told as a model calculation,
        never as a measured effect.
    """
    check_lang("change_note", lang)
    a = attribution
    level = getattr(a, "level", None) if level is None else level
    level = 0.95 if level is None else level
    expected, observed = float(a.expected), float(a.observed)
    sentences = [
        text(
            "narrate_change_expected",
            lang,
            expected=fmt(expected, kind="signed", lang=lang),
            unit=_unit(expected, lang, 1),
            interval=_interval(a.expected_ci_low, a.expected_ci_high, level, lang, "signed"),
            observed=fmt(observed, kind="signed", lang=lang),
            observed_unit=_unit(observed, lang, 1),
            observed_interval=_interval(
                a.observed_ci_low, a.observed_ci_high, level, lang, "signed"
            ),
            p=_p_value(a.observed_p_value, lang),
        )
    ]
    if bool(a.agrees):
        sentences.append(text("narrate_change_agrees", lang))
    elif expected > 0 and observed < expected:
        sentences.append(text("narrate_change_gains_not_shown", lang))
    elif expected < 0 and observed > expected:
        sentences.append(text("narrate_change_losses_not_shown", lang))
    else:
        sentences.append(text("narrate_change_more_than_grades", lang))

    table = getattr(a, "table", None)
    if isinstance(table, pd.DataFrame) and not table.empty:
        _need_columns(
            "change_note",
            "attribution.table",
            table,
            ("touchpoint", "label", "grade_change", "grade_change_significant", "contribution"),
        )
        significant = table[table["grade_change_significant"].fillna(False).astype(bool)]
        if significant.empty:
            sentences.append(text("narrate_change_no_significant_grades", lang))
        else:
            order = significant["grade_change"].astype(float).abs().sort_values(ascending=False)
            items = [
                text(
                    "narrate_label_with_value",
                    lang,
                    label=row["label"],
                    value=fmt(row["grade_change"], kind="signed", lang=lang),
                )
                for row in _rows(significant.loc[order.index[:top]])
            ]
            if len(significant) > top:
                items.append(text("narrate_and_more", lang, n=len(significant) - top))
            sentences.append(
                text("narrate_change_significant_grades", lang, items=_join(items, lang))
            )
        contributions = table["contribution"].astype(float)
        if np.isfinite(contributions).any():
            row = table.loc[contributions.abs().idxmax()]
            sentences.append(
                text(
                    "narrate_change_largest",
                    lang,
                    label=row["label"],
                    contribution=fmt(row["contribution"], kind="signed", lang=lang),
                    unit=_unit(row["contribution"], lang, 1),
                )
            )
    return " ".join(sentences)


def narrate_trend(
    nps_waves: pd.DataFrame,
    nps_steps: pd.DataFrame,
    *,
    lang: str = "nl",
    min_n: int = MIN_N,
) -> str:
    """The NPS across all waves: its path, and which steps between waves are significant.

    Parameters
    ----------
    nps_waves : DataFrame
        One row per wave in time order: ``wave``, ``nps``, ``ci_low``, ``ci_high`` and
        optionally ``n`` (waves below ``min_n`` are called small).
    nps_steps : DataFrame
        One row per step between consecutive waves: ``wave_before``, ``wave_after``,
        ``difference``, ``ci_low``, ``ci_high``, ``p_value``, ``significant``; optionally
        ``level`` (default 0.95).
    lang : {"nl", "en"}
    min_n : int, default 30
        Below this many respondents a wave's base is called small.

    Returns
    -------
    str
        Markdown: one or two sentences (three with small waves).
    """
    check_lang("narrate_trend", lang)
    min_n = _check_min_n("narrate_trend", min_n)
    _need_columns("narrate_trend", "nps_waves", nps_waves, ("wave", "nps", "ci_low", "ci_high"))
    _need_columns(
        "narrate_trend",
        "nps_steps",
        nps_steps,
        ("wave_before", "wave_after", "difference", "ci_low", "ci_high", "p_value", "significant"),
    )
    if nps_waves.empty:
        raise ParameterError("The 'nps_waves' table of narrate_trend has no rows.")
    points = [
        text(
            "narrate_trend_wave",
            lang,
            nps=fmt(row["nps"], kind="nps", lang=lang),
            wave=_name(row["wave"]),
        )
        for row in _rows(nps_waves)
    ]
    if len(points) == 1:
        row = _rows(nps_waves)[0]
        sentences = [
            text(
                "narrate_trend_one",
                lang,
                wave=_name(row["wave"]),
                nps=fmt(row["nps"], kind="nps", lang=lang),
            )
        ]
    elif len(points) == 2:
        sentences = [text("narrate_trend_path_two", lang, first=points[0], last=points[1])]
    else:
        sentences = [
            text(
                "narrate_trend_path",
                lang,
                first=points[0],
                middle=_join(points[1:-1], lang),
                last=points[-1],
            )
        ]
    if not nps_steps.empty:
        significant = nps_steps[nps_steps["significant"].fillna(False).astype(bool)]
        steps = [
            text(
                "narrate_trend_step",
                lang,
                before=_name(row["wave_before"]),
                after=_name(row["wave_after"]),
                change=fmt(row["difference"], kind="signed", lang=lang),
                unit=_unit(row["difference"], lang, 1),
                interval=_interval(
                    row["ci_low"], row["ci_high"], row.get("level", 0.95), lang, "signed"
                ),
            )
            for row in _rows(significant)
        ]
        if not steps:
            sentences.append(text("narrate_trend_no_significant", lang))
        elif len(nps_steps) == 1:
            sentences.append(text("narrate_trend_step_only_significant", lang, steps=steps[0]))
        elif len(steps) == len(nps_steps):
            sentences.append(
                text("narrate_trend_steps_all_significant", lang, steps=_join(steps, lang))
            )
        elif len(steps) == 1:
            sentences.append(text("narrate_trend_step_one_significant", lang, steps=steps[0]))
        else:
            sentences.append(
                text("narrate_trend_steps_significant", lang, steps=_join(steps, lang))
            )
    if "n" in nps_waves.columns:
        small = [_name(row["wave"]) for row in _rows(nps_waves) if _is_small(row["n"], min_n)]
        if small:
            sentences.append(
                text(
                    "narrate_trend_small",
                    lang,
                    min_n=fmt(min_n, kind="count", lang=lang),
                    waves=_join(small, lang),
                )
            )
    return " ".join(sentences)


# --------------------------------------------------------------------------- together


def findings(
    *,
    nps: Any = None,
    drivers: Any = None,
    matrix: Any = None,
    simulation: Any = None,
    lang: str = "nl",
    nps_gain: pd.DataFrame | None = None,
    performance: Any = None,
    benchmark: Any = None,
    nps_benchmark: Any = None,
    previous: Any = None,
    labels: Mapping[str, str] | None = None,
    survey: Any = None,
    weighted: bool = False,
    unweighted: Any = None,
    min_n: int = MIN_N,
    heading_level: int = 2,
) -> str:
    """All findings in one Markdown document, one section per result given.

    Parameters
    ----------
    nps : NPSResult, optional
    drivers : DriverResult, optional
    matrix : PriorityMatrix, optional
    simulation : SimulationResult or list of them, optional
    lang : {"nl", "en"}
    nps_gain : DataFrame, optional
        Expected NPS gain per touchpoint on the whole base (:func:`drivers.stats.gain.nps_gain`):
        "what to improve first" is then ranked by it (:func:`narrate_gain`), consistently
        with the what-if, instead of the matrix's "start with".
    performance : DataFrame or mapping, optional
        Touchpoint grades for :func:`narrate_drivers`.
    benchmark : mapping, optional
        Touchpoint -> benchmark grade for :func:`narrate_drivers`.
    nps_benchmark : float, tuple or dict, optional
        Benchmark NPS for :func:`narrate_nps`.
    previous : NPSResult or NPSDifference, optional
        Last wave's NPS, or the comparison with it, for :func:`narrate_nps`.
    labels : mapping, optional
        Touchpoint -> display label in ``lang``.
    survey : Survey, optional
        Kept for backward compatibility: only its spec's labels are read.
    weighted, unweighted
        For :func:`narrate_nps`.
    min_n : int, default 30
        The small-base line.
    heading_level : int, default 2
        Markdown level of the title; sections are one level deeper.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("findings", lang)
    min_n = _check_min_n("findings", min_n)
    if not 1 <= int(heading_level) <= 5:
        raise ParameterError(
            f"The 'heading_level' parameter of findings must be 1-5. Got {heading_level!r}."
        )
    top, sub = "#" * int(heading_level), "#" * (int(heading_level) + 1)
    parts = [f"{top} {text('narrate_findings_title', lang)}"]

    def section(key: str, body: str) -> None:
        parts.append(f"{sub} {text(key, lang)}\n\n{body}")

    if nps is not None:
        comparison = (
            {"change": previous} if hasattr(previous, "difference") else {"previous": previous}
        )
        section(
            "narrate_findings_nps",
            narrate_nps(
                nps,
                lang=lang,
                benchmark=nps_benchmark,
                weighted=weighted,
                unweighted=unweighted,
                min_n=min_n,
                **comparison,
            ),
        )
    if drivers is not None:
        section(
            "narrate_findings_drivers",
            narrate_drivers(
                drivers,
                lang=lang,
                performance=performance,
                benchmark=benchmark,
                labels=labels,
                survey=survey,
                min_n=min_n,
            ),
        )
    if nps_gain is not None:
        told = narrate_gain(nps_gain, drivers=drivers, lang=lang, labels=labels)
        if told:
            section("narrate_findings_first", told)
    if matrix is not None:
        section(
            "narrate_findings_matrix",
            narrate_matrix(matrix, lang=lang, labels=labels, start=nps_gain is None),
        )
    if simulation is not None:
        sims = simulation if isinstance(simulation, list | tuple) else [simulation]
        body = "\n\n".join(
            narrate_simulation(
                s, lang=lang, assumptions=i == len(sims) - 1, labels=labels, min_n=min_n
            )
            for i, s in enumerate(sims)
        )
        section("narrate_findings_simulation", body)
    return "\n\n".join(p.strip() for p in parts) + "\n"
