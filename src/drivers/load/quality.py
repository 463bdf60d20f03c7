"""Row accounting: every row read is used, or excluded with a reason and a count.

:func:`validate` turns a raw frame (as read from a file, values still text or
numbers) into the clean analysis frame of a :class:`~drivers.load.survey.Survey` plus a
:class:`QualityReport` in which ``rows_read == rows_used + rows_excluded`` always.

A bad cell costs a cell, not a respondent: an unknown text, a date or an
out-of-scale value in a grade column is set to missing and counted in
``QualityReport.cells``; the respondent's NPS and other grades stay. Only the NPS,
the weight and the respondent id can exclude a row.

Parsing is vectorised (pyarrow compute on text columns): a million rows take
seconds, not minutes.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from drivers.errors import (
    ColumnNotFoundError,
    DataError,
    DataQualityWarning,
    InvalidValueError,
    closest,
    format_rows,
)
from drivers.load.spec import SurveySpec

__all__ = ["CELL_KINDS", "QualityReport", "parse_numbers", "validate"]

#: What a grade cell set to missing held: kinds named in deliverables.
CELL_KINDS = ("text", "date", "out of scale")

_COMMA_NUMBER = r"^[+-]?\d*,\d+$"
_THOUSANDS_DOT = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"
_THOUSANDS_COMMA = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DATE = (
    r"^(\d{1,4}[-/]\d{1,2}([-/]\d{1,4})?|\d{1,2}\.\d{1,2}\.\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
)
_ROW_COLUMNS = ["reason", "column", "n", "cells", "rows", "found", "expected", "fix"]
_CELL_COLUMNS = ["column", "kind", "value", "n", "rows"]
# Weights further apart than this make one respondent count as a million others.
_WEIGHT_RATIO = 1e6
_WEIGHT_RANGE = (1e-9, 1e12)
# Distinct bad values kept per column and kind; the rest are counted as "(other)".
_MAX_VALUES = 20


@dataclass(frozen=True)
class QualityReport:
    """What happened to every row and cell of a survey file.

    Attributes
    ----------
    rows_read, rows_used, rows_excluded : int
        Counts; ``rows_read == rows_used + rows_excluded``.
    table : DataFrame
        One row per exclusion reason: ``reason``, ``column``, ``n``, ``rows``
        (example row numbers as in the file), ``found`` (example values, scrubbed of
        e-mail addresses, phone numbers and URLs), ``expected`` and ``fix``.
    excluded : Series
        Row number → reason, for every excluded row.
    not_applicable : Series
        Per touchpoint present in the file, the number of used rows that answered n.v.t.
    source : str
        The file(s) the rows came from.
    cells : DataFrame
        Grade cells set to missing in rows that were used: ``column``, ``kind``
        ("text", "date", "out of scale"), ``value`` (what the cell held, scrubbed; for
        the terminal only), ``n`` and ``rows`` (example row numbers). Deliverables
        show :attr:`cells_by_kind`, which holds no cell values.
    absent : tuple of str
        Touchpoints of the spec that this file does not have (loaded as all-missing).
    rescaled : tuple
        ``(from_low, from_high, to_low, to_high)`` when the grades were asked on another
        scale and rescaled linearly; empty otherwise.
    renamed : dict
        Column in the file → column in the spec, as applied.
    na_code_hint : str or None
        The ``na_codes = [...]`` line to put in the wave's ``[[waves]]`` entry when the
        same unknown text recurs in grade cells (e.g. "weet niet meer").
    weight_mean : float or None
        Mean of the weights as read; weights are divided by it (mean 1 at load).
    notes : tuple of str
        Plain sentences on what loading did (rescaling, absent touchpoints, ...).
    """

    rows_read: int
    rows_used: int
    table: pd.DataFrame
    excluded: pd.Series
    not_applicable: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    source: str = ""
    cells: pd.DataFrame = field(default_factory=lambda: _empty_cells())
    absent: tuple[str, ...] = ()
    rescaled: tuple = ()
    renamed: dict = field(default_factory=dict)
    na_code_hint: str | None = None
    weight_mean: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def rows_excluded(self) -> int:
        return int(len(self.excluded))

    @property
    def cells_excluded(self) -> int:
        """Grade cells set to missing in the rows used (counted apart from rows)."""
        return int(self.cells["n"].sum()) if len(self.cells) else 0

    @property
    def cells_by_kind(self) -> pd.DataFrame:
        """Cells set to missing per column and kind (``column``, ``kind``, ``n``): no values."""
        if self.cells.empty:
            return pd.DataFrame({"column": [], "kind": [], "n": []}).astype({"n": "int64"})
        return (
            self.cells.groupby(["column", "kind"], sort=False, as_index=False)["n"]
            .sum()
            .astype({"n": "int64"})
        )

    @property
    def ok(self) -> bool:
        """True when no row was excluded."""
        return self.rows_excluded == 0

    def summary(self) -> str:
        """The accounting as plain text (for the terminal: shows scrubbed cell values)."""
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_used} used, "
            f"{self.rows_excluded} excluded; {self.cells_excluded} grade cells set to missing."
        ]
        for rec in self.table.itertuples(index=False):
            lines.append(
                f"  - {rec.reason} ({rec.column}): {rec.n} "
                f"({format_rows(list(rec.rows), total=rec.cells)}; found {rec.found})"
            )
        for rec in self.cells.itertuples(index=False):
            lines.append(
                f"  - cell set to missing ({rec.column}, {rec.kind}): {rec.value!r} {rec.n}x "
                f"({format_rows(list(rec.rows), total=rec.n)})"
            )
        lines += [f"  * {note}" for note in self.notes]
        if self.na_code_hint:
            lines.append(f"  * add to this wave in client.toml: {self.na_code_hint}")
        return "\n".join(lines)

    __str__ = summary

    def _repr_html_(self) -> str:
        # Notebooks become deliverables: counts and kinds only, no cell values or rows.
        from html import escape

        head = (
            f"<p><b>{self.rows_read}</b> rows read, <b>{self.rows_used}</b> used, "
            f"<b>{self.rows_excluded}</b> excluded; <b>{self.cells_excluded}</b> grade "
            "cells set to missing.</p>"
        )
        parts = [head]
        if not self.table.empty:
            shown = self.table.drop(columns=["rows", "found", "cells"], errors="ignore")
            parts.append(shown.to_html(index=False))
        if not self.cells.empty:
            parts.append(self.cells_by_kind.to_html(index=False))
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in self.notes) + "</ul>")
        return "".join(parts)

    @staticmethod
    def combine(reports: list[QualityReport]) -> QualityReport:
        """One report for several files (waves)."""
        tables = [r.table.assign(source=r.source) for r in reports]
        excluded = pd.concat([r.excluded for r in reports]) if reports else pd.Series(dtype=str)
        na = pd.concat([r.not_applicable for r in reports]).groupby(level=0).sum()
        cells = [r.cells.assign(source=r.source) for r in reports if len(r.cells)]
        hints = [r.na_code_hint for r in reports if r.na_code_hint]
        return QualityReport(
            rows_read=sum(r.rows_read for r in reports),
            rows_used=sum(r.rows_used for r in reports),
            table=pd.concat(tables, ignore_index=True) if tables else _empty_table(),
            excluded=excluded,
            not_applicable=na,
            source=", ".join(r.source for r in reports),
            cells=pd.concat(cells, ignore_index=True) if cells else _empty_cells(),
            absent=tuple(dict.fromkeys(a for r in reports for a in r.absent)),
            na_code_hint=hints[-1] if hints else None,
            notes=tuple(f"{r.source}: {n}" for r in reports for n in r.notes),
        )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=_ROW_COLUMNS)


def _empty_cells() -> pd.DataFrame:
    return pd.DataFrame({"column": [], "kind": [], "value": [], "n": [], "rows": []}).astype(
        {"n": "int64", "column": object, "kind": object, "value": object, "rows": object}
    )


# -- parsing ----------------------------------------------------------------------------
@dataclass
class _Parsed:
    """One column parsed: numbers, and masks of what the other cells held."""

    nums: np.ndarray  # float64, NaN where no number
    empty: np.ndarray  # nothing in the cell
    na_code: np.ndarray  # an n.v.t. code
    bad: np.ndarray  # text that is not a number (nor empty nor a code)
    date: np.ndarray  # a date (a datetime cell, or text that looks like one)
    text: pa.Array | None  # the stripped text, for reporting (None for numeric columns)

    def shown(self, mask: np.ndarray) -> list[str]:
        """The text of the cells in ``mask`` (for the cell table)."""
        where = np.flatnonzero(mask)
        if self.text is None:
            return [_as_text(float(v)) for v in self.nums_raw[where]]
        return [t.strip() for t in self.text.take(pa.array(where)).to_pylist()]

    nums_raw: np.ndarray | None = None


def _is_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _text_array(values: pd.Series) -> tuple[pa.Array, np.ndarray, bool]:
    """Text of every cell ('' when empty), a mask of date/time objects, and whether the
    text is stripped already."""
    n = len(values)
    if isinstance(values.dtype, pd.ArrowDtype | pd.StringDtype):
        arr = pa.array(values, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not pa.types.is_string(arr.type):
            arr = pc.cast(arr, pa.string())
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        return arr, np.zeros(n, dtype=bool), False
    objects = values.to_numpy(dtype=object, na_value=None)
    import datetime as _dt

    dates = np.fromiter(
        (isinstance(v, _dt.date | _dt.time | pd.Timestamp) for v in objects), bool, count=n
    )
    texts = [_as_text(v) for v in objects]
    return pa.array(texts, type=pa.string()), dates, True


def _lengths(text: pa.Array) -> np.ndarray:
    """Byte length of every string, from the offsets buffer (no copy of the text)."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)
    offsets = offsets[text.offset : text.offset + len(text) + 1]
    return np.diff(offsets)


