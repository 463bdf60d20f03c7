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

import functools
import math
import tomllib
from collections.abc import Mapping
from numbers import Real
from pathlib import Path

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
    "fmt",
    "nps_benchmark_label",
    "nps_definition",
    "sector_name",
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


#: Folder of the display-text catalogs: ``locales/<lang>/*.toml``, one flat table of
#: ``key = "text"`` per file. A third language is a new folder with the same keys.
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    """Every display text of ``lang``, merged from its catalog files (keys unique)."""
    merged: dict[str, str] = {}
    for file in sorted((LOCALES_DIR / lang).glob("*.toml")):
        table = tomllib.loads(file.read_text(encoding="utf-8"))
        for key, value in table.items():
            if key in merged:
                raise ParameterError(f"Display text {key!r} is defined twice in locales/{lang}/.")
            merged[key] = str(value)
    return merged


class _Catalogs(Mapping):
    """``TEXT[key][lang]``: read-only view of the catalogs, for code that lists keys."""

    def __getitem__(self, key: str) -> dict[str, str]:
        found = {lang: _catalog(lang)[key] for lang in LANGUAGES if key in _catalog(lang)}
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self):
        return iter(_catalog(LANGUAGES[0]))

    def __len__(self) -> int:
        return len(_catalog(LANGUAGES[0]))


#: Display labels in every language, keyed by an English identifier (from the catalogs).
TEXT: Mapping[str, dict[str, str]] = _Catalogs()


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
    catalog = _catalog(lang)
    if key not in catalog:
        check_option("text", "key", key, sorted(catalog))
    label = catalog[key]
    return label.format(**fields) if fields else label


def sector_name(sector: object, lang: str = "nl") -> str:
    """A benchmark sector in ``lang``: the catalog's name of a published sector key
    (``"groothandel"`` is "wholesale" in English), else the sector as written.

    Examples
    --------
    >>> sector_name("groothandel", "en"), sector_name("groothandel", "nl")
    ('wholesale', 'groothandel')
    >>> sector_name("Bouw", "en")
    'Bouw'
    """
    check_lang("sector_name", lang)
    written = str(sector)
    return _catalog(lang).get(f"sector_{written.strip().lower()}", written)


def nps_benchmark_label(sector: object, lang: str = "nl") -> str:
    """The name of the published NPS benchmark line: the sector's, or B2B overall (None)."""
    if sector is None or str(sector) in ("", "all"):
        return text("benchmark_nps_b2b", lang)
    return text("benchmark_nps_sector", lang, sector=sector_name(sector, lang))


#: What :func:`fmt` can format, and how: (function, default decimals).
_KINDS = ("number", "grade", "signed", "nps", "percent", "pp", "count", "r2")


def fmt(x: object, *, kind: str = "number", lang: str = "nl", decimals: int | None = None) -> str:
    """Every number shown to a user goes through here: one formatter, both languages.

    Parameters
    ----------
    x : float
        The number; NaN or None gives an en dash.
    kind : {"number", "grade", "signed", "nps", "percent", "pp", "count", "r2"}
        ``grade`` one decimal; ``nps`` signed whole points; ``signed`` a signed change;
        ``percent`` a share 0..1 as a percentage; ``pp`` a signed change of a share in
        percentage points; ``count`` whole with grouping; ``r2`` two decimals.
    lang : {"nl", "en"}
        Decimal comma in Dutch, point in English.
    decimals : int, optional
        Overrides the kind's default digits.

    Examples
    --------
    >>> fmt(0.7123, kind="r2", lang="nl")
    '0,71'
    >>> fmt(0.068, kind="pp", lang="nl")
    '+6,8 %-punt'
    >>> fmt(17.4, kind="nps", lang="en")
    '+17'
    """
    check_option("fmt", "kind", kind, _KINDS)
    check_lang("fmt", lang)
    if kind == "number":
        return fmt_number(x, 1 if decimals is None else decimals, lang)
    if kind == "grade":
        return fmt_number(x, 1 if decimals is None else decimals, lang)
    if kind == "r2":
        return fmt_number(x, 2 if decimals is None else decimals, lang)
    if kind == "signed":
        return fmt_signed(x, lang, 1 if decimals is None else decimals)
    if kind == "nps":
        return fmt_signed(x, lang, 0 if decimals is None else decimals)
    if kind == "percent":
        return fmt_percent(x, lang, 0 if decimals is None else decimals)
    if kind == "pp":
        if _is_missing(x):
            return MISSING
        value = 100 * _check_number("fmt", x)
        return (
            fmt_signed(value, lang, 1 if decimals is None else decimals)
            + " "
            + text("percentage_points", lang)
        )
    return fmt_count(x, lang)


def nps_definition(cutoffs: object = None, lang: str = "nl") -> str:
    """ "NPS = % promoters (9–10) − % detractors (0–6)" with the run's cut-offs.

    >>> from drivers.stats.nps import Cutoffs
    >>> nps_definition(Cutoffs(promoter=8, detractor=5), "en")
    'NPS = % promoters (8–10) − % detractors (0–5)'
    """
    from drivers.stats.nps import STANDARD

    ranges = (cutoffs or STANDARD).ranges()

    def span(kind: str) -> str:
        low, high = ranges[kind]
        return f"{fmt(low, kind='count', lang=lang)}\u2013{fmt(high, kind='count', lang=lang)}"

    return text("nps_definition", lang, promoters=span("promoter"), detractors=span("detractor"))
