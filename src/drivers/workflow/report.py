"""Render one wave's :class:`~drivers.workflow.results.Results` into report files.

:func:`write_report` writes the charts (PNG + SVG), ``tables.xlsx`` and the PowerPoint
deck of a wave from its saved results: nothing is computed here. :func:`add_slide` lets a
notebook add an extra chart to that wave's deck (``dr.report.add_slide(fig, title=...)``).

Everything that leaves the package here is aggregated: no respondent-level rows, and
segments below the privacy floor are suppressed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

from drivers.errors import ParameterError
from drivers.load.wave import slugify
from drivers.workflow.results import Results

__all__ = [
    "add_slide",
    "bases_note",
    "change_note",
    "drivers_text",
    "findings",
    "gain_text",
    "importance_change_text",
    "methods_agreement",
    "methods_note",
    "nps_text",
    "quality_notes",
    "quality_overview",
    "segment_importance_pages",
    "segment_importance_text",
    "sensitivity_text",
    "show",
    "tables",
    "trend_text",
    "wave_story",
    "write_report",
]

#: Environment variable that ``drivers run`` sets for the notebooks it executes: the
#: report folder under construction. :func:`add_slide` writes its slides there.
REPORT_DIR_ENV = "DRIVERS_REPORT_DIR"
# Control characters (but tab and line ends) and direction overrides: invisible, or turning
# the text after them around, in a notebook or its HTML.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_EXTRA = "extra_slides"


def add_slide(fig, *, title: str, notes: str = "") -> None:
    """Add a chart made in a notebook to this wave's deck, after the standard slides and
    before the methods slide that closes the deck.

    Call it from a client's notebook; when ``drivers run`` executes the notebook the
    figure is saved at slide size and becomes a slide of the deck (and a PNG in
    ``report/extra_slides/``). Run interactively, outside ``drivers run``, it does
    nothing. It returns nothing either way, so no path of this machine ends up in the
    executed notebook.

    Parameters
    ----------
    fig : matplotlib Figure or Axes
    title : str
        The slide title.
    notes : str, optional
        Speaker notes.

    """
    folder = os.environ.get(REPORT_DIR_ENV)
    if not folder:
        return
    if not isinstance(title, str) or not title.strip():
        raise ParameterError("The 'title' parameter of add_slide must be a non-empty text.")
    from drivers.present import charts

    figure = getattr(fig, "figure", fig)
    extra = Path(folder) / _EXTRA
    extra.mkdir(parents=True, exist_ok=True)
    number = len(list(extra.glob("*.json"))) + 1
    stem = extra / f"extra_{number:02d}"
    charts.save(figure, stem, formats=("png",))
    stem.with_suffix(".json").write_text(
        json.dumps({"title": title, "notes": notes}, ensure_ascii=False), encoding="utf-8"
    )


def show(markdown: str) -> None:
    """Display narration in a notebook, with every HTML character escaped.

    Labels and segment values come from data files and configs: a ``<script>`` in one of
    them must show as text, never run in the notebook or its HTML.
    """
    import html

    from IPython.display import Markdown, display

    text = _INVISIBLE.sub("", html.escape(str(markdown), quote=False))
    # No live links from data ("http://…" in a label) and no maths ("$…$" in a label).
    # "\\\$" renders as "\$" in HTML, which MathJax (notebook and HTML export alike)
    # shows as a plain "$"; a bare "\$" would render as "$" and MathJax would typeset it.
    text = text.replace("://", "&#58;//").replace("www.", "www&#46;").replace("$", "\\\\\\$")
    # no [text](url) link either: entities are decoded inside a link's address
    text = text.replace("[", "&#91;").replace("]", "&#93;")
    display(Markdown(text))


def _check_results(results: object, func: str) -> Results:
    if not isinstance(results, Results):
        raise ParameterError(
            f"The 'results' parameter of {func} must be a Results object "
            f"(from dr.analyse or dr.load_results). Got {type(results).__name__} instead."
        )
    return results


def _extra_slides(out: Path) -> list[tuple[Path, str, str]]:
    found = []
    for meta in sorted((out / _EXTRA).glob("extra_*.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        found.append((meta.with_suffix(".png"), str(info["title"]), str(info.get("notes", ""))))
    return found


def findings(r: Results, lang: str | None = None) -> str:
    """All findings of the wave as Markdown, in the client's language by default."""
    from drivers.present.narrate import findings as narrate_findings

    lang = lang or r.language
    return narrate_findings(
        nps=r.nps,
        drivers=r.drivers,
        matrix=r.matrix,
        simulation=_first_simulation(r),
        lang=lang,
        nps_gain=r.nps_gain,
        performance=r.performance,
        benchmark=r.benchmarks["grades"] or None,
        nps_benchmark=r.nps_benchmark(lang),
        previous=r.nps_change,
        labels={key: names.get(lang, key) for key, names in r.labels.items()},
        weighted=r.weighted,
        unweighted=r.nps_unweighted if r.weighted else None,
        min_n=r.options["min_n"],
    )


