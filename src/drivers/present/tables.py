"""The ``tables.xlsx`` deliverable: aggregated tables as a workbook a client can open.

:func:`write_workbook` writes one sheet per table: a title row, a translated header row,
the pane frozen below it, number formats by what a column means (grades one decimal,
NPS whole points, shares as percentages, p-values three decimals, counts whole), and
text always stored as text. Values stay numbers: the decimal comma or point is Excel's
job, in the reader's own locale. The same input gives the same bytes, so a rerun of a
wave does not show up as a changed file.

Examples
--------
>>> import tempfile, pathlib
>>> table = pd.DataFrame({"group": ["Totaal"], "n": [120], "nps": [17.4]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tables.xlsx"
>>> write_workbook({"nps": table}, path, lang="nl", title="Klant · 2024").name
'tables.xlsx'
"""

from __future__ import annotations

import datetime
import io
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from drivers.errors import ParameterError, check_option
from drivers.present._format import _catalog, check_lang, text

__all__ = ["FORMATS", "Sheet", "sheet_names", "write_workbook"]

#: Excel number format per kind of column. Excel shows them in the reader's locale
#: (``0.0`` is "6,6" in Dutch Excel and "6.6" in English Excel).
FORMATS: Mapping[str, str] = {
    "grade": "0.0",
    "nps": "0",
    "share": "0%",
    "p": "0.000",
    "count": "0",
    "importance": "0.000",
    "decimal": "0.00",
    "text": "@",
    "general": "General",
}

#: Fixed document date (and zip member time) of every workbook: reruns give equal bytes.
FIXED_DATE = datetime.datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CREATOR = "drivers"

_TITLE_ROW, _HEADER_ROW = 1, 2
_FORBIDDEN_IN_NAME = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 (and so Excel) cannot hold; tab and line feed stay.
# Control characters (C0 but tab/LF/CR, DEL, C1), lone surrogates, non-characters and
# the bidirectional overrides that make text read backwards ("Zuid\u202eedis").
_ILLEGAL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_MAX_CELL = 32_767
_MIN_WIDTH, _MAX_WIDTH = 8, 60

_COUNTS = {"n", "n_eff", "count", "cells", "rank", "score"}
_SHARES = {"promoters", "passives", "detractors", "share", "reach", "top_box", "insufficient"}
_GRADES = {"mean", "sd", "before", "after", "performance", "benchmark", "grade"}
_IMPORTANCE = {"importance", "pearson", "r2", "observed_r2"}


@dataclass(frozen=True, eq=False)
class Sheet:
    """A table with what :func:`write_workbook` cannot guess from its column names.

    Parameters
    ----------
    table : DataFrame
        The aggregated table; its index is not written.
    title : str, optional
        Sheet title in the title row; default: the catalog's ``sheet_<key>`` text.
    formats : mapping column -> kind, optional
        Overrides the format guessed from the column name; a kind of :data:`FORMATS`.
    labels : mapping column -> str, optional
        Header text; default: the catalog's ``col_<column>`` text, else the column name.
    row_kind : str, optional
        A column whose value names the kind of each row's numbers (e.g. ``"measure"``
        with "nps" / "promoters" rows); default: ``"measure"`` when the table has it.
    """

    table: pd.DataFrame
    title: str | None = None
    formats: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    row_kind: str | None = None


