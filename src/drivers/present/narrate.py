"""Plain-language findings in Dutch and English, as Markdown.

Every function takes a result object and returns a Markdown string for a notebook cell
or the notes of a slide. The text quotes the numbers of the result (formatted by
:mod:`drivers.present._format`: decimal comma and "+17" in Dutch) and hedges honestly:

- the two most important drivers "cannot be separated" when their confidence intervals
  overlap;
- a base below 30 respondents is called small;
- a model with R² below 0.2 "explains little";
- importance and the what-if are associations in survey data, never proven causes.

Wave-over-wave changes in NPS are tested with :func:`drivers.stats.nps.compare_nps` (adjusted
Wald difference of two independent samples, Rocks 2016).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import ParameterError
from drivers.present._format import check_lang, fmt_count, fmt_number, fmt_percent, fmt_signed

__all__ = [
    "findings",
    "narrate_drivers",
    "narrate_matrix",
    "narrate_nps",
    "narrate_simulation",
]

SMALL_BASE = 30
LOW_R2 = 0.2
LARGE_SHIFT = 1.0  # grade points: a mean shift this large is called large
UNCERTAIN_QUADRANT = 0.6  # below this probability a quadrant is called uncertain

_QUADRANT_ORDER = ("improve", "maintain", "overkill", "monitor")
_R2_METHODS = ("shapley", "relative_weights")  # their importances add up to R²


# --------------------------------------------------------------------------- helpers


def _level(level: float, lang: str) -> str:
    """'95%-BI' (nl) / '95% CI' (en)."""
    pct = fmt_percent(level, lang)
    return f"{pct}-BI" if lang == "nl" else f"{pct} CI"


def _range(low: str, high: str, lang: str) -> str:
    return f"{low} tot {high}" if lang == "nl" else f"{low} to {high}"


def _join(items: list[str], lang: str) -> str:
    """'a, b en c' (nl) / 'a, b and c' (en, with a serial comma from three items)."""
    if len(items) <= 1:
        return "".join(items)
    word = " en " if lang == "nl" else " and "
    serial = "," if lang == "en" and len(items) > 2 else ""
    return ", ".join(items[:-1]) + serial + word + items[-1]


def _points(value: Any, lang: str, decimals: int = 0) -> str:
    """'punt' / 'punten' (nl), 'point' / 'points' (en) for a number as it is shown."""
    one = abs(round(float(value), decimals)) == 1
    if lang == "nl":
        return "punt" if one else "punten"
    return "point" if one else "points"


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _small_base(n: Any, lang: str) -> str:
    if lang == "nl":
        return (
            f"Let op: de basis is klein (n = {fmt_count(n, lang)}, minder dan {SMALL_BASE}); "
            "de cijfers zijn onzeker en kunnen bij een volgende meting flink anders uitvallen."
        )
    return (
        f"Note: the base is small (n = {fmt_count(n, lang)}, fewer than {SMALL_BASE}); "
        "the figures are uncertain and may differ considerably in the next wave."
    )


def _driver_labels(result: Any, survey: Any, lang: str) -> dict[str, str]:
    table = result.table
    labels = dict(zip(table["driver"], table.get("label", table["driver"]), strict=True))
    spec = getattr(survey, "spec", None)
    if spec is not None:
        for key in labels:
            try:
                labels[key] = str(spec.label(key, lang))
            except Exception:  # not a spec column: keep the table's label
                pass
    return {k: str(v) for k, v in labels.items()}


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


# --------------------------------------------------------------------------- NPS


def narrate_nps(
    nps_result: Any,
    *,
    lang: str = "nl",
    benchmark: Any = None,
    previous: Any = None,
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
        Last wave. The change is tested with :func:`drivers.stats.nps.compare_nps` (adjusted Wald
        CI of the difference of two independent samples); it is called significant only
        when that interval excludes zero.

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
    r = nps_result
    level = getattr(r, "level", 0.95)
    value = fmt_signed(r.nps, lang)
    ci = _range(fmt_signed(r.ci_low, lang), fmt_signed(r.ci_high, lang), lang)
    shares = [
        f"{fmt_percent(r.promoters, lang)} promoters",
        f"{fmt_percent(r.passives, lang)} passives",
        f"{fmt_percent(r.detractors, lang)} detractors",
    ]
    n = fmt_count(r.n, lang)
    if lang == "nl":
        sentences = [
            f"De NPS is **{value}** ({_level(level, lang)} {ci}; n = {n}): {_join(shares, lang)}."
        ]
        sentences.append(
            "De NPS zegt niet alles: een 0 en een 6 tellen even zwaar, dus kijk ook naar de "
            "verdeling van de scores."
        )
    else:
        sentences = [
            f"The NPS is **{value}** ({_level(level, lang)} {ci}; n = {n}): {_join(shares, lang)}."
        ]
        sentences.append(
            "The NPS is not the whole story: a 0 and a 6 count the same, so look at the "
            "distribution of the scores as well."
        )
    if r.n < SMALL_BASE:
        sentences.append(_small_base(r.n, lang))

    if benchmark is not None:
        sentences.append(_nps_benchmark(r, benchmark, lang))
    if previous is not None:
        sentences.append(_nps_change(previous, r, lang))
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
    difference = r.nps - value
    named = f"{fmt_signed(value, lang)}" + (f", {label}" if label else "")
    within = r.ci_low <= value <= r.ci_high
    points = fmt_number(abs(difference), 0, lang)
    if lang == "nl":
        if round(difference) == 0:
            position = "gelijk aan de benchmark"
        else:
            side = "boven" if difference > 0 else "onder"
            position = f"{points} {_points(difference, lang)} {side} de benchmark"
        text = f"Dat is {position} ({named})"
        text += (
            "; de benchmark valt binnen de foutmarge, dus het verschil is niet aangetoond."
            if within
            else "; de benchmark valt buiten de foutmarge."
        )
    else:
        if round(difference) == 0:
            position = "level with the benchmark"
        else:
            side = "above" if difference > 0 else "below"
            position = f"{points} {_points(difference, lang)} {side} the benchmark"
        text = f"That is {position} ({named})"
        text += (
            "; the benchmark lies within the margin of error, so the difference is not shown."
            if within
            else "; the benchmark lies outside the margin of error."
        )
    return text


def _nps_change(previous: Any, current: Any, lang: str) -> str:
    from drivers.stats.nps import compare_nps

    d = compare_nps(previous, current, level=getattr(current, "level", 0.95))
    change = fmt_signed(d.difference, lang, decimals=1)
    ci = _range(fmt_signed(d.ci_low, lang, 1), fmt_signed(d.ci_high, lang, 1), lang)
    before = fmt_signed(previous.nps, lang)
    level = _level(d.level, lang)
    if lang == "nl":
        verdict = (
            "statistisch significant"
            if d.significant
            else "niet statistisch significant: het kan toeval zijn"
        )
        return (
            f"Bij de vorige meting was de NPS {before}; de verandering van {change} "
            f"{_points(d.difference, lang, 1)} "
            f"is {verdict} ({level} van het verschil {ci})."
        )
    verdict = (
        "statistically significant"
        if d.significant
        else "not statistically significant: it may be chance"
    )
    return (
        f"In the previous wave the NPS was {before}; the change of {change} "
        f"{_points(d.difference, lang, 1)} is "
        f"{verdict} ({level} of the difference {ci})."
    )


# --------------------------------------------------------------------------- drivers


def narrate_drivers(
    result: Any,
    *,
    lang: str = "nl",
    performance: Any = None,
    benchmark: Any = None,
    survey: Any = None,
    top: int = 3,
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
    survey : Survey, optional
        For touchpoint labels in ``lang`` (default: the labels of the driver table).
    top : int, default 3
        How many drivers to name.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("narrate_drivers", lang)
    table = result.table.copy()
    if "indicator" in table.columns:  # "<touchpoint>_answered" rows are not touchpoints
        table = table[~table["indicator"].astype(bool)]
    if "rank" in table.columns:
        table = table.sort_values("rank", kind="stable")
    else:
        table = table.sort_values("importance", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    labels = _driver_labels(result, survey, lang)
    column = "share" if "share" in table.columns else "importance"
    low_col, high_col = (
        ("share_ci_low", "share_ci_high") if column == "share" else ("ci_low", "ci_high")
    )
    has_ci = {low_col, high_col} <= set(table.columns) and table[low_col].notna().any()

    def amount(row: pd.Series, key: str = column) -> str:
        if column == "share":
            return fmt_percent(row[key], lang)
        return fmt_number(row[key], 3, lang)

    first = table.iloc[0]
    name = f"**{labels.get(first['driver'], first['driver'])}**"
    ci = ""
    if has_ci and _finite(first[low_col]) and _finite(first[high_col]):
        interval = _range(amount(first, low_col), amount(first, high_col), lang)
        ci = f" ({_level(getattr(result, 'level', 0.95), lang)} {interval})"
    others = [
        f"{labels.get(row['driver'], row['driver'])} ({amount(row)})"
        for _, row in table.iloc[1:top].iterrows()
    ]
    if column != "share":
        what = "belang" if lang == "nl" else "importance"
    elif getattr(result, "method", None) in _R2_METHODS:  # shares of R²
        what = "van de verklaarde variantie" if lang == "nl" else "of the explained variance"
    else:
        what = "van het totale belang" if lang == "nl" else "of the total importance"
    if lang == "nl":
        sentences = [f"{name} weegt het zwaarst voor de aanbeveling: {amount(first)} {what}{ci}."]
        if others:
            sentences[-1] = sentences[-1][:-1] + f", gevolgd door {_join(others, lang)}."
    else:
        sentences = [f"{name} weighs most for recommendation: {amount(first)} {what}{ci}."]
        if others:
            sentences[-1] = sentences[-1][:-1] + f", followed by {_join(others, lang)}."

    # honest hedging: top two not separable
    if len(table) > 1 and has_ci:
        second = table.iloc[1]
        if _finite(first[low_col]) and _finite(second[high_col]):
            if first[low_col] <= second[high_col]:
                a = labels.get(first["driver"], first["driver"])
                b = labels.get(second["driver"], second["driver"])
                sentences.append(
                    f"De betrouwbaarheidsintervallen van {a} en {b} overlappen: met deze "
                    "gegevens is niet te zeggen welke van de twee zwaarder weegt."
                    if lang == "nl"
                    else f"The confidence intervals of {a} and {b} overlap: these data cannot "
                    "tell which of the two weighs more."
                )

    # grade and benchmark of the top driver
    grade = _lookup(performance, first["driver"])
    if grade is not None:
        bench = _lookup(benchmark, first["driver"])
        label = labels.get(first["driver"], first["driver"])
        if lang == "nl":
            text = f"{label} krijgt gemiddeld een {fmt_number(grade, 1, lang)}"
            if bench is not None:
                side = "onder" if grade < bench else "boven" if grade > bench else "gelijk aan"
                text += f", {side} de benchmark van {fmt_number(bench, 1, lang)}"
        else:
            text = f"{label} gets an average grade of {fmt_number(grade, 1, lang)}"
            if bench is not None:
                side = "below" if grade < bench else "above" if grade > bench else "level with"
                text += f", {side} the benchmark of {fmt_number(bench, 1, lang)}"
        sentences.append(text + ".")

    r2 = getattr(result, "r2", None)
    if _finite(r2):
        r2_text = fmt_number(r2, 2, lang)
        if lang == "nl":
            sentences.append(
                f"Samen verklaren de contactmomenten {fmt_percent(r2, lang)} van de verschillen "
                f"in aanbeveling (R² = {r2_text})."
            )
            if r2 < LOW_R2:
                sentences.append(
                    "Dat is weinig: het meeste van wat de aanbeveling bepaalt, zit niet in deze "
                    "contactmomenten."
                )
        else:
            sentences.append(
                f"Together the touchpoints explain {fmt_percent(r2, lang)} of the differences "
                f"in recommendation (R² = {r2_text})."
            )
            if r2 < LOW_R2:
                sentences.append(
                    "That is little: most of what drives recommendation is not in these "
                    "touchpoints."
                )

    n = getattr(result, "n", None)
    if _finite(n) and n < SMALL_BASE:
        sentences.append(_small_base(int(n), lang))
    sentences.append(
        "Belang is hier samenhang in de enquête, geen bewezen oorzaak."
        if lang == "nl"
        else "Importance here is association in the survey, not proven cause."
    )
    return " ".join(sentences)


# --------------------------------------------------------------------------- matrix


def narrate_matrix(matrix: Any, *, lang: str = "nl") -> str:
    """The priority matrix in words: per quadrant its touchpoints, with certainty.

    Parameters
    ----------
    matrix : PriorityMatrix
        From :func:`drivers.priority_matrix`.
    lang : {"nl", "en"}

    Returns
    -------
    str
        Markdown: one bullet per non-empty quadrant (improve first, maintain, possible
        overkill, monitor). With quadrant probabilities, each touchpoint carries the share
        of bootstrap draws that put it in its quadrant, and touchpoints below 60% are named
        as uncertain.
    """
    check_lang("narrate_matrix", lang)
    m = matrix.relabel(lang)
    table = m.table
    probabilities = "p_improve" in table.columns
    x_line = fmt_percent(m.x_line, lang) if m.x == "top_box" else fmt_number(m.x_line, 1, lang)
    if lang == "nl":
        intro = (
            f"De prioriteitenmatrix zet het belang van elk contactmoment af tegen het "
            f"{'aandeel cijfers van 8 of hoger' if m.x == 'top_box' else 'gemiddelde cijfer'} "
            f"(scheidslijn {x_line})."
        )
    else:
        intro = (
            f"The priority matrix sets the importance of each touchpoint against its "
            f"{'share of grades of 8 or higher' if m.x == 'top_box' else 'mean grade'} "
            f"(dividing line {x_line})."
        )
    lines = [intro, ""]
    uncertain = []
    for quadrant in _QUADRANT_ORDER:
        rows = table[table["quadrant"] == quadrant]
        if rows.empty:
            continue
        items = []
        for _, row in rows.iterrows():
            item = str(row["label"])
            if probabilities:
                p = row[f"p_{quadrant}"]
                item += f" ({fmt_percent(p, lang)})"
                if p < UNCERTAIN_QUADRANT:
                    uncertain.append(str(row["label"]))
            items.append(item)
        label = rows["quadrant_label"].iloc[0]
        lines.append(f"- **{label}:** {_join(items, lang)}")
    lines.append("")
    if probabilities:
        if lang == "nl":
            lines.append(
                "Tussen haakjes: in welk deel van de bootstrap-trekkingen het contactmoment "
                "in dit kwadrant valt."
            )
            if uncertain:
                verb = "ligt" if len(uncertain) == 1 else "liggen"
                lines.append(
                    f"De plaats van {_join(uncertain, lang)} is onzeker: {verb} dicht bij een "
                    "scheidslijn."
                )
        else:
            lines.append(
                "In brackets: the share of bootstrap draws that put the touchpoint in this "
                "quadrant."
            )
            if uncertain:
                what = "it lies" if len(uncertain) == 1 else "they lie"
                lines.append(
                    f"The position of {_join(uncertain, lang)} is uncertain: {what} close to "
                    "a dividing line."
                )
    improve = table[table["quadrant"] == "improve"]
    if not improve.empty:
        first = improve.iloc[0]["label"]
        lines.append(
            f"Begin bij **{first}**: belangrijk voor de aanbeveling en relatief laag beoordeeld."
            if lang == "nl"
            else f"Start with **{first}**: important for recommendation and graded relatively low."
        )
    return "\n".join(line for line in lines).strip() + "\n"


# --------------------------------------------------------------------------- simulation


def _floor_text(value: float, lang: str) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 1, lang)


def _describe_changes(sim: Any, lang: str) -> list[str]:
    """The scenario as clauses for 'Als ..., dan' / 'If ..., then' (verb last in Dutch).

    Three or more "at least" changes to the same grade are told as one clause.
    """
    rows = sim.changes
    clauses = []
    floors = rows[rows["kind"] == "at_least"].groupby("value", sort=False)["touchpoint"]
    grouped = {value: list(keys) for value, keys in floors if len(keys) >= 3}
    told = set()
    for _, row in rows.iterrows():
        key = row["touchpoint"]
        label = sim.label(key, lang)
        before = fmt_number(row["mean_before"], 1, lang)
        after = fmt_number(row["mean_after"], 1, lang)
        if row["kind"] == "at_least" and row["value"] in grouped:
            if row["value"] in told:
                continue
            told.add(row["value"])
            keys = grouped[row["value"]]
            names = _join([sim.label(k, lang) for k in keys], lang)
            floor = _floor_text(row["value"], lang)
            clauses.append(
                f"iedereen elk van de {len(keys)} contactmomenten ({names}) minstens een {floor} "
                "geeft"
                if lang == "nl"
                else f"everyone grades each of the {len(keys)} touchpoints ({names}) at least "
                f"{floor}"
            )
        elif row["kind"] == "at_least":
            floor = _floor_text(row["value"], lang)
            clauses.append(
                f"iedereen **{label}** minstens een {floor} geeft (gemiddeld {before} → {after})"
                if lang == "nl"
                else f"everyone grades **{label}** at least {floor} (mean {before} → {after})"
            )
        else:
            source = " (benchmark)" if row.get("source") == "benchmark" else ""
            clauses.append(
                f"**{label}** van gemiddeld {before} naar {after}{source} gaat"
                if lang == "nl"
                else f"**{label}** moves from a mean of {before} to {after}{source}"
            )
    return clauses


def narrate_simulation(sim: Any, *, lang: str = "nl", assumptions: bool = True) -> str:
    """The what-if in words: the scenario, the expected NPS change with CI, the assumptions.

    Parameters
    ----------
    sim : SimulationResult
        From :func:`drivers.stats.simulate`.
    lang : {"nl", "en"}
    assumptions : bool, default True
        List the model's assumptions under the text.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("narrate_simulation", lang)
    from drivers.stats.simulate import ASSUMPTIONS

    changes = _describe_changes(sim, lang)
    large = bool((sim.changes["shift"].abs() >= LARGE_SHIFT).any())
    table = sim.table.set_index("measure")
    nps_row = table.loc["nps"]
    before, after = fmt_signed(nps_row["before"], lang), fmt_signed(nps_row["after"], lang)
    change = fmt_signed(nps_row["change"], lang, decimals=1)
    points = _points(nps_row["change"], lang, 1)
    has_ci = _finite(nps_row["ci_low"]) and _finite(nps_row["ci_high"])
    ci = ""
    if has_ci:
        low = fmt_signed(nps_row["ci_low"], lang, decimals=1)
        high = fmt_signed(nps_row["ci_high"], lang, decimals=1)
        ci = f" ({_level(sim.level, lang)} {_range(low, high, lang)})"
    prom, det = table.loc["promoters"], table.loc["detractors"]
    shares = (
        f"{fmt_percent(prom['before'], lang)} → {fmt_percent(prom['after'], lang)}",
        f"{fmt_percent(det['before'], lang)} → {fmt_percent(det['after'], lang)}",
    )
    if lang == "nl":
        text = [
            f"Als {_join(changes, lang)}, dan verwacht het model een NPS van {after} in plaats "
            f"van {before}: **{change} {points}**{ci}. Promoters {shares[0]}, detractors "
            f"{shares[1]}."
        ]
        if has_ci and nps_row["ci_low"] <= 0 <= nps_row["ci_high"]:
            text.append("Dat verschil is niet te onderscheiden van geen effect.")
        if sim.n < SMALL_BASE:
            text.append(_small_base(sim.n, lang))
        if large:
            text.append(
                "Dat is een grote verandering (een punt of meer): hoe verder van de huidige "
                "cijfers, hoe meer de uitkomst op het model leunt."
            )
        text.append(
            "Dit is een modelberekening op basis van samenhang in de enquête, geen garantie: "
            "of de NPS echt zo verandert, hangt ervan af of de samenhang oorzakelijk is."
        )
        heading = "Aannames:"
    else:
        text = [
            f"If {_join(changes, lang)}, the model expects an NPS of {after} instead of "
            f"{before}: **{change} {points}**{ci}. Promoters {shares[0]}, detractors "
            f"{shares[1]}."
        ]
        if has_ci and nps_row["ci_low"] <= 0 <= nps_row["ci_high"]:
            text.append("That change cannot be told apart from no effect.")
        if sim.n < SMALL_BASE:
            text.append(_small_base(sim.n, lang))
        if large:
            text.append(
                "That is a large change (a grade point or more): the further from the current "
                "grades, the more the result leans on the model."
            )
        text.append(
            "This is a model calculation from associations in the survey, not a guarantee: "
            "whether the NPS really moves this way depends on the association being causal."
        )
        heading = "Assumptions:"
    out = " ".join(text)
    if assumptions:
        out += "\n\n" + heading + "\n\n" + "\n".join(f"- {a}" for a in ASSUMPTIONS[lang])
    return out + "\n"