def _first_simulation(r: Results):
    """The what-if told in the findings: of the touchpoint with the largest expected NPS
    gain that has one, so the findings' "start with" and their what-if agree."""
    if not r.simulations:
        return None
    order = r.nps_gain.sort_values("nps_gain", ascending=False, kind="stable")["driver"]
    for key in order:
        if key in r.simulations:
            return r.simulations[key]
    return next(iter(r.simulations.values()))


def methods_note(r: Results) -> str:
    """Consultant-facing line on how the driver numbers were made."""
    from drivers.present.narrate import methods_note as words

    return words(
        n=r.drivers.n,
        method=r.drivers.method,
        r2=r.drivers.r2,
        weighted=r.weighted,
        missing=r.drivers.missing,
        bootstrap=r.options["bootstrap"],
        lang=r.language,
    )


def bases_note(r: Results) -> str:
    """Which segments are small (flagged) or tiny (suppressed), in words."""
    from drivers.present.narrate import bases_note as words

    return words(
        r.segments,
        min_n=r.options["min_n"],
        privacy_floor=r.options["privacy_floor"],
        lang=r.language,
    )


def methods_agreement(r: Results) -> str:
    """Where the driver methods agree and disagree, in plain words."""
    from drivers.present.narrate import methods_agreement as words

    return words(r.method_agreement, lang=r.language)


def nps_text(r: Results) -> str:
    """The NPS of the wave in words: margin, weighting, change and benchmark."""
    from drivers.present.narrate import narrate_nps

    return narrate_nps(
        r.nps,
        lang=r.language,
        benchmark=r.nps_benchmark(),
        change=r.nps_change,
        weighted=r.weighted,
        unweighted=r.nps_unweighted if r.weighted else None,
        min_n=r.options["min_n"],
        cutoffs=r.cutoffs,
    )


def trend_text(r: Results) -> str:
    """The NPS across every wave in words, with the significant steps."""
    from drivers.present.narrate import narrate_trend

    return narrate_trend(r.nps_waves, r.nps_steps, lang=r.language, min_n=r.options["min_n"])


def gain_text(r: Results) -> str:
    """What to improve first, ranked by the expected NPS gain on the whole base; a
    touchpoint that weighs heavily for few customers is named with its reach."""
    from drivers.present.narrate import narrate_gain

    return narrate_gain(r.nps_gain, drivers=r.drivers, lang=r.language, labels=_labels(r))


def drivers_text(r: Results) -> str:
    """The key drivers in words."""
    from drivers.present.narrate import narrate_drivers

    return narrate_drivers(
        r.drivers,
        lang=r.language,
        performance=r.performance,
        benchmark=r.benchmarks["grades"] or None,
        labels=_labels(r),
        min_n=r.options["min_n"],
    )


def _labels(r: Results) -> dict[str, str]:
    return {key: names.get(r.language, key) for key, names in r.labels.items()}


def sensitivity_text(r: Results, *, detail: bool = False) -> str:
    """Whether the top of the ranking depends on the handling of n.v.t., which option the
    report uses and why (slide bullets); with ``detail`` every touchpoint's rank under each
    option. Empty without conditional touchpoints."""
    from drivers.present.narrate import missing_sensitivity_note

    sens = r.missing_sensitivity
    if sens is None:
        return ""
    used = r.drivers.missing
    if used == "dummy":
        why = "dummy"
    elif used == "pairwise" and r.options.get("missing") == "dummy":
        why = "fallback"  # grouped Shapley over its column limit
    else:
        why = "configured"
    return missing_sensitivity_note(
        sens, used=used, why=why, lang=r.language, labels=_labels(r), detail=detail
    )