def _bool(array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False).astype(bool)


def _parse(values: pd.Series, *, decimal: str = ".", codes: Sequence[str] = ()) -> _Parsed:
    n = len(values)
    lowered = sorted({str(c).strip().lower() for c in codes})
    if _is_numeric(values):
        raw = values.to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.isinf(raw)
        nums = np.where(infinite, np.nan, raw)
        numeric_codes = [float(c) for c in lowered if re.fullmatch(_NUMBER, c)]
        na_code = np.isin(nums, numeric_codes) if numeric_codes else np.zeros(n, dtype=bool)
        empty = np.isnan(nums) & ~infinite
        nums = np.where(na_code, np.nan, nums)
        return _Parsed(nums, empty, na_code, infinite, np.zeros(n, dtype=bool), None, raw)
    text, date_objects, stripped = _text_array(values)
    # Fast path over the whole column: unsigned whole numbers (a byte check, no regex)
    # and empty cells. The rest ('7,5', '2.000', ' 8', codes, text) is parsed apart.
    plain = _bool(pc.ascii_is_decimal(text))
    empty = _lengths(text) == 0
    nums = np.full(n, np.nan)
    if plain.any():
        cast = pc.cast(text.filter(pa.array(plain)), pa.float64())
        nums[plain] = cast.to_numpy(zero_copy_only=False)
    na_code = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~plain & ~empty)
    if len(rest):
        # The other cells (spaces, codes, decimal commas, text): usually few, parsed apart.
        sub = text.take(pa.array(rest))
        if not stripped:
            sub = pc.utf8_trim_whitespace(sub)
            blank = _lengths(sub) == 0
            if blank.any():
                empty[rest[blank]] = True
                keep = ~blank
                rest, sub = rest[keep], sub.filter(pa.array(keep))
        shown = sub
        if lowered:
            codes_arr = pa.array(lowered, sub.type)
            na_code[rest] = _bool(pc.is_in(pc.utf8_lower(sub), value_set=codes_arr))
        if decimal == ",":
            comma = pc.match_substring_regex(sub, _COMMA_NUMBER)
            thousands = pc.match_substring_regex(sub, _THOUSANDS_DOT)
            cleaned = pc.if_else(
                comma,
                pc.replace_substring(sub, ",", "."),
                pc.if_else(
                    thousands,
                    pc.replace_substring(pc.replace_substring(sub, ".", ""), ",", "."),
                    sub,
                ),
            )
        else:
            thousands = pc.match_substring_regex(sub, _THOUSANDS_COMMA)
            cleaned = pc.if_else(thousands, pc.replace_substring(sub, ",", ""), sub)
        number = _bool(pc.match_substring_regex(cleaned, _NUMBER)) & ~na_code[rest]
        if number.any():
            picked = cleaned.filter(pa.array(number))
            nums[rest[number]] = pc.cast(picked, pa.float64()).to_numpy(zero_copy_only=False)
    if plain.any() and lowered:
        # A numeric code such as 99 is a code, not a grade.
        numeric_codes = [float(c) for c in lowered if re.fullmatch(_NUMBER, c)]
        if numeric_codes:
            hit = plain & np.isin(nums, numeric_codes)
            na_code |= hit
            nums[hit] = np.nan
    with np.errstate(invalid="ignore"):
        nums = np.where(np.isfinite(nums), nums, np.nan)
    bad = np.isnan(nums) & ~empty & ~na_code
    date = date_objects & bad
    if bad.any() and len(rest):
        looks = _bool(pc.match_substring_regex(shown, _DATE)) & bad[rest]
        date[rest[looks]] = True
    return _Parsed(nums, empty, na_code, bad, date, text)


