"""Match a file's columns to a spec's: the ``rename = {...}`` proposal of ``drivers check``.

A new export renames columns (``Q1``, ``Q5_1``, ...). The proposal pairs every spec
column the file lacks with a file column the spec does not name, by (in this order
of trust) the same name written differently, the SPSS variable label, the label
text of the spec (fuzzy) and, for what is left, the position. A column pairs only
with a column of its kind: an open answer with text, the NPS, a touchpoint or the
weight with numbers. Matches that are not certain are marked, so the consultant
checks them before pasting.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from drivers.load.spec import NPS_LABEL, SurveySpec

__all__ = ["Match", "propose_rename", "rename_line"]

# A score at or above this is certain; below it the match is marked for checking.
_CERTAIN = 0.85
_LEAST = 0.55
# What a wave column or an open-answer column is usually called, in NL and EN exports.
_WAVE_WORDS = ("wave", "golf", "meting", "jaar", "year", "periode", "period", "ronde", "round")
_OPEN_WORDS = (
    "toelichting",
    "opmerking",
    "opmerkingen",
    "comment",
    "comments",
    "remarks",
    "verbatim",
    "open antwoord",
    "waarom",
    "why",
    "feedback",
    "suggestie",
)


@dataclass(frozen=True)
class Match:
    """One proposed pair: ``file_column`` in the file is ``spec_column`` of the spec."""

    file_column: str
    spec_column: str
    score: float
    how: str  # "name", "SPSS label", "label", "position"

    @property
    def certain(self) -> bool:
        return self.score >= _CERTAIN and self.how != "position"


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _ratio(a: str, b: str) -> float:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = difflib.SequenceMatcher(None, a, b).ratio()
    # A label that contains the whole key (or the reverse) is a strong sign.
    if len(b) >= 5 and b in a or len(a) >= 5 and a in b:
        score = max(score, 0.86)
    return score


def _recommend(name: str, label: str) -> bool:
    """Named or labelled like the recommend question."""
    from drivers.load.spec import _NPS_HINTS

    text = f"{_norm(name)} | {_norm(label)}"
    return any(h in text for h in _NPS_HINTS if len(h) > 3) or _norm(name) in ("nps", "ltr")


def _spec_texts(spec: SurveySpec, column: str) -> list[str]:
    texts = [column]
    if column == spec.nps:
        texts += [*NPS_LABEL.values(), "aanbevelen", "recommend", "NPS"]
    for t in spec.touchpoints:
        if t.key == column:
            texts += [t.nl, t.en]
    if column == spec.weight:
        texts += ["gewicht", "weight", "weegfactor", "weging"]
    if column == spec.id:
        texts += ["respondent", "id", "respnr"]
    if column == spec.wave:
        texts += list(_WAVE_WORDS)
    if column in spec.open_answers:
        texts += list(_OPEN_WORDS)
    return [t for t in texts if t]


def _role(spec: SurveySpec, column: str) -> str | None:
    """The kind of values a spec column holds: "text", "number" or either (None)."""
    if column in spec.open_answers:
        return "text"
    if column == spec.nps or column == spec.weight or column in spec.touchpoint_keys:
        return "number"
    return None


def _kind(
    values: pd.Series, codes: frozenset[str] = frozenset(), sample: int = 2_000
) -> str | None:
    """ "number" when the given cells read as numbers, "text" when they do not.

    Don't-know codes (``codes``) are left out, and a few recurring texts among
    numbers count as codes too. None for a column with nothing else: it may be anything.
    """
    given = values.dropna().head(sample)
    if pd.api.types.is_numeric_dtype(given.dtype):
        return "number" if len(given) else None
    text = given.astype(str).str.strip()
    text = text[(text != "") & ~text.str.lower().isin(codes)]
    if text.empty:
        return None
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    share = numbers.notna().mean()
    few_texts = share > 0 and text[numbers.isna()].nunique() <= 3
    return "number" if share >= 0.5 or few_texts else "text"


def _fits(role: str | None, kind: str | None) -> bool:
    return role is None or kind is None or role == kind


def _by_position(
    left_spec: list[str], left_file: list[str], role: dict[str, str | None], kind: dict
) -> list[tuple[str, str]]:
    """Pair what is left by position, only where the counts leave no choice.

    First straight down both lists; when that pairs a column with one of the wrong
    kind, each kind (text, numbers) is paired by position within itself and the
    rest among the rest, again only where the counts agree.
    """
    pairs = list(zip(left_spec, left_file, strict=False))
    if len(left_spec) == len(left_file) and all(_fits(role[s], kind[f]) for s, f in pairs):
        return pairs
    pairs = []
    for need in ("text", "number"):
        wanted = [s for s in left_spec if role[s] == need]
        have = [f for f in left_file if kind[f] == need]
        if wanted and len(wanted) == len(have):
            pairs += zip(wanted, have, strict=True)
    taken_s, taken_f = {s for s, _ in pairs}, {f for _, f in pairs}
    rest_s = [s for s in left_spec if s not in taken_s]
    rest_f = [f for f in left_file if f not in taken_f]
    rest = list(zip(rest_s, rest_f, strict=False))
    if rest_s and len(rest_s) == len(rest_f) and all(_fits(role[s], kind[f]) for s, f in rest):
        pairs += rest
    return pairs


def propose_rename(
    raw: pd.DataFrame,
    spec: SurveySpec,
    *,
    labels: Mapping[str, str] | None = None,
) -> list[Match]:
    """Pair the spec columns the file lacks with the file's unnamed columns.

    Parameters
    ----------
    raw : DataFrame
        The file as read (:func:`drivers.read_table`).
    spec : SurveySpec
    labels : mapping, optional
        SPSS variable labels of the file's columns (``info["column_labels"]``).

    Returns
    -------
    list of Match
        In spec order; spec columns without any plausible match are left out.

    Examples
    --------
    >>> from drivers.load.spec import Touchpoint
    >>> spec = SurveySpec(nps="aanbeveling", touchpoints=(Touchpoint("levering", "Levering"),))
    >>> raw = pd.DataFrame({"Q1": [9], "Q5_1": [8]})
    >>> [(m.file_column, m.spec_column, m.how) for m in propose_rename(
    ...     raw, spec, labels={"Q1": "Zou u ons aanbevelen?", "Q5_1": "Levering"})]
    [('Q1', 'aanbeveling', 'SPSS label'), ('Q5_1', 'levering', 'SPSS label')]
    """
    labels = {str(k): str(v) for k, v in (labels or {}).items() if v}
    present = [str(c) for c in raw.columns]
    wanted = [c for c in spec.columns if c not in present]
    free = [c for c in present if c not in spec.columns]
    role = {c: _role(spec, c) for c in wanted}
    codes = frozenset(
        str(c).strip().lower()
        for c in (*spec.na_codes, *(c for t in spec.touchpoints for c in t.na_codes or ()))
    )
    kind = {
        str(c): _kind(raw.iloc[:, i], codes) for i, c in enumerate(raw.columns) if str(c) in free
    }
    candidates: list[tuple[float, int, str, str, str]] = []
    for s_index, column in enumerate(wanted):
        texts = _spec_texts(spec, column)
        for f in free:
            if not _fits(role[column], kind[f]):
                continue
            scores = [(_ratio(f, column), "name")]
            if f in labels:
                scores += [(_ratio(labels[f], t), "SPSS label") for t in texts]
            scores += [(_ratio(f, t), "label") for t in texts[1:]]
            if column == spec.nps and _recommend(f, labels.get(f, "")):
                scores.append((0.9, "SPSS label" if f in labels else "label"))
            score, how = max(scores, key=lambda x: x[0])
            if score >= _LEAST:
                candidates.append((score, -s_index, column, f, how))
    chosen: dict[str, Match] = {}
    used: set[str] = set()
    for score, _, column, f, how in sorted(candidates, reverse=True):
        if column in chosen or f in used:
            continue
        chosen[column] = Match(f, column, round(score, 2), how)
        used.add(f)
    # What is left: pair by position, column kinds permitting, when the counts agree
    # (a questionnaire's order seldom changes).
    left_spec = [c for c in wanted if c not in chosen]
    left_file = [c for c in free if c not in used]
    for column, f in _by_position(left_spec, left_file, role, kind):
        chosen[column] = Match(f, column, 0.0, "position")
    return [chosen[c] for c in wanted if c in chosen]


def rename_line(matches: list[Match]) -> str:
    """The ``rename = {...}`` line for client.toml, then a comment per uncertain match.

    TOML inline tables hold no comments, so uncertain pairs are named below the line.
    """
    if not matches:
        return "rename = {}"
    pairs = ", ".join(
        f"{json.dumps(m.file_column, ensure_ascii=False)} = "
        f"{json.dumps(m.spec_column, ensure_ascii=False)}"
        for m in matches
    )
    lines = [f"rename = {{ {pairs} }}"]
    for m in matches:
        if not m.certain:
            why = "by position only" if m.how == "position" else f"{m.how} {m.score:.2f}"
            lines.append(
                f"# check: {json.dumps(m.file_column, ensure_ascii=False)} = "
                f"{json.dumps(m.spec_column, ensure_ascii=False)} is uncertain ({why})"
            )
    return "\n".join(lines)
