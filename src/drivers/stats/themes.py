"""Open answers coded into themes, offline, and the themes tied to the NPS.

A *codebook* (TOML) lists the themes a consultant wants to find::

    language = "nl"                  # optional: language of the answers

    [[themes]]
    key = "delivery"                 # English identifier, unique
    nl = "Levering"                  # display labels
    en = "Delivery"
    terms = ["levering", "levertijd", "te laat", "bezorging"]
    terms_en = ["delivery", "late", "shipping"]    # optional: for English answers
    exclude = ["leverancier"]        # optional: words that look like a term but are not

:func:`themes` codes every answer (several themes allowed), :func:`suggest_themes`
proposes themes for the answers the codebook leaves uncoded, :func:`theme_impact` ties the
themes to the NPS and :func:`compare_theme_shares` compares two waves.

How an answer is matched
------------------------
Text is lowercased, accents are stripped and hyphens joined ("e-mail" -> "email"). A
term matches a word when

* the word or its lemma (simplemma, Dutch; English for English answers) equals the term
  or the term's lemma ("facturen" -> "factuur");
* the word is a compound that starts with the term's stem or ends with the term
  ("leverbetrouwbaarheid" starts with "lever", the stem of "levering";
  "webshopservice" ends with "service"): stems of at least five letters, heads of at
  least four, from one-word terms only;
* the word is not a known Dutch (or English) word and is within one or two typing errors
  of the term (rapidfuzz ratio >= 85, words of five letters or more: "levring",
  "factuuur"), or spelled the same but for the usual Dutch slips ij/ei, ch/g, d/t at the
  end, doubled letters ("kwalitijd", "klagten").

Terms of several words ("te laat", "op tijd") match consecutive words. A word that
matches an ``exclude`` term of the theme does not count for it.

A mention is *negative* when its clause (the text between punctuation marks and the
words "maar", "alleen", "behalve", "but", "except") holds a negation ("niet", "geen",
"nooit", "not", ...) next to a positive word, a negation alone ("de facturen kloppen
niet"), or a negative word without a negation ("te laat", "slecht", "traag"). "Niet
slecht" is not negative. This is a heuristic: good enough to count, not to quote.

English answers (more English than Dutch function words) are also matched with the
theme's ``terms_en``; Dutch terms apply to every answer, so a mixed answer ("levering
prima, but the invoices are wrong") finds both.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import (
    ColumnNotFoundError,
    DataError,
    ParameterError,
    SpecError,
    closest,
)
from drivers.stats._summary import Summarised, SummaryParts, read_only

__all__ = [
    "DUTCH_STOP_WORDS",
    "Codebook",
    "Theme",
    "ThemeImpact",
    "ThemeResult",
    "ThemeSuggestion",
    "ThemeSuggestions",
    "compare_theme_shares",
    "load_codebook",
    "normalise",
    "suggest_themes",
    "theme_impact",
    "theme_quotes",
    "themes",
]

# --------------------------------------------------------------------------- codebook

_THEME_KEYS = ("key", "nl", "en", "terms", "terms_en", "exclude")
_CODEBOOK_KEYS = ("language", "name", "themes")


@dataclass(frozen=True)
class Theme:
    """One theme of a codebook: key, display labels, terms (Dutch, English), exclusions."""

    key: str
    nl: str
    en: str
    terms: tuple[str, ...]
    terms_en: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def label(self, lang: str = "nl") -> str:
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True)
class Codebook:
    """The themes to code open answers into (see :func:`load_codebook`)."""

    themes: tuple[Theme, ...]
    language: str = "nl"
    name: str = ""
    source: str = ""

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    def labels(self, lang: str = "nl") -> dict[str, str]:
        return {t.key: t.label(lang) for t in self.themes}

    def to_toml(self) -> str:
        """The codebook as TOML text (the format :func:`load_codebook` reads)."""
        lines = []
        if self.name:
            lines.append(f"name = {_toml_str(self.name)}")
        lines.append(f"language = {_toml_str(self.language)}")
        for theme in self.themes:
            lines += ["", *_theme_toml(theme)]
        return "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _theme_toml(theme: Theme) -> list[str]:
    lines = [
        "[[themes]]",
        f"key = {_toml_str(theme.key)}",
        f"nl = {_toml_str(theme.nl)}",
        f"en = {_toml_str(theme.en)}",
        f"terms = {_toml_list(theme.terms)}",
    ]
    if theme.terms_en:
        lines.append(f"terms_en = {_toml_list(theme.terms_en)}")
    if theme.exclude:
        lines.append(f"exclude = {_toml_list(theme.exclude)}")
    return lines


def _unknown(keys: Iterable[str], valid: Sequence[str], where: str) -> None:
    unknown = [k for k in keys if k not in valid]
    if not unknown:
        return
    hints = []
    for key in unknown:
        hint = closest(key, valid)
        hints.append(f"{key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    raise SpecError(f"{where}: unknown key(s) {', '.join(hints)}. Valid keys: {', '.join(valid)}.")


def _str_list(value: Any, where: str, name: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list):
        raise SpecError(f"{where}: {name!r} must be a list of strings; got {value!r}.")
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        raise SpecError(f"{where}: {name!r} holds {bad[0]!r}, which is not a non-empty string.")
    return tuple(v.strip() for v in value)


def load_codebook(codebook: str | Path | Mapping | Codebook) -> Codebook:
    """Read and validate a codebook: a TOML file, a dict shaped like one, or a Codebook.

    Raises
    ------
    SpecError
        The file is missing or not TOML, a key is unknown (the message names the closest
        valid key), a theme lacks ``key``, ``nl``, ``en`` or ``terms``, or a key repeats.

    Examples
    --------
    >>> book = load_codebook({"themes": [{"key": "price", "nl": "Prijs", "en": "Price",
    ...                                   "terms": ["prijs", "duur"]}]})
    >>> book.keys
    ['price']
    >>> load_codebook({"themes": [{"key": "price", "nl": "Prijs", "en": "Price",
    ...                            "term": ["prijs"]}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    drivers.errors.SpecError: codebook, theme 1 ('price'): unknown key(s) 'term' (did you mean 'terms'?)...
    """
    if isinstance(codebook, Codebook):
        return codebook
    source = "codebook"
    if isinstance(codebook, str | Path):
        path = Path(codebook)
        source = str(path)
        if not path.is_file():
            raise SpecError(f"Codebook {path} does not exist.")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as err:
            raise SpecError(f"{path} is not valid TOML: {err}.") from None
    elif isinstance(codebook, Mapping):
        raw = dict(codebook)
    else:
        raise ParameterError(
            f"The 'codebook' parameter must be a path to a TOML file, a dict or a Codebook. "
            f"Got {type(codebook).__name__} instead."
        )
    _unknown(raw, _CODEBOOK_KEYS, source)
    items = raw.get("themes")
    if not isinstance(items, list) or not items:
        raise SpecError(f"{source}: no [[themes]]; a codebook lists at least one theme.")
    language = raw.get("language", "nl")
    if language not in ("nl", "en"):
        raise SpecError(f"{source}: 'language' must be 'nl' or 'en'; got {language!r}.")
    found: list[Theme] = []
    for i, item in enumerate(items, start=1):
        name = item.get("key") if isinstance(item, dict) else None
        where = f"{source}, theme {i}" + (f" ({name!r})" if name else "")
        if not isinstance(item, dict):
            raise SpecError(f"{where}: a theme is a table ([[themes]]); got {item!r}.")
        _unknown(item, _THEME_KEYS, where)
        for required in ("key", "nl", "en", "terms"):
            if required not in item:
                raise SpecError(f"{where}: {required!r} is missing.")
        key = item["key"]
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise SpecError(
                f"{where}: 'key' must be an English identifier in lower case "
                f"(letters, digits, _); got {key!r}."
            )
        if key in {t.key for t in found}:
            raise SpecError(f"{where}: the key {key!r} is used twice.")
        terms = _str_list(item["terms"], where, "terms")
        if not terms:
            raise SpecError(f"{where}: 'terms' is empty.")
        found.append(
            Theme(
                key=key,
                nl=str(item["nl"]),
                en=str(item["en"]),
                terms=terms,
                terms_en=_str_list(item.get("terms_en", []), where, "terms_en"),
                exclude=_str_list(item.get("exclude", []), where, "exclude"),
            )
        )
    return Codebook(
        themes=tuple(found), language=language, name=str(raw.get("name", "")), source=source
    )


# --------------------------------------------------------------------------- text


def normalise(text: str) -> str:
    """Lowercase, accents stripped, hyphens joined: the form terms and answers are compared in.

    Examples
    --------
    >>> normalise("Één dag te laat; e-mail NIET beantwoord")
    'een dag te laat; email niet beantwoord'
    """
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"(?<=\w)-(?=\w)", "", plain)


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Clause boundaries: punctuation and contrast words.
_CLAUSE = re.compile(
    r"[.;:!?,()\n]+|\b(?:maar|alleen|behalve|echter|helaas|wel|but|however|except|although)\b"
)

_NEGATORS = frozenset(
    "niet geen nooit nauwelijks zelden onvoldoende niks niets allerminst "
    "not no never hardly nothing dont doesnt didnt isnt wasnt arent cant wont".split()
)
_POSITIVE = frozenset(
    "goed goede prima tevreden snel snelle top uitstekend uitstekende fijn fijne prettig "
    "prettige netjes correct correcte vriendelijk vriendelijke duidelijk duidelijke "
    "betrouwbaar betrouwbare keurig perfect super lekker helpend behulpzaam bereikbaar "
    "op tijd scherp scherpe redelijk redelijke oke ok "
    "good great fine happy fast quick excellent friendly clear reliable helpful".split()
)
_NEGATIVE = frozenset(
    "slecht slechte traag trage laat later duur dure fout foute fouten onduidelijk "
    "onduidelijke teleurgesteld teleurstellend beschadigd beschadigde kapot kapotte "
    "ontevreden matig matige rommelig rommelige waardeloos waardeloze onbereikbaar "
    "onoverzichtelijk onoverzichtelijke lastig lastige moeizaam moeizame chaotisch "
    "vertraging vertraagd mis klopt kloppen wisselt wisselend wisselende verkeerd "
    "verkeerde onvriendelijk onvriendelijke slordig slordige weinig wachten duurde duurt "
    "duren goedkoper onbeleefd incompleet onvolledig rommeltje beperkt defect defecte "
    "probleem problemen gestegen prijzig drama omslachtig dubbel afwezig foutmelding "
    "foutmeldingen onhandig afgewezen doorgeschoven hopeloos onbetrouwbaar verouderd "
    "tegenvallen viel valt omlaag bezet onvoorspelbaar verslechterd achteruit vergeten "
    "aanmaning hoog hoge "
    "mess hard down ages dropped problem problems "
    "bad poor slow late expensive wrong broken damaged unclear disappointed terrible "
    "awful unreachable messy".split()
)
# "klopt" and "kloppen" count as negative only with a negation ("klopt niet"); without one
# they are neutral or positive. The same for "mis" in "gaat mis" (negative on its own).
_NEEDS_NEGATION = frozenset({"klopt", "kloppen"})

_EN_WORDS = frozenset(
    "the and are were very not but with for of to we they it its our your their this that "
    "always never too quite really good great nice fine delivery invoice invoices price prices "
    "quality slow fast wrong helpful could would should have has had "
    "be been you my me easy hard well bad poor a an fair mess".split()
)
_NL_WORDS = frozenset(
    "de het een en zijn niet maar met voor van wij we ze zij het dit dat altijd nooit te "
    "erg heel goed goede snel levering prijs kwaliteit factuur klacht bij op aan ook wel "
    "nog al geen er ik mijn ons onze hun hebben heeft waren wordt worden".split()
)


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str, lang: str) -> str:
    import simplemma

    try:
        lemma = simplemma.lemmatize(word, lang=lang)
    except Exception:  # pragma: no cover - simplemma is robust; a safety net
        return word
    return normalise(lemma)


@functools.lru_cache(maxsize=200_000)
def _known(word: str) -> bool:
    import simplemma

    return bool(simplemma.is_known(word, lang="nl")) or bool(simplemma.is_known(word, lang="en"))


def _is_english(words: Sequence[str]) -> bool:
    en = sum(w in _EN_WORDS for w in words)
    nl = sum(w in _NL_WORDS for w in words)
    return en >= 1 and en > nl


def _sound(word: str) -> str:
    """A spelling key for the Dutch errors a ratio misses: ij/ei, ch/g, final d/t."""
    key = word.replace("ij", "ei").replace("y", "ei").replace("ch", "g").replace("dt", "t")
    key = re.sub(r"d\b", "t", key)
    return re.sub(r"(.)\1+", r"\1", key)


_SUFFIXES = ("heden", "heid", "ingen", "ing", "tie", "en", "e", "s")


def _stem(term: str) -> str:
    """The part of a term that starts a compound: "levering" -> "lever"."""
    for suffix in _SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 5:
            return term[: -len(suffix)]
    return term


# --------------------------------------------------------------------------- the matcher


@dataclass(frozen=True)
class _Pattern:
    theme: int
    words: tuple[str, ...]  # normalised words of the term
    exclude: bool
    english: bool


class _Matcher:
    """Compiled codebook: which words of an answer match which theme's terms.

    Every distinct word is analysed once (lemma, compound parts, typo) and cached, so that
    coding 100,000 answers costs about as much as analysing their vocabulary.
    """

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        patterns: list[_Pattern] = []
        for i, theme in enumerate(codebook.themes):
            for terms, english, exclude in (
                (theme.terms, False, False),
                (theme.terms_en, True, False),
                (theme.exclude, False, True),
            ):
                for term in terms:
                    words = tuple(_WORD.findall(normalise(term)))
                    if words:
                        patterns.append(_Pattern(i, words, exclude, english))
        self.patterns = patterns
        # Index of single words: exact forms and lemmas -> pattern word ids.
        self._vocab: dict[tuple[str, bool], int] = {}
        self._word_lists: list[tuple[str, bool, bool]] = []  # (word, english, exclude-only)
        for p in patterns:
            for w in p.words:
                key = (w, p.english)
                if key not in self._vocab:
                    self._vocab[key] = len(self._word_lists)
                    self._word_lists.append((w, p.english, False))
        self._exact: dict[tuple[str, bool], set[int]] = {}
        single = {p.words[0] for p in patterns if len(p.words) == 1 and not p.english}
        self._prefix: list[tuple[str, int, bool]] = []
        self._suffix: list[tuple[str, int, bool]] = []
        for (w, english), wid in self._vocab.items():
            lang = "en" if english else "nl"
            for form in {w, _lemma(w, lang)}:
                self._exact.setdefault((form, english), set()).add(wid)
            # Compound parts only for one-word terms: "tijd" of "op tijd" is no head.
            if not english and len(w) >= 4 and w in single:
                if len(_stem(w)) >= 5:  # "vers" would start "verslechterd"
                    self._prefix.append((_stem(w), wid, english))
                self._suffix.append((w, wid, english))
        self._fuzzy_terms = {
            english: [
                (w, wid) for (w, e), wid in self._vocab.items() if e == english and len(w) >= 5
            ]
            for english in (False, True)
        }
        self._cache: dict[tuple[str, bool], frozenset[int]] = {}
        # Patterns by the id of their first word, with the ids of all their words.
        self._starts: dict[int, list[tuple[_Pattern, tuple[int, ...]]]] = {}
        for p in patterns:
            pids = tuple(self._vocab[(w, p.english)] for w in p.words)
            self._starts.setdefault(pids[0], []).append((p, pids))

    # which pattern words a text word stands for
    def word_ids(self, word: str, english: bool) -> frozenset[int]:
        key = (word, english)
        found = self._cache.get(key)
        if found is None:
            found = frozenset(
                self._analyse(word, False) | (self._analyse(word, True) if english else set())
            )
            self._cache[key] = found
        return found

    def _analyse(self, word: str, english: bool) -> set[int]:
        lang = "en" if english else "nl"
        found: set[int] = set()
        for form in (word, _lemma(word, lang)):
            found |= self._exact.get((form, english), set())
        if english:
            return found or self._fuzzy(word, english)
        for stem, wid, _ in self._prefix:
            if len(word) >= len(stem) + 3 and word.startswith(stem):
                found.add(wid)
        for head, wid, _ in self._suffix:
            if len(word) >= len(head) + 3 and word.endswith(head):
                found.add(wid)
        if found:
            return found
        return self._fuzzy(word, english)

    def _fuzzy(self, word: str, english: bool) -> set[int]:
        if len(word) < 5 or _known(word):
            return set()
        from rapidfuzz import fuzz

        key = _sound(word)
        found = set()
        for term, wid in self._fuzzy_terms[english]:
            if term[0] != word[0]:
                continue
            if _sound(term) == key or fuzz.ratio(word, term) >= 85:
                found.add(wid)
        return found

    def code(self, text: str) -> tuple[set[int], set[int], bool]:
        """(themes mentioned, themes mentioned negatively, English) of one answer."""
        norm = normalise(text)
        words_all = _WORD.findall(norm)
        english = _is_english(words_all)
        mentioned: set[int] = set()
        negative: set[int] = set()
        for clause in _CLAUSE.split(norm):
            words = _WORD.findall(clause)
            if not words:
                continue
            ids = [self.word_ids(w, english) for w in words]
            hits: dict[int, list[tuple[int, int]]] = {}
            excluded: dict[int, list[tuple[int, int]]] = {}
            for start, found in enumerate(ids):
                for wid in found:
                    for p, pids in self._starts.get(wid, ()):
                        if p.english and not english:
                            continue
                        span = len(pids)
                        if start + span > len(words):
                            continue
                        if all(pids[k] in ids[start + k] for k in range(1, span)):
                            target = excluded if p.exclude else hits
                            target.setdefault(p.theme, []).append((start, start + span))
            clause_themes = set()
            for theme, spans in hits.items():
                blocked = excluded.get(theme, [])
                if any(not any(a < d and c < b for c, d in blocked) for a, b in spans):
                    clause_themes.add(theme)
            if clause_themes:
                mentioned |= clause_themes
                if _negative(words):
                    negative |= clause_themes
        return mentioned, negative, english


def _negative(words: Sequence[str]) -> bool:
    """A clause is negative: a negative word not negated, "te laat", "kan beter", a negation."""
    flipped = set()  # negators that negate a negative word: "niet slecht", "geen probleem"
    negative = False
    for i, word in enumerate(words):
        if word in _NEGATIVE and word not in _NEEDS_NEGATION:
            before = [j for j in range(max(0, i - 2), i) if words[j] in _NEGATORS]
            if before:
                flipped.update(before)
            else:
                negative = True
    if negative:
        return True
    for i, word in enumerate(words[:-1]):
        # "te duur", "te laat", "too long": too much of something.
        if word in ("te", "too") and words[i + 1] in _TOO:
            return True
        # "kan beter", "moet beter", "could be better"
        if word in ("kan", "moet", "mag", "could", "should") and "beter" in words[i + 1 : i + 3]:
            return True
        if word in ("could", "should") and "better" in words[i + 1 : i + 3]:
            return True
    # "niet tevreden", "klopt niet", "niet altijd op tijd", "geen reactie"
    return any(w in _NEGATORS and i not in flipped for i, w in enumerate(words))


_TOO = frozenset(
    "laat lang duur traag weinig veel hoog hoge vaak lange kort late long high slow expensive "
    "much many often".split()
)


# --------------------------------------------------------------------------- coding


@read_only("table", "negative", "english", "answered")
@dataclass(frozen=True, eq=False, repr=False)
class ThemeResult(Summarised):
    """Open answers coded into themes.

    Attributes
    ----------
    table : DataFrame
        Wide, one row per answer (indexed like the input), one boolean column per theme key.
    negative : DataFrame
        Same shape: the theme was mentioned negatively ("niet tevreden over de levering").
    english : Series
        The answer was read as English.
    answered : Series
        The answer holds text (not empty, not an n.v.t. code).
    codebook : Codebook
    column : str or None
        The open-answer column coded.
    answers : Series
        The answers as given, for :func:`theme_quotes` (which scrubs them). Never shown by
        ``summary`` or ``repr``; the result is for the analysis, not for a deliverable:
        save its tables, not the result.
    """

    table: pd.DataFrame
    negative: pd.DataFrame
    english: pd.Series
    answered: pd.Series
    codebook: Codebook
    column: str | None
    answers: pd.Series

    _repr_fields = ("n", "n_answered", "coded_share")

    @property
    def n(self) -> int:
        return int(len(self.table))

    @property
    def n_answered(self) -> int:
        return int(self.answered.sum())

    @property
    def coded_share(self) -> float:
        answered = self.answered
        if not answered.any():
            return float("nan")
        return float(self.table[answered.to_numpy()].any(axis=1).mean())

    @property
    def coded(self) -> pd.Series:
        """True for answers with at least one theme."""
        return self.table.any(axis=1)

    @property
    def coverage(self) -> pd.DataFrame:
        """Answers coded / not coded / empty: ``status``, ``n``, ``share`` (of the answered)."""
        answered = self.answered.to_numpy()
        coded = self.table.any(axis=1).to_numpy() & answered
        n_answered = int(answered.sum())
        rows = [
            ("coded", int(coded.sum())),
            ("not_coded", n_answered - int(coded.sum())),
            ("empty", int((~answered).sum())),
        ]
        share = [c / n_answered if n_answered and s != "empty" else float("nan") for s, c in rows]
        return pd.DataFrame(
            {"status": [r[0] for r in rows], "n": [r[1] for r in rows], "share": share}
        )

    @property
    def sentiment(self) -> pd.DataFrame:
        """Per theme: mentions, negative mentions and their share of the mentions."""
        mentions = self.table.sum()
        negative = (self.negative & self.table).sum()
        labels = self.codebook.labels(self.codebook.language)
        out = pd.DataFrame(
            {
                "theme": list(self.table.columns),
                "label": [labels[k] for k in self.table.columns],
                "mentions": mentions.to_numpy(int),
                "negative": negative.to_numpy(int),
            }
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            out["negative_share"] = out["negative"] / out["mentions"].where(out["mentions"] > 0)
        return out

    def shares(self) -> pd.Series:
        """Share of the answered answers that mention each theme."""
        answered = self.answered.to_numpy()
        if not answered.any():
            return pd.Series(np.nan, index=self.table.columns)
        return self.table[answered].mean()

    def _summary_parts(self) -> SummaryParts:
        table = self.sentiment
        table.insert(3, "share", self.shares().to_numpy())
        return SummaryParts(
            header=[
                f"Open answers coded into {len(self.codebook.themes)} themes: "
                f"{self.n_answered} of {self.n} answered, {self.coded_share:.0%} of those coded."
            ],
            tables=[table],
            float_format=lambda x: f"{x:.2f}",
        )


_EMPTY = frozenset({"", "-", "--", ".", "n.v.t.", "nvt", "n.v.t", "weet niet", "geen", "nee", "x"})


def _answer_series(answers, column: str | None, func: str) -> tuple[pd.Series, str | None, set]:
    spec = getattr(answers, "spec", None)
    na = set()
    if spec is not None and isinstance(getattr(answers, "data", None), pd.DataFrame):
        frame = answers.data
        na = {str(c).strip().lower() for c in getattr(spec, "na_codes", ()) or ()}
        if column is None:
            opens = list(getattr(spec, "open_answers", ()) or ())
            if not opens:
                raise ParameterError(
                    f"{func}: the survey spec lists no open_answers; pass column= to name the "
                    "open-answer column."
                )
            column = opens[0]
        answers = frame
    if isinstance(answers, pd.DataFrame):
        if column is None:
            raise ParameterError(f"{func}: with a DataFrame, pass column= (the open answers).")
        if column not in answers.columns:
            hint = closest(str(column), [str(c) for c in answers.columns])
            more = f" Did you mean {hint!r}?" if hint else ""
            raise ColumnNotFoundError(f"{func}: no column {column!r} in the data.{more}")
        return answers[column], column, na
    if isinstance(answers, pd.Series):
        return answers, answers.name if column is None else column, na
    if isinstance(answers, str) or not isinstance(answers, Iterable):
        raise ParameterError(
            f"The 'answers' parameter of {func} must be a Survey, a DataFrame with column=, "
            f"or a Series (or list) of texts. Got {type(answers).__name__} instead."
        )
    return pd.Series(list(answers), dtype=object), column, na


def _usable(value: Any, na: set) -> bool:
    if not isinstance(value, str):
        return False
    cleaned = value.strip().lower()
    return cleaned not in _EMPTY and cleaned not in na


@functools.lru_cache(maxsize=16)
def _compiled(codebook: Codebook) -> _Matcher:
    return _Matcher(codebook)


def themes(answers, codebook, column: str | None = None) -> ThemeResult:
    """Code open answers into the themes of a codebook; an answer may get several themes.

    Parameters
    ----------
    answers : Survey, DataFrame or Series
        A Survey (its first open-answer column, ``survey.spec.open_answers``, unless
        ``column`` names another), a DataFrame with ``column``, or a Series (or list) of texts.
    codebook : str, Path, dict or Codebook
        The themes; a TOML file as described in this module (see :func:`load_codebook`).
    column : str, optional
        The open-answer column.

    Returns
    -------
    ThemeResult
        ``.table`` answer × theme booleans indexed like the input, ``.coverage``,
        ``.sentiment`` (negative mentions per theme), ``.negative``, ``.english``.

    Examples
    --------
    >>> book = {"themes": [
    ...     {"key": "delivery", "nl": "Levering", "en": "Delivery",
    ...      "terms": ["levering", "te laat"], "terms_en": ["delivery"],
    ...      "exclude": ["leverancier"]},
    ...     {"key": "price", "nl": "Prijs", "en": "Price", "terms": ["prijs", "duur"],
    ...      "terms_en": ["price", "expensive"]}]}
    >>> r = themes(["Niet tevreden over de levering", "Leverbetrouwbaarheid is top",
    ...             "Te duur", "Goede leverancier", "The delivery was too expensive", ""], book)
    >>> r.table.astype(int).to_numpy().tolist()
    [[1, 0], [1, 0], [0, 1], [0, 0], [1, 1], [0, 0]]
    >>> r.negative["delivery"].tolist()[:2]
    [True, False]
    """
    series, column, na = _answer_series(answers, column, "themes")
    book = load_codebook(codebook)
    matcher = _compiled(book)
    keys = book.keys
    n = len(series)
    hits = np.zeros((n, len(keys)), dtype=bool)
    negative = np.zeros((n, len(keys)), dtype=bool)
    english = np.zeros(n, dtype=bool)
    answered = np.zeros(n, dtype=bool)
    memo: dict[str, tuple[set[int], set[int], bool]] = {}
    for row, value in enumerate(series.tolist()):
        if not _usable(value, na):
            continue
        answered[row] = True
        found = memo.get(value)
        if found is None:
            found = matcher.code(value)
            memo[value] = found
        mentioned, negated, is_english = found
        for j in mentioned:
            hits[row, j] = True
        for j in negated:
            negative[row, j] = True
        english[row] = is_english
    index = series.index
    return ThemeResult(
        table=pd.DataFrame(hits, index=index, columns=keys),
        negative=pd.DataFrame(negative, index=index, columns=keys),
        english=pd.Series(english, index=index, name="english"),
        answered=pd.Series(answered, index=index, name="answered"),
        codebook=book,
        column=column,
        answers=series.astype(object),
    )


# --------------------------------------------------------------------------- themes and NPS

_GROUPS = ("promoter", "passive", "detractor")


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2))


def _wilson(p: float, n_eff: float, level: float) -> tuple[float, float]:
    """Wilson score interval for a (weighted) share, with Kish's effective n."""
    if not n_eff or not np.isfinite(p):
        return float("nan"), float("nan")
    z = _z(level)
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)) / (1 + z * z / n_eff)
    return max(0.0, centre - half), min(1.0, centre + half)


def _kish(w: np.ndarray) -> float:
    total = w.sum()
    return float(total * total / (w * w).sum()) if total > 0 else 0.0


def _check_int(value: Any, name: str, func: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ParameterError(
            f"The {name!r} parameter of {func} must be an int >= {low}. Got {value!r} instead."
        )
    return int(value)


def _check_coded(coded: Any, func: str) -> ThemeResult:
    if not isinstance(coded, ThemeResult):
        raise ParameterError(
            f"The 'coded' parameter of {func} must be the result of drivers.themes(). "
            f"Got {type(coded).__name__} instead."
        )
    return coded


def _respondents(coded: ThemeResult, data, outcome, grades, weights, func: str):
    """The survey frame aligned with the coded answers, its scores, grades and weights."""
    from drivers.stats._input import is_survey, weight_values

    spec = data.spec if is_survey(data) else None
    frame = data.data if is_survey(data) else data
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"The 'data' parameter of {func} must be a Survey or a DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    outcome = outcome or (spec.nps if spec is not None else None)
    if outcome is None:
        raise ParameterError(f"{func}: with a DataFrame, pass outcome= (the 0-10 column).")
    if grades is None:
        grades = list(spec.touchpoint_keys) if spec is not None else []
    if weights is None and spec is not None and spec.weight:
        weights = spec.weight
    for column in [outcome, *grades]:
        if column not in frame.columns:
            hint = closest(str(column), [str(c) for c in frame.columns])
            more = f" Did you mean {hint!r}?" if hint else ""
            raise ColumnNotFoundError(f"{func}: no column {column!r} in the data.{more}")
    index = coded.table.index
    if len(frame) != len(index) or not frame.index.equals(index):
        if not index.isin(frame.index).all():
            raise DataError(
                f"{func}: the coded answers and the data do not have the same rows "
                f"({len(index)} answers, {len(frame)} rows). Code the same survey or frame."
            )
        frame = frame.loc[index]
    w, _ = weight_values(weights, frame, func)
    w = np.ones(len(frame)) if w is None else np.asarray(w, dtype=float)
    scores = pd.to_numeric(frame[outcome], errors="coerce").to_numpy(float)
    keep = coded.answered.to_numpy() & np.isfinite(scores) & np.isfinite(w) & (w > 0)
    label_of = {}
    for key in grades:
        label_of[key] = spec.label(key, spec.language) if spec is not None else key
    return frame, scores, keep, w, list(grades), label_of


def _nps_score(scores: np.ndarray, cutoffs=None, func: str = "theme_impact") -> np.ndarray:
    """Promoter +1, passive 0, detractor -1."""
    from drivers.stats.nps import STANDARD, _cutoffs

    return (STANDARD if cutoffs is None else _cutoffs(cutoffs, func)).sign(scores)


def _design(grades: pd.DataFrame) -> np.ndarray:
    """Intercept, grades (n.v.t. filled with the mean) and an "answered" flag where needed."""
    columns = [np.ones(len(grades))]
    for key in grades.columns:
        values = pd.to_numeric(grades[key], errors="coerce").to_numpy(float)
        answered = np.isfinite(values)
        if answered.sum() < 2 or np.nanstd(values) == 0:
            continue
        columns.append(np.where(answered, values, np.nanmean(values)))
        if not answered.all():
            columns.append(answered.astype(float))
    return np.column_stack(columns)


def _adjusted(y: np.ndarray, t: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """WLS coefficient of each theme column of ``t`` in y ~ theme + z (Frisch-Waugh)."""
    sw = np.sqrt(w)[:, None]
    zw = z * sw
    both = np.column_stack([y, t]) * sw
    coef, *_ = np.linalg.lstsq(zw, both, rcond=None)
    resid = both - zw @ coef
    ry, rt = resid[:, 0], resid[:, 1:]
    denom = (rt * rt).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 1e-12, (rt * ry[:, None]).sum(axis=0) / denom, np.nan)


def _gaps(s: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted NPS (x100) of mentioners minus non-mentioners, per theme column."""
    wt = t * w[:, None]
    wo = (1 - t) * w[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mention = (wt * s[:, None]).sum(axis=0) / wt.sum(axis=0)
        other = (wo * s[:, None]).sum(axis=0) / wo.sum(axis=0)
    return 100 * (mention - other)


@read_only("table", "frequency")
@dataclass(frozen=True, eq=False, repr=False)
class ThemeImpact(Summarised):
    """Themes tied to the NPS (see :func:`theme_impact`).

    Attributes
    ----------
    table : DataFrame
        One row per theme: ``theme``, ``label``, ``n_mention``, ``n_other``, ``share``,
        ``nps_mention``, ``nps_other``, ``nps_gap`` with ``gap_ci_low`` / ``gap_ci_high``,
        ``adjusted`` (NPS points, holding the touchpoint grades constant) with
        ``adjusted_ci_low`` / ``adjusted_ci_high``, ``touchpoint`` (whose grade differs
        most between mentioners and the others), ``touchpoint_label``, ``grade_mention``,
        ``grade_other``, ``grade_gap``, ``negative_share``, ``small_base``, ``suppressed``.
    frequency : DataFrame
        Theme share per NPS group: ``theme``, ``label``, ``group`` (promoter, passive,
        detractor, total), ``n`` (answers in the group), ``share``, ``ci_low``, ``ci_high``
        (Wilson, Kish effective n), ``small_base``, ``suppressed``.
    """

    table: pd.DataFrame
    frequency: pd.DataFrame
    n: int
    bootstrap: int
    seed: int
    level: float
    weighted: bool
    language: str = "nl"
    labels: dict = field(default_factory=dict)

    _repr_fields = ("n", "bootstrap", "weighted")

    def label(self, theme: str, lang: str | None = None) -> str:
        """Display label of a theme in ``lang`` (default the codebook's language)."""
        return self.labels.get(lang or self.language, {}).get(theme, theme)

    def _summary_parts(self) -> SummaryParts:
        shown = self.table[
            ["theme", "n_mention", "share", "nps_mention", "nps_other", "nps_gap", "adjusted"]
            + ["adjusted_ci_low", "adjusted_ci_high", "touchpoint", "grade_gap"]
        ]
        return SummaryParts(
            header=[
                f"Themes and NPS: {self.n} answers"
                + (", weighted" if self.weighted else "")
                + f"; {self.bootstrap} bootstrap draws (seed {self.seed}), "
                f"{self.level:.0%} intervals."
            ],
            tables=[shown],
            notes=[
                "nps_gap: NPS of those who mention the theme minus the others who answered.",
                "adjusted: the same, holding the touchpoint grades constant (weighted "
                "regression of promoter +1 / passive 0 / detractor -1 on theme + grades), x100.",
            ],
            float_format=lambda x: f"{x:.2f}",
        )

    def plot(self, ax=None, *, lang: str | None = None):
        """Impact chart with intervals (:func:`drivers.present.themes_charts.impact`)."""
        from drivers.present import themes_charts

        return themes_charts.impact(self, ax=ax, lang=lang or self.language)


def theme_impact(
    coded: ThemeResult,
    data,
    *,
    outcome: str | None = None,
    grades: Sequence[str] | None = None,
    weights=None,
    bootstrap: int = 500,
    seed: int = 0,
    level: float = 0.95,
    privacy_floor: int = 5,
    min_n: int = 30,
    cutoffs=None,
) -> ThemeImpact:
    """How the themes go with the NPS: frequency per NPS group, NPS gap, adjusted effect.

    Parameters
    ----------
    coded : ThemeResult
        :func:`themes` of the same respondents.
    data : Survey or DataFrame
        The respondents: NPS answer, touchpoint grades, weights (a Survey supplies all).
    outcome : str, optional
        The 0-10 column (default ``spec.nps``).
    grades : list of str, optional
        Touchpoint grade columns for the adjusted estimate (default the spec's touchpoints).
        Grades that are n.v.t. are filled with the mean, with an "answered" flag.
    weights : str or array-like, optional
        Survey weights (default ``spec.weight``).
    bootstrap : int, default 500
        Resamples of respondents for the intervals of ``nps_gap`` and ``adjusted``.
    seed : int, default 0
    level : float, default 0.95
    privacy_floor : int, default 5
        Themes mentioned (or not mentioned) by fewer respondents are suppressed, as are
        NPS groups with fewer answers.
    min_n : int, default 30
        Below this, rows are flagged ``small_base``.
    cutoffs : Cutoffs, optional
        Where promoters begin and detractors end (default 9-10 and 0-6; see
        :class:`drivers.stats.nps.Cutoffs`).

    Returns
    -------
    ThemeImpact

    Notes
    -----
    The base is the respondents who answered the open question: the NPS of those who
    mention a theme is set against the NPS of the others who answered. The adjusted
    estimate is the weighted least-squares coefficient of the theme in
    ``score ~ theme + grades`` with score = +1 (promoter), 0 (passive), -1 (detractor),
    times 100: the NPS points that go with mentioning the theme among respondents who
    grade the touchpoints alike. Intervals are percentiles of a seeded bootstrap over
    respondents (weights kept with their respondent).

    Examples
    --------
    >>> from drivers import demo
    >>> survey = demo.load(2024)
    >>> coded = themes(survey, demo.codebook())
    >>> impact = theme_impact(coded, survey, bootstrap=50)
    >>> row = impact.table.set_index("theme").loc["complaints"]
    >>> bool(row["nps_gap"] < 0), row["touchpoint"]
    (True, 'klachtafhandeling')
    """
    func = "theme_impact"
    coded = _check_coded(coded, func)
    bootstrap = _check_int(bootstrap, "bootstrap", func, 0)
    privacy_floor = _check_int(privacy_floor, "privacy_floor", func, 1)
    min_n = _check_int(min_n, "min_n", func, 1)
    if not 0 < float(level) < 1:
        raise ParameterError(f"The 'level' parameter of {func} must be in (0, 1). Got {level!r}.")
    frame, scores, keep, w_all, grade_keys, grade_labels = _respondents(
        coded, data, outcome, grades, weights, func
    )
    weighted = not np.allclose(w_all, w_all[0]) if len(w_all) else False
    book = coded.codebook
    lang = book.language
    labels = book.labels(lang)
    keys = book.keys
    t = coded.table.to_numpy(float)[keep]
    neg = (coded.negative.to_numpy() & coded.table.to_numpy())[keep]
    s = _nps_score(scores[keep], cutoffs, func)
    w = w_all[keep]
    g = frame.loc[keep, grade_keys] if grade_keys else pd.DataFrame(index=frame.index[keep])
    z = _design(g)
    n = int(keep.sum())

    # -- frequency per NPS group
    group_of = np.where(s > 0, "promoter", np.where(s == 0, "passive", "detractor"))
    rows = []
    for j, key in enumerate(keys):
        for group in (*_GROUPS, "total"):
            inside = np.ones(n, bool) if group == "total" else group_of == group
            wg = w[inside]
            count = int(inside.sum())
            share = float((wg * t[inside, j]).sum() / wg.sum()) if count else float("nan")
            low, high = _wilson(share, _kish(wg), level) if count else (np.nan, np.nan)
            rows.append(
                {
                    "theme": key,
                    "label": labels[key],
                    "group": group,
                    "n": count,
                    "mentions": int(t[inside, j].sum()),
                    "share": share,
                    "ci_low": low,
                    "ci_high": high,
                    "small_base": count < min_n,
                }
            )
    from drivers.stats.nps import suppress

    frequency = suppress(pd.DataFrame(rows), privacy_floor, n="n")

    # -- NPS gap and adjusted effect, with a seeded bootstrap
    gap = _gaps(s, t, w)
    adjusted = 100 * _adjusted(s, t, z, w)
    rng = np.random.default_rng(seed)
    draws_gap = np.full((bootstrap, len(keys)), np.nan)
    draws_adj = np.full((bootstrap, len(keys)), np.nan)
    for b in range(bootstrap):
        pick = rng.integers(0, n, n)
        draws_gap[b] = _gaps(s[pick], t[pick], w[pick])
        draws_adj[b] = 100 * _adjusted(s[pick], t[pick], z[pick], w[pick])
    tail = 100 * (1 - level) / 2

    def interval(draws: np.ndarray, j: int) -> tuple[float, float]:
        values = draws[:, j]
        values = values[np.isfinite(values)]
        if len(values) < max(10, bootstrap // 2):
            return float("nan"), float("nan")
        return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))

    table_rows = []
    for j, key in enumerate(keys):
        mention = t[:, j] > 0
        wm, wo = w[mention], w[~mention]
        nps_m = 100 * float((wm * s[mention]).sum() / wm.sum()) if mention.any() else np.nan
        nps_o = 100 * float((wo * s[~mention]).sum() / wo.sum()) if (~mention).any() else np.nan
        best = (None, np.nan, np.nan)
        for key_g in grade_keys:
            values = pd.to_numeric(g[key_g], errors="coerce").to_numpy(float)
            ok = np.isfinite(values)
            a, b_ = ok & mention, ok & ~mention
            if a.sum() < privacy_floor or b_.sum() < privacy_floor:
                continue
            ga = float(np.average(values[a], weights=w[a]))
            gb = float(np.average(values[b_], weights=w[b_]))
            if best[0] is None or abs(ga - gb) > abs(best[1] - best[2]):
                best = (key_g, ga, gb)
        gap_low, gap_high = interval(draws_gap, j)
        adj_low, adj_high = interval(draws_adj, j)
        count = int(mention.sum())
        table_rows.append(
            {
                "theme": key,
                "label": labels[key],
                "n_mention": count,
                "n_other": int(n - count),
                "share": float(wm.sum() / w.sum()) if n else np.nan,
                "nps_mention": nps_m,
                "nps_other": nps_o,
                "nps_gap": float(gap[j]),
                "gap_ci_low": gap_low,
                "gap_ci_high": gap_high,
                "adjusted": float(adjusted[j]),
                "adjusted_ci_low": adj_low,
                "adjusted_ci_high": adj_high,
                "touchpoint": best[0],
                "touchpoint_label": grade_labels.get(best[0], best[0]) if best[0] else None,
                "grade_mention": best[1],
                "grade_other": best[2],
                "grade_gap": best[1] - best[2],
                "negative_share": float(neg[mention, j].mean()) if count else np.nan,
                "small_base": count < min_n,
            }
        )
    table = suppress(pd.DataFrame(table_rows), privacy_floor, n=["n_mention", "n_other"])
    table.loc[table["suppressed"], ["touchpoint", "touchpoint_label"]] = None
    return ThemeImpact(
        table=table,
        frequency=frequency,
        n=n,
        bootstrap=bootstrap,
        seed=int(seed),
        level=float(level),
        weighted=bool(weighted),
        language=lang,
        labels={"nl": book.labels("nl"), "en": book.labels("en")},
    )


def compare_theme_shares(
    previous: ThemeResult,
    current: ThemeResult,
    *,
    previous_weights=None,
    current_weights=None,
    level: float = 0.95,
    privacy_floor: int = 5,
) -> pd.DataFrame:
    """Theme shares of two waves side by side, with a two-proportion z-test per theme.

    Parameters
    ----------
    previous, current : ThemeResult
        :func:`themes` of the earlier and the later wave (same codebook).
    previous_weights, current_weights : array-like, optional
        Survey weights, one per answer of each result; the test then uses Kish's
        effective n of the answered respondents.
    level : float, default 0.95
        Level of the interval of the change.
    privacy_floor : int, default 5
        A wave with fewer answers than this is suppressed.

    Returns
    -------
    DataFrame
        ``theme``, ``label``, ``n_previous``, ``n_current`` (answers), ``share_previous``,
        ``share_current``, ``change`` with ``ci_low`` / ``ci_high`` (unpooled), ``z``,
        ``p_value`` (pooled two-proportion z-test), ``significant``, ``suppressed``.

    Examples
    --------
    >>> from drivers import demo
    >>> old = themes(demo.load(2023), demo.codebook())
    >>> new = themes(demo.load(2024), demo.codebook())
    >>> table = compare_theme_shares(old, new)
    >>> list(table.columns[:6])
    ['theme', 'label', 'n_previous', 'n_current', 'share_previous', 'share_current']
    """
    from scipy import stats

    func = "compare_theme_shares"
    previous = _check_coded(previous, func)
    current = _check_coded(current, func)
    privacy_floor = _check_int(privacy_floor, "privacy_floor", func, 1)
    if previous.codebook.keys != current.codebook.keys:
        raise ParameterError(
            f"{func}: the two waves were coded with different codebooks "
            f"({previous.codebook.keys} and {current.codebook.keys}); code both with one."
        )

    def prepared(result: ThemeResult, weights, name: str):
        answered = result.answered.to_numpy()
        if weights is None:
            w = np.ones(len(answered))
        else:
            w = np.asarray(weights, dtype=float).ravel()
            if len(w) != len(answered):
                raise ParameterError(
                    f"The {name!r} parameter of {func} must hold one weight per answer "
                    f"({len(answered)}); got {len(w)}."
                )
        w = w[answered]
        t = result.table.to_numpy(float)[answered]
        shares = (t * w[:, None]).sum(axis=0) / w.sum() if len(w) else np.full(t.shape[1], np.nan)
        return int(answered.sum()), _kish(w), shares

    n_a, e_a, p_a = prepared(previous, previous_weights, "previous_weights")
    n_b, e_b, p_b = prepared(current, current_weights, "current_weights")
    z_crit = _z(level)
    labels = current.codebook.labels(current.codebook.language)
    rows = []
    for j, key in enumerate(current.codebook.keys):
        a, b = float(p_a[j]), float(p_b[j])
        change = b - a
        se = math.sqrt(a * (1 - a) / e_a + b * (1 - b) / e_b) if e_a and e_b else np.nan
        pooled = (a * e_a + b * e_b) / (e_a + e_b) if e_a + e_b else np.nan
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / e_a + 1 / e_b)) if e_a and e_b else np.nan
        z = change / se0 if se0 and np.isfinite(se0) and se0 > 0 else np.nan
        p = float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan
        rows.append(
            {
                "theme": key,
                "label": labels[key],
                "n_previous": n_a,
                "n_current": n_b,
                "share_previous": a,
                "share_current": b,
                "change": change,
                "ci_low": change - z_crit * se,
                "ci_high": change + z_crit * se,
                "z": z,
                "p_value": p,
                "significant": bool(np.isfinite(p) and p < 1 - level),
            }
        )
    from drivers.stats.nps import suppress

    return suppress(pd.DataFrame(rows), privacy_floor, n=["n_previous", "n_current"])


# --------------------------------------------------------------------------- quotes

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def _shorten(text: str, max_chars: int) -> str:
    """At most ``max_chars``, cut at a sentence boundary (else a word boundary, with "…")."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in _SENTENCE.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > max_chars:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
    return cut + "\u2026"


def theme_quotes(
    coded: ThemeResult,
    *,
    n: int = 3,
    data=None,
    by: str | None = None,
    privacy_floor: int = 5,
    max_chars: int = 160,
    lang: str | None = None,
    seed: int = 0,
    segments: Sequence[str] = (),
) -> pd.DataFrame:
    """Up to ``n`` representative, scrubbed quotes per theme.

    Parameters
    ----------
    coded : ThemeResult
        :func:`themes` of the answers.
    n : int, default 3
        Quotes per theme (per theme and group with ``by``).
    data : Survey or DataFrame, optional
        The respondents, needed for ``by``.
    by : str, optional
        A segment column of ``data``: quotes per group; groups with fewer than
        ``privacy_floor`` respondents give no quotes (and are not named).
    privacy_floor : int, default 5
        A theme mentioned by fewer respondents gives no quotes, nor does a segment with
        fewer respondents.
    max_chars : int, default 160
        Longer answers are shortened at a sentence boundary (the sentences naming the
        theme first).
    lang : {"nl", "en"}, optional
        Language of the scrub marks (default the codebook's language).
    seed : int, default 0
        Breaks ties among equally representative answers.
    segments : list of str, optional
        Segment columns of ``data``: a respondent in a group of any of them with fewer than
        ``privacy_floor`` respondents is never quoted (what they wrote could point at them,
        even without the group's name). ``drivers run`` passes the report's segments.

    Returns
    -------
    DataFrame
        ``theme``, ``label`` (``by`` first when given), ``quote``: never a respondent id or
        row number (fresh 0..k-1 index). Quotes are scrubbed by :func:`drivers.privacy.scrub`
        (e-mail, phone, URL, IBAN, address, names) before they are shortened.

    Notes
    -----
    *Representative*: answers that name this theme and as few others as possible, of a
    length near the theme's median, one per distinct text.

    Examples
    --------
    >>> from drivers import demo
    >>> coded = themes(demo.load(2024), demo.codebook())
    >>> q = theme_quotes(coded, n=2)
    >>> list(q.columns), int(q.groupby("theme").size().max())
    (['theme', 'label', 'quote'], 2)
    """
    from drivers.privacy import scrub

    func = "theme_quotes"
    coded = _check_coded(coded, func)
    n = _check_int(n, "n", func, 1)
    privacy_floor = _check_int(privacy_floor, "privacy_floor", func, 1)
    max_chars = _check_int(max_chars, "max_chars", func, 20)
    lang = lang or coded.codebook.language
    if lang not in ("nl", "en"):
        raise ParameterError(
            f"The 'lang' parameter of {func} must be one of {{'nl', 'en'}}. Got {lang!r} instead."
        )
    labels = coded.codebook.labels(lang)
    table = coded.table
    texts = coded.answers
    quotable = np.ones(len(table), dtype=bool)
    segments = [segments] if isinstance(segments, str) else list(segments or ())
    if segments and data is None:
        raise ParameterError(f"{func}: segments= needs data= (the Survey or DataFrame).")
    for column in segments:
        frame = data.data if hasattr(data, "spec") else data
        if column not in frame.columns:
            hint = closest(str(column), [str(c) for c in frame.columns])
            more = f" Did you mean {hint!r}?" if hint else ""
            raise ColumnNotFoundError(f"{func}: no segment column {column!r} in the data.{more}")
        groups = frame[column].astype("object")
        size = groups.map(groups.value_counts(dropna=True))
        small = (size < privacy_floor).reindex(table.index).fillna(False).to_numpy(bool)
        quotable &= ~small
    if by is not None:
        if data is None:
            raise ParameterError(f"{func}: by= needs data= (the Survey or DataFrame).")
        frame = data.data if hasattr(data, "spec") else data
        if by not in frame.columns:
            hint = closest(str(by), [str(c) for c in frame.columns])
            more = f" Did you mean {hint!r}?" if hint else ""
            raise ColumnNotFoundError(f"{func}: no column {by!r} in the data.{more}")
        groups = frame[by].reindex(table.index).astype("object")
        counts = groups.value_counts(dropna=True)
        parts = [(g, (groups == g).to_numpy()) for g in sorted(counts.index, key=str)]
        parts = [(g, mask) for g, mask in parts if counts[g] >= privacy_floor]
    else:
        if len(table) < privacy_floor:
            parts = []
        else:
            parts = [(None, np.ones(len(table), dtype=bool))]
    matcher = _compiled(coded.codebook)
    rng = np.random.default_rng(seed)
    rows = []
    width = table.sum(axis=1).to_numpy()
    values = table.to_numpy()
    answered = coded.answered.to_numpy()
    for j, key in enumerate(table.columns):
        for group, mask in parts:
            inside = mask & answered & values[:, j] & quotable
            if inside.sum() < privacy_floor:
                continue
            candidates = pd.DataFrame(
                {
                    "text": [str(t).strip() for t in texts[inside].tolist()],
                    "others": width[inside] - 1,
                }
            ).drop_duplicates("text")
            candidates["length"] = candidates["text"].str.len()
            median = candidates["length"].median()
            candidates["distance"] = (candidates["length"] - median).abs()
            candidates = candidates[candidates["text"].str.split().str.len() >= 3]
            if candidates.empty:
                continue
            candidates["tie"] = rng.random(len(candidates))
            best = candidates.sort_values(["others", "distance", "tie"]).head(n)
            for text in best["text"]:
                row = {} if by is None else {by: group}
                row.update(
                    theme=key,
                    label=labels[key],
                    quote=_theme_sentences(scrub(text, lang=lang), matcher, j, max_chars),
                )
                rows.append(row)
    columns = ["theme", "label", "quote"] if by is None else [by, "theme", "label", "quote"]
    return pd.DataFrame(rows, columns=columns)


def _theme_sentences(text: str, matcher: _Matcher, theme: int, max_chars: int) -> str:
    """The sentences of ``text`` that name the theme, shortened to ``max_chars``."""
    sentences = _SENTENCE.split(" ".join(text.split()))
    if len(text) > max_chars and len(sentences) > 1:
        naming = [s for s in sentences if theme in matcher.code(s)[0]]
        if naming:
            text = " ".join(naming)
    return _shorten(text, max_chars)


# --------------------------------------------------------------------------- suggestions

#: Dutch stop words for theme discovery (function words, and words every answer uses).
DUTCH_STOP_WORDS = frozenset(
    """
    aan al alle alleen als altijd ander andere anders ben bij bijna dan dat de deze die dit
    doen doet door dus echt een eens en er erg ga gaan gaat geen geweest had heb hebben
    heeft hele heel het hier hij hoe hun ik in is ja je kan komen komt kun kunnen maar
    me meer men met mij mijn moet moeten na naar nee net niet niets nog nu of om omdat
    onder ons onze ook op over te tegen toch toen tot u uit uw van veel voor vooral waar
    waarom wanneer want waren was wat we wel werd wie wij wil worden wordt zal ze zelf zich
    zij zijn zo zoals zonder zou zeer iets iemand steeds soms vaak keer jaar jaren wat
    goed goede prima tevreden beter redelijk oke ok bedrijf leverancier groothandel klant
    klanten wij we onze cijfer geven geef waarom omdat dat zijn hebben worden
    """.split()
)


@dataclass(frozen=True)
class ThemeSuggestion:
    """A candidate theme: a key, its top terms and three scrubbed example answers."""

    key: str
    terms: tuple[str, ...]
    examples: tuple[str, ...]
    n: int

    def to_toml(self) -> str:
        label = self.terms[0].capitalize() if self.terms else self.key
        lines = [f"# {self.n} answers, e.g.:"]
        lines += [f"#   {e}" for e in self.examples]
        lines += _theme_toml(
            Theme(key=self.key, nl=label, en=label, terms=self.terms[:6] or (self.key,))
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class ThemeSuggestions:
    """Candidate themes from the answers a codebook leaves uncoded (:func:`suggest_themes`)."""

    suggestions: tuple[ThemeSuggestion, ...]
    n_answers: int
    n_uncoded: int

    def __iter__(self):
        return iter(self.suggestions)

    def __len__(self) -> int:
        return len(self.suggestions)

    def to_toml(self) -> str:
        """A ready-to-paste TOML block: one ``[[themes]]`` table per suggestion."""
        head = (
            f"# {len(self.suggestions)} suggested themes from {self.n_uncoded} uncoded "
            f"answers (of {self.n_answers}). Rename the keys and labels, check the terms, "
            "then paste into the codebook."
        )
        return "\n\n".join([head, *[s.to_toml() for s in self.suggestions]]) + "\n"

    def to_codebook(self) -> Codebook:
        """The suggestions as a codebook, to code with before a consultant has written one."""
        return load_codebook(tomllib.loads(self.to_toml()))

    def __str__(self) -> str:
        return self.to_toml()

    def __repr__(self) -> str:
        keys = ", ".join(s.key for s in self.suggestions)
        return f"ThemeSuggestions({len(self)} themes from {self.n_uncoded} answers: {keys})"

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.to_toml())}</pre>"


def _analyzer(text: str) -> list[str]:
    words = [
        _lemma(w, "nl")
        for w in _WORD.findall(normalise(text))
        if len(w) > 2 and not w.isdigit() and w not in DUTCH_STOP_WORDS
    ]
    words = [w for w in words if w not in DUTCH_STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def suggest_themes(
    survey_or_texts,
    *,
    n: int = 5,
    codebook=None,
    column: str | None = None,
    terms: int = 8,
    examples: int = 3,
    min_df: int = 2,
    seed: int = 0,
    lang: str = "nl",
) -> ThemeSuggestions:
    """Propose candidate themes from the answers that the codebook does not code.

    TF-IDF over lemmas and word pairs (Dutch stop words left out), then non-negative
    matrix factorisation (scikit-learn's NMF) into ``n`` topics. Each topic becomes a
    suggestion with its top terms and the example answers that load most on it,
    scrubbed of personal data.

    Parameters
    ----------
    survey_or_texts : Survey, DataFrame or Series
        The answers (as for :func:`themes`).
    n : int, default 5
        Number of themes to propose.
    codebook : optional
        When given, only the answers it leaves uncoded are used.
    column : str, optional
        The open-answer column (default the survey's first).
    terms, examples : int
        Top terms and example answers per suggestion.
    min_df : int, default 2
        A term must occur in at least this many answers.
    seed : int, default 0
        Seed of the NMF initialisation (the same seed gives the same suggestions).
    lang : {"nl", "en"}
        Language of the scrub marks in the examples.

    Returns
    -------
    ThemeSuggestions
        Printable as a ready-to-paste TOML block (``str(result)`` or ``.to_toml()``).

    Examples
    --------
    >>> texts = ["Parkeren bij het afhaalpunt is lastig", "Geen parkeerplek bij afhaalpunt",
    ...          "Afhaalpunt slecht bereikbaar met de auto", "Parkeren is een drama"] * 3
    >>> s = suggest_themes(texts, n=1, min_df=1)
    >>> sorted(s.suggestions[0].terms[:2])
    ['afhaalpunt', 'parkeren']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from drivers.privacy import scrub

    func = "suggest_themes"
    n = _check_int(n, "n", func, 1)
    terms = _check_int(terms, "terms", func, 1)
    examples = _check_int(examples, "examples", func, 0)
    min_df = _check_int(min_df, "min_df", func, 1)
    series, column, na = _answer_series(survey_or_texts, column, func)
    usable = np.array([_usable(v, na) for v in series.tolist()], dtype=bool)
    texts = series[usable]
    if codebook is not None:
        coded = themes(texts.reset_index(drop=True), codebook)
        texts = texts[~coded.table.any(axis=1).to_numpy()]
    texts = pd.Series([str(t).strip() for t in texts.tolist()])
    n_uncoded = len(texts)
    if n_uncoded < max(2 * n, min_df):
        raise DataError(f"{func}: only {n_uncoded} uncoded answers; too few to propose {n} themes.")
    vectoriser = TfidfVectorizer(analyzer=_analyzer, min_df=min_df, sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform(texts.tolist())
    except ValueError:
        raise DataError(
            f"{func}: no term occurs in {min_df} or more of the {n_uncoded} uncoded answers."
        ) from None
    vocabulary = vectoriser.get_feature_names_out()
    k = min(n, matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    found = []
    used: set[str] = set()
    for topic in range(k):
        order = np.argsort(-model.components_[topic])
        top = [str(vocabulary[i]) for i in order if model.components_[topic, i] > 0][:terms]
        if not top:
            continue
        members = np.argsort(-weights[:, topic])
        members = [i for i in members if weights[i, topic] > 0]
        chosen, seen = [], set()
        for i in members:
            text = texts.iloc[i]
            if text in seen:
                continue
            seen.add(text)
            chosen.append(_shorten(scrub(text, lang=lang), 160))
            if len(chosen) == examples:
                break
        key = re.sub(r"[^a-z0-9]+", "_", top[0]).strip("_") or f"theme_{topic + 1}"
        while key in used:
            key += "_2"
        used.add(key)
        dominant = int((weights.argmax(axis=1) == topic).sum())
        found.append(ThemeSuggestion(key=key, terms=tuple(top), examples=tuple(chosen), n=dominant))
    return ThemeSuggestions(
        suggestions=tuple(found), n_answers=int(usable.sum()), n_uncoded=n_uncoded
    )
