"""Reading survey files: CSV (Dutch exports too), XLSX, SPSS .sav and parquet.

:func:`read_table` reads a file into a raw frame (values as in the file, index =
the row number in the file, header = row 1) and raises a clear
:class:`~drivers.errors.DataError` for what it cannot read. :func:`load_survey`
reads and validates against a :class:`~drivers.load.spec.SurveySpec`.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from drivers.errors import (
    ColumnNotFoundError,
    DataError,
    EmptyFileError,
    EncodingError,
    FileFormatError,
    ParameterError,
    check_option,
    closest,
)
from drivers.load.quality import QualityReport, validate
from drivers.load.spec import SurveySpec
from drivers.load.survey import Survey
from drivers.load.wave import Wave

__all__ = ["FORMATS", "load_survey", "read_table", "survey_from_frame"]

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".sav": "spss",
    ".zsav": "spss",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_DELIMITERS = (";", ",", "\t", "|")


def read_table(
    path: str | Path,
    *,
    sheet: int | str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int = 1,
) -> tuple[pd.DataFrame, dict]:
    """Read a survey file as it is: one row per data row, index = row number in the file.

    Returns the raw frame and a dict of what was detected (``format``, ``encoding``,
    ``delimiter``, ``decimal``, SPSS ``value_labels`` and ``column_labels``). CSV
    files are read with pyarrow (all values as text); SPSS files keep their numeric
    codes (value labels are in ``info["value_labels"]``). An Excel workbook with
    several sheets needs ``sheet``; Excel's ``sep=;`` first line is recognised.
    ``header_row`` is the row (counting from 1) that holds the column names in a CSV or
    Excel file; rows above it (group titles over merged cells) are skipped. Lines that
    are entirely blank are skipped and listed in ``info["blank_rows"]``.

    Examples
    --------
    >>> from drivers import demo
    >>> raw, info = read_table(demo.demo_dir() / "wave_2024.csv")
    >>> info["delimiter"], info["decimal"]
    (';', ',')
    >>> int(raw.index[0])   # the first data row is row 2 of the file
    2
    """
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"File {path} does not exist. Check the path (relative paths start from {Path.cwd()})."
        )
    if path.is_dir():
        raise DataError(f"{path} is a folder, not a data file.")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        extra = (
            " Save old .xls files as .xlsx in Excel first." if path.suffix.lower() == ".xls" else ""
        )
        raise FileFormatError(
            f"{path}: unknown file type {path.suffix or '(no extension)'!r}. "
            f"Supported: {known}.{extra}"
        )
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path} is empty (0 bytes). Export the survey again.")
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        raise ParameterError(
            f"The 'header_row' parameter of read_table must be a row number >= 1. "
            f"Got {header_row!r} instead."
        )
    if header_row != 1 and kind in ("spss", "parquet"):
        raise ParameterError(
            f"{path}: header_row={header_row} applies to CSV and Excel files only; "
            f"{kind} files name their columns themselves."
        )
    reader = {"csv": _read_csv, "excel": _read_excel, "spss": _read_spss, "parquet": _read_parquet}[
        kind
    ]
    if kind == "csv":
        raw, info = reader(path, encoding=encoding, delimiter=delimiter, header_row=header_row)
    elif kind == "excel":
        raw, info = reader(path, sheet=sheet, header_row=header_row)
    else:
        raw, info = reader(path)
    info["format"] = kind
    raw.columns = [_clean_header(c) for c in raw.columns]
    _check_header(raw, path)
    if raw.empty:
        raise EmptyFileError(
            f"{path} has a header ({len(raw.columns)} columns) but no data rows. "
            "Export the survey again with its responses."
        )
    return raw, info


def load_survey(
    path: str | Path | Sequence[str | Path] | Mapping[str, str | Path],
    spec: SurveySpec | str | Path,
    *,
    sheet: int | str | None = None,
    strict: bool = False,
    wave: str | Wave | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
    rename: Mapping[str, str] | None = None,
    na_codes: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
) -> Survey:
    """Load and validate a survey file (or one file per wave) against a spec.

    Parameters
    ----------
    path : path, list of paths, or mapping wave → path
        One file, or one file per wave. For a list, wave names come from the
        first run of four digits in each file name (``wave_2024.csv`` → ``"2024"``).
    spec : SurveySpec or path to a TOML spec
    sheet : int or str, optional
        Sheet of an Excel file, by index or name. Required when the workbook has
        several sheets (hidden ones count): no sheet is picked silently.
    strict : bool
        Raise :class:`~drivers.errors.InvalidValueError` instead of excluding rows.
    wave : str or Wave, optional
        The wave of a single file: its name (stored in the spec's wave column, or
        ``"wave"``), or a :class:`~drivers.load.wave.Wave` from client.toml whose
        ``sheet``, ``rename``, ``na_codes``, ``scale``, ``decimal`` and ``header_row``
        apply (arguments given here win). A file whose wave column holds several
        waves cannot be loaded as one wave.
    decimal : {",", "."}, optional
        Decimal mark of a CSV file; detected when None (decimal comma when the values
        use it, typical for Dutch exports with ``;``).
    encoding : str, optional
        Text encoding of a CSV file; detected when None (UTF-8 with or without BOM,
        UTF-16, else cp1252).
    header_row : int, optional
        Row of a CSV or Excel file that holds the column names (default 1). Use 2
        for exports with a row of group titles (merged cells) above the names.
    rename : mapping, optional
        ``{"column in the file": "column in the spec"}``.
    na_codes : sequence of str, optional
        Extra don't-know codes of this file, on top of the spec's.
    scale : (low, high), optional
        The grade scale of this file when it differs from the spec's; grades are
        rescaled linearly and the rescaling is recorded in ``Survey.quality``.

    Returns
    -------
    Survey
        With ``.quality``: rows read = rows used + rows excluded; grade cells set to
        missing are counted apart (``quality.cells``).

    Examples
    --------
    >>> from drivers import demo
    >>> survey = load_survey(demo.demo_dir() / "wave_2024.csv", demo.demo_dir() / "survey.toml")
    >>> survey.quality.rows_read == survey.quality.rows_used + survey.quality.rows_excluded
    True
    """
    if not isinstance(spec, SurveySpec):
        spec = SurveySpec.from_toml(Path(spec))
    mapping = wave if isinstance(wave, Wave) else None
    if mapping is not None:
        sheet = mapping.sheet if sheet is None else sheet
        decimal = mapping.decimal if decimal is None else decimal
        header_row = mapping.header_row if header_row is None else header_row
        rename = mapping.rename if rename is None else rename
        na_codes = mapping.na_codes if na_codes is None else na_codes
        scale = mapping.scale if scale is None else scale
        wave = mapping.name
    header_row = 1 if header_row is None else header_row
    if decimal is not None:
        check_option("load_survey", "decimal", decimal, [",", "."])
    if scale is not None:
        scale = _check_scale(scale)
    if isinstance(path, Mapping):
        items = [(str(w), Path(p)) for w, p in path.items()]
    elif isinstance(path, str | Path):
        items = [(None if wave is None else str(wave), Path(path))]
    else:
        items = [(_wave_from_name(Path(p)), Path(p)) for p in path]
        if len(items) > 1 and any(w is None for w, _ in items):
            names = ", ".join(p.name for w, p in items if w is None)
            raise ParameterError(
                f"Cannot tell the wave of {names} from the file name. Pass a "
                "mapping instead: load_survey({'2023': path_a, '2024': path_b}, "
                "spec)."
            )
    if not items:
        raise ParameterError("load_survey needs at least one file.")
    wave_col = spec.wave or ("wave" if any(w is not None for w, _ in items) else None)
    frames, reports = [], []
    for wave_name, file in items:
        raw, info = read_table(file, sheet=sheet, encoding=encoding, header_row=header_row)
        data, report, file_spec = _validate_file(
            raw,
            info,
            spec,
            source=str(file),
            wave_name=wave_name,
            wave_col=wave_col,
            rename=rename,
            na_codes=na_codes,
            scale=scale,
            decimal=decimal,
            strict=strict,
        )
        if len(items) > 1:
            data.index = pd.MultiIndex.from_arrays(
                [[wave_name] * len(data), data.index], names=["wave", "row"]
            )
        frames.append(data)
        reports.append(report)
    final_spec = file_spec  # the last file's: wave column and SPSS labels included
    data = pd.concat(frames) if len(frames) > 1 else frames[0]
    if len(frames) == 1:
        data.index.name = "row"
    quality = reports[0] if len(reports) == 1 else QualityReport.combine(reports)
    if data.empty:
        raise DataError(
            f"{quality.source}: none of the {quality.rows_read} rows can be used.\n"
            f"{quality.summary()}"
        )
    return Survey(
        data=data, spec=final_spec, quality=quality, source=", ".join(str(p) for _, p in items)
    )


def survey_from_frame(
    raw: pd.DataFrame,
    spec: SurveySpec,
    *,
    info: Mapping | None = None,
    source: str = "the data",
    rename: Mapping[str, str] | None = None,
    na_codes: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    decimal: str | None = None,
    strict: bool = False,
) -> Survey:
    """Validate a frame already read (:func:`read_table`) as :func:`load_survey` does."""
    if scale is not None:
        scale = _check_scale(scale)
    data, report, file_spec = _validate_file(
        raw,
        dict(info or {}),
        spec,
        source=source,
        wave_name=None,
        wave_col=spec.wave,
        rename=rename,
        na_codes=na_codes,
        scale=scale,
        decimal=decimal,
        strict=strict,
    )
    data.index.name = "row"
    if data.empty:
        raise DataError(
            f"{source}: none of the {report.rows_read} rows can be used.\n{report.summary()}"
        )
    return Survey(data=data, spec=file_spec, quality=report, source=source)


def _validate_file(
    raw: pd.DataFrame,
    info: dict,
    spec: SurveySpec,
    *,
    source: str,
    wave_name: str | None,
    wave_col: str | None,
    rename: Mapping[str, str] | None,
    na_codes: Sequence[str] | None,
    scale: tuple[float, float] | None,
    decimal: str | None,
    strict: bool,
) -> tuple[pd.DataFrame, QualityReport, SurveySpec]:
    if rename:
        raw = _apply_rename(raw, rename, spec, source)
        info = dict(info)
        for key in ("value_labels", "column_labels"):
            if info.get(key):
                info[key] = {rename.get(k, k): v for k, v in info[key].items()}
    added: tuple[str, ...] = ()
    if wave_name is not None and wave_col:
        if wave_col in raw.columns and spec.wave:
            _check_one_wave(raw[wave_col], wave_col, wave_name, source)
            raw[wave_col] = raw[wave_col].where(_filled(raw[wave_col]), wave_name)
        else:
            raw[wave_col] = wave_name
            added = (wave_col,)
    file_spec = spec if spec.wave or wave_col is None else spec.replace(wave=wave_col)
    file_spec = _with_file_labels(file_spec, info, rename or {})
    dec = decimal or info.get("decimal", ".")
    data, report = validate(
        raw,
        file_spec,
        source=source,
        decimal=dec,
        strict=strict,
        na_codes=tuple(na_codes or ()),
        scale=scale,
        value_labels=info.get("value_labels"),
        renamed=dict(rename or {}),
        added=added,
        wave_codes=tuple(na_codes or ()),
    )
    return data, report, file_spec


def _check_scale(scale) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The 'scale' parameter of load_survey must be (low, high). Got {scale!r} instead."
        ) from None
    if not low < high:
        raise ParameterError(
            f"The 'scale' parameter of load_survey must have low < high. Got {scale!r} instead."
        )
    return (low, high)


def _apply_rename(
    raw: pd.DataFrame, rename: Mapping[str, str], spec: SurveySpec, file: str
) -> pd.DataFrame:
    """Rename file columns to spec columns; a source column the file lacks is an error."""
    present = [str(c) for c in raw.columns]
    missing = [c for c in rename if c not in present]
    # A touchpoint dropped from this wave's questionnaire may be named in rename: fine.
    missing = [c for c in missing if rename[c] not in spec.touchpoint_keys]
    if missing:
        parts = []
        for col in missing:
            hint = closest(col, present)
            parts.append(f"{col!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
        raise ColumnNotFoundError(
            f"{file}: rename names column{'s' if len(missing) > 1 else ''} {', '.join(parts)}, "
            f"which the file does not have. Fix the left-hand side of rename in this wave's "
            "[[waves]] entry: it is the column name as in this file."
        )
    clash = [t for s, t in rename.items() if t in present and t not in rename and s in present]
    if clash:
        raise ColumnNotFoundError(
            f"{file}: rename maps onto {', '.join(map(repr, clash))}, but the file already "
            "has a column of that name. Rename that column too, or drop it from rename."
        )
    return raw.rename(columns={s: t for s, t in rename.items() if s in present})


def _filled(values: pd.Series) -> pd.Series:
    text = values.astype("object").map(lambda v: "" if v is None else str(v).strip())
    return values.notna() & (text != "") & (text != "nan")


def _check_one_wave(values: pd.Series, column: str, wave: str, file: str) -> None:
    """A file used as one wave must not hold several waves in its wave column."""
    filled = values[_filled(values)]
    if filled.empty:
        return
    from drivers.load.quality import _as_text

    counts = filled.astype("object").map(_as_text).value_counts(sort=False)
    if len(counts) <= 1:
        return
    if len(counts) > _MAX_WAVES_SHOWN:
        # that many "waves" is another column under the wave's name (open answers, ids):
        # no respondent's value in the message
        raise DataError(
            f"{file}: column {column!r}, read as the wave column, holds {len(counts)} "
            f"different values, too many for waves: it is most likely another column. "
            "Check which column of this file the spec's wave column comes from (rename in "
            "client.toml; `drivers check <file> --spec <spec>` lists the file's columns)."
        )
    shown = ", ".join(f"{str(k)[:20]!r} ({n} rows)" for k, n in counts.items())
    raise DataError(
        f"{file}: column {column!r} holds {len(counts)} waves ({shown}), but the file is "
        f"loaded as the single wave {wave!r}. Split the file into one file per wave and "
        "give each its own [[waves]] entry, or load it without a wave name "
        "(load_survey(file, spec)) to keep all waves."
    )


#: More different values than this in a wave column: not waves but another column.
_MAX_WAVES_SHOWN = 12


# -- readers ---------------------------------------------------------------------------
def _read_csv(
    path: Path, *, encoding: str | None, delimiter: str | None, header_row: int = 1
) -> tuple[pd.DataFrame, dict]:
    data = path.read_bytes()
    text, used = _decode(data, path, encoding)
    # pyarrow reads UTF-8 bytes: reuse the file's bytes when they are UTF-8 already.
    payload = data if used in ("utf-8", "utf-8-sig") else None
    del data
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise EmptyFileError(f"{path} holds no text (only blank lines). Export the survey again.")
    head = text[:1_000_000].splitlines()[: header_row + 60]
    # Excel writes "sep=;" as the first line of a CSV meant for Excel: honour it.
    sep_line = _SEP_LINE.fullmatch(head[0].strip()) if head else None
    skip = 0
    if sep_line:
        delimiter = delimiter or sep_line.group(1)
        skip = 1
        head = head[1:]
    if len(head) < header_row:
        raise EmptyFileError(
            f"{path} has {len(head)} line(s), so row {header_row} cannot be the header "
            "(header_row). Check the file and the header_row option."
        )
    delimiter = delimiter or _sniff_delimiter(head[header_row - 1 : header_row + 49], path)
    info = {"encoding": used, "delimiter": delimiter, "sep_line": bool(sep_line)}
    raw = None
    if "\x00" not in head[header_row - 1]:
        header_line = head[header_row - 1]
        if payload is None:
            payload = text.encode("utf-8")
        del text  # the file's text is held once, as bytes, while pyarrow reads it
        raw, blank = _read_csv_arrow(header_line, delimiter, header_row + skip, payload)
        if raw is None:
            text = payload.decode("utf-8").lstrip("\ufeff")
    del payload
    if raw is None:
        raw, blank = _read_csv_python(path, text, delimiter, header_row + skip)
    info["decimal"] = _sniff_decimal(raw, delimiter)
    info["blank_rows"] = blank
    return raw, info


_SEP_LINE = re.compile(r'"?sep=(.)"?')


def _read_csv_arrow(
    header_line: str, delimiter: str, header_row: int, payload: bytes
) -> tuple[pd.DataFrame | None, list[int]]:
    """Vectorised read (pyarrow): every value as text. None when rows are ragged, so
    the exact reader names them."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None, []
    width = len(header)
    invalid: list[int] = []

    def handler(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            _io.BytesIO(payload),
            read_options=pcsv.ReadOptions(
                skip_rows=header_row, column_names=names, block_size=1 << 24
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=handler,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None, []
    if invalid:
        return None, []
    numbers = np.arange(header_row + 1, header_row + 1 + table.num_rows)
    blank_mask = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        filled = pc.not_equal(pc.utf8_trim_whitespace(column), "")
        blank_mask &= ~filled.to_numpy(zero_copy_only=False).astype(bool)
    blank = [int(n) for n in numbers[blank_mask]]
    if blank:
        table = table.filter(pa.array(~blank_mask))
        numbers = numbers[~blank_mask]
    frame = table.to_pandas(types_mapper=_string_types, split_blocks=True, self_destruct=True)
    frame.columns = header
    frame.index = pd.Index(numbers, name="row")
    return frame, blank


def _string_types(arrow_type):
    import pyarrow as pa

    if pa.types.is_string(arrow_type):
        return pd.ArrowDtype(pa.string())  # zero-copy: the text stays in Arrow memory
    return None


def _read_csv_python(
    path: Path, text: str, delimiter: str, header_row: int
) -> tuple[pd.DataFrame, list[int]]:
    try:
        rows = list(csv.reader(_io.StringIO(text), delimiter=delimiter))
    except csv.Error as err:  # NUL bytes, oversized fields
        raise FileFormatError(
            f"{path} cannot be read as CSV ({err}). The file is probably damaged or "
            "not a text export: export the survey again as CSV."
        ) from None
    if len(rows) < header_row:
        raise EmptyFileError(f"{path} has fewer than {header_row} rows: no header row found.")
    header, body = rows[header_row - 1], rows[header_row:]
    width = len(header)
    records, ragged, blank = [], [], []
    # Row numbers count physical records; quoted line breaks make them approximate.
    for number, row in enumerate(body, start=header_row + 1):
        if not row or all(not cell.strip() for cell in row):
            blank.append(number)
            continue
        if len(row) != width:
            extra = row[width:]
            if len(row) > width and all(not cell.strip() for cell in extra):
                row = row[:width]
            else:
                ragged.append((number, len(row)))
                continue
        records.append((number, row))
    if ragged:
        shown = ", ".join(f"row {n} has {k}" for n, k in ragged[:5])
        more = f" and {len(ragged) - 5} more rows" if len(ragged) > 5 else ""
        raise FileFormatError(
            f"{path}: the header has {width} fields (separator {_name(delimiter)}) but "
            f"{shown}{more}. A value probably contains the separator without quotes, or "
            "the export is cut off. Fix the export (quote text fields) and load again."
        )
    index = pd.Index([n for n, _ in records], name="row")
    raw = pd.DataFrame([r for _, r in records], columns=header, index=index, dtype="object")
    if not records and not blank:
        raw = pd.DataFrame(columns=header, dtype="object")
    return raw, blank


def _decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as err:
            raise EncodingError(
                f"{path} cannot be read as {encoding}: {err}. Leave encoding unset to detect it."
            ) from None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM has a zero in every other byte of plain text.
        zeros_odd = data[1:4096:2].count(0)
        if zeros_odd > len(data[1:4096:2]) * 0.4:
            try:
                return data.decode("utf-16-le"), "utf-16-le"
            except UnicodeDecodeError:
                pass
        raise FileFormatError(
            f"{path} is not a text file (it holds binary data) although its "
            "name ends in .csv. Export the survey again as CSV, or give the "
            "file its real extension (.xlsx, .sav, .parquet)."
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise EncodingError(
            f"{path}: the encoding is neither UTF-8 nor Windows-1252 (byte "
            f"0x{data[err.start]:02x} at position {err.start}). Save the file as 'CSV UTF-8' "
            "in Excel, or pass encoding=... to load_survey."
        ) from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 10:
        raise FileFormatError(
            f"{path} is not a text file (it holds binary data) although its "
            "name ends in .csv. Export the survey again as CSV."
        )
    return text, "cp1252"


def _sniff_delimiter(lines: list[str], path: Path) -> str:
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        pass
    header = lines[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        if len(lines) > 1:
            # A single column is legal but rare: the file is most likely not a table.
            raise FileFormatError(
                f"{path}: no column separator (; , tab |) in the header line "
                f"{header[:60]!r}. Is this really a survey export?"
            )
        return ","
    return best


def _sniff_decimal(raw: pd.DataFrame, delimiter: str) -> str:
    if delimiter == ",":
        return "."
    sample = [v.strip() for v in raw.head(500).to_numpy(dtype=object).ravel() if isinstance(v, str)]
    # '1.250' and '1,250' could be either (a thousands separator); they do not count.
    ambiguous = re.compile(r"-?\d{1,3}[.,]\d{3}")
    comma_mark = re.compile(r"-?(\d+|\d{1,3}(\.\d{3})+),\d+")
    point_mark = re.compile(r"-?(\d+|\d{1,3}(,\d{3})+)\.\d+")
    comma = sum(1 for v in sample if comma_mark.fullmatch(v) and not ambiguous.fullmatch(v))
    point = sum(1 for v in sample if point_mark.fullmatch(v) and not ambiguous.fullmatch(v))
    return "," if comma >= point and (comma or delimiter == ";") else "."


def _name(delimiter: str) -> str:
    return {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}[delimiter]


def _read_excel(
    path: Path, *, sheet: int | str | None, header_row: int = 1
) -> tuple[pd.DataFrame, dict]:
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types for bad files
        raise FileFormatError(
            f"{path} cannot be opened as an Excel workbook ({type(err).__name__}: "
            f"{err}). Save it again from Excel as .xlsx."
        ) from None
    names = book.sheetnames
    states = {ws.title: getattr(ws, "sheet_state", "visible") for ws in book.worksheets}

    def listed() -> str:
        return ", ".join(
            f"{n!r}" + ("" if states.get(n, "visible") == "visible" else f" ({states[n]})")
            for n in names
        )

    if sheet is None:
        if len(names) > 1:
            book.close()
            hidden = sum(1 for n in names if states.get(n, "visible") != "visible")
            note = f" {hidden} of them hidden in Excel." if hidden else ""
            raise DataError(
                f"{path} has {len(names)} sheets: {listed()}.{note} Which one holds the "
                f'survey? Give it: sheet = "{names[0]}" in the wave\'s [[waves]] entry of '
                "client.toml, --sheet with drivers check, or load_survey(..., sheet=...)."
            )
        sheet = 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(
                f"{path} has {len(names)} sheet(s) ({listed()}); sheet index "
                f"{sheet} does not exist."
            )
        name = names[sheet]
    else:
        if sheet not in names:
            hint = closest(sheet, names)
            more = f" Did you mean {hint!r}?" if hint else ""
            raise DataError(f"{path} has no sheet {sheet!r}. Its sheets: {listed()}.{more}")
        name = sheet
    worksheet_path = getattr(book[name], "_worksheet_path", None)
    try:
        rows = list(book[name].iter_rows(values_only=True))
    except Exception as err:  # damaged sheet XML inside a valid zip
        raise FileFormatError(
            f"{path}, sheet {name!r}, cannot be read ({type(err).__name__}: {err}). "
            "Save it again from Excel as .xlsx."
        ) from None
    finally:
        book.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise EmptyFileError(f"{path}, sheet {name!r}, is empty.")
    if len(rows) < header_row:
        raise EmptyFileError(
            f"{path}, sheet {name!r}, has {len(rows)} row(s), so row {header_row} cannot be "
            "the header (header_row)."
        )
    _check_formulas(path, worksheet_path, name)
    header = ["" if v is None else str(v) for v in rows[header_row - 1]]
    # Trailing empty header cells are formatting, unless a data row has values there:
    # those columns are kept (named unnamed_<n>) rather than silently cut off.
    width = max(_last_filled(r) for r in rows[header_row - 1 :])
    header = (header + [""] * width)[:width]
    body = [
        (n, (list(r) + [None] * width)[:width])
        for n, r in enumerate(rows[header_row:], start=header_row + 1)
    ]
    blank = [n for n, r in body if all(v is None or str(v).strip() == "" for v in r)]
    body = [(n, r) for n, r in body if n not in set(blank)]
    raw = pd.DataFrame(
        [r for _, r in body],
        columns=header,
        index=pd.Index([n for n, _ in body], name="row"),
        dtype="object",
    )
    return raw, {"sheet": name, "decimal": ".", "blank_rows": blank}


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


def _check_formulas(path: Path, member: str | None, sheet: str) -> None:
    """Formula cells without a cached value read as empty: refuse instead of guessing."""
    if not member:
        return
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(member.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return
    if b"<f" not in xml:
        return
    uncached = []
    for match in _CELL.finditer(xml):
        inner = match.group(2) or b""
        if (
            b"<f" in inner
            and not re.search(rb"<v>[^<]+</v>", inner)
            and not (b't="str"' in match.group(1) and b"<v" in inner)
            and b"<is>" not in inner
        ):
            ref = _REF.search(match.group(1))
            uncached.append(ref.group(1).decode() if ref else "?")
    if uncached:
        shown = ", ".join(uncached[:10]) + (
            f" and {len(uncached) - 10} more" if len(uncached) > 10 else ""
        )
        raise FileFormatError(
            f"{path}, sheet {sheet!r}: {len(uncached)} formula cell(s) have no calculated "
            f"value saved ({shown}); they would read as empty. The file was written by a "
            "program that does not calculate formulas: open it in Excel and save it, or "
            "export the values only."
        )


def _last_filled(row: tuple) -> int:
    filled = [i for i, v in enumerate(row) if v is not None and str(v).strip() != ""]
    return filled[-1] + 1 if filled else 0


def _read_spss(path: Path) -> tuple[pd.DataFrame, dict]:
    try:
        import pyreadstat

        df, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as err:  # pyreadstat.ReadstatError and friends
        raise FileFormatError(
            f"{path} cannot be read as an SPSS .sav file ({err}). Save it "
            "again from SPSS, or export it as CSV."
        ) from None
    df = df.astype("object")
    user_missing = _user_missing(meta)
    for col, is_missing in user_missing.items():
        if col in df.columns:
            mask = df[col].map(is_missing).astype(bool)
            df.loc[mask, col] = "n.v.t."
    # Codes stay numbers (a labelled 1-5 grade is a grade, not text); labels are
    # metadata, applied to segment columns only when validating.
    labels = meta.variable_value_labels or {}
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    info = {
        "value_labels": labels,
        "column_labels": dict(meta.column_names_to_labels or {}),
        "decimal": ".",
    }
    return df, info


def _user_missing(meta) -> dict:
    checks = {}
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():

        def inside(v, ranges=ranges):
            try:
                return any(r["lo"] <= float(v) <= r["hi"] for r in ranges)
            except (TypeError, ValueError):
                return any(str(r["lo"]) == str(v) for r in ranges)

        checks[col] = inside
    for col, values in (getattr(meta, "missing_user_values", None) or {}).items():
        prev = checks.get(col)
        checks[col] = lambda v, vals=set(values), prev=prev: (
            v in vals or (prev(v) if prev else False)
        )
    return checks


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict]:
    try:
        df = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises its own error family
        raise FileFormatError(
            f"{path} cannot be read as parquet ({type(err).__name__}: {err})."
        ) from None
    df = df.astype("object").reset_index(drop=True)
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    return df, {"decimal": "."}


# -- helpers ---------------------------------------------------------------------------
def _clean_header(name: object) -> str:
    return str(name).replace("\ufeff", "").strip()


def _check_header(raw: pd.DataFrame, path: Path) -> None:
    names = list(raw.columns)
    if not names or all(n == "" for n in names):
        raise EmptyFileError(f"{path} has no header row with column names.")
    doubles = sorted({n for n in names if names.count(n) > 1 and n != ""})
    if doubles:
        where = {n: [i + 1 for i, m in enumerate(names) if m == n] for n in doubles}
        shown = "; ".join(f"{n!r} in columns {', '.join(map(str, w))}" for n, w in where.items())
        raise ColumnNotFoundError(
            f"{path}: duplicated column names ({shown}). Each column needs "
            "its own name: rename the copies in the export."
        )
    empty = [i + 1 for i, n in enumerate(names) if n == ""]
    if empty:
        for i in empty:
            names[i - 1] = f"unnamed_{i}"
        raw.columns = names


def _wave_from_name(path: Path) -> str | None:
    match = re.search(r"(\d{4})", path.stem)
    return match.group(1) if match else None


def _with_file_labels(spec: SurveySpec, info: dict, rename: Mapping[str, str]) -> SurveySpec:
    """Touchpoint labels from an SPSS file fill in those the spec leaves empty."""
    labels = dict(info.get("column_labels") or {})
    for source, target in rename.items():
        if source in labels:
            labels[target] = labels[source]
    if not labels:
        return spec
    touchpoints = tuple(
        t
        if (t.nl or t.en or not labels.get(t.key))
        else type(t)(
            key=t.key, nl=labels[t.key], en=labels[t.key], phase=t.phase, na_codes=t.na_codes
        )
        for t in spec.touchpoints
    )
    return spec.replace(touchpoints=touchpoints)


def _is_number(value: object) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _int_or(value: object) -> object:
    try:
        f = float(value)
        return int(f) if f.is_integer() else f
    except (TypeError, ValueError):
        return value
