"""Row accounting: every row read is used, or excluded with a reason and a count.

:func:`validate` turns a raw frame (as read from a file, values still text or
numbers) into the clean analysis frame of a :class:`~drivers.load.survey.Survey` plus a
:class:`QualityReport` in which ``rows_read == rows_used + rows_excluded`` always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from drivers.errors import ColumnNotFoundError, InvalidValueError, closest, format_rows
from drivers.load.spec import SurveySpec

__all__ = ["QualityReport", "parse_numbers", "validate"]

_COMMA_NUMBER = re.compile(r"^[+-]?\d*,\d+$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class QualityReport:
    """What happened to every row of a survey file.

    Attributes
    ----------
    rows_read, rows_used, rows_excluded : int
        Counts; ``rows_read == rows_used + rows_excluded``.
    table : DataFrame
        One row per exclusion reason: ``reason``, ``column``, ``n``, ``rows``
        (example row numbers as in the file), ``found`` (example values),
        ``expected`` and ``fix``.
    excluded : Series
        Row number → reason, for every excluded row.
    not_applicable : Series
        Per touchpoint, the number of used rows that answered n.v.t.
    source : str
        The file(s) the rows came from.
    """

    rows_read: int
    rows_used: int
    table: pd.DataFrame
    excluded: pd.Series
    not_applicable: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    source: str = ""

    @property
    def rows_excluded(self) -> int:
        return int(len(self.excluded))

    @property
    def ok(self) -> bool:
        """True when no row was excluded."""
        return self.rows_excluded == 0

    def summary(self) -> str:
        """The accounting as plain text."""
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_used} used, "
            f"{self.rows_excluded} excluded."
        ]
        for rec in self.table.itertuples(index=False):
            lines.append(
                f"  - {rec.reason} ({rec.column}): {rec.n} "
                f"({format_rows(list(rec.rows), total=rec.cells)}; found {rec.found})"
            )
        return "\n".join(lines)

    __str__ = summary

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{self.rows_read}</b> rows read, <b>{self.rows_used}</b> used, "
            f"<b>{self.rows_excluded}</b> excluded.</p>"
        )
        if self.table.empty:
            return head
        rows = [
            format_rows(list(r), total=n)
            for r, n in zip(self.table["rows"], self.table["cells"], strict=True)
        ]
        shown = self.table.assign(rows=rows)
        return head + shown.to_html(index=False)

    @staticmethod
    def combine(reports: list[QualityReport]) -> QualityReport:
        """One report for several files (waves)."""
        tables = [r.table.assign(source=r.source) for r in reports]
        excluded = pd.concat([r.excluded for r in reports]) if reports else pd.Series(dtype=str)
        na = pd.concat([r.not_applicable for r in reports]).groupby(level=0).sum()
        return QualityReport(
            rows_read=sum(r.rows_read for r in reports),
            rows_used=sum(r.rows_used for r in reports),
            table=pd.concat(tables, ignore_index=True) if tables else _empty_table(),
            excluded=excluded,
            not_applicable=na,
            source=", ".join(r.source for r in reports),
        )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["reason", "column", "n", "cells", "rows", "found", "expected", "fix"]
    )


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
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        nums = values.astype("float64")
        infinite = np.isinf(nums)
        return nums.where(~infinite), infinite
    text = values.map(_as_text)
    empty = text == ""
    cleaned = text
    if decimal == ",":
        cleaned = text.map(_comma_to_point)
    else:
        cleaned = text.map(lambda t: t.replace(",", "") if _THOUSANDS_COMMA.match(t) else t)
    nums = pd.to_numeric(cleaned.where(~empty, None), errors="coerce").astype("float64")
    # 'inf' and 'nan' parse as floats but are no answer a respondent gave.
    nums = nums.where(np.isfinite(nums))
    bad = nums.isna() & ~empty
    return nums, bad


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _comma_to_point(text: str) -> str:
    if _COMMA_NUMBER.match(text):
        return text.replace(",", ".")
    if _THOUSANDS_DOT.match(text):
        return text.replace(".", "").replace(",", ".")
    return text


class _Ledger:
    """Collects exclusion reasons; a row is counted under its first reason."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.reason = pd.Series(pd.NA, index=index, dtype="object")
        self.records: list[dict] = []

    def exclude(
        self,
        mask: pd.Series,
        values: pd.Series | None,
        *,
        reason: str,
        column: str,
        expected: str,
        fix: str,
    ) -> None:
        mask = mask.reindex(self.index, fill_value=False).astype(bool)
        new = mask & self.reason.isna()
        if not mask.any():
            return
        rows = list(self.index[mask])
        found = []
        if values is not None:
            found = list(dict.fromkeys(_as_text(v) or "(empty)" for v in values[mask].iloc[:50]))
        self.records.append(
            {
                "reason": reason,
                "column": column,
                "n": int(new.sum()),
                "cells": int(mask.sum()),
                "rows": rows[:10],
                "found": ", ".join(repr(f) for f in found[:3]),
                "expected": expected,
                "fix": fix,
            }
        )
        self.reason[new] = reason

    def table(self) -> pd.DataFrame:
        if not self.records:
            return _empty_table()
        table = pd.DataFrame(self.records)
        return table[["reason", "column", "n", "cells", "rows", "found", "expected", "fix"]]


