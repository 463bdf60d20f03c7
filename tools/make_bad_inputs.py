"""Write the bad-input catalogue of tests/data/bad/: small files and their expected outcome.

Every file is made here, never by hand: `python tools/make_bad_inputs.py [folder]`.
The output is deterministic (fixed zip and SPSS timestamps), so regenerating gives the
same bytes; `tests/test_bad_inputs.py` checks that and runs every case.

`expected.toml` holds one table per case: ``file``, optional ``load`` (keyword
arguments of ``load_survey``) and ``spec`` (changes to the base spec ``survey.toml``),
then either ``error`` (a ``drivers.errors`` class name) with ``match`` (fragments the
message must contain), or ``rows_read``, ``rows_used`` and ``reasons`` (reason → rows
excluded for it), optionally ``values`` (column → values of the rows used) and
``not_applicable`` (touchpoint → n.v.t. count).
"""

from __future__ import annotations

import codecs
import io
import re
import sys
import zipfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "tests" / "data" / "bad"

SPEC_TOML = """\
# Base spec of the bad-input catalogue; cases change fields through [case.spec].
name = "bad inputs"
nps = "aanbeveling"
id = "respondent"
weight = "gewicht"
segments = ["regio"]
scale = [1, 10]

[[touchpoints]]
key = "levering"
nl = "Levering"
en = "Delivery"

[[touchpoints]]
key = "facturatie"
nl = "Facturatie"
en = "Invoicing"

[[touchpoints]]
key = "service"
nl = "Service"
en = "Service"
"""

COLUMNS = ["respondent", "aanbeveling", "levering", "facturatie", "service", "regio", "gewicht"]
# respondent, nps, three grades, region, weight (decimal comma, as Dutch exports write)
GOOD = [
    ["r01", "9", "8", "7", "8", "Noord", "1,0"],
    ["r02", "7", "7", "6", "n.v.t.", "Zuid", "0,8"],
    ["r03", "3", "5", "4", "6", "Oost", "1,2"],
    ["r04", "10", "9", "8", "9", "West", "1,0"],
    ["r05", "6", "6", "7", "5", "Noord", "1,1"],
    ["r06", "8", "8", "8", "7", "Zuid", "0,9"],
]

CASES: list[dict] = []


def case(name: str, file: str, **expected) -> None:
    CASES.append({"name": name, "file": file, **expected})