def write_workbook(
    sheets: Mapping[str, pd.DataFrame | Sheet],
    path: str | Path,
    *,
    lang: str,
    title: str | None = None,
) -> Path:
    """Write aggregated tables as one workbook, one formatted sheet per table.

    Parameters
    ----------
    sheets : mapping sheet key -> DataFrame or Sheet
        In sheet order. The key names the sheet tab (cut to Excel's 31 characters,
        forbidden characters ``[]:*?/\\`` replaced, made unique; see
        :func:`sheet_names`) and finds the title ``sheet_<key>`` in the catalog
        (``nps_<segment>`` keys get "NPS per <segment>"). A :class:`Sheet` adds a
        title, formats, header labels or a row-kind column.
    path : path
        The ``.xlsx`` file; written atomically (a temporary file, then renamed).
    lang : {"nl", "en"}
        Language of titles and header labels.
    title : str, optional
        Client and wave, e.g. ``"Van Dijk Groothandel · 2024"``; follows the sheet
        title in row 1.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Row 1 holds the title, row 2 the header (panes frozen below it, with a filter),
    the data starts in row 3. Number formats by column name unless ``Sheet.formats``
    says otherwise: counts (``n``, ``n_*``, ``count``, ``rank*``) ``0``; p-values
    (``p_value``) ``0.000``; shares (``promoters``, ``passives``, ``detractors``,
    ``share*``, ``*_share``, ``reach``, ``top_box``, ``insufficient``, ``p_*``) ``0%``;
    NPS (``nps*``, and ``ci_*``, ``change``, ``difference`` in a table with an ``nps``
    column) ``0``; grades (``mean``, ``sd``, ``before``, ``after``, ``performance*``,
    and ``ci_*``, ``change`` next to them) ``0.0``; importance ``0.000``; any other
    float ``0.00``. Text is always stored as text (a leading ``=``, ``+``, ``-`` or
    ``@`` never makes a formula), characters Excel cannot hold are removed, lists
    are joined with ", ". Missing and infinite numbers give empty cells. Document
    dates, creator and zip member times are fixed: equal input, equal bytes.
    """
    from openpyxl import Workbook

    func = "write_workbook"
    check_lang(func, lang)
    if not isinstance(sheets, Mapping) or not sheets:
        raise ParameterError(
            f"The 'sheets' parameter of {func} must be a non-empty mapping of sheet key to "
            f"DataFrame or Sheet. Got {_describe(sheets)} instead."
        )
    if title is not None and not isinstance(title, str):
        raise ParameterError(
            f"The 'title' parameter of {func} must be a str or None. "
            f"Got {type(title).__name__} instead."
        )
    specs = {str(key): _as_sheet(key, value, func) for key, value in sheets.items()}
    if len(specs) != len(sheets):
        raise ParameterError(f"{func}: two sheet keys are equal once written as text.")
    names = sheet_names(list(specs))
    book = Workbook()
    book.remove(book.active)
    for key, spec in specs.items():
        _write_sheet(book.create_sheet(names[key]), key, spec, lang=lang, title=title)
    book.properties.creator = _CREATOR
    book.properties.lastModifiedBy = _CREATOR
    book.properties.created = FIXED_DATE
    buffer = io.BytesIO()
    book.save(buffer)
    return _write_reproducible(buffer.getvalue(), Path(path))