def importance_change_text(r: Results) -> str:
    """Touchpoints whose importance share changed significantly since the previous wave,
    with CI; or one sentence saying none did. Empty for a first wave."""
    from drivers.present.narrate import importance_change_note

    if r.importance_change is None or r.previous_wave is None:
        return ""
    return importance_change_note(
        r.importance_change,
        wave_before=r.previous_wave,
        lang=r.language,
        labels=_labels(r),
        level=float(getattr(r.drivers, "level", 0.95)),
    )


def segment_importance_text(r: Results) -> str:
    """Where importance differs significantly between a segment group and the rest, in
    one sentence; empty without segment variables."""
    from drivers.present.narrate import segment_importance_note

    if r.segment_importance is None:
        return ""
    return segment_importance_note(r.segment_importance, lang=r.language, labels=_labels(r))


def segment_importance_pages(
    r: Results, *, significant_only: bool = False
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pages of the importance-by-segment heat table: ``(segments, touchpoints)`` each,
    touchpoints in the order of the headline ranking. With ``significant_only`` only the
    segment variables where some group differs significantly (the deck's slide)."""
    from drivers.present.charts import segment_pages

    seg = r.segment_importance
    if seg is None or seg.table.empty:
        return []
    table = seg.table
    if significant_only:
        differs = table.groupby("segment")["significant"].any()
        table = table[table["segment"].isin(differs[differs].index)]
        if table.empty:
            return []
    order = list(r.drivers.table.sort_values("rank", kind="stable")["driver"])
    return segment_pages(table, order=order)


def change_note(r: Results) -> str:
    """What the changed grades would explain, set against the observed NPS change."""
    from drivers.present.narrate import change_note as words

    return words(r.attribution, lang=r.language)


def wave_story(r: Results) -> str:
    """The wave story as slide bullets: NPS trend, what the grades explain, significant
    grade changes and touchpoints that moved quadrant."""
    from drivers.present._format import text
    from drivers.stats.matrix import quadrant_label

    lang = r.language
    lines = [f"- {trend_text(r).strip()}", f"- {change_note(r).strip()}"]
    importance = importance_change_text(r)
    if importance:
        lines.append(f"- {importance}")
    if r.matrix_previous is not None:
        before = r.matrix_previous.table.set_index("touchpoint")["quadrant"]
        after = r.matrix.table.set_index("touchpoint")["quadrant"]
        moves = [
            f"{r.label(key)}: {quadrant_label(before[key], lang)} → {quadrant_label(q, lang)}"
            for key, q in after.items()
            if key in before.index and before[key] != q
        ]
        if moves:
            shown = moves[:5] + (
                [text("narrate_and_more", lang, n=len(moves) - 5)] if len(moves) > 5 else []
            )
            lines.append("- " + text("wave_story_quadrants", lang) + ": " + "; ".join(shown))
    return "\n".join(lines)


def methods_slide(r: Results) -> str:
    """How the numbers were made, and what the statistics warned about."""
    from drivers.present._format import TEXT, fmt, text

    lang = r.language
    lines = [f"- {methods_note(r)}"]
    bases = ", ".join(
        f"{row.wave}: n = {fmt(row.n, kind='count', lang=lang)}" for row in r.nps_waves.itertuples()
    )
    lines.append("- " + text("methods_bases", lang) + ": " + bases)
    if r.weighted:
        lines.append("- " + text("methods_weighted", lang))
    from drivers.stats.simulate import LITTLE_BOOTSTRAP_ROWS

    if r.nps.n >= LITTLE_BOOTSTRAP_ROWS:
        lines.append(
            "- "
            + text(
                "methods_little_bootstrap",
                lang,
                n=fmt(LITTLE_BOOTSTRAP_ROWS, kind="count", lang=lang),
            )
        )
    sensitivity = sensitivity_text(r)
    if sensitivity:
        lines.append(sensitivity)
    for row in r.left_out.itertuples():
        lines.append(
            "- "
            + text("left_out", lang, label=row.label, wave=row.wave)
            + " ("
            + text("left_out_" + row.reason, lang)
            + ")"
        )
    if len(r.warnings):
        counts = r.warnings["category"].value_counts()
        for category, count in counts.items():
            key = (
                f"warning_{category}" if f"warning_{category}" in TEXT else "warning_DriversWarning"
            )
            lines.append(f"- {text(key, lang)} ({count}×)")
    else:
        lines.append("- " + text("methods_no_warnings", lang))
    return "\n".join(lines)


def quality_notes(r: Results) -> str:
    """What happened to each wave on the way in, in words: renamed columns, rescaled grades,
    touchpoints absent from a wave, cells set aside, don't-know codes to add."""
    from drivers.present._format import fmt, text

    lang = r.language
    lines = []
    for name, q in r.quality.items():
        items = []
        if q.renamed:
            pairs = ", ".join(f"{old} → {new}" for old, new in q.renamed.items())
            items.append(text("quality_renamed", lang, pairs=pairs))
        if q.rescaled:
            a_low, a_high, low, high = (
                fmt(v, kind="number", lang=lang, decimals=0) for v in q.rescaled
            )
            items.append(
                text("quality_rescaled", lang, a_low=a_low, a_high=a_high, low=low, high=high)
            )
        if q.absent:
            labels = ", ".join(r.label(key) for key in q.absent)
            items.append(text("quality_absent", lang, touchpoints=labels))
        if q.cells_excluded:
            kinds = ", ".join(
                f"{r.label(row.column)}: {row.n}× {text('quality_kind_' + row.kind.replace(' ', '_'), lang)}"
                for row in q.cells_by_kind.itertuples()
            )
            items.append(text("quality_cells", lang, kinds=kinds))
        if q.na_code_hint:
            items.append(text("quality_na_hint", lang, hint=q.na_code_hint))
        lines += [f"- **{name}**: {item}" for item in items]
    return "\n".join(lines) or text("quality_nothing", lang)


def quality_overview(r: Results) -> pd.DataFrame:
    """Rows read, used and excluded per wave (counts only)."""
    rows = [
        {
            "wave": name,
            "rows_read": q.rows_read,
            "rows_used": q.rows_used,
            "rows_excluded": q.rows_read - q.rows_used,
        }
        for name, q in r.quality.items()
    ]
    return pd.DataFrame(rows)


def tables(r: Results) -> dict[str, pd.DataFrame]:
    """Every aggregated table of the report, ready for Excel (no respondent rows)."""
    out = {
        "nps": r.nps_total,
        "nps_waves": r.nps_waves,
        "distribution": r.distribution,
        "touchpoints": r.performance,
        "grade_trend": r.grade_trend,
    }
    for seg, table in r.segments.items():
        out[f"nps_{seg}"] = table
    out["drivers"] = r.drivers.table
    if len(r.left_out):
        out["left_out"] = r.left_out
    out["nps_gain"] = r.nps_gain
    out["methods"] = _with_bases(r.methods, r, "driver")
    out["matrix"] = _with_bases(r.matrix.table, r, "touchpoint")
    if r.simulations:
        out["what_if"] = pd.concat(
            [s.table.assign(touchpoint=k) for k, s in r.simulations.items()],
            ignore_index=True,
        )
    if r.grade_changes is not None:
        out["grade_changes"] = r.grade_changes
        out["driver_changes"] = r.drivers_change
    if r.importance_change is not None:
        out["importance_change"] = r.importance_change
    if r.importance_waves is not None and len(r.importance_waves):
        out["importance_waves"] = r.importance_waves
    if r.missing_sensitivity is not None:
        out["missing_sensitivity"] = r.missing_sensitivity.table
    if r.segment_importance is not None and len(r.segment_importance.table):
        out["segment_importance"] = r.segment_importance.table
    if r.themes is not None:
        out["themes"] = r.themes["impact"].table
        out["themes_by_group"] = r.themes["impact"].frequency
        if r.themes["shares"] is not None:
            out["theme_shares"] = r.themes["shares"]
    quality = r.quality[r.wave]
    out["quality"] = quality.table.drop(columns=["rows", "found"], errors="ignore")
    if len(quality.cells):
        out["quality_cells"] = quality.cells_by_kind
    if len(r.warnings):
        out["warnings"] = r.warnings
    return out


def _with_bases(table: pd.DataFrame, r: Results, key: str) -> pd.DataFrame:
    """``table`` with the base behind each touchpoint (``n``: those who answered it, from
    the driver table) after its label, when it has none."""
    if "n" in table.columns:
        return table
    bases = r.drivers.table.drop_duplicates("driver").set_index("driver")["n"]
    at = list(table.columns).index("label") + 1 if "label" in table.columns else 1
    out = table.copy()
    out.insert(at, "n", table[key].map(bases).astype("Int64"))
    return out


def write_report(
    results: Results,
    out: str | Path,
    *,
    template: str | Path | None = None,
    brand: str | None = None,
) -> Path:
    """Write charts (PNG + SVG), ``tables.xlsx`` and the deck of one wave into ``out``.

    Parameters
    ----------
    results : Results
        From :func:`drivers.analyse` or :func:`drivers.load_results`.
    out : path
        The report folder. Extra slides added by notebooks (:func:`add_slide`) are
        taken from ``out/extra_slides/``.
    template : path, optional
        The client's PowerPoint template.
    brand : str, optional
        The client's brand colour (``#RRGGBB``), passed to every chart and the deck.
    """
    write_charts_and_tables(results, out, brand=brand)
    write_deck(results, out, template=template, brand=brand)
    return Path(out)


def write_charts_and_tables(
    results: Results,
    out: str | Path,
    *,
    brand: str | None = None,
) -> Path:
    """Write the charts (PNG + SVG) and ``tables.xlsx`` of one wave into ``out``.

    Parameters
    ----------
    results : Results
        From :func:`drivers.analyse` or :func:`drivers.load_results`.
    out : path
        The report folder.
    brand : str, optional
        The client's brand colour (``#RRGGBB``), passed to every chart and the deck.
    """
    import matplotlib.pyplot as plt

    from drivers.present import charts
    from drivers.present.tables import write_workbook

    a = _check_results(results, "write_charts_and_tables")
    out = Path(out)
    (out / "charts").mkdir(parents=True, exist_ok=True)
    lang = a.language
    bench = a.nps_benchmark(lang)
    grade_bench = a.benchmarks["grades"] or None
    style = {"lang": lang, "brand": brand}
    figures = {
        "nps_waves": lambda: charts.nps_bar(
            a.nps_waves, **style, benchmark=bench, cutoffs=a.cutoffs
        ),
        "nps_distribution": lambda: charts.score_distribution(a.distribution, **style, n=a.nps.n),
        "touchpoint_grades": lambda: charts.touchpoint_grades(
            a.performance, **style, benchmark=grade_bench
        ),
        "key_drivers": lambda: charts.driver_importance(a.drivers, **style),
        "priority_matrix": lambda: charts.priority_matrix(a.matrix, **style),
    }
    for seg, table in a.segments.items():
        figures[f"nps_{slugify(seg)}"] = lambda table=table, seg=seg: charts.nps_bar(
            table, **style, benchmark=bench, title=f"NPS · {seg}", cutoffs=a.cutoffs
        )
    if len(a.waves) > 1:
        for page, keys in enumerate(charts.trend_pages(a.grade_trend), start=1):
            name = "grade_trend" if page == 1 else f"grade_trend_{page}"
            figures[name] = lambda keys=keys: charts.grade_trend(
                a.grade_trend, **style, touchpoints=keys, scale=tuple(a.options["scale"])
            )
        if a.importance_waves is not None and len(a.importance_waves):
            figures["importance_waves"] = lambda: charts.importance_waves(
                a.importance_waves, **style
            )
    if a.grade_changes is not None and len(a.grade_changes):
        figures["grade_changes"] = lambda: charts.wave_change(a.grade_changes, **style)
        figures["matrix_movement"] = lambda: charts.matrix_movement(
            a.matrix_previous, a.matrix, **style, wave_before=a.previous_wave, wave_after=a.wave
        )
    for i, (segments, keys) in enumerate(segment_importance_pages(a), start=1):
        figures[f"segment_importance_{i}"] = lambda segments=segments, keys=keys: (
            charts.segment_importance(
                a.segment_importance, **style, segments=segments, drivers=keys
            )
        )
    for name, draw in figures.items():
        ax = draw()
        charts.save(ax.figure, out / "charts" / name)
        plt.close(ax.figure)

    write_workbook(tables(a), out / "tables.xlsx", lang=lang, title=a.title)
    return out


def write_deck(
    results: Results,
    out: str | Path,
    *,
    template: str | Path | None = None,
    brand: str | None = None,
) -> Path:
    """Write the deck of one wave into ``out``, with the notebooks' extra slides."""
    return _finish_deck(_build_deck(results, out, template=template, brand=brand), results, out)


def _build_deck(
    results: Results,
    out: str | Path,
    *,
    template: str | Path | None = None,
    brand: str | None = None,
):
    """The deck of one wave without the notebooks' extra slides (``drivers run`` builds it
    while the notebooks run, and adds their slides after them)."""
    from drivers.present._format import text
    from drivers.present.deck import Deck
    from drivers.present.narrate import narrate_matrix, narrate_simulation

    a = _check_results(results, "write_deck")
    out = Path(out)
    lang = a.language
    deck = Deck(
        template,
        lang=lang,
        brand=brand,
        privacy_floor=a.options["privacy_floor"],
        title=a.title,
        cutoffs=a.cutoffs,
    )

    deck.add_title(a.client, text("customer_survey", lang) + f" {a.wave}")
    found = findings(a)
    deck.add_text(text("key_findings", lang), _bullets(found), notes=found)
    deck.add_nps_chart(
        a.nps_waves,
        notes=nps_text(a) + "\n\n" + trend_text(a),
        min_n=a.options["min_n"],
    )
    if a.previous_wave is not None:
        deck.add_text(text("wave_story", lang), wave_story(a), notes=change_note(a))
        _add_wave_charts(deck, a, brand=brand)
    for seg, table in a.segments.items():
        deck.add_nps_chart(table, title=f"NPS · {seg}", min_n=a.options["min_n"])
    deck.add_grades_chart(a.performance, scale=tuple(a.options["scale"]))
    note = methods_note(a)
    deck.add_driver_chart(
        a.drivers,
        footnote=note,
        notes=drivers_text(a),
    )
    deck.add_matrix_chart(
        a.matrix,
        drivers_result=a.drivers,
        footnote=note,
        notes=narrate_matrix(a.matrix, lang=lang, start=False) + "\n" + gain_text(a),
    )
    _segment_slides(deck, a, out, brand=brand)
    for key, sim in a.simulations.items():
        title, table = what_if_table(sim, a.label(key), lang)
        deck.add_table(
            table,
            title=title,
            notes=narrate_simulation(sim, lang=lang),
            footnote=note.split(" · ")[0] + " · " + text("what_if_method", lang),
        )
    if a.themes is not None:
        from drivers.present.themes_slides import add_themes_section

        add_themes_section(
            deck,
            a.themes["impact"],
            lang=lang,
            quotes=a.themes["quotes"],
            min_n=a.options["min_n"],
        )
    norms = a.benchmarks.get("norms")
    if norms is not None:  # a benchmark store exists (`drivers pool add`)
        from drivers.present.benchmark_slides import add_benchmark_section

        add_benchmark_section(deck, a, norms, lang=lang, mapping=a.benchmarks.get("taxonomy"))
    return deck


def _finish_deck(deck, results: Results, out: str | Path) -> Path:
    """Add the slides the notebooks made (``add_slide``), then the methods slide that
    closes the deck, and save it into ``out``."""
    from drivers.present._format import text

    a = _check_results(results, "write_deck")
    out = Path(out)
    for png, title, notes in _extra_slides(out):
        deck.add_image(png, title=title, notes=notes or None)
    deck.add_text(
        text("methods_title", a.language),
        methods_slide(a),
        notes=sensitivity_text(a, detail=True) or None,
    )
    deck.save(out / f"{a.name}_{slugify(a.wave)}.pptx")
    return out


#: Figure size of a picture under a slide title: the content area is wider than 16:9.
_WIDE = (40 / 3, 5.9)


def _add_wave_charts(deck, a: Results, *, brand: str | None) -> None:
    """The wave-story charts as pictures: the grade trend (one slide per group of
    touchpoints) and importance per wave, drawn without their own title (the slide has it)."""
    import tempfile

    import matplotlib.pyplot as plt

    from drivers.present import charts
    from drivers.present._format import text
    from drivers.present.charts.trends import panel_figure

    lang = a.language
    drawn = []
    pages = charts.trend_pages(a.grade_trend)
    for page, keys in enumerate(pages, start=1):
        title = text("title_grade_trend", lang)
        if len(pages) > 1:
            title += f" ({page}/{len(pages)})"
        drawn.append(
            (
                title,
                lambda keys=keys: charts.grade_trend(
                    a.grade_trend,
                    fig=panel_figure(_WIDE),
                    lang=lang,
                    brand=brand,
                    touchpoints=keys,
                    scale=tuple(a.options["scale"]),
                    title=False,
                ),
                text("deck_grade_trend_notes", lang),
            )
        )
    if a.importance_waves is not None and len(a.importance_waves):
        drawn.append(
            (
                text("title_importance_waves", lang),
                lambda: charts.importance_waves(
                    a.importance_waves,
                    fig=panel_figure(_WIDE),
                    lang=lang,
                    brand=brand,
                    title=False,
                ),
                text("deck_importance_waves_notes", lang),
            )
        )
    with tempfile.TemporaryDirectory(prefix="drivers-deck-") as folder:
        for i, (title, draw, notes) in enumerate(drawn):
            fig = draw()
            (png,) = charts.save(fig, Path(folder) / f"wave_chart_{i}", formats=("png",))
            plt.close(fig)
            deck.add_image(png, title=title, notes=notes)


def _segment_slides(deck, a: Results, out: Path, *, brand: str | None) -> None:
    """The importance-by-segment slide, only when some group differs significantly from
    the rest: the heat table of the segment variables concerned (more pages only when
    they do not fit one)."""
    import matplotlib.pyplot as plt

    from drivers.present import charts
    from drivers.present._format import text

    pages = segment_importance_pages(a, significant_only=True)
    if not pages:
        return
    folder = out / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    title = text("title_segment_importance", a.language)
    for i, (segments, keys) in enumerate(pages, start=1):
        ax = charts.segment_importance(
            a.segment_importance,
            lang=a.language,
            brand=brand,
            title=False,
            segments=segments,
            drivers=keys,
        )
        (png,) = charts.save(ax.figure, folder / f"deck_segment_importance_{i}", formats=("png",))
        plt.close(ax.figure)
        deck.add_image(
            png,
            title=title if len(pages) == 1 else f"{title} ({i}/{len(pages)})",
            notes=segment_importance_text(a) if i == 1 else None,
        )


def what_if_table(sim, label: str, lang: str) -> tuple[str, pd.DataFrame]:
    """Slide title and a readable table (now / after / change / CI) of a simulation."""
    from drivers.present._format import fmt, text

    change = sim.changes.iloc[0]
    if change["kind"] == "to":
        how = text(
            "what_if_to",
            lang,
            before=fmt(change["mean_before"], kind="grade", lang=lang),
            after=fmt(change["value"], kind="grade", lang=lang),
        )
        if change.get("source") == "benchmark":
            how += " " + text("what_if_benchmark", lang)
    else:
        how = text("what_if_shift", lang, shift=fmt(change["shift"], kind="signed", lang=lang))
    title = text("what_if_title", lang, label=label, how=how)
    rows = []
    for rec in sim.table.itertuples(index=False):
        level, delta = ("signed", "signed") if rec.measure == "nps" else ("percent", "pp")

        def show(x, kind=level):
            return fmt(x, kind=kind, lang=lang, decimals=1)

        rows.append(
            {
                "": text(rec.measure, lang)
                if rec.measure in ("promoters", "detractors")
                else "NPS",
                text("what_if_now", lang): show(rec.before),
                text("what_if_after", lang): show(rec.after),
                text("what_if_change", lang): show(rec.change, delta),
                text("what_if_ci", lang): f"{show(rec.ci_low, delta)} … {show(rec.ci_high, delta)}",
            }
        )
    return title, pd.DataFrame(rows)


def _bullets(markdown: str, limit: int = 6) -> str:
    """The first sentences of each finding as slide bullets."""
    lines = [ln.strip() for ln in markdown.splitlines() if ln.strip() and not ln.startswith("#")]
    bullets = []
    for line in lines:
        text = line.lstrip("-* ").strip().replace("**", "")
        first = text.split(". ")[0].rstrip(".") + "."
        bullets.append(f"- {first}")
        if len(bullets) == limit:
            break
    return "\n".join(bullets)


def _nps_benchmark(sector: str | None, lang: str) -> tuple[str, float] | None:
    from drivers.stats.benchmark import nps_benchmark

    return nps_benchmark(sector)


def _grade_benchmarks(keys) -> dict[str, float]:
    """Top performers' published grades (the what-if target), for these touchpoints."""
    from drivers.stats.benchmark import grade_benchmarks

    published = grade_benchmarks("top_performers")
    return {k: v for k, v in published.items() if k in set(keys)}
