"""The client against the benchmark norms: a deck section and two notebook charts.

Everything here draws numbers computed elsewhere: :func:`drivers.stats.pool.compare_to_norm`
sets a client wave against :func:`drivers.norms`; these functions format and place them.
Norms from fewer clients than the norm's ``min_clients`` never appear (they are
suppressed in the norms already); published fallback figures always carry their source.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from drivers.present._format import check_lang, fmt, nps_benchmark_label, sector_name, text
from drivers.stats.pool import ClientVsNorm, Norms, compare_to_norm

__all__ = [
    "add_benchmark_section",
    "bases_table",
    "plot_grades_vs_norm",
    "plot_sector_nps",
    "shrinkage_not_needed",
    "shrinkage_table",
]


def _scope_label(scope: str, lang: str, origin: str = "store") -> str:
    """The name of a norm: "Own norm wholesale" from the store, "Benchmark wholesale,
    published" for a published figure, so the two never read as one benchmark."""
    if origin != "store":
        return nps_benchmark_label(None if scope == "all" else scope, lang)
    shown = text("pool_all_sectors", lang) if scope == "all" else sector_name(scope, lang)
    return text("pool_norm", lang, scope=shown)


def _source(row: pd.Series | dict, lang: str) -> str:
    if row.get("origin") == "store":
        return text(
            "pool_store_source", lang, clients=fmt(row.get("n_clients"), kind="count", lang=lang)
        )
    return str(row.get("source", ""))


def bases_table(norms: Norms, sector: str | None = None, *, lang: str = "nl") -> pd.DataFrame:
    """What each NPS norm rests on, as display text: one row per scope and origin."""
    check_lang("bases_table", lang)
    rows = []
    table = norms.nps
    scopes = dict.fromkeys([sector or norms.sector or "all", "all"])
    for scope in scopes:
        for _, row in table[table["sector"] == scope].iterrows():
            if row.get("suppressed", False):
                continue
            origin_is_store = row.get("origin") == "store"
            rows.append(
                {
                    "norm": _scope_label(scope, lang, row.get("origin")),
                    "nps": fmt(row["nps"], kind="nps", lang=lang),
                    "clients": fmt(row["n_clients"], kind="count", lang=lang)
                    if origin_is_store
                    else "–",
                    "n": fmt(row["n"], kind="count", lang=lang) if origin_is_store else "–",
                    "source": _source(row, lang)
                    + ("" if origin_is_store else f" ({int(row['year'])})"),
                }
            )
    return pd.DataFrame(rows, columns=["norm", "nps", "clients", "n", "source"])


