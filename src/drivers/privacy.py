"""Open answers made safe to show: e-mail addresses, phone numbers and URLs scrubbed.

Open answers of B2B respondents often carry contact details ("bel me op 06-12345678",
"mail jan@bedrijf.nl", "zie www.bedrijf.nl"). :func:`scrub` replaces them by a neutral
mark; :func:`quotes` picks a few scrubbed answers for display, never from a group below
the privacy floor and never together with the respondent id.

What is recognised
------------------
* e-mail addresses: ``name@domain.tld``;
* URLs: ``http(s)://...``, ``www....`` and bare domains on common top-level domains
  (``mindful.nl``, ``bedrijf.com``, ``shop.be``; not ``.de``/``.nu``, which are Dutch
  words after a missing space);
* phone numbers: Dutch numbers of 10 digits starting with 0 (``06-12345678``,
  ``020 – 636 53 96``, ``(010) 123 45 67``), 0800/0900 numbers, ``+`` followed by 9 to 15
  digits (``+31 6 1234 5678``, ``+31 (0)20 636 5396``, ``+44 20 7946 0958``) and ``00``
  followed by a country code (``0031 6 12345678``).

Grades (``7,5``), years (``2024``), NPS values (``+17``), dates (``01-02-2024``) and
amounts are left alone. Two phone numbers written right after each other with only
spaces in between are read as one run of digits and may be left alone: the scrubbing is
a safety net, not a guarantee; read quotes before they go to a client.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from drivers.errors import ColumnNotFoundError, ParameterError, check_option

__all__ = ["MARKS", "quotes", "scrub", "scrub_series"]

#: The marks that replace what was scrubbed, per language.
MARKS = {
    "nl": {"email": "[e-mail]", "phone": "[telefoon]", "url": "[url]"},
    "en": {"email": "[e-mail]", "phone": "[phone]", "url": "[url]"},
}

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)

_TLDS = (
    "nl|com|org|net|eu|be|io|info|biz|uk|fr|app|shop|online|dev|ai|co|email|site|"
    "website|tech|frl|amsterdam|brussels"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _TLDS + r")\b"
    r"(?:/[^\s<>\"'()\[\]]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\""

# A run of digits with the separators phone numbers are written with; whether it is a
# phone number is decided on its digits (see _is_phone).
_PHONE = re.compile(
    r"(?<![\d+])(?<!\d[.,/-])"
    r"(?:\+\s?|\(\s?)?\d"
    r"(?:(?:\s?[-\u2013\u2014.]\s?|\s|\s?\(\s?|\s?\)\s?)?\d)+"
    r"(?!\d)(?![.,]\d)"
)


def _is_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    start = text.lstrip("( ")
    if start.startswith("+"):
        return 9 <= len(digits) <= 15
    if digits.startswith("00"):
        return 11 <= len(digits) <= 15
    if digits.startswith(("0800", "0900", "0906", "0909")):
        return 8 <= len(digits) <= 11
    if digits.startswith("0"):
        return len(digits) == 10
    return False


def scrub(text: str, *, lang: str = "nl") -> str:
    """Replace e-mail addresses, phone numbers and URLs in ``text`` by a neutral mark.

    Parameters
    ----------
    text : str
        One open answer. Anything that is not a string (None, NaN) is returned as it is.
    lang : {"nl", "en"}, default "nl"
        Language of the marks: ``[e-mail]``, ``[telefoon]`` / ``[phone]``, ``[url]``.

    Returns
    -------
    str
        The text with every recognised e-mail address, phone number and URL replaced.

    Examples
    --------
    >>> scrub("Bel me op 06-12345678 of mail jan@bedrijf.nl, zie ook www.bedrijf.nl.")
    'Bel me op [telefoon] of mail [e-mail], zie ook [url].'
    >>> scrub("Cijfer 7,5 in 2024, NPS +17.", lang="en")
    'Cijfer 7,5 in 2024, NPS +17.'
    """
    check_option("scrub", "lang", lang, MARKS)
    if not isinstance(text, str):
        return text
    marks = MARKS[lang]
    text = _EMAIL.sub(marks["email"], text)

    def url(match: re.Match) -> str:
        found = match.group(0)
        kept = found.rstrip(_TRAILING)
        return marks["url"] + found[len(kept) :]

    text = _URL.sub(url, text)

    def phone(match: re.Match) -> str:
        found = match.group(0)
        if not _is_phone(found):
            return found
        # Keep the whitespace a separator run may have taken at the end.
        return marks["phone"] + found[len(found.rstrip()) :]

    return _PHONE.sub(phone, text)


def scrub_series(series: pd.Series, *, lang: str = "nl") -> pd.Series:
    """:func:`scrub` every text of a Series; missing values stay missing.

    Parameters
    ----------
    series : Series
        Open answers.
    lang : {"nl", "en"}, default "nl"

    Returns
    -------
    Series
        A new Series with the same index and name.

    Examples
    --------
    >>> import pandas as pd
    >>> scrub_series(pd.Series(["mail a@b.nl", "bel 06-12345678"])).tolist()
    ['mail [e-mail]', 'bel [telefoon]']
    """
    if not isinstance(series, pd.Series):
        raise ParameterError(
            f"The 'series' parameter of scrub_series must be a pandas Series. "
            f"Got {type(series).__name__} instead."
        )
    check_option("scrub_series", "lang", lang, MARKS)
    values = [scrub(v, lang=lang) if isinstance(v, str) else v for v in series.tolist()]
    return pd.Series(values, index=series.index, name=series.name, dtype=series.dtype)


def quotes(
    survey_or_df,
    column: str,
    *,
    n: int = 5,
    by: str | None = None,
    privacy_floor: int = 5,
    seed: int = 0,
    lang: str | None = None,
) -> pd.DataFrame:
    """A few scrubbed open answers for display.

    Parameters
    ----------
    survey_or_df : Survey or DataFrame
        The respondents.
    column : str
        The open-answer column.
    n : int, default 5
        Answers per group (or in all when ``by`` is None).
    by : str, optional
        A segment column: up to ``n`` answers per group. Groups with fewer than
        ``privacy_floor`` respondents are left out (their name is not shown either).
    privacy_floor : int, default 5
        Smallest number of respondents a quote may come from (per group, or in all).
    seed : int, default 0
        The same seed gives the same quotes.
    lang : {"nl", "en"}, optional
        Language of the scrub marks; the survey spec's language, else "nl".

    Returns
    -------
    DataFrame
        Columns ``quote`` (and ``by`` first when given); never the respondent id or
        any other column, and a fresh 0..k-1 index (not the row numbers of the file).
        Empty answers and n.v.t. codes of the spec are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": list("abcdef"), "t": ["Goed", "Bel 0612345678"] * 3})
    >>> quotes(df, "t", n=2)["quote"].tolist()
    ['Bel [telefoon]', 'Goed']
    """
    spec = getattr(survey_or_df, "spec", None)
    frame = survey_or_df.data if spec is not None else survey_or_df
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"quotes needs a Survey or a DataFrame; got {type(survey_or_df).__name__}."
        )
    for name, value, low in (("n", n, 1), ("privacy_floor", privacy_floor, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ParameterError(
                f"The {name!r} parameter of quotes must be an int >= {low}. Got {value!r} instead."
            )
    for col in [column, *([by] if by is not None else [])]:
        if col not in frame.columns:
            raise ColumnNotFoundError(f"quotes: no column {col!r} in the data.")
    lang = lang or (getattr(spec, "language", None) or "nl")
    check_option("quotes", "lang", lang, MARKS)
    na = {str(c).strip().lower() for c in getattr(spec, "na_codes", ()) or ()}
    na |= {"", "n.v.t.", "nvt", "-", "weet niet", "geen"}

    def usable(v) -> bool:
        return isinstance(v, str) and v.strip().lower() not in na

    rng = np.random.default_rng(seed)
    if by is None:
        parts = [(None, frame)]
    else:
        parts = list(frame.groupby(frame[by].astype("object"), sort=True, dropna=True))
    rows = []
    for group, part in parts:
        if len(part) < privacy_floor:
            continue
        answers = [v.strip() for v in part[column].tolist() if usable(v)]
        if not answers:
            continue
        picked = rng.choice(len(answers), size=min(n, len(answers)), replace=False)
        for i in sorted(picked):
            row = {} if by is None else {by: group}
            row["quote"] = scrub(answers[i], lang=lang)
            rows.append(row)
    columns = ["quote"] if by is None else [by, "quote"]
    return pd.DataFrame(rows, columns=columns)
