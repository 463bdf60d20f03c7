"""The survey spec: which column is what, written as TOML.

A spec names the NPS column, the touchpoints (with Dutch and English labels and
their phase in the customer journey), segments, the optional weight, respondent id
and wave columns, the grade scale and the codes that mean "not applicable".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import SpecError, closest
from drivers.load.wave import check_keys

__all__ = ["DEFAULT_NA_CODES", "SurveySpec", "Touchpoint"]

#: Codes that mean "not applicable / don't know" unless a spec says otherwise.
DEFAULT_NA_CODES: tuple[str, ...] = ("n.v.t.", "nvt", "n.v.t", "weet niet", "99", "")

NPS_LABEL = {"nl": "Aanbeveling (NPS)", "en": "Likelihood to recommend"}

# Column names that usually hold the NPS question in Dutch and English exports.
_NPS_HINTS = (
    "aanbeveling",
    "aanbevelen",
    "aanbeveel",
    "recommend",
    "nps",
    "ltr",
    "likelihood",
    "waarschijnlijk",
)
_WEIGHT_HINTS = ("gewicht", "weight", "weging", "weegfactor", "wgt")
#: Short names that are a weight only as the whole name ("w" must not take "webshop").
_WEIGHT_NAMES = ("w", "wt", "wght", "weeg", "factor")
_ID_HINTS = ("respondent", "resp_id", "respid", "respnr", "resp_nr", "id", "volgnr", "record")
_WAVE_HINTS = ("golf", "wave", "meting", "jaar", "year")
_LANGS = ("nl", "en")
_TOUCHPOINT_KEYS = ("key", "nl", "en", "phase", "na_codes")


@dataclass(frozen=True)
class Touchpoint:
    """One touchpoint of the customer journey: a graded column.

    Parameters
    ----------
    key : str
        The column name in the data (English or Dutch identifier).
    nl, en : str
        Display labels in Dutch and English.
    phase : str
        Phase of the customer journey (for grouping in charts).
    na_codes : tuple of str, optional
        Codes meaning "not applicable" for this column only; the survey's codes
        apply when None.
    """

    key: str
    nl: str = ""
    en: str = ""
    phase: str = ""
    na_codes: tuple[str, ...] | None = None

    def label(self, lang: str = "nl") -> str:
        """The display label in ``lang`` ("nl" or "en"), falling back to the key."""
        return (self.nl if lang == "nl" else self.en) or self.nl or self.en or self.key


@dataclass(frozen=True)
class SurveySpec:
    """What the columns of a survey file mean.

    Examples
    --------
    >>> spec = SurveySpec(nps="aanbeveling",
    ...                   touchpoints=(Touchpoint("levering", "Levering", "Delivery"),))
    >>> spec.touchpoint_keys
    ('levering',)
    >>> spec.label("levering", "en")
    'Delivery'
    >>> SurveySpec.from_toml(spec.to_toml()) == spec
    True
    """

    nps: str
    touchpoints: tuple[Touchpoint, ...] = ()
    segments: tuple[str, ...] = ()
    weight: str | None = None
    id: str | None = None
    wave: str | None = None
    open_answers: tuple[str, ...] = ()
    scale: tuple[float, float] = (1, 10)
    na_codes: tuple[str, ...] = DEFAULT_NA_CODES
    name: str = ""
    language: str = "nl"
    value_labels: dict[str, dict[str, float]] = field(default_factory=dict, hash=False)
    taxonomy: dict[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.nps, str) or not self.nps:
            raise SpecError("The spec needs 'nps': the name of the 0-10 recommendation column.")
        low, high = (float(v) for v in self.scale)
        if not low < high:
            raise SpecError(
                f"The spec's scale must be [low, high] with low < high. Got {self.scale}."
            )
        if self.language not in _LANGS:
            raise SpecError(f"The spec's language must be 'nl' or 'en'. Got {self.language!r}.")
        keys = [t.key for t in self.touchpoints]
        doubles = sorted({k for k in keys if keys.count(k) > 1})
        if doubles:
            raise SpecError(f"Touchpoint keys must be unique; repeated: {', '.join(doubles)}.")
        if self.nps in keys:
            raise SpecError(f"Column {self.nps!r} is both the NPS column and a touchpoint.")

    # -- accessors -----------------------------------------------------------------
    @property
    def touchpoint_keys(self) -> tuple[str, ...]:
        """The touchpoint column names, in spec order."""
        return tuple(t.key for t in self.touchpoints)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the spec names (NPS, touchpoints, segments, weight, id, wave, open)."""
        named = [
            self.id,
            self.wave,
            self.nps,
            *self.touchpoint_keys,
            *self.segments,
            self.weight,
            *self.open_answers,
        ]
        return tuple(dict.fromkeys(c for c in named if c))

    def touchpoint(self, key: str) -> Touchpoint:
        """The :class:`Touchpoint` with this key."""
        for t in self.touchpoints:
            if t.key == key:
                return t
        hint = closest(key, self.touchpoint_keys)
        more = f" Did you mean {hint!r}?" if hint else ""
        raise SpecError(f"No touchpoint {key!r} in the spec.{more}")

    def label(self, column: str, lang: str | None = None) -> str:
        """Display label of any column in ``lang`` (default: the spec's language)."""
        lang = lang or self.language
        if column == self.nps:
            return NPS_LABEL.get(lang, NPS_LABEL["en"])
        for t in self.touchpoints:
            if t.key == column:
                return t.label(lang)
        return column

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """Mapping of touchpoint key to display label."""
        return {t.key: t.label(lang or self.language) for t in self.touchpoints}

    def na_codes_for(self, column: str) -> tuple[str, ...]:
        """The codes that mean n.v.t. in ``column``."""
        for t in self.touchpoints:
            if t.key == column and t.na_codes is not None:
                return t.na_codes
        return self.na_codes

    # -- TOML ----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, source: str = "the spec") -> SurveySpec:
        """Build a spec from a parsed TOML mapping; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        raw = dict(raw.get("survey", {}), **{k: v for k, v in raw.items() if k != "survey"})
        check_keys(raw, known, source)
        if "nps" not in raw:
            raise SpecError(
                f"{source}: 'nps' is missing: name the 0-10 recommendation column, "
                'e.g. nps = "aanbeveling".'
            )
        touchpoints = []
        for i, item in enumerate(raw.pop("touchpoints", []), start=1):
            if isinstance(item, str):
                item = {"key": item}
            if not isinstance(item, dict):
                raise SpecError(f"{source}: touchpoint {i} must be a table. Got {item!r}.")
            check_keys(item, _TOUCHPOINT_KEYS, f"{source}, [[touchpoints]] {i}")
            if "key" not in item:
                raise SpecError(f"{source}: touchpoint {i} has no 'key' (its column name).")
            codes = item.get("na_codes")
            touchpoints.append(
                Touchpoint(
                    key=str(item["key"]),
                    nl=str(item.get("nl", "")),
                    en=str(item.get("en", "")),
                    phase=str(item.get("phase", "")),
                    na_codes=None if codes is None else tuple(str(c) for c in codes),
                )
            )
        kwargs: dict[str, Any] = {"touchpoints": tuple(touchpoints)}
        for key, value in raw.items():
            if key in ("segments", "open_answers", "na_codes"):
                value = tuple(str(v) for v in value)
            elif key == "scale":
                if len(value) != 2:
                    raise SpecError(f"{source}: scale must be [low, high]. Got {value!r}.")
                value = (value[0], value[1])
            elif key == "value_labels":
                value = {str(c): {str(k): float(v) for k, v in m.items()} for c, m in value.items()}
            elif key == "taxonomy":
                if not isinstance(value, dict):
                    raise SpecError(
                        f"{source}: taxonomy must be a table, e.g. "
                        'taxonomy = { kc = "klantenservice" }.'
                    )
                value = {str(k): str(v) for k, v in value.items()}
            kwargs[key] = value
        try:
            return cls(**kwargs)
        except SpecError as err:
            raise SpecError(f"{source}: {err}") from None

    @classmethod
    def from_toml(cls, path_or_text: str | Path) -> SurveySpec:
        """Read a spec from a TOML file (or TOML text)."""
        text, source = _read_text(path_or_text)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise SpecError(f"{source} is not valid TOML: {err}.") from None
        return cls.from_dict(raw, source=source)

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping, the inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {"name": self.name, "language": self.language, "nps": self.nps}
        for key in ("id", "weight", "wave"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        out["segments"] = list(self.segments)
        out["open_answers"] = list(self.open_answers)
        out["scale"] = [_plain(v) for v in self.scale]
        out["na_codes"] = list(self.na_codes)
        if self.value_labels:
            out["value_labels"] = {c: dict(m) for c, m in self.value_labels.items()}
        if self.taxonomy:
            out["taxonomy"] = dict(self.taxonomy)
        out["touchpoints"] = []
        for t in self.touchpoints:
            item = {"key": t.key, "nl": t.nl, "en": t.en, "phase": t.phase}
            if t.na_codes is not None:
                item["na_codes"] = list(t.na_codes)
            out["touchpoints"].append(item)
        return out

    def to_toml(self, path: str | Path | None = None) -> str:
        """The spec as TOML text; written to ``path`` when given."""
        data = self.to_dict()
        lines = ["# drivers survey spec: which column is what.", ""]
        for key, value in data.items():
            if key in ("touchpoints", "value_labels", "taxonomy"):
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        for column, mapping in data.get("value_labels", {}).items():
            lines += ["", f"[value_labels.{_toml_key(column)}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in mapping.items()]
        if data.get("taxonomy"):
            lines += ["", "[taxonomy]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data["taxonomy"].items()]
        for item in data["touchpoints"]:
            lines += ["", "[[touchpoints]]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def replace(self, **changes: Any) -> SurveySpec:
        """A copy with some fields changed."""
        return replace(self, **changes)

    # -- inference -----------------------------------------------------------------
    @classmethod
    def infer(
        cls,
        df: pd.DataFrame,
        *,
        scale: tuple[float, float] | None = None,
        labels: dict[str, str] | None = None,
        decimal: str = ".",
        sample: int = 100_000,
        value_labels: dict[str, dict] | None = None,
    ) -> SurveySpec:
        """Guess a spec from a raw frame, as a starting point to edit.

        The NPS column is the one named or labelled like a recommendation question
        (aanbevelen, aanbeveling, recommend, NPS, likelihood, ...): it is never guessed
        from the values alone. An id column holds unique whole numbers or texts, or
        is named like one (RespNr, respondent, id). Numeric columns on the grade scale
        become touchpoints, labelled with the SPSS variable labels (``labels``) when
        given; the scale is inferred from those columns only. Text columns with few
        distinct values become segments, long free text becomes open answers.

        Raises
        ------
        SpecError
            When no column looks like the NPS question: the message lists the columns
            with whole numbers 0-10 to choose from.

        Examples
        --------
        >>> df = pd.DataFrame({"aanbeveling": [9, 7, 3], "levering": [8, "n.v.t.", 6],
        ...                    "regio": ["Noord", "Zuid", "Noord"]})
        >>> spec = SurveySpec.infer(df)
        >>> spec.nps, spec.touchpoint_keys, spec.segments
        ('aanbeveling', ('levering',), ('regio',))
        """
        from drivers.load.quality import _parse

        columns = [str(c) for c in df.columns]
        if not columns:
            raise SpecError("Cannot infer a spec from a frame without columns.")
        labels = {str(k): str(v) for k, v in (labels or {}).items() if v}
        part = df.head(sample) if len(df) > sample else df
        numeric: dict[str, np.ndarray] = {}
        for col in columns:
            for mark in dict.fromkeys([decimal, ","]):  # a decimal comma when '.' fails
                parsed = _parse(part[col], decimal=mark, codes=DEFAULT_NA_CODES)
                given = ~parsed.empty & ~parsed.na_code
                share = (~parsed.bad[given]).mean() if given.any() else 0.0
                # A few recurring texts among numbers are don't-know codes, not labels.
                few_texts = share >= 0.5 and len(set(parsed.shown(parsed.bad))) <= 3
                if given.any() and (share >= 0.95 or few_texts):
                    values = parsed.nums[given]
                    numeric[col] = values[~np.isnan(values)]
                    break

        def named(col: str, hints: tuple[str, ...]) -> bool:
            name = re.sub(r"[^a-z0-9]+", "_", col.lower()).strip("_")
            label = labels.get(col, "").lower()
            return any(
                name == h or name.startswith(h) or (len(h) > 3 and h in label) for h in hints
            )

        def whole_0_10(col: str) -> bool:
            v = numeric.get(col)
            return (
                v is not None
                and len(v) > 0
                and bool(((v >= 0) & (v <= 10) & (v == np.round(v))).all())
            )

        # SPSS columns whose every value has a label that is a word, not a grade
        # anchor (Noord, Zuid, ...), are categories: segments, whatever their codes.
        for col, mapping in (value_labels or {}).items():
            if col in numeric and _categorical(numeric[col], mapping):
                del numeric[col]
        nps_candidates = [c for c in numeric if named(c, _NPS_HINTS)]
        nps_col = next((c for c in nps_candidates if whole_0_10(c)), None)
        if nps_col is None:
            choices = [
                c
                for c in numeric
                if whole_0_10(c) and not named(c, _ID_HINTS) and not _weight_named(c, labels)
            ]
            shown = ", ".join(
                repr(c) + (f" ({labels[c]!r})" if c in labels else "") for c in choices[:20]
            )
            raise SpecError(
                "Could not find the NPS column: no column is named or labelled like the "
                f"recommend question ({', '.join(_NPS_HINTS)}). "
                + (
                    f"Columns with whole numbers 0-10: {shown}. "
                    if choices
                    else "No column holds whole numbers 0-10. "
                )
                + 'Write a spec naming it, e.g. nps = "<column>" in survey.toml, and run '
                "drivers check FILE --spec survey.toml."
            )
        ident = next(
            (c for c in columns if c != nps_col and named(c, _ID_HINTS) and _unique_ids(df[c])),
            None,
        )
        if ident is None:
            ident = next(
                (
                    c
                    for c in columns
                    if c != nps_col
                    and not _weight_named(c, labels)
                    and not (c in numeric and _weight_like(numeric[c]))
                    and _unique_ids(df[c])
                    and (c not in numeric or len(df) > 20)
                ),
                None,
            )
        weight = next(
            (c for c in numeric if c not in (nps_col, ident) and _weight_named(c, labels)), None
        ) or next(
            (c for c in numeric if c not in (nps_col, ident) and _weight_like(numeric[c])), None
        )
        wave = next(
            (c for c in columns if c not in (nps_col, weight, ident) and named(c, _WAVE_HINTS)),
            None,
        )
        taken = {nps_col, weight, ident, wave}
        if scale is None:
            rest = [v for c, v in numeric.items() if c not in taken and len(v)]
            rest = [v for v in rest if (v == np.round(v)).all() and v.min() >= 0]
            top = max((float(v.max()) for v in rest), default=10)
            scale = (1, 5) if top <= 5 else (1, 10) if top <= 10 else (0, 100)
        low, high = scale
        touchpoints, segments, open_answers = [], [], []
        for col in columns:
            if col in taken:
                continue
            values = numeric.get(col)
            if (
                values is not None
                and len(values)
                and ((values >= low) & (values <= high)).mean() >= 0.95
            ):
                label = labels.get(col) or re.sub(r"[_\s]+", " ", col).strip().capitalize()
                touchpoints.append(Touchpoint(key=col, nl=label, en=label))
                continue
            text = part[col].dropna().astype(str)
            text = text[text.str.strip() != ""]
            if text.nunique() <= max(12, len(part) // 20) and text.str.len().mean() < 40:
                segments.append(col)
            else:
                open_answers.append(col)
        return cls(
            nps=nps_col,
            touchpoints=tuple(touchpoints),
            segments=tuple(segments),
            weight=weight,
            id=ident,
            wave=wave,
            open_answers=tuple(open_answers),
            scale=(_plain(low), _plain(high)),
        )


_ANCHORS = re.compile(
    r"\d|slecht|goed|matig|tevreden|eens|uitstekend|poor|good|satisf|agree|excellent|"
    r"weet niet|n\.?v\.?t|don.?t know|not applicable",
    re.IGNORECASE,
)


def _categorical(values: np.ndarray, mapping: dict) -> bool:
    """Every value labelled, and the labels are names rather than grade anchors."""
    keys = set()
    for k in mapping:
        try:
            keys.add(float(k))
        except (TypeError, ValueError):
            return False
    present = set(np.unique(values[~np.isnan(values)]).tolist())
    texts = [str(v) for v in mapping.values()]
    return bool(present) and present <= keys and not any(_ANCHORS.search(t) for t in texts)


def _weight_named(col: str, labels: dict[str, str]) -> bool:
    """Named or labelled like a survey weight: W, weight, gewicht, weegfactor, weging."""
    name = re.sub(r"[^a-z0-9]+", "_", col.lower()).strip("_")
    label = labels.get(col, "").lower()
    return (
        name in _WEIGHT_NAMES
        or any(name == h or name.startswith(h) or name.endswith("_" + h) for h in _WEIGHT_HINTS)
        or any(h in label for h in _WEIGHT_HINTS if len(h) > 3)
    )


def _weight_like(values: np.ndarray) -> bool:
    """Values like weights: positive, mostly with decimals, averaging about 1."""
    values = values[np.isfinite(values)]
    if len(values) < 2 or (values <= 0).any():
        return False
    fractional = (values != np.round(values)).mean()
    return bool(fractional >= 0.5 and 0.75 <= values.mean() <= 1.33)


def _unique_ids(values: pd.Series) -> bool:
    """Unique whole numbers or texts, every row filled: a respondent id."""
    if len(values) < 2:
        return False
    if pd.api.types.is_float_dtype(values.dtype):
        v = values.to_numpy()
        if np.isnan(v).any() or not (v == np.round(v)).all():
            return False
    if values.isna().any():
        return False
    if not pd.api.types.is_numeric_dtype(values.dtype):
        text = values.astype(str).str.strip()
        # Ids are short codes without spaces; unique free text is an open answer.
        if (text == "").any() or text.str.contains(r"\s").any() or text.str.len().max() > 40:
            return False
    return bool(values.is_unique)


def _plain(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else value


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating):
        return repr(_plain(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _read_text(path_or_text: str | Path) -> tuple[str, str]:
    """Text of a TOML file, or the text itself when it is not a path."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and path_or_text.endswith(".toml")
    ):
        path = Path(path_or_text)
        if not path.is_file():
            raise SpecError(f"Spec file {path} does not exist.")
        return path.read_text(encoding="utf-8-sig"), str(path)
    return str(path_or_text), "the spec"