def shrinkage_table(table: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """:func:`~drivers.stats.pool.shrunk_importance` as display text, the weight shown.

    One row per touchpoint: its label, the respondents behind it, the own and the shrunk
    Shapley share, and the weight toward the norm (0 %: own correlation kept, 100 %: the
    norm's), with a note where a touchpoint has no norm.
    """
    check_lang("shrinkage_table", lang)
    notes = {
        "no standard touchpoint: own importance": text("pool_shrink_own_only", lang),
        "no norm for this touchpoint: own importance": text("pool_shrink_no_norm", lang),
    }
    rows = [
        {
            text("pool_col_touchpoint", lang): row["label"],
            text("pool_col_respondents", lang): fmt(row["n"], kind="count", lang=lang),
            text("pool_col_share_own", lang): fmt(row["own_share"], kind="percent", lang=lang),
            text("pool_col_share_shrunk", lang): fmt(
                row["shrunk_share"], kind="percent", lang=lang
            ),
            text("pool_col_weight", lang): fmt(row["weight"], kind="percent", lang=lang),
            text("pool_col_note", lang): notes.get(row["note"], row["note"]),
        }
        for _, row in table.iterrows()
    ]
    return pd.DataFrame(rows)


def shrinkage_not_needed(n: int, limit: int, *, lang: str = "nl") -> str:
    """The one sentence shown instead of the shrinkage table for a wave above ``limit``."""
    return text(
        "pool_shrink_not_needed",
        lang,
        n=fmt(n, kind="count", lang=lang),
        limit=fmt(limit, kind="count", lang=lang),
    )


def _comparison(results: Any, norms: Norms, mapping=None) -> ClientVsNorm:
    sector = (
        getattr(results, "sector", None)
        or (getattr(results, "benchmarks", None) or {}).get("sector")
        or norms.sector
    )
    return compare_to_norm(results, norms, sector=sector, mapping=mapping)


def _nps_text(results: Any, vs: ClientVsNorm, norms: Norms, lang: str) -> str:
    row = vs.nps.iloc[0]
    lines = [
        "- "
        + text(
            "pool_nps_line",
            lang,
            client=results.client,
            nps=fmt(row["nps"], kind="nps", lang=lang),
            low=fmt(row["ci_low"], kind="nps", lang=lang),
            high=fmt(row["ci_high"], kind="nps", lang=lang),
            n=fmt(row["n"], kind="count", lang=lang),
        )
    ]
    if "norm" not in row or pd.isna(row.get("norm")):
        lines.append("- " + text("pool_no_norm", lang))
        return "\n".join(lines)
    label = _scope_label(row["scope"], lang, row["origin"])
    if row["origin"] == "store":
        lines.append(
            "- "
            + text(
                "pool_norm_line",
                lang,
                label=label,
                nps=fmt(row["norm"], kind="nps", lang=lang),
                low=fmt(row.get("norm_ci_low"), kind="nps", lang=lang),
                high=fmt(row.get("norm_ci_high"), kind="nps", lang=lang),
                clients=fmt(row["n_clients"], kind="count", lang=lang),
                n=fmt(row["n_norm"], kind="count", lang=lang),
            )
        )
    else:
        published = norms.nps[
            (norms.nps["sector"] == row["scope"]) & (norms.nps["origin"] != "store")
        ]
        year = int(published["year"].iloc[0]) if len(published) else ""
        lines.append(
            "- "
            + text(
                "pool_norm_line_published",
                lang,
                label=label,
                nps=fmt(row["norm"], kind="nps", lang=lang),
                year=year,
            )
        )
    key = "pool_inside" if row["norm_inside_ci"] else "pool_outside"
    lines.append("- " + text(key, lang, diff=fmt(row["difference"], kind="signed", lang=lang)))
    return "\n".join(lines)


def add_benchmark_section(
    deck: Any, results: Any, norms: Norms, *, lang: str = "nl", mapping=None
) -> list[Any]:
    """Add the client-against-norm slides to a deck; returns the slides added.

    Slides: NPS against the norm (text, with the margin of error and the verdict), NPS
    bars of the client beside the norms, grades against the norm and best in class,
    importance against the norm, and the norm's bases and sources.

    Parameters
    ----------
    deck : drivers.present.deck.Deck
    results : Results
        The client wave (``dr.analyse`` / ``dr.load_results``).
    norms : Norms
        From ``dr.norms(store, sector=...)``.
    lang : {"nl", "en"}
    mapping : dict, optional
        The client's taxonomy mapping (``taxonomy`` in its survey.toml).
    """
    check_lang("add_benchmark_section", lang)
    vs = _comparison(results, norms, mapping)
    slides = []
    title = text("pool_section_title", lang, client=results.client)
    footnote = text("pool_suppressed_note", lang, k=norms.min_clients)
    slides.append(deck.add_text(title, _nps_text(results, vs, norms, lang)))
    bars = _nps_rows(results, norms, vs.sector, lang)
    if len(bars) > 1:
        slides.append(
            deck.add_nps_chart(bars, title=text("pool_nps_title", lang), footnote=footnote)
        )
    grades = vs.grades
    if "norm" in grades:
        shown = grades[grades["norm"].notna()]
        table = pd.DataFrame(
            {
                text("pool_col_touchpoint", lang): shown["label"],
                text("pool_col_client", lang): [
                    fmt(v, kind="grade", lang=lang) for v in shown["mean"]
                ],
                text("pool_col_norm", lang): [
                    fmt(v, kind="grade", lang=lang) for v in shown["norm"]
                ],
                text("pool_col_difference", lang): [
                    fmt(v, kind="signed", lang=lang, decimals=1) for v in shown["difference"]
                ],
                text("pool_best_in_class", lang): [
                    fmt(v, kind="grade", lang=lang) for v in shown.get("best_in_class", np.nan)
                ],
                text("pool_col_source", lang): [_source(r, lang) for _, r in shown.iterrows()],
            }
        )
        best = text("pool_best_in_class", lang)
        key = "pool_grades_title"
        if "best_in_class" not in shown or shown["best_in_class"].isna().all():
            table = table.drop(columns=best)  # no column of dashes: no best in class known
            key = "pool_grades_title_norm_only"  # and a title that does not promise one
        if len(table):
            slides.append(deck.add_table(table, title=text(key, lang), footnote=footnote))
    importance = vs.importance
    if "norm" in importance:
        shown = importance[importance["norm"].notna()]
        table = pd.DataFrame(
            {
                text("pool_col_touchpoint", lang): shown["label"],
                text("pool_col_share_client", lang): [
                    fmt(v, kind="percent", lang=lang) for v in shown["share"]
                ],
                text("pool_col_share_norm", lang): [
                    fmt(v, kind="percent", lang=lang) for v in shown["norm"]
                ],
                text("pool_col_clients", lang): [
                    fmt(v, kind="count", lang=lang) for v in shown["n_clients"]
                ],
            }
        )
        if len(table):
            slides.append(
                deck.add_table(table, title=text("pool_importance_title", lang), footnote=footnote)
            )
    bases = bases_table(norms, vs.sector, lang=lang)
    if len(bases):
        bases.columns = [
            text("pool_col_norm", lang),
            text("pool_nps_axis", lang),
            text("pool_col_clients", lang),
            text("pool_col_respondents", lang),  # display text: never read back as a count
            text("pool_col_source", lang),
        ]
        slides.append(deck.add_table(bases, title=text("pool_bases_title", lang)))
    return slides


def _nps_rows(results: Any, norms: Norms, sector: str, lang: str) -> pd.DataFrame:
    """NPS table rows (as ``nps_table`` has them): the client, then the usable norms."""
    own = results.nps
    rows = [
        {
            "group": text("pool_client", lang, client=results.client, wave=results.wave),
            "n": own.n,
            "promoters": own.promoters,
            "passives": own.passives,
            "detractors": own.detractors,
            "nps": own.nps,
        }
    ]
    table = norms.nps
    for scope in dict.fromkeys([sector, "all"]):
        usable = table[(table["sector"] == scope) & ~table["suppressed"].astype(bool)]
        usable = (
            usable[usable[["promoters", "detractors"]].notna().all(axis=1)]
            if len(usable)
            else usable
        )
        if len(usable):
            row = usable.sort_values("origin", key=lambda s: s != "store", kind="stable").iloc[0]
            rows.append(
                {
                    "group": _scope_label(scope, lang, row["origin"]),
                    "n": row["n"] if row["origin"] == "store" else np.nan,
                    "promoters": row["promoters"],
                    "passives": row.get("passives", 1 - row["promoters"] - row["detractors"]),
                    "detractors": row["detractors"],
                    "nps": row["nps"],
                }
            )
    return pd.DataFrame(rows)


def plot_sector_nps(results: Any, norms: Norms, *, ax=None, lang: str = "nl"):
    """Horizontal bars: NPS per sector norm (with CI where pooled), the client highlighted."""
    import matplotlib.pyplot as plt

    from drivers.present import palette

    check_lang("plot_sector_nps", lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    table = norms.nps[~norms.nps["suppressed"].astype(bool)]
    table = table.sort_values("origin", key=lambda s: s != "store", kind="stable")
    table = table.drop_duplicates("sector")
    labels = [
        _scope_label(s, lang, o) for s, o in zip(table["sector"], table["origin"], strict=True)
    ]
    values = table["nps"].to_numpy(float)
    low = table["ci_low"].to_numpy(float) if "ci_low" in table else np.full(len(table), np.nan)
    high = table["ci_high"].to_numpy(float) if "ci_high" in table else np.full(len(table), np.nan)
    own = results.nps
    labels.append(text("pool_client", lang, client=results.client, wave=results.wave))
    values = np.append(values, own.nps)
    low, high = np.append(low, own.ci_low), np.append(high, own.ci_high)
    y = np.arange(len(values))
    colours = ["#B0B7BF"] * (len(values) - 1) + [palette.DEFAULT_BRAND]
    ax.barh(y, values, color=colours)
    err = np.vstack([values - low, high - values])
    has = np.isfinite(err).all(axis=0)
    ax.errorbar(values[has], y[has], xerr=err[:, has], fmt="none", ecolor="#333333", capsize=3)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="#666666", linewidth=0.8)
    ax.set_xlabel(text("pool_nps_axis", lang))
    for yi, v in zip(y, values, strict=True):
        ax.annotate(
            fmt(v, kind="nps", lang=lang),
            (v, yi),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            va="center",
            ha="left" if v >= 0 else "right",
        )
    return ax


def plot_grades_vs_norm(comparison: ClientVsNorm, *, ax=None, lang: str = "nl"):
    """Client grade per touchpoint (bar, CI) against the norm (|) and best in class (◆)."""
    import matplotlib.pyplot as plt

    from drivers.present import palette

    check_lang("plot_grades_vs_norm", lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    g = comparison.grades.iloc[::-1]
    y = np.arange(len(g))
    ax.barh(y, g["mean"], color=palette.DEFAULT_BRAND, alpha=0.85)
    err = np.vstack([g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]])
    ax.errorbar(g["mean"], y, xerr=err, fmt="none", ecolor="#333333", capsize=2)
    if "norm" in g:
        ax.scatter(
            g["norm"],
            y,
            marker="|",
            s=400,
            color="#222222",
            label=text("pool_col_norm", lang),
            zorder=3,
        )
    if "best_in_class" in g:
        ax.scatter(
            g["best_in_class"],
            y,
            marker="D",
            s=30,
            color="#C8102E",
            label=text("pool_best_in_class", lang),
            zorder=3,
        )
    ax.set_yticks(y, g["label"])
    ax.set_xlim(1, 10)
    ax.set_xlabel(text("pool_grade_axis", lang))
    ax.legend(loc="lower right", frameon=False)
    return ax
