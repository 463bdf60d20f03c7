"""Display formatting in Dutch and English: numbers, signed numbers, percentages, labels.

Numbers go through babel (there is no ``nl_NL`` locale on our machines, and
``locale.setlocale`` is process-wide anyway). Negative numbers get a true minus
sign (U+2212), as typeset text should. Display labels of the charts, deck and
narration live in :data:`TEXT`, one table for both languages.

Examples
--------
>>> fmt_number(6.62, lang="nl")
'6,6'
>>> fmt_number(6.62, lang="en")
'6.6'
>>> fmt_signed(17)
'+17'
>>> fmt_percent(0.34)
'34%'
>>> text("improve", "en")
'Improve first'
"""

from __future__ import annotations

import math
from numbers import Real

from babel.numbers import format_decimal

from drivers.errors import ParameterError, check_option

__all__ = [
    "LANGUAGES",
    "MINUS",
    "TEXT",
    "check_lang",
    "fmt_number",
    "fmt_signed",
    "fmt_percent",
    "fmt_count",
    "text",
]

#: Languages of the display labels.
LANGUAGES = ("nl", "en")
#: The typographic minus sign (U+2212) used for negative numbers.
MINUS = "\u2212"
#: What a missing number is shown as.
MISSING = "\u2013"

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def check_lang(func: str, lang: object) -> str:
    """Raise :class:`~drivers.errors.ParameterError` unless ``lang`` is "nl" or "en"."""
    check_option(func, "lang", lang, LANGUAGES)
    return lang  # type: ignore[return-value]


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _check_number(func: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, Real):
        try:
            return float(x)  # numpy scalars, Decimal
        except (TypeError, ValueError):
            raise ParameterError(
                f"The 'x' parameter of {func} must be a number. Got {x!r} instead."
            ) from None
    return float(x)