def parse_numbers(values: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse a column of text or numbers into floats.

    Returns the parsed floats (NaN where not a number or empty) and a boolean mask of
    cells that held text that is not a number (``acht``; ``7,5`` when ``decimal="."``).

    Examples
    --------
    >>> nums, bad = parse_numbers(pd.Series(["7,5", "8", "acht", None]), decimal=",")
    >>> nums.tolist()[:2], bad.tolist()
    ([7.5, 8.0], [False, False, True, False])
    """
    values = pd.Series(values, copy=False)
    parsed = _parse(values, decimal=decimal)
    return (
        pd.Series(parsed.nums, index=values.index, dtype="float64"),
        pd.Series(parsed.bad, index=values.index, dtype=bool),
    )


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _scrub(text: str) -> str:
    from drivers.privacy import scrub

    return scrub(text)


def _examples(values: pd.Series | None, mask: np.ndarray) -> str:
    if values is None or not mask.any():
        return ""
    picked = values.to_numpy(dtype=object)[np.flatnonzero(mask)[:50]]
    found = list(dict.fromkeys(_scrub(_as_text(v)) or "(empty)" for v in picked))
    return ", ".join(repr(f) for f in found[:3])


class _Ledger:
    """Collects exclusion reasons; a row is counted under its first reason."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.reason = np.full(len(index), None, dtype=object)
        self.records: list[dict] = []

    @property
    def used(self) -> np.ndarray:
        return np.array([r is None for r in self.reason], dtype=bool)

    def exclude(
        self,
        mask: np.ndarray,
        values: pd.Series | None,
        *,
        reason: str,
        column: str,
        expected: str,
        fix: str,
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        free = np.equal(self.reason, None)
        new = mask & free
        self.records.append(
            {
                "reason": reason,
                "column": column,
                "n": int(new.sum()),
                "cells": int(mask.sum()),
                "rows": [int(r) if isinstance(r, np.integer) else r for r in self.index[mask][:10]],
                "found": _examples(values, mask),
                "expected": expected,
                "fix": fix,
            }
        )
        self.reason[new] = reason

    def table(self) -> pd.DataFrame:
        if not self.records:
            return _empty_table()
        return pd.DataFrame(self.records)[_ROW_COLUMNS]


class _Cells:
    """Grade cells set to missing, per column, kind and value."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.found: list[tuple[str, str, np.ndarray, list[str]]] = []

    def add(self, column: str, kind: str, mask: np.ndarray, parsed: _Parsed) -> None:
        if mask.any():
            where = np.flatnonzero(mask)
            self.found.append((column, kind, where, parsed.shown(mask)))

    def table(self, used: np.ndarray) -> pd.DataFrame:
        rows = []
        for column, kind, where, shown in self.found:
            keep = used[where]
            if not keep.any():
                continue
            frame = pd.DataFrame(
                {"value": np.asarray(shown, dtype=object)[keep], "pos": where[keep]}
            )
            groups = frame.groupby("value", sort=False)["pos"]
            counts = groups.size().sort_values(ascending=False, kind="stable")
            for rank, (value, count) in enumerate(counts.items()):
                if rank == _MAX_VALUES:
                    rest = counts.iloc[_MAX_VALUES:]
                    rows.append(
                        {
                            "column": column,
                            "kind": kind,
                            "value": f"(other: {len(rest)} values)",
                            "n": int(rest.sum()),
                            "rows": [],
                        }
                    )
                    break
                positions = groups.get_group(value).to_numpy()[:10]
                rows.append(
                    {
                        "column": column,
                        "kind": kind,
                        "value": _scrub(str(value)),
                        "n": int(count),
                        "rows": [_plain_row(r) for r in self.index[positions]],
                    }
                )
        if not rows:
            return _empty_cells()
        return pd.DataFrame(rows)[_CELL_COLUMNS].astype({"n": "int64"})


def _plain_row(value: object) -> object:
    return int(value) if isinstance(value, np.integer) else value


# -- validate ---------------------------------------------------------------------------
def validate(
    raw: pd.DataFrame,
    spec: SurveySpec,
    *,
    source: str = "the data",
    decimal: str = ".",
    strict: bool = False,
    columns_present: bool = False,
    na_codes: Sequence[str] = (),
    scale: tuple[float, float] | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    renamed: Mapping[str, str] | None = None,
    wave_codes: Sequence[str] | None = None,
    added: Sequence[str] = (),
) -> tuple[pd.DataFrame, QualityReport]:
    """Check a raw frame against a spec; return the clean rows and the accounting.

    ``raw`` has one row per data row of the file, indexed by the row number in the
    file. Cells that hold an n.v.t. code (the spec's, the touchpoint's, plus
    ``na_codes``) become NaN and are counted per touchpoint, not excluded.

    Rows are excluded for: NPS missing, NPS text, NPS outside 0-10 or not whole,
    weight missing, text, zero or negative, duplicate respondent id. A grade cell
    with unknown text, a date or a value outside the scale is set to missing and
    counted in ``QualityReport.cells``; the respondent stays. A touchpoint of the
    spec that the file lacks loads as all-missing and is listed in
    ``QualityReport.absent``. Weights are divided by their mean (mean 1).

    ``scale`` is the scale this file's grades were asked on, when it differs from the
    spec's: valid grades are rescaled linearly to the spec's scale.

    With ``strict=True`` an :class:`~drivers.errors.InvalidValueError` is raised
    instead of excluding rows or cells; its message lists every problem.
    """
    absent = tuple(k for k in spec.touchpoint_keys if k not in set(map(str, raw.columns)))
    if not columns_present:
        check_columns(raw, spec, source=source, absent_ok=absent, added=added)
    index = raw.index
    ledger = _Ledger(index)
    cells = _Cells(index)
    clean: dict[str, Any] = {}
    not_applicable: dict[str, np.ndarray] = {}
    notes: list[str] = []
    warn: list[str] = []
    extra = tuple(str(c) for c in na_codes)

    # NPS
    nps_raw = _map_labels(raw[spec.nps], spec, spec.nps)
    nps = _parse(nps_raw, decimal=decimal, codes=(*spec.na_codes, *extra))
    ledger.exclude(
        np.isnan(nps.nums) & ~nps.bad,
        nps_raw,
        reason="NPS answer missing",
        column=spec.nps,
        expected="a whole number 0-10",
        fix="leave these respondents out, or fill in their answer",
    )
    ledger.exclude(
        nps.bad,
        nps_raw,
        reason="NPS answer is text, not a number",
        column=spec.nps,
        expected="a whole number 0-10",
        fix=_text_fix(decimal, spec.nps),
    )
    with np.errstate(invalid="ignore"):
        outside = ~np.isnan(nps.nums) & (
            (nps.nums < 0) | (nps.nums > 10) | (nps.nums != np.round(nps.nums))
        )
    ledger.exclude(
        outside,
        nps_raw,
        reason="NPS answer outside 0-10 or not a whole number",
        column=spec.nps,
        expected="a whole number 0-10",
        fix="correct the values in the source, or check that this is the 0-10 "
        "recommendation question",
    )
    clean[spec.nps] = nps.nums

    # Touchpoint grades: a bad cell costs that cell only.
    low, high = (float(v) for v in spec.scale)
    a_low, a_high = (float(v) for v in scale) if scale is not None else (low, high)
    if scale is not None and (a_low, a_high) != (low, high):
        notes.append(
            f"Grades were asked on a {_num(a_low)}-{_num(a_high)} scale and rescaled "
            f"linearly to {_num(low)}-{_num(high)} ({_num(a_low)} → {_num(low)}, "
            f"{_num(a_high)} → {_num(high)})."
        )
    small_scale = []
    for key in spec.touchpoint_keys:
        if key in absent:
            clean[key] = np.full(len(raw), np.nan)
            continue
        col = _labelled_codes(
            _map_labels(raw[key], spec, key), (value_labels or {}).get(key), (a_low, a_high)
        )
        parsed = _parse(col, decimal=decimal, codes=(*spec.na_codes_for(key), *extra))
        vals = parsed.nums
        with np.errstate(invalid="ignore"):
            out = ~np.isnan(vals) & ((vals < a_low) | (vals > a_high))
        text = parsed.bad & ~parsed.date
        cells.add(key, "text", text, parsed)
        cells.add(key, "date", parsed.date, parsed)
        cells.add(key, "out of scale", out, parsed)
        valid = np.where(out, np.nan, vals)
        if scale is not None and (a_low, a_high) != (low, high):
            valid = low + (valid - a_low) * (high - low) / (a_high - a_low)
        elif high - low >= 6:
            answered = valid[~np.isnan(valid)]
            if len(answered) >= 5 and answered.max() <= low + 4:
                small_scale.append(key)
        clean[key] = valid
        not_applicable[key] = np.isnan(vals) & ~parsed.bad
    if absent:
        labels = ", ".join(repr(a) for a in absent)
        notes.append(
            f"Touchpoint{'s' if len(absent) > 1 else ''} {labels} "
            f"{'are' if len(absent) > 1 else 'is'} not in this file (added to or dropped "
            "from the questionnaire): loaded as all-missing."
        )
        warn.append(
            f"{source}: {labels} not in the file; loaded as all-missing. If "
            f"{'they have' if len(absent) > 1 else 'it has'} another name in this file, "
            'add rename = { "<name in the file>" = "<spec column>" } to this wave.'
        )
    if small_scale:
        cols = ", ".join(repr(c) for c in small_scale)
        warn.append(
            f"{source}: every answer in {cols} lies within {_num(low)}-{_num(low + 4)} while the "
            f"spec's scale is {_num(low)}-{_num(high)}. If this wave was asked on a "
            f"{_num(low)}-{_num(low + 4)} scale, add scale = [{_num(low)}, {_num(low + 4)}] "
            "to its [[waves]] entry in client.toml (or load_survey(..., scale=...)) so the "
            "grades are rescaled."
        )

    # Weight
    weight_mean = None
    if spec.weight:
        col = raw[spec.weight]
        w = _parse(col, decimal=decimal)
        vals = w.nums
        _check_weights(vals, spec.weight, source)
        ledger.exclude(
            np.isnan(vals) & ~w.bad,
            col,
            reason="weight missing",
            column=spec.weight,
            expected="a positive number",
            fix="fill in the weight, or drop the weight from the spec to analyse unweighted",
        )
        ledger.exclude(
            w.bad,
            col,
            reason="weight is text, not a number",
            column=spec.weight,
            expected="a positive number",
            fix=_text_fix(decimal, spec.weight),
        )
        with np.errstate(invalid="ignore"):
            nonpositive = vals <= 0
        ledger.exclude(
            nonpositive,
            col,
            reason="weight zero or negative",
            column=spec.weight,
            expected="a positive number",
            fix="respondents with weight 0 carry no information: remove them "
            "from the file, or correct the weight",
        )
        clean[spec.weight] = vals

    # Identifiers, segments, wave, open answers: kept as text
    labels_of = value_labels or {}
    for col in [spec.id, spec.wave, *spec.segments, *spec.open_answers]:
        if col and col in raw.columns and col not in clean:
            clean[col] = _text_column(raw[col], labels_of.get(col))
    frame = pd.DataFrame(clean, index=index, copy=False)  # no consolidated copy
    del clean
    if spec.id:
        ids = frame[spec.id]
        keys = [spec.id] + ([spec.wave] if spec.wave and spec.wave in frame else [])
        dup = (frame[keys].duplicated(keep="first") & ids.notna()).to_numpy()
        ledger.exclude(
            dup,
            raw[spec.id],
            reason="duplicate respondent id",
            column=spec.id,
            expected="one row per respondent",
            fix="remove the repeated rows from the export; the first is kept",
        )

    used = ledger.used
    cell_table = cells.table(used)
    hint = _na_code_hint(cell_table, wave_codes if wave_codes is not None else extra)
    if spec.weight and used.any():
        weight_mean = float(np.mean(frame[spec.weight].to_numpy()[used]))
        frame[spec.weight] = frame[spec.weight] / weight_mean
        notes.append(f"Weights divided by their mean ({weight_mean:.6g}): mean weight 1.")
    if hint:
        texts = cell_table[cell_table["kind"] == "text"]
        warn.append(
            f"{source}: {int(texts['n'].sum())} grade cells hold text that is no grade and "
            f"no n.v.t. code; they were set to missing (the respondents stay). If these are "
            f"don't-know answers, add to this wave in client.toml: {hint}"
        )
    reasons = pd.Series(ledger.reason[~used], index=index[~used], dtype="object").astype(str)
    report = QualityReport(
        rows_read=int(len(raw)),
        rows_used=int(used.sum()),
        table=ledger.table(),
        excluded=reasons,
        not_applicable=pd.Series(
            {k: int((m & used).sum()) for k, m in not_applicable.items()}, dtype="int64"
        ),
        source=source,
        cells=cell_table,
        absent=absent,
        rescaled=(a_low, a_high, low, high)
        if scale is not None
        and (a_low, a_high)
        != (
            low,
            high,
        )
        else (),
        renamed=dict(renamed or {}),
        na_code_hint=hint,
        weight_mean=weight_mean,
        notes=tuple(notes),
    )
    if strict and (not report.ok or report.cells_excluded):
        raise InvalidValueError(_strict_message(report, source))
    for message in warn:
        warnings.warn(message, DataQualityWarning, stacklevel=4)  # the caller of load_survey
    return (frame if used.all() else frame.loc[used]), report


def _check_weights(vals: np.ndarray, column: str, source: str) -> None:
    """Weights that make NaN or infinity downstream are an error, not a silent result."""
    positive = vals[~np.isnan(vals) & (vals > 0)]
    filled = int((~np.isnan(vals)).sum())
    if filled and not len(positive):
        raise DataError(
            f"{source}: every weight in {column!r} is zero or negative ({filled} rows). "
            "A weight column without a positive weight cannot weigh anything: export the "
            "weights again, or drop weight from the spec to analyse unweighted."
        )
    if not len(positive):
        return
    smallest, largest = float(positive.min()), float(positive.max())
    low, high = _WEIGHT_RANGE
    if smallest < low or largest > high or largest / smallest > _WEIGHT_RATIO:
        n_small = int((positive < max(low, largest / _WEIGHT_RATIO)).sum())
        n_large = int((positive > min(high, smallest * _WEIGHT_RATIO)).sum())
        raise DataError(
            f"{source}: the weights in {column!r} range from {smallest:.3g} to {largest:.3g} "
            f"({n_small} very small, {n_large} very large): more than a factor "
            f"{_WEIGHT_RATIO:,.0f} apart or outside {low:g}-{high:g}, so a few respondents "
            "would decide every result (and sums overflow). Check the weight column in the "
            "export (a lost decimal mark, a code such as 1e308 for 'missing'), or drop "
            "weight from the spec to analyse unweighted."
        )


def _na_code_hint(cells: pd.DataFrame, current: Sequence[str]) -> str | None:
    """``na_codes = [...]`` with the texts that recur in grade cells (2 or more times)."""
    if cells.empty:
        return None
    texts = cells[(cells["kind"] == "text") & ~cells["value"].str.startswith("(other")]
    counts = texts.assign(key=texts["value"].str.lower()).groupby("key", sort=False)["n"].sum()
    recurring = [k for k, n in counts.sort_values(ascending=False, kind="stable").items() if n >= 2]
    if not recurring:
        return None
    codes = list(dict.fromkeys([*current, *recurring]))
    return "na_codes = [" + ", ".join(json.dumps(c, ensure_ascii=False) for c in codes) + "]"


def _text_column(values: pd.Series, labels: Mapping[Any, str] | None = None) -> pd.Series:
    if labels:
        lookup = {}
        for k, v in labels.items():
            lookup[_as_text(k)] = str(v)
            try:
                lookup[_as_text(float(k))] = str(v)
            except (TypeError, ValueError):
                pass
        objects = values.to_numpy(dtype=object, na_value=None)
        texts = [_as_text(v) for v in objects]
        mapped = [lookup.get(t, t) for t in texts]
        out = pd.Series(mapped, index=values.index, dtype="object")
        return out.where(out != "", None).astype("object")
    if _is_numeric(values) or values.dtype == object:
        objects = values.to_numpy(dtype=object, na_value=None)
        if pd.api.types.infer_dtype(objects, skipna=True) in ("string", "empty"):
            texts = pd.Series(objects, index=values.index, dtype="object").str.strip()
            texts = texts.fillna("")
        else:
            texts = pd.Series([_as_text(v) for v in objects], index=values.index, dtype="object")
    else:
        arr = pc.utf8_trim_whitespace(pc.fill_null(pa.array(values, from_pandas=True), ""))
        texts = pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index, dtype="object")
    return texts.where(texts != "", None).astype("object")


def check_columns(
    raw: pd.DataFrame,
    spec: SurveySpec,
    *,
    source: str,
    absent_ok: Sequence[str] = (),
    added: Sequence[str] = (),
) -> None:
    """Raise :class:`ColumnNotFoundError` naming every spec column the data lack.

    Touchpoints in ``absent_ok`` may be missing, unless every touchpoint is. Columns in
    ``added`` (the wave column filled in from the wave's name) count as present but are
    not listed as the file's own.
    """
    present = [str(c) for c in raw.columns]
    needed = [c for c in spec.columns if c not in present]
    if spec.touchpoints and len(set(absent_ok)) < len(spec.touchpoints):
        needed = [c for c in needed if c not in set(absent_ok)]
    if not needed:
        return
    own = [c for c in present if c not in set(added)]
    # Most of the spec missing: an export with its own names (SPSS short names), where a
    # guess per column misleads ('levering' is not 'meting'); drivers check pairs them.
    renamed_export = len(needed) > max(2, len(spec.columns) // 2)
    parts = []
    for col in needed:
        hint = None if renamed_export else closest(col, own, cutoff=0.75)
        parts.append(f"{col!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    shown = ", ".join(repr(c) for c in own[:15]) + (" ..." if len(own) > 15 else "")
    fix = (
        "Fix the column name in the spec (or in the export); or, when only this wave's file "
        'names it differently, map it under that wave in client.toml: rename = { "<name in '
        'the file>" = "<spec column>" } (`drivers check <file> --spec <spec>` proposes the '
        "mapping)."
    )
    if renamed_export:
        fix = (
            f"{len(needed)} of the spec's {len(spec.columns)} columns are missing: this "
            "export names its columns its own way. Run `drivers check <file> --spec <spec>`: "
            'it proposes the rename = { "<name in the file>" = "<spec column>" } line to '
            "paste under this wave in client.toml."
        )
    raise ColumnNotFoundError(
        f"{source}: column{'s' if len(needed) > 1 else ''} {', '.join(parts)} named in the spec "
        f"{'are' if len(needed) > 1 else 'is'} not in the file. The file has: {shown}. "
        + (_header_below(raw, needed) or fix)
    )


def _header_below(raw: pd.DataFrame, needed: list[str]) -> str:
    """The fix when the names sit in a data row: a second header row under group titles."""
    for number, row in raw.head(5).iterrows():
        cells = {_as_text(v) for v in row}
        if all(col in cells for col in needed):
            return (
                f"The names are in row {number}: the file has more than one header row "
                "(group titles above the column names, often merged cells). Load with "
                f"header_row={number}, or delete the rows above the names."
            )
    return ""


def _labelled_codes(
    values: pd.Series, labels: Mapping[Any, str] | None, scale: tuple[float, float]
) -> pd.Series:
    """An SPSS code outside the grade scale whose value label is a word ("97 = geen
    idee") reads as its label: an n.v.t. code when na_codes name it, else a counted text
    cell with the na_codes hint. It was an out-of-scale grade that no warning named."""
    if not labels:
        return values
    codes = {}
    for code, label in labels.items():
        try:
            number = float(code)
        except (TypeError, ValueError):
            continue
        text = str(label).strip()
        outside = not scale[0] <= number <= scale[1]
        if outside and text and not re.fullmatch(r"[\d\s.,+-]*", text):
            codes[number] = text
    if not codes:
        return values
    numbers = pd.to_numeric(values, errors="coerce")
    hit = numbers.isin(list(codes))
    if not hit.any():
        return values
    return values.mask(hit, numbers[hit].map(codes)).astype(object)


def _map_labels(values: pd.Series, spec: SurveySpec, column: str) -> pd.Series:
    """Apply the spec's text → number value labels (e.g. '9 - zeer waarschijnlijk' → 9)."""
    mapping = spec.value_labels.get(column)
    if not mapping:
        return values
    lowered = {str(k).strip().lower(): v for k, v in mapping.items()}
    return values.map(lambda v: lowered.get(_as_text(v).lower(), v))


def _text_fix(decimal: str, column: str) -> str:
    if decimal == ".":
        return (
            f"if {column!r} uses a decimal comma, load with decimal=','; otherwise correct "
            "the text or add it to the spec's na_codes / value_labels"
        )
    return "correct the text, or add it to the spec's na_codes or value_labels"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _strict_message(report: QualityReport, source: str) -> str:
    lines = [
        f"{source}: {report.rows_excluded} of {report.rows_read} rows and "
        f"{report.cells_excluded} grade cells break the spec (strict=True):"
    ]
    for rec in report.table.itertuples(index=False):
        lines.append(
            f"- column {rec.column!r}, {format_rows(list(rec.rows), total=rec.cells)}: "
            f"{rec.reason}; "
            f"found {rec.found}, expected {rec.expected}. Fix: {rec.fix}."
        )
    for rec in report.cells.itertuples(index=False):
        lines.append(
            f"- column {rec.column!r}, {format_rows(list(rec.rows), total=rec.n)}: "
            f"{rec.kind} in a grade cell; found {rec.value!r}, expected a grade or an n.v.t. "
            "code. Fix: correct the value, or add the code to na_codes."
        )
    lines.append(
        "Load with strict=False to exclude these rows (and set these cells to missing) and "
        "see them in Survey.quality."
    )
    return "\n".join(lines)