def csv_text(rows: list[list[str]], sep: str = ";", header: list[str] | None = None) -> str:
    lines = [sep.join(header or COLUMNS)] + [sep.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def with_column(index: int, values: list[str], rows: list[list[str]] | None = None) -> list:
    rows = [list(r) for r in (rows or GOOD)]
    for row, value in zip(rows, values, strict=True):
        row[index] = value
    return rows


# -- writers ----------------------------------------------------------------------------
def write_cases(folder: Path) -> list[Path]:
    """Write every file of the catalogue into ``folder``; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    CASES.clear()
    files: dict[str, bytes] = {"survey.toml": SPEC_TOML.encode()}

    def text(name: str, content: str, encoding: str = "utf-8") -> None:
        files[name] = content.encode(encoding)

    # Files that cannot be loaded: a DriversError naming file, what was found and the fix.
    files["empty.csv"] = b""
    case("empty file", "empty.csv", error="EmptyFileError", match=["empty.csv", "0 bytes"])
    text("blank_lines.csv", "\n\n  \n")
    case("blank lines only", "blank_lines.csv", error="EmptyFileError", match=["only blank"])
    text("header_only.csv", csv_text([]))
    case(
        "header only",
        "header_only.csv",
        error="EmptyFileError",
        match=["header_only.csv", "7 columns", "no data rows", "Export the survey again"],
    )
    files["binary_garbage.csv"] = bytes((i * 37 + 11) % 256 for i in range(4000))
    case(
        "binary garbage named .csv",
        "binary_garbage.csv",
        error="FileFormatError",
        match=["binary_garbage.csv", "not a text file", "real extension"],
    )
    files["nul_bytes.csv"] = csv_text(GOOD).encode() + b"r07;9;8;7\x00;8;Noord;1,0\n"
    case(
        "NUL byte inside a text file",
        "nul_bytes.csv",
        error="FileFormatError",
        match=["nul_bytes.csv", "not a text file", "Export the survey again as CSV"],
    )
    text("ragged_rows.csv", csv_text(GOOD[:2] + [GOOD[2] + ["extra", "velden"]] + GOOD[3:]))
    case(
        "ragged rows",
        "ragged_rows.csv",
        error="FileFormatError",
        match=["ragged_rows.csv", "header has 7 fields", "row 4 has 9", "quote text fields"],
    )
    text("duplicated_columns.csv", csv_text(GOOD, header=[*COLUMNS[:-1], "levering"]))
    case(
        "duplicated column names",
        "duplicated_columns.csv",
        error="ColumnNotFoundError",
        match=["duplicated_columns.csv", "'levering' in columns 3, 7", "rename the copies"],
    )
    text(
        "nps_missing.csv", csv_text([r[:1] + r[2:] for r in GOOD], header=COLUMNS[:1] + COLUMNS[2:])
    )
    case(
        "NPS column missing",
        "nps_missing.csv",
        error="ColumnNotFoundError",
        match=["nps_missing.csv", "'aanbeveling'", "not in the file", "Fix the column name"],
    )
    text("not_encoded.csv", csv_text(GOOD[:2]) + "r09;9;8;7;8;Noord\x81;1,0\n", "latin-1")
    case(
        "bytes neither UTF-8 nor cp1252",
        "not_encoded.csv",
        error="EncodingError",
        match=["not_encoded.csv", "0x81", "CSV UTF-8"],
    )
    files["old_excel.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    case(
        "old .xls workbook",
        "old_excel.xls",
        error="FileFormatError",
        match=["old_excel.xls", "unknown file type '.xls'", "as .xlsx"],
    )
    files["damaged.xlsx"] = b"PK\x03\x04" + bytes(range(200))
    case(
        "damaged .xlsx",
        "damaged.xlsx",
        error="FileFormatError",
        match=["damaged.xlsx", "cannot be opened as an Excel workbook", "Save it again"],
    )
    files["damaged.sav"] = b"$FL2" + bytes(range(120))
    case(
        "damaged .sav",
        "damaged.sav",
        error="FileFormatError",
        match=["damaged.sav", "cannot be read as an SPSS .sav file", "export it as CSV"],
    )
    files["excel_two_header_rows.xlsx"] = _two_header_workbook()
    case(
        "Excel with merged group titles above the header (no option)",
        "excel_two_header_rows.xlsx",
        error="ColumnNotFoundError",
        match=["excel_two_header_rows.xlsx", "'aanbeveling'", "row 2", "header_row=2"],
    )
    text("all_rows_bad.csv", csv_text(with_column(1, [""] * 6)))
    case(
        "no usable row (every NPS empty)",
        "all_rows_bad.csv",
        error="DataError",
        match=["all_rows_bad.csv", "none of the 6 rows", "NPS answer missing", "aanbeveling"],
    )
    text("strict_bad_grade.csv", csv_text(with_column(2, ["8", "0", "5", "9", "6", "8"])))
    case(
        "strict mode with a grade 0",
        "strict_bad_grade.csv",
        load={"strict": True},
        error="InvalidValueError",
        match=["strict_bad_grade.csv", "column 'levering', row 3", "found '0'", "Fix:"],
    )

    # Files that load, with exact row accounting.
    case(
        "Excel with merged group titles, header_row=2",
        "excel_two_header_rows.xlsx",
        load={"header_row": 2},
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"respondent": [r[0] for r in GOOD]},
    )
    labels = ["9 - zeer waarschijnlijk", "7", "3", "10 - zeer waarschijnlijk", "misschien", "8"]
    text("nps_text_labels.csv", csv_text(with_column(1, labels)))
    case(
        "NPS as text labels mapped by value_labels",
        "nps_text_labels.csv",
        spec={
            "value_labels": {
                "aanbeveling": {
                    "9 - zeer waarschijnlijk": 9,
                    "10 - zeer waarschijnlijk": 10,
                    "0 - zeer onwaarschijnlijk": 0,
                }
            }
        },
        rows_read=6,
        rows_used=5,
        reasons={"NPS answer is text, not a number": 1},
        values={"aanbeveling": [9.0, 7.0, 3.0, 10.0, 8.0]},
    )
    out_of_range = with_column(1, ["11", "-1", "7.5", "10", "0", "8"])
    text("nps_out_of_range.csv", csv_text(with_column(6, ["1"] * 6, out_of_range), sep=","))
    case(
        "NPS 11, -1 and 7.5",
        "nps_out_of_range.csv",
        rows_read=6,
        rows_used=3,
        reasons={"NPS answer outside 0-10 or not a whole number": 3},
        values={"aanbeveling": [10.0, 0.0, 8.0]},
    )
    text("grade_zero.csv", csv_text(with_column(3, ["7", "0", "4", "0", "7", "8"])))
    case(
        "grade 0 on a 1-10 scale",
        "grade_zero.csv",
        rows_read=6,
        rows_used=4,
        reasons={"grade outside the scale 1-10": 2},
    )
    text("grade_all_nvt.csv", csv_text(with_column(4, ["n.v.t.", "nvt", "", "n.v.t.", "99", ""])))
    case(
        "a grade column entirely n.v.t.",
        "grade_all_nvt.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        not_applicable={"service": 6, "levering": 0},
    )
    text("grade_constant.csv", csv_text(with_column(3, ["7"] * 6)))
    case(
        "a grade column constant",
        "grade_constant.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"facturatie": [7.0] * 6},
    )
    mixed = with_column(3, ["7,5", "6.5", "4", "8,0", "7", "8.5"])
    text(
        "decimal_mixed.csv",
        csv_text(with_column(6, ["1,0", "0.8", "1,2", "1", "1.1", "0,9"], mixed)),
    )
    case(
        "decimal comma mixed with decimal point",
        "decimal_mixed.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={
            "facturatie": [7.5, 6.5, 4.0, 8.0, 7.0, 8.5],
            "gewicht": [1.0, 0.8, 1.2, 1.0, 1.1, 0.9],
        },
    )
    weights_nl = ["1.250,5", "2.000", "750", "1.000,25", "980,5", "1.100"]
    text("thousands_weight_nl.csv", csv_text(with_column(6, weights_nl)))
    case(
        "thousands separators in the weight (Dutch 1.250,5)",
        "thousands_weight_nl.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": [1250.5, 2000.0, 750.0, 1000.25, 980.5, 1100.0]},
    )
    weights_en = ['"1,250.5"', '"2,000"', "750", '"1,000.25"', "980.5", '"1,100"']
    text("thousands_weight_en.csv", csv_text(with_column(6, weights_en), sep=","))
    case(
        "thousands separators in the weight (English 1,250.5)",
        "thousands_weight_en.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": [1250.5, 2000.0, 750.0, 1000.25, 980.5, 1100.0]},
    )
    regions = ["Café Noord", "Zuid-België", "Oost", "Curaçao", "Noord", "Zuid"]
    text("cp1252_accents.csv", csv_text(with_column(5, regions)), "cp1252")
    case(
        "cp1252 with accents",
        "cp1252_accents.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": regions},
    )
    # Excel's "Unicode text": UTF-16 LE with BOM, tab separated, CRLF line ends.
    body = csv_text(with_column(5, regions), sep="\t").replace("\n", "\r\n")
    files["utf16_unicode_text.txt"] = codecs.BOM_UTF16_LE + body.encode("utf-16-le")
    case(
        "UTF-16 'Unicode text' export (BOM, tabs)",
        "utf16_unicode_text.txt",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": regions, "gewicht": [1.0, 0.8, 1.2, 1.0, 1.1, 0.9]},
    )
    files["sav_string_numbers.sav"] = _string_sav()
    case(
        ".sav with string-typed numbers",
        "sav_string_numbers.sav",
        rows_read=6,
        rows_used=5,
        reasons={"text where a grade belongs": 1},
        values={"aanbeveling": [9.0, 7.0, 3.0, 10.0, 8.0]},
        not_applicable={"service": 1},
    )
    text("duplicate_ids.csv", csv_text(with_column(0, ["r01", "r02", "r02", "r04", "r01", "r06"])))
    case(
        "duplicate respondent ids",
        "duplicate_ids.csv",
        rows_read=6,
        rows_used=4,
        reasons={"duplicate respondent id": 2},
    )
    text("weights_zero.csv", csv_text(with_column(6, ["1", "0", "1", "0,0", "1", "1"])))
    case(
        "weights 0",
        "weights_zero.csv",
        rows_read=6,
        rows_used=4,
        reasons={"weight zero or negative": 2},
    )
    text("weights_negative.csv", csv_text(with_column(6, ["1", "-1", "1", "1", "-0,5", "1"])))
    case(
        "weights negative",
        "weights_negative.csv",
        rows_read=6,
        rows_used=4,
        reasons={"weight zero or negative": 2},
    )
    text("weights_missing.csv", csv_text(with_column(6, ["1", "", "1", "1", "1", "veel"])))
    case(
        "weights missing (and one text)",
        "weights_missing.csv",
        rows_read=6,
        rows_used=4,
        reasons={"weight missing": 1, "weight is text, not a number": 1},
    )
    text("weights_infinite.csv", csv_text(with_column(6, ["1", "inf", "1", "1", "NaN", "1"])))
    case(
        "weights 'inf' and 'NaN'",
        "weights_infinite.csv",
        rows_read=6,
        rows_used=4,
        reasons={"weight is text, not a number": 2},
    )
    text("weights_all_equal.csv", csv_text(with_column(6, ["2,5"] * 6)))
    case(
        "weights all equal",
        "weights_all_equal.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": [2.5] * 6},
    )
    waves = [[*r, w] for r, w in zip(GOOD + GOOD[:3], ["2024"] * 6 + ["2023"] * 3, strict=True)]
    for i, row in enumerate(waves):
        row[0] = f"r{i + 1:02d}"
    text("small_wave.csv", csv_text(waves, header=[*COLUMNS, "golf"]))
    case(
        "a wave with fewer respondents than drivers + 2 (3 < 5)",
        "small_wave.csv",
        spec={"wave": "golf"},
        rows_read=9,
        rows_used=9,
        reasons={},
        wave_sizes={"2024": 6, "2023": 3},
    )
    tiny = ["Noord", "Noord", "Noord", "Noord", "Zeeland", "Zeeland"]
    text("segment_below_floor.csv", csv_text(with_column(5, tiny)))
    case(
        "a segment below the privacy floor (Zeeland, n=2)",
        "segment_below_floor.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": tiny},
    )
    text("collinear_touchpoints.csv", csv_text(with_column(3, [r[2] for r in GOOD])))
    case(
        "two perfectly collinear touchpoints",
        "collinear_touchpoints.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"facturatie": [float(r[2]) for r in GOOD]},
    )
    text("all_promoters.csv", csv_text(with_column(1, ["9", "10", "9", "10", "10", "9"])))
    case(
        "everybody a promoter",
        "all_promoters.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"aanbeveling": [9.0, 10.0, 9.0, 10.0, 10.0, 9.0]},
    )
    blank_mid = csv_text(GOOD[:3]) + ";;;;;;\n\n" + "\n".join(";".join(r) for r in GOOD[3:]) + "\n"
    text("blank_rows_inside.csv", blank_mid)
    case(
        "blank lines between respondents (skipped, listed in info['blank_rows'])",
        "blank_rows_inside.csv",
        rows_read=6,
        rows_used=6,
        reasons={},
        blank_rows=[5, 6],
    )

    written = []
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    expected = folder / "expected.toml"
    expected.write_text(_expected_toml(CASES), encoding="utf-8")
    written.append(expected)
    return written


def _two_header_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["Respondent", None, "Beoordeling", None, None, "Profiel", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:E1")
    sheet.merge_cells("F1:G1")
    sheet.append(COLUMNS)
    for row in GOOD:
        cells = [row[0], *(_number(v) for v in row[1:5]), row[5], _number(row[6])]
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _number(value: str) -> object:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value


def _fixed_zip(data: bytes) -> bytes:
    """The same workbook with fixed entry times and document dates (reproducible bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", content
                )
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content)
    return out.getvalue()


def _string_sav() -> bytes:
    import tempfile

    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame([[*r[:6], r[6].replace(",", ".")] for r in GOOD], columns=COLUMNS)
    frame.loc[4, "levering"] = "zes"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.sav"
        pyreadstat.write_sav(frame, str(path))
        data = bytearray(path.read_bytes())
    # The header holds the creation date and time (bytes 92-108): fix them.
    data[92:109] = b"01 Jan 2400:00:00"
    return bytes(data)


# -- expected.toml ------------------------------------------------------------------------
def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{" + items + "}" if items else "{}"
    raise TypeError(f"cannot write {value!r} as TOML")


def _expected_toml(cases: list[dict]) -> str:
    lines = [
        "# Expected outcome of every file in this folder; written by tools/make_bad_inputs.py.",
        "# Do not edit by hand: change the script and run it again.",
    ]
    for item in cases:
        lines += ["", "[[case]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in item.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    paths = write_cases(target)
    print(f"{len(CASES)} cases, {len(paths)} files written to {target}")
