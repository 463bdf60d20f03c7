"""Open answers made safe to show: e-mail addresses, phone numbers, URLs, IBANs, addresses
and person names scrubbed.

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
  followed by a country code (``0031 6 12345678``);
* bank accounts: IBANs (``NL91 ABNA 0417 1643 00``, with or without spaces), checked with
  their mod-97 check digits;
* addresses: a Dutch postcode with or without a house number (``1234 AB``, ``1234AB 12``)
  and a street name with a house number (``Kerkstraat 12a``, ``Van Dijkweg 3``);
* person names, by heuristics (the offline name recogniser ``deduce`` is not a
  dependency): a title or form of address with what follows (``dhr. Jansen``,
  ``mevrouw De Vries``, ``meneer van den Berg``), a common Dutch first name (a list of
  about 200) with the surname after it (``Jan de Vries``, ``Petra``), a capitalised name
  after a role word (``accountmanager Bakker``, ``met collega Smit``), and a capitalised
  word followed by a surname prefix and a capitalised word (``Kees van Dam``).

Grades (``7,5``), years (``2024``), NPS values (``+17``), dates (``01-02-2024``) and
amounts are left alone, as are the names of touchpoints and companies that are ordinary
words. Names not on the list and written without a title or role ("Groeten, Wouter") are
missed. Two phone numbers written right after each other with only
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
    "nl": {
        "email": "[e-mail]",
        "phone": "[telefoon]",
        "url": "[url]",
        "iban": "[rekeningnummer]",
        "address": "[adres]",
        "name": "[naam]",
    },
    "en": {
        "email": "[e-mail]",
        "phone": "[phone]",
        "url": "[url]",
        "iban": "[account number]",
        "address": "[address]",
        "name": "[name]",
    },
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


_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")


def _iban_length(text: str) -> int:
    """Length of the longest start of ``text`` that is a valid IBAN (0: none)."""
    for end in range(len(text), 14, -1):
        if text[end - 1] != " " and _is_iban(text[:end]):
            return end
    return 0


def _is_iban(text: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97."""
    compact = re.sub(r"\s", "", text).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


# Dutch postcode: 4 digits (not starting with 0), optional space, 2 capitals (not SA, SD,
# SS), optionally followed by a house number with an addition.
_POSTCODE = re.compile(
    r"(?<![\w-])[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}(?![\w])(?:,?[ ]?\d{1,5}(?:[ -]?[a-zA-Z]\b)?)?"
)
_STREETS = (
    "straat|str|weg|laan|plein|dijk|kade|gracht|singel|steeg|pad|dreef|hof|park|markt|"
    "baan|ring|boulevard|plantsoen|erf|veld|haven|wal|burgwal|dam|kwartier|oord"
)
_STREET = re.compile(
    r"\b(?:[A-Z][a-z]+[ ])?(?:(?:van|de|der|den|het|ter|ten)[ ])*"
    r"[A-Z][a-zà-ÿ]*(?:" + _STREETS + r")\.?[ ]\d{1,5}(?:[ -]?[a-zA-Z]\b)?"
)

# Person names ------------------------------------------------------------------------------
_FIRST_NAMES = frozenset(
    """
    Jan Piet Kees Henk Gerrit Klaas Willem Johan Hans Peter Pieter Paul Marco Martin Erik
    Eric Frank Rob Robert Ronald Richard Rene René Sander Stefan Thomas Tom Tim Bart Bas
    Dennis Jeroen Joost Jos Koen Leon Maarten Marcel Michiel Niels Patrick Ruud Sjoerd
    Wouter Arjan Arjen Bram Daan Dirk Edwin Frans Gert Harm Hendrik Jaap Jacob Jasper
    Jeroen Job Jurgen Kevin Lars Luuk Marc Mark Mike Nick Noah Olaf Pim Rik Rick Roel
    Ron Ruben Sem Sven Teun Thijs Vincent Wim Youri Anton Bert Cor Ad Ed Fred Gijs Hugo
    Ivo Joris Lucas Mathijs Matthijs Menno Pascal Remco Rutger Stijn Twan Wessel Mohamed
    Ahmed Ali Mustafa Yusuf Anne Annemarie Anja Astrid Bianca Carla Caroline Daniëlle
    Danielle Els Esther Eva Fleur Hanneke Ilse Ingrid Inge Iris Jolanda Judith Karin
    Kim Laura Linda Lisa Loes Manon Marieke Marjolein Marloes Martine Monique Nathalie
    Nicole Petra Priscilla Renate Sandra Sanne Saskia Sophie Suzanne Tamara Wendy
    Willemijn Yvonne Annelies Agnes Brigitte Chantal Ellen Emma Femke Gerda Hilde
    Ineke Janneke Jessica Joyce Julia Kirsten Lotte Mariska Miranda Mirjam Nienke Roos
    Sarah Sara Simone Sylvia Tessa Vera Wilma Anouk Charlotte Fatima Naima Samira John
    James Michael David Chris Steve Sarah Emily
    """.split()
)
_TITLES = (
    r"(?:dhr|mevr|mw|hr|mr|mrs|ms|dr|ir|ing|drs)\.?|meneer|mevrouw|de heer|heer|"
    r"juffrouw|mister|miss"
)
_PREFIX = r"(?:(?:van|de|der|den|het|ter|ten|te|la|le|du|da|von|op|in 't|'t)[ ])*"
_CAP = r"[A-Z][a-zà-ÿ'-]+"
_SURNAME = _PREFIX + _CAP
_ROLE = (
    r"accountmanager|account manager|vertegenwoordiger|contactpersoon|collega|chauffeur|"
    r"medewerker|medewerkster|verkoper|binnendienst|manager|directeur|planner|monteur|"
    r"adviseur|adviseuse"
)
_NAME_AFTER_TITLE = re.compile(
    r"\b(?i:"
    + _TITLES
    + r")[ ]+(?:[A-Z]\.[ ]?)*"
    + _PREFIX
    + r"(?i:"
    + _PREFIX
    + r")?"
    + _CAP
    + r"(?:[ ]"
    + _SURNAME
    + r")?"
)
_NAME_AFTER_ROLE = re.compile(
    r"\b(?i:" + _ROLE + r")[ ]+(?:[A-Z]\.[ ]?)*(" + _CAP + r"(?:[ ]" + _SURNAME + r")?)"
)
_CAPITALISED = re.compile(
    r"(?<![\w@])("
    + "|".join(sorted((re.escape(n) for n in _FIRST_NAMES), key=len, reverse=True))
    + r")(?![\w'-])((?:[ ]"
    + _SURNAME
    + r")?)"
)
_PREFIX_NAME = re.compile(
    r"(?<![\w@])" + _CAP + r"[ ](?:van|de|der|den|ter|ten|van der|van den|van de)[ ]" + _CAP
)
# Capitalised words after a role word that are no names.
_NOT_NAMES = frozenset(
    "De Het Een Die Dat Deze Dit Is Was En Of Maar Niet Wel Ook Van Voor Bij Op In Uit "
    "Met Naar Ik Wij We Zij Ze Hij Zijn Haar Onze Ons Mijn Altijd Nooit Goed Prima".split()
)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n\"'(-"