def validate(
    raw: pd.DataFrame,
    spec: SurveySpec,
    *,
    source: str = "the data",
    decimal: str = ".",
    strict: bool = False,
    columns_present: bool = False,
) -> tuple[pd.DataFrame, QualityReport]:
    """Check a raw frame against a spec; return the clean rows and the accounting.

    ``raw`` has one row per data row of the file, indexed by the row number in the
    file. Cells that hold an n.v.t. code become NaN and are counted per touchpoint,
    not excluded. Exclusion reasons: NPS missing, NPS not a number, NPS outside
    0-10 or not whole, a grade that is text or outside the scale, weight missing,
    not a number, zero or negative, duplicate respondent id.

    With ``strict=True`` an :class:`~drivers.errors.InvalidValueError` is raised
    instead of excluding rows; its message lists every problem.
    """
    if not columns_present:
        check_columns(raw, spec, source=source)
    ledger = _Ledger(raw.index)
    clean = pd.DataFrame(index=raw.index)
    not_applicable = {}

    # NPS
    nps_raw = _map_labels(raw[spec.nps], spec, spec.nps)
    na_mask = _is_na_code(nps_raw, spec.na_codes)
    nps_vals, nps_text = parse_numbers(nps_raw.where(~na_mask, None), decimal=decimal)
    ledger.exclude(
        nps_vals.isna() & ~nps_text,
        nps_raw,
        reason="NPS answer missing",
        column=spec.nps,
        expected="a whole number 0-10",
        fix="leave these respondents out, or fill in their answer",
    )
    ledger.exclude(
        nps_text,
        nps_raw,
        reason="NPS answer is text, not a number",
        column=spec.nps,
        expected="a whole number 0-10",
        fix=_text_fix(decimal, spec.nps),
    )
    outside = nps_vals.notna() & ((nps_vals < 0) | (nps_vals > 10) | (nps_vals != nps_vals.round()))
    ledger.exclude(
        outside,
        nps_raw,
        reason="NPS answer outside 0-10 or not a whole number",
        column=spec.nps,
        expected="a whole number 0-10",
        fix="correct the values in the source, or check that this is the 0-10 "
        "recommendation question",
    )
    clean[spec.nps] = nps_vals

    # Touchpoint grades
    low, high = spec.scale
    for key in spec.touchpoint_keys:
        col = _map_labels(raw[key], spec, key)
        na_mask = _is_na_code(col, spec.na_codes_for(key))
        vals, text = parse_numbers(col.where(~na_mask, None), decimal=decimal)
        ledger.exclude(
            text,
            col,
            reason="text where a grade belongs",
            column=key,
            expected=f"a grade {_num(low)}-{_num(high)} or an n.v.t. code",
            fix=_text_fix(decimal, key),
        )
        bad = vals.notna() & ((vals < low) | (vals > high))
        ledger.exclude(
            bad,
            col,
            reason=f"grade outside the scale {_num(low)}-{_num(high)}",
            column=key,
            expected=f"a grade {_num(low)}-{_num(high)}",
            fix="correct the values, add the code to na_codes, or set the spec's scale",
        )
        clean[key] = vals.where(~bad & ~text)
        not_applicable[key] = vals.isna() & ~text

    # Weight
    if spec.weight:
        col = raw[spec.weight]
        vals, text = parse_numbers(col, decimal=decimal)
        ledger.exclude(
            vals.isna() & ~text,
            col,
            reason="weight missing",
            column=spec.weight,
            expected="a positive number",
            fix="fill in the weight, or drop the weight from the spec to analyse unweighted",
        )
        ledger.exclude(
            text,
            col,
            reason="weight is text, not a number",
            column=spec.weight,
            expected="a positive number",
            fix=_text_fix(decimal, spec.weight),
        )
        ledger.exclude(
            vals <= 0,
            col,
            reason="weight zero or negative",
            column=spec.weight,
            expected="a positive number",
            fix="respondents with weight 0 carry no information: remove them "
            "from the file, or correct the weight",
        )
        clean[spec.weight] = vals

    # Identifiers, segments, wave, open answers: kept as text
    for col in [spec.id, spec.wave, *spec.segments, *spec.open_answers]:
        if col and col in raw.columns:
            text = _map_value_labels_text(raw[col])
            clean[col] = text
    if spec.id:
        ids = clean[spec.id]
        missing_id = ids.isna()
        keys = [spec.id] + ([spec.wave] if spec.wave and spec.wave in clean else [])
        dup = clean[keys].duplicated(keep="first") & ~missing_id
        ledger.exclude(
            dup,
            raw[spec.id],
            reason="duplicate respondent id",
            column=spec.id,
            expected="one row per respondent",
            fix="remove the repeated rows from the export; the first is kept",
        )

    used = ledger.reason.isna()
    report = QualityReport(
        rows_read=int(len(raw)),
        rows_used=int(used.sum()),
        table=ledger.table(),
        excluded=ledger.reason[~used].astype(str),
        not_applicable=pd.Series(
            {k: int((m & used).sum()) for k, m in not_applicable.items()}, dtype="int64"
        ),
        source=source,
    )
    if strict and not report.ok:
        raise InvalidValueError(_strict_message(report, source))
    # Touchpoints that ended up entirely empty are left in: analysis decides.
    return clean.loc[used], report