def sheet_names(keys: list[str]) -> dict[str, str]:
    """Tab name per sheet key: at most 31 characters, allowed characters, unique.

    Excel compares sheet names without case; ``[]:*?/\\`` are replaced by ``_``, a
    leading or trailing apostrophe is dropped, and a name taken already gets ``~2``,
    ``~3``, … within the 31 characters.

    Examples
    --------
    >>> names = sheet_names(["nps_" + "a" * 40 + "x", "nps_" + "a" * 40 + "y", "a/b"])
    >>> list(names.values())
    ['nps_aaaaaaaaaaaaaaaaaaaaaaaaaaa', 'nps_aaaaaaaaaaaaaaaaaaaaaaaaa~2', 'a_b']
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = _ILLEGAL.sub("", _FORBIDDEN_IN_NAME.sub("_", str(key))).strip("'").strip()
        base = base or "sheet"
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base}_"
        name, number = base[:31].rstrip("'"), 1
        while name.casefold() in taken:
            number += 1
            suffix = f"~{number}"
            name = base[: 31 - len(suffix)].rstrip("'") + suffix
        taken.add(name.casefold())
        out[key] = name
    return out


# -- one sheet --------------------------------------------------------------------------
def _write_sheet(ws, key: str, spec: Sheet, *, lang: str, title: str | None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = spec.table
    columns = [_column_name(c) for c in table.columns]
    heading = spec.title if spec.title is not None else _sheet_title(key, lang)
    heading = f"{heading} · {title}" if title else heading
    _put_text(ws.cell(row=_TITLE_ROW, column=1), heading).font = Font(bold=True, size=13)
    widths = []
    for j, column in enumerate(columns, start=1):
        label = spec.labels.get(column) or _header_label(column, lang)
        _put_text(ws.cell(row=_HEADER_ROW, column=j), label).font = Font(bold=True)
        widths.append(_text_width(_clean(label)))
    kinds = [spec.formats.get(c) or _column_kind(c, set(columns)) for c in columns]
    row_kind = spec.row_kind
    if row_kind is None and "measure" in columns:
        row_kind = "measure"
    row_kinds = (
        [_measure_kind(v) for v in table.iloc[:, columns.index(row_kind)]]
        if row_kind in columns
        else [None] * len(table)
    )
    for i, row in enumerate(table.itertuples(index=False, name=None)):
        for j, value in enumerate(row):
            cell = ws.cell(row=_HEADER_ROW + 1 + i, column=j + 1)
            kind = kinds[j]
            if row_kinds[i] is not None and kind not in ("count", "p", "text"):
                kind = row_kinds[i]
            shown = _put_value(cell, value, kind)
            widths[j] = max(widths[j], shown)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=1).coordinate
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{_HEADER_ROW}:{last}{_HEADER_ROW + len(table)}"


def _put_value(cell, value, kind: str | None) -> int:
    """Write one value; returns its shown width (characters)."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return _text_width(_put_text(cell, ", ".join(str(v) for v in items)).value)
    if _is_missing(value):
        return 0
    if isinstance(value, bool | np.bool_):
        cell.value = bool(value)
        return 5
    if isinstance(value, Integral):
        cell.value = int(value)
        cell.number_format = FORMATS[kind] if kind in FORMATS and kind != "text" else "0"
        return len(str(int(value))) + 1
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            return 0
        cell.value = number
        number_format = FORMATS.get(kind or "decimal", "0.00")
        cell.number_format = "0.00" if number_format in ("@", "General") else number_format
        return _shown_width(number, cell.number_format)
    if isinstance(value, datetime.datetime | datetime.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_convert(None) if stamp.tzinfo is not None else stamp
        cell.value = stamp.to_pydatetime()
        cell.number_format = "yyyy-mm-dd hh:mm" if (stamp.hour or stamp.minute) else "yyyy-mm-dd"
        return 16
    return _text_width(_put_text(cell, str(value)).value)


def _text_width(value: str | None) -> int:
    return max((len(line) for line in (value or "").split("\n")), default=0)


def _put_text(cell, value: str):
    """Store text as a string cell, never as a formula."""
    value = _clean(value)
    cell.value = value
    cell.data_type = "s"  # openpyxl makes "=…" a formula; this keeps it text
    if value.startswith(_FORMULA_START):
        cell.quotePrefix = True  # Excel keeps it text also after the reader edits the cell
    return cell


def _clean(value: str) -> str:
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", value)[:_MAX_CELL]


def _shown_width(number: float, number_format: str) -> int:
    if number_format == "0%":
        return len(f"{number:.0%}")
    decimals = len(number_format.split(".")[1]) if "." in number_format else 0
    return len(f"{number:,.{decimals}f}")


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:
        return False


# -- what a column means ----------------------------------------------------------------
def _column_kind(column: str, columns: set[str]) -> str | None:
    """The number format kind of a column, from its name and its neighbours."""
    c = column.lower()
    if c in _COUNTS or c.startswith(("n_", "rank", "rows_")) or c.endswith("_rank"):
        return "count"
    if c == "p_value" or c.startswith("p_value") or c == "p":
        return "p"
    if c in _SHARES or c.startswith(("share", "p_", "change_share")) or c.endswith("_share"):
        return "share"
    if c.startswith("nps"):
        return "nps"
    if c.startswith("performance") or c in _GRADES:
        return "grade"
    if c.startswith("importance") or c in _IMPORTANCE:
        return "importance"
    if c.startswith(("ci_", "change", "difference")):
        if "nps" in columns:
            return "nps"
        if columns & {"mean", "before", "after"} and "measure" not in columns:
            return "grade"
        if "importance" in columns or any(x.startswith("importance") for x in columns):
            return "importance"
    return None


def _measure_kind(value) -> str | None:
    """Kind of the numbers of a row whose measure is ``value`` (e.g. "nps")."""
    if not isinstance(value, str) or not value:
        return None
    return _column_kind(value, set())


def _header_label(column: str, lang: str) -> str:
    """``col_<column>`` from the catalog; ``share_2024`` (a wave) gives "Aandeel 2024"."""
    catalog = _catalog(lang)
    if f"col_{column}" in catalog:
        return text(f"col_{column}", lang)
    base, _, suffix = column.rpartition("_")
    if base and any(ch.isdigit() for ch in suffix) and f"col_{base}" in catalog:  # a wave
        return f"{text(f'col_{base}', lang)} {suffix}"
    from drivers.stats.methods import METHODS

    if base in METHODS and suffix in ("share", "rank"):  # importance by method
        name = text(METHODS[base].label_key, lang)
        return f"{name[:1].upper()}{name[1:]}: {text(f'col_{suffix}', lang).lower()}"
    return column


def _sheet_title(key: str, lang: str) -> str:
    if f"sheet_{key}" in _catalog(lang):
        return text(f"sheet_{key}", lang)
    if key.startswith("nps_") and len(key) > 4:
        return text("sheet_nps_segment", lang, segment=key[4:])
    return key


def _column_name(column) -> str:
    if isinstance(column, tuple):
        return " · ".join(str(c) for c in column if str(c))
    return str(column)


def _as_sheet(key, value, func: str) -> Sheet:
    if isinstance(value, pd.DataFrame):
        value = Sheet(value)
    if not isinstance(value, Sheet) or not isinstance(value.table, pd.DataFrame):
        raise ParameterError(
            f"The 'sheets' parameter of {func} must map each key to a DataFrame or a Sheet. "
            f"Got {_describe(value)} for {key!r} instead."
        )
    for column, kind in value.formats.items():
        check_option(f"{func} (sheet {key!r}, column {column!r})", "formats", kind, FORMATS)
    columns = {_column_name(c) for c in value.table.columns}
    named = [*value.formats, *value.labels, *([value.row_kind] if value.row_kind else [])]
    unknown = [str(c) for c in named if c not in columns]
    if unknown:
        raise ParameterError(
            f"{func}: the Sheet of {key!r} names column(s) {', '.join(map(repr, unknown))} "
            f"that its table does not have; it has {', '.join(map(repr, sorted(columns)))}."
        )
    return value


def _describe(value) -> str:
    return f"a {type(value).__name__}"


# -- reproducible bytes -----------------------------------------------------------------
_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")
_CREATED = re.compile(rb"<dcterms:created([^>]*)>[^<]*</dcterms:created>")


def _write_reproducible(data: bytes, path: Path) -> Path:
    """Rewrite the saved zip with fixed member times, order and document dates.

    openpyxl stamps ``dcterms:modified`` with the time of saving and zip members with
    the current time; both are fixed here, so equal input gives equal bytes.
    """
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", names.index(n)))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in ordered:
                content = source.read(name)
                if name == "docProps/core.xml":
                    content = _MODIFIED.sub(
                        rb"<dcterms:modified\1>" + stamp + rb"</dcterms:modified>", content
                    )
                    content = _CREATED.sub(
                        rb"<dcterms:created\1>" + stamp + rb"</dcterms:created>", content
                    )
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                info.create_system = 0
                target.writestr(info, content)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(out.getvalue())
        # mkstemp makes the file 0600: give it the mode any new file gets (the umask's)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