def _scrub_names(text: str, mark: str) -> str:
    text = _NAME_AFTER_TITLE.sub(mark, text)

    def role(match: re.Match) -> str:
        name = match.group(1)
        if name.split()[0] in _NOT_NAMES:
            return match.group(0)
        return match.group(0)[: match.start(1) - match.start(0)] + mark

    text = _NAME_AFTER_ROLE.sub(role, text)

    def known(match: re.Match) -> str:
        first, rest = match.group(1), match.group(2)
        if first not in _FIRST_NAMES:
            return match.group(0)
        # A first name opening a sentence may be an ordinary word ("Mark", "Bas", "Roos")
        # unless a surname follows.
        if _sentence_start(text, match.start()) and not rest and first.lower() in _WORDS:
            return match.group(0)
        return mark

    text = _CAPITALISED.sub(known, text)

    def prefixed(match: re.Match) -> str:
        first = match.group(0).split()[0]
        if first in _NOT_NAMES:
            return match.group(0)
        # "Service van Van Dijk": an ordinary word before "van" is no first name.
        if first not in _FIRST_NAMES and _is_word(first.lower()):
            return match.group(0)
        return mark

    return _PREFIX_NAME.sub(prefixed, text)


# First names that are also common Dutch words at the start of a sentence.
_WORDS = frozenset({"ben", "wil", "ad", "ed", "job"})


def _is_word(word: str) -> bool:
    import simplemma

    return bool(simplemma.is_known(word, lang="nl")) or bool(simplemma.is_known(word, lang="en"))


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
    """Replace e-mail addresses, phone numbers, URLs, IBANs, addresses and names by a mark.

    Parameters
    ----------
    text : str
        One open answer. Anything that is not a string (None, NaN) is returned as it is.
    lang : {"nl", "en"}, default "nl"
        Language of the marks: ``[e-mail]``, ``[telefoon]`` / ``[phone]``, ``[url]``,
        ``[rekeningnummer]`` / ``[account number]``, ``[adres]`` / ``[address]``,
        ``[naam]`` / ``[name]``.

    Returns
    -------
    str
        The text with everything recognised replaced.

    Examples
    --------
    >>> scrub("Bel me op 06-12345678 of mail jan@bedrijf.nl, zie ook www.bedrijf.nl.")
    'Bel me op [telefoon] of mail [e-mail], zie ook [url].'
    >>> scrub("Cijfer 7,5 in 2024, NPS +17.", lang="en")
    'Cijfer 7,5 in 2024, NPS +17.'
    >>> scrub("Terugstorten op NL91 ABNA 0417 1643 00 graag, dhr. Jansen, Kerkstraat 12, 1234 AB")
    'Terugstorten op [rekeningnummer] graag, [naam], [adres], [adres]'
    >>> scrub("Onze accountmanager Petra de Vries denkt goed mee")
    'Onze accountmanager [naam] denkt goed mee'
    """
    check_option("scrub", "lang", lang, MARKS)
    if not isinstance(text, str):
        return text
    marks = MARKS[lang]
    text = _EMAIL.sub(marks["email"], text)

    def iban(match: re.Match) -> str:
        found = match.group(0)
        end = _iban_length(found)
        return marks["iban"] + found[end:] if end else found

    text = _IBAN.sub(iban, text)

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

    text = _PHONE.sub(phone, text)
    text = _STREET.sub(marks["address"], text)
    text = _POSTCODE.sub(marks["address"], text)
    return _scrub_names(text, marks["name"])


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