def _decimal(x: float, decimals: int, lang: str, grouping: bool = True) -> str:
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    # babel rounds half-even on the decimal value; round() first so that
    # 0.05 -> 0.1 style surprises stay Python's (binary) rounding everywhere.
    rounded = round(x, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0,0"
    text_ = format_decimal(abs(rounded), format=pattern, locale=_LOCALES[lang])
    return (MINUS + text_) if rounded < 0 else text_


def fmt_number(x: object, decimals: int = 1, lang: str = "nl") -> str:
    """A number for display: decimal comma in Dutch, point in English.

    Parameters
    ----------
    x : float
        The number; NaN or None gives an en dash.
    decimals : int, default 1
        Digits after the decimal separator.
    lang : {"nl", "en"}
        Display language.

    Returns
    -------
    str
        ``"6,6"`` (nl) or ``"6.6"`` (en); thousands grouped (``"1.234"`` / ``"1,234"``);
        negative numbers with a true minus sign.
    """
    check_lang("fmt_number", lang)
    if _is_missing(x):
        return MISSING
    return _decimal(_check_number("fmt_number", x), int(decimals), lang)


def fmt_signed(x: object, lang: str = "nl", decimals: int = 0) -> str:
    """A signed number, as NPS values and changes are shown: ``"+17"``, ``"−3"``, ``"0"``.

    Parameters
    ----------
    x : float
        The number; NaN or None gives an en dash.
    lang : {"nl", "en"}
        Display language (decimal comma in Dutch: ``"+0,4"``).
    decimals : int, default 0
        Digits after the decimal separator.

    Returns
    -------
    str
    """
    check_lang("fmt_signed", lang)
    if _is_missing(x):
        return MISSING
    value = _check_number("fmt_signed", x)
    shown = _decimal(value, int(decimals), lang)
    if round(value, int(decimals)) > 0:
        return "+" + shown
    return shown


def fmt_percent(share: object, lang: str = "nl", decimals: int = 0) -> str:
    """A share (0..1) as a percentage: ``0.34`` -> ``"34%"`` (``"34,5%"`` with one decimal).

    Parameters
    ----------
    share : float
        The share, 0..1; NaN or None gives an en dash.
    lang : {"nl", "en"}
        Display language.
    decimals : int, default 0
        Digits after the decimal separator.

    Returns
    -------
    str
    """
    check_lang("fmt_percent", lang)
    if _is_missing(share):
        return MISSING
    return _decimal(100 * _check_number("fmt_percent", share), int(decimals), lang) + "%"


def fmt_count(n: object, lang: str = "nl") -> str:
    """A count with thousands grouping: ``1234`` -> ``"1.234"`` (nl) / ``"1,234"`` (en)."""
    return fmt_number(n, decimals=0, lang=lang)


#: Display labels in Dutch and English, keyed by an English identifier.
TEXT: dict[str, dict[str, str]] = {
    # NPS classes
    "promoters": {"nl": "Promoters", "en": "Promoters"},
    "passives": {"nl": "Passives", "en": "Passives"},
    "detractors": {"nl": "Detractors", "en": "Detractors"},
    "promoter": {"nl": "Promoter", "en": "Promoter"},
    "passive": {"nl": "Passive", "en": "Passive"},
    "detractor": {"nl": "Detractor", "en": "Detractor"},
    # priority-matrix quadrants
    "improve": {"nl": "Eerst verbeteren", "en": "Improve first"},
    "maintain": {"nl": "Behouden", "en": "Maintain"},
    "monitor": {"nl": "Volgen", "en": "Monitor"},
    "overkill": {"nl": "Mogelijk overkill", "en": "Possible overkill"},
    # general
    "nps": {"nl": "NPS", "en": "NPS"},
    "total": {"nl": "Totaal", "en": "Total"},
    "benchmark": {"nl": "Benchmark", "en": "Benchmark"},
    "mean": {"nl": "Gemiddelde", "en": "Mean"},
    "previous_wave": {"nl": "Vorige meting", "en": "Previous wave"},
    "this_wave": {"nl": "Deze meting", "en": "This wave"},
    "percentage_points": {"nl": "%-punt", "en": "pp"},
    "ci95": {"nl": "95%-betrouwbaarheidsinterval", "en": "95% confidence interval"},
    "change": {"nl": "Verschil", "en": "Change"},
    "method": {"nl": "Methode", "en": "Method"},
    # chart titles
    "title_nps_bar": {"nl": "Net Promoter Score", "en": "Net Promoter Score"},
    "title_score_distribution": {
        "nl": "Verdeling van de aanbevelingsscores",
        "en": "Distribution of likelihood-to-recommend scores",
    },
    "title_touchpoint_grades": {
        "nl": "Rapportcijfer per contactmoment",
        "en": "Grade per touchpoint",
    },
    "title_driver_importance": {
        "nl": "Wat bepaalt de aanbeveling?",
        "en": "What drives recommendation?",
    },
    "title_priority_matrix": {"nl": "Prioriteitenmatrix", "en": "Priority matrix"},
    "title_wave_change": {
        "nl": "Verandering per contactmoment",
        "en": "Change per touchpoint",
    },
    # axis labels
    "share_respondents": {"nl": "Aandeel respondenten", "en": "Share of respondents"},
    "score_axis": {
        "nl": "Aanbevelingsscore (0 = zeker niet, 10 = zeker wel)",
        "en": "Likelihood to recommend (0 = not at all, 10 = extremely likely)",
    },
    "mean_grade": {"nl": "Gemiddeld rapportcijfer", "en": "Mean grade"},
    "importance_share": {
        "nl": "Aandeel in de verklaarde variantie (R²)",
        "en": "Share of explained variance (R²)",
    },
    "importance": {"nl": "Belang", "en": "Importance"},
    "importance_axis": {"nl": "Belang voor de aanbeveling", "en": "Importance for recommendation"},
    "performance_axis": {
        "nl": "Prestatie (gemiddeld rapportcijfer)",
        "en": "Performance (mean grade)",
    },
    "performance_share_axis": {
        "nl": "Prestatie (aandeel 8 of hoger)",
        "en": "Performance (share 8 or higher)",
    },
    # notes
    "suppressed": {"nl": "n < {n}", "en": "n < {n}"},
    "small_base_note": {
        "nl": "* Kleine basis (n < {n}): met voorzichtigheid interpreteren.",
        "en": "* Small base (n < {n}): interpret with caution.",
    },
    "suppressed_note": {
        "nl": "Groepen met n < {n} worden niet getoond (privacy).",
        "en": "Groups with n < {n} are not shown (privacy).",
    },
    "significant_note": {
        "nl": "* Statistisch significant verschil.",
        "en": "* Statistically significant change.",
    },
    "probability_note": {
        "nl": "Percentage bij een naam: kans dat het contactmoment in dit kwadrant valt (bootstrap).",
        "en": "Percentage after a name: probability that the touchpoint falls in this quadrant (bootstrap).",
    },
    "nps_ci_note": {
        "nl": "Lijn op de NPS-balk: 95%-betrouwbaarheidsinterval.",
        "en": "Line on the NPS bar: 95% confidence interval.",
    },
    "whiskers_note": {
        "nl": "Lijnen: 95%-betrouwbaarheidsinterval.",
        "en": "Lines: 95% confidence interval.",
    },
    # driver methods (subtitle of the importance chart)
    "method_shapley": {"nl": "Shapley-waarde (LMG)", "en": "Shapley value (LMG)"},
    "method_relative_weights": {
        "nl": "relatieve gewichten (Johnson)",
        "en": "relative weights (Johnson)",
    },
    "method_beta": {"nl": "gestandaardiseerde bèta", "en": "standardised beta"},
    "method_correlation": {"nl": "correlatie", "en": "correlation"},
    "method_logit": {"nl": "logistische regressie", "en": "logistic regression"},
    "method_forest": {
        "nl": "random forest (permutatiebelang)",
        "en": "random forest (permutation importance)",
    },
    "method_penalty_reward": {"nl": "penalty-reward-analyse", "en": "penalty-reward analysis"},
    # deck footnotes and notes
    "weighted": {"nl": "gewogen", "en": "weighted"},
    "unweighted": {"nl": "ongewogen", "en": "unweighted"},
    "na_listwise": {"nl": "n.v.t.: listwise", "en": "n/a: listwise"},
    "na_pairwise": {"nl": "n.v.t.: paarsgewijs", "en": "n/a: pairwise"},
    "na_impute": {"nl": "n.v.t.: gemiddelde + indicator", "en": "n/a: mean + indicator"},
    "nps_definition": {
        "nl": "NPS = % promoters (9–10) − % detractors (0–6)",
        "en": "NPS = % promoters (9–10) − % detractors (0–6)",
    },
    "bootstrap": {"nl": "95%-BI: bootstrap ({n}×)", "en": "95% CI: bootstrap ({n}×)"},
    "per_touchpoint": {"nl": "per contactmoment", "en": "per touchpoint"},
    "per_group": {"nl": "per groep", "en": "per group"},
    "grade_scale": {"nl": "rapportcijfer {lo}–{hi}", "en": "grade {lo}–{hi}"},
    "lines": {"nl": "lijnen: {how}", "en": "lines: {how}"},
    "line_mean": {"nl": "gemiddelde", "en": "mean"},
    "line_median": {"nl": "mediaan", "en": "median"},
    "line_value": {"nl": "opgegeven waarde", "en": "given value"},
    "probability": {
        "nl": "(%) = kans op dit kwadrant als < 95% (bootstrap)",
        "en": "(%) = probability of this quadrant if < 95% (bootstrap)",
    },
    "top": {"nl": "de {k} belangrijkste van {p} getoond", "en": "top {k} of {p} shown"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
}


def text(key: str, lang: str = "nl", **fields: object) -> str:
    """The display label ``key`` in ``lang``, with ``{fields}`` filled in.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT`, e.g. ``"improve"``.
    lang : {"nl", "en"}
        Display language.
    **fields
        Values for placeholders, e.g. ``text("suppressed", "nl", n=5)`` -> ``"n < 5"``.

    Returns
    -------
    str
    """
    check_lang("text", lang)
    if key not in TEXT:
        check_option("text", "key", key, sorted(TEXT))
    label = TEXT[key][lang]
    return label.format(**fields) if fields else label