# --------------------------------------------------------------------------- together


def findings(
    *,
    nps: Any = None,
    drivers: Any = None,
    matrix: Any = None,
    simulation: Any = None,
    lang: str = "nl",
    performance: Any = None,
    benchmark: Any = None,
    nps_benchmark: Any = None,
    previous: Any = None,
    survey: Any = None,
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
    performance : DataFrame or mapping, optional
        Touchpoint grades for :func:`narrate_drivers`.
    benchmark : mapping, optional
        Touchpoint -> benchmark grade for :func:`narrate_drivers`.
    nps_benchmark : float, tuple or dict, optional
        Benchmark NPS for :func:`narrate_nps`.
    previous : NPSResult, optional
        Last wave's NPS for :func:`narrate_nps`.
    survey : Survey, optional
        For touchpoint labels in ``lang``.
    heading_level : int, default 2
        Markdown level of the title; sections are one level deeper.

    Returns
    -------
    str
        Markdown.
    """
    check_lang("findings", lang)
    if not 1 <= int(heading_level) <= 5:
        raise ParameterError(
            f"The 'heading_level' parameter of findings must be 1-5. Got {heading_level!r}."
        )
    titles = {
        "nl": ("Bevindingen", "NPS", "Wat weegt het zwaarst", "Prioriteiten", "Wat als"),
        "en": ("Findings", "NPS", "What weighs most", "Priorities", "What if"),
    }[lang]
    top, sub = "#" * int(heading_level), "#" * (int(heading_level) + 1)
    parts = [f"{top} {titles[0]}"]
    if nps is not None:
        parts.append(
            f"{sub} {titles[1]}\n\n"
            + narrate_nps(nps, lang=lang, benchmark=nps_benchmark, previous=previous)
        )
    if drivers is not None:
        parts.append(
            f"{sub} {titles[2]}\n\n"
            + narrate_drivers(
                drivers, lang=lang, performance=performance, benchmark=benchmark, survey=survey
            )
        )
    if matrix is not None:
        parts.append(f"{sub} {titles[3]}\n\n" + narrate_matrix(matrix, lang=lang))
    if simulation is not None:
        sims = simulation if isinstance(simulation, list | tuple) else [simulation]
        body = "\n\n".join(
            narrate_simulation(s, lang=lang, assumptions=i == len(sims) - 1)
            for i, s in enumerate(sims)
        )
        parts.append(f"{sub} {titles[4]}\n\n" + body)
    return "\n\n".join(p.strip() for p in parts) + "\n"