def check_columns(raw: pd.DataFrame, spec: SurveySpec, *, source: str) -> None:
    """Raise :class:`ColumnNotFoundError` naming every spec column the data lack."""
    present = [str(c) for c in raw.columns]
    needed = [c for c in spec.columns if c not in present]
    if not needed:
        return
    parts = []
    for col in needed:
        hint = closest(col, present)
        parts.append(f"{col!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    shown = ", ".join(repr(c) for c in present[:15]) + (" ..." if len(present) > 15 else "")
    raise ColumnNotFoundError(
        f"{source}: column{'s' if len(needed) > 1 else ''} {', '.join(parts)} named in the spec "
        f"{'are' if len(needed) > 1 else 'is'} not in the file. The file has: {shown}. "
        + (_header_below(raw, needed) or "Fix the column name in the spec (or in the export).")
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


def _map_labels(values: pd.Series, spec: SurveySpec, column: str) -> pd.Series:
    """Apply the spec's text → number value labels (e.g. '9 - zeer waarschijnlijk' → 9)."""
    mapping = spec.value_labels.get(column)
    if not mapping:
        return values
    lowered = {str(k).strip().lower(): v for k, v in mapping.items()}
    return values.map(lambda v: lowered.get(_as_text(v).lower(), v))


def _map_value_labels_text(values: pd.Series) -> pd.Series:
    text = values.map(_as_text)
    return text.where(text != "", None).astype("object")


def _is_na_code(values: pd.Series, codes: tuple[str, ...]) -> pd.Series:
    lowered = {c.strip().lower() for c in codes}
    return values.map(lambda v: _as_text(v).lower() in lowered).astype(bool)


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
        f"{source}: {report.rows_excluded} of {report.rows_read} rows break the spec (strict=True):"
    ]
    for rec in report.table.itertuples(index=False):
        lines.append(
            f"- column {rec.column!r}, {format_rows(list(rec.rows), total=rec.cells)}: "
            f"{rec.reason}; "
            f"found {rec.found}, expected {rec.expected}. Fix: {rec.fix}."
        )
    lines.append("Load with strict=False to exclude these rows and see them in Survey.quality.")
    return "\n".join(lines)
