"""Slides of the open-answer themes, built from the public :class:`~drivers.present.deck.Deck`
methods: a headline, the themes-and-NPS table, the two charts and a quote slide per theme.

Nothing is computed here: the numbers come from a :class:`~drivers.stats.themes.ThemeImpact`
and the quotes from :func:`~drivers.stats.themes.theme_quotes` (scrubbed again on the way in).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from drivers.errors import ParameterError
from drivers.present._format import check_lang, fmt, text

__all__ = ["add_themes_section"]


def _shown(result: Any) -> pd.DataFrame:
    table = getattr(result, "table", None)
    if not isinstance(table, pd.DataFrame) or "nps_gap" not in table.columns:
        raise ParameterError(
            "add_themes_section takes the result of drivers.theme_impact(); "
            f"got {type(result).__name__}."
        )
    return table[~table["suppressed"].fillna(False).astype(bool)].reset_index(drop=True)


def add_themes_section(
    deck,
    result,
    *,
    lang: str | None = None,
    quotes: pd.DataFrame | None = None,
    themes_with_quotes: int = 3,
    charts: bool = True,
    min_n: int = 30,
) -> list:
    """Add the "what do customers say?" slides to ``deck``; returns the slides added.

    Parameters
    ----------
    deck : Deck
    result : ThemeImpact
        From :func:`drivers.stats.themes.theme_impact`. Suppressed themes (below the
        privacy floor) do not appear.
    lang : {"nl", "en"}, optional
        Default the deck's language.
    quotes : DataFrame, optional
        From :func:`drivers.stats.themes.theme_quotes` (``theme``, ``quote``): a slide of
        quotes for each of the ``themes_with_quotes`` themes with the largest NPS gap
        (either way).
    themes_with_quotes : int, default 3
    charts : bool, default True
        Add the impact and frequency charts (as pictures at slide size).
    min_n : int, default 30
        The small base of the analysis (``Options.min_n``): a theme named by fewer
        respondents is no headline and carries a * in the table.

    Returns
    -------
    list of pptx slides

    Examples
    --------
    >>> from drivers import demo
    >>> from drivers.present.deck import Deck
    >>> from drivers.stats.themes import themes, theme_impact, theme_quotes
    >>> survey = demo.load(2024)
    >>> coded = themes(survey, demo.codebook())
    >>> deck = Deck(lang="nl")
    >>> slides = add_themes_section(deck, theme_impact(coded, survey, bootstrap=20),
    ...                             quotes=theme_quotes(coded), charts=False)
    >>> len(slides)
    5
    """
    from drivers.privacy import scrub

    lang = check_lang("add_themes_section", lang or getattr(deck, "lang", "nl"))
    table = _shown(result)
    if hasattr(result, "label"):  # labels in the deck's language
        table["label"] = [result.label(k, lang) for k in table["theme"]]
    slides = []

    # -- headline: the themes that go with the largest NPS gap, each way; a theme named
    # by fewer than min_n respondents is no headline (the table marks it)
    small = (
        table["small_base"].fillna(False).astype(bool)
        if "small_base" in table
        else pd.Series(False, index=table.index)
    )
    told = table[~small]
    lines = []
    for _, row in told.sort_values("nps_gap").iterrows():
        if len(lines) >= 2:
            break
        if row["nps_gap"] < 0:
            lines.append(_headline(row, lang))
    for _, row in told.sort_values("nps_gap", ascending=False).iterrows():
        if len(lines) >= 4:
            break
        if row["nps_gap"] > 0:
            lines.append(_headline(row, lang))
    slides.append(deck.add_text(text("themes_section_title", lang), "\n".join(lines)))

    # -- the table
    shown = pd.DataFrame(
        {
            text("theme_col_theme", lang): [
                f"{label}*" if is_small else label
                for label, is_small in zip(table["label"], small, strict=True)
            ],
            text("theme_col_share", lang): [
                fmt(v, kind="percent", lang=lang) for v in table["share"]
            ],
            text("theme_col_negative", lang): [
                fmt(v, kind="percent", lang=lang) for v in table["negative_share"]
            ],
            text("theme_col_gap", lang): [fmt(v, kind="nps", lang=lang) for v in table["nps_gap"]],
            text("theme_col_adjusted", lang): [
                fmt(v, kind="nps", lang=lang) for v in table["adjusted"]
            ],
            # the touchpoint whose grade differs most between mentioners and the rest
            text("theme_col_touchpoint", lang): [
                f"{name} ({fmt(gap, kind='signed', lang=lang)})" if isinstance(name, str) else ""
                for name, gap in zip(table["touchpoint_label"], table["grade_gap"], strict=True)
            ],
        }
    )
    note = text("small_base_note", lang, n=min_n) if small.any() else None
    slides.append(deck.add_table(shown, title=text("themes_table_title", lang), footnote=note))

    # -- the charts, as pictures
    if charts:
        import matplotlib.pyplot as plt

        from drivers.present import themes_charts
        from drivers.present.charts import save

        with tempfile.TemporaryDirectory() as folder:
            for name, draw in (
                ("impact", themes_charts.impact),
                ("frequency", themes_charts.frequency_by_group),
            ):
                ax = draw(result, lang=lang, title=False)
                path = save(ax.figure, Path(folder) / name, formats=("png",))[0]
                plt.close(ax.figure)
                key = "title_theme_impact" if name == "impact" else "title_theme_frequency"
                slides.append(deck.add_image(path, title=text(key, lang)))

    # -- quotes
    if quotes is not None and len(quotes):
        if "theme" not in quotes.columns or "quote" not in quotes.columns:
            raise ParameterError(
                "add_themes_section: quotes= must be a theme_quotes() table "
                "(columns 'theme' and 'quote')."
            )
        order = table.assign(size=table["nps_gap"].abs()).sort_values("size", ascending=False)
        done = 0
        for _, row in order.iterrows():
            if done >= themes_with_quotes:
                break
            picked = quotes.loc[quotes["theme"] == row["theme"], "quote"].tolist()
            if not picked:
                continue
            body = "\n".join(f"- \u201c{scrub(q, lang=lang)}\u201d" for q in picked)
            slides.append(
                deck.add_text(
                    text("themes_quotes_title", lang, theme=row["label"]),
                    body,
                    notes=text("themes_quotes_note", lang),
                )
            )
            done += 1
    return slides


def _headline(row: pd.Series, lang: str) -> str:
    line = text(
        "themes_headline",
        lang,
        share=fmt(row["share"], kind="percent", lang=lang),
        theme=row["label"],
        nps=fmt(row["nps_mention"], kind="nps", lang=lang),
        other=fmt(row["nps_other"], kind="nps", lang=lang),
    )
    return f"- {line}"
