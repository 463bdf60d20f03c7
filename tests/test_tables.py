"""tables.xlsx as a client opens it: read back with openpyxl, cell by cell."""

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from drivers.errors import ParameterError
from drivers.present.tables import FORMATS, Sheet, sheet_names, write_workbook

TITLE_ROW, HEADER_ROW, FIRST = 1, 2, 3


def nps_segments():
    return pd.DataFrame(
        {
            "sector": ["Totaal", "bouw", "zorg"],
            "group": ["Totaal", "bouw", "zorg"],
            "n": [120, 80, 40],
            "n_eff": [110.123456789, 75.5, 38.25],
            "promoters": [0.4312345, 0.5, 0.3],
            "passives": [0.3, 0.25, 0.4],
            "detractors": [0.2687655, 0.25, 0.3],
            "nps": [16.2345678901234, 25.0, 0.0],
            "ci_low": [5.123456789, 11.2, -15.3],
            "ci_high": [27.4, 38.1, 15.3],
            "small_base": [False, False, False],
            "suppressed": [False, False, False],
        }
    )


def touchpoints():
    return pd.DataFrame(
        {
            "touchpoint": ["levering", "factuur"],
            "label": ["Levering", "Factuur"],
            "n": [118, 90],
            "share_na": [0.0166, 0.25],
            "mean": [7.4512345678, 6.9],
            "ci_low": [7.2, 6.6],
            "ci_high": [7.7, 7.2],
            "top_box": [0.55, 0.41],
        }
    )


def grade_changes():
    return pd.DataFrame(
        {
            "touchpoint": ["levering"],
            "before": [7.1234],
            "after": [7.4567],
            "change": [0.3333],
            "p_value": [0.012345],
            "significant": [True],
        }
    )


def write(tmp_path, sheets=None, *, lang="nl", title="Van Dijk · 2024", name="tables.xlsx"):
    sheets = sheets or {
        "nps_sector": nps_segments(),
        "touchpoints": touchpoints(),
        "grade_changes": grade_changes(),
    }
    path = write_workbook(sheets, tmp_path / name, lang=lang, title=title)
    return openpyxl.load_workbook(path)


def column(ws, label):
    header = [c.value for c in ws[HEADER_ROW]]
    return header.index(label) + 1


def test_number_formats_by_column_meaning(tmp_path):
    book = write(tmp_path)
    seg, tp, ch = book["nps_sector"], book["touchpoints"], book["grade_changes"]
    cell = lambda ws, label, row=FIRST: ws.cell(row, column(ws, label))  # noqa: E731
    assert cell(seg, "NPS").number_format == "0"
    assert cell(seg, "95%-BI laag").number_format == "0"  # a CI of an NPS is an NPS
    assert cell(seg, "Promoters").number_format == "0%"
    assert cell(seg, "n").number_format == "0"
    assert cell(seg, "Effectieve n").number_format == "0"
    assert cell(tp, "Gemiddelde").number_format == "0.0"
    assert cell(tp, "95%-BI laag").number_format == "0.0"  # a CI of a grade is a grade
    assert cell(tp, "Aandeel n.v.t.").number_format == "0%"
    assert cell(tp, "Aandeel hoog (top box)").number_format == "0%"
    assert cell(ch, "Voor").number_format == "0.0"
    assert cell(ch, "Na").number_format == "0.0"
    assert cell(ch, "Verschil").number_format == "0.0"
    assert cell(ch, "p-waarde").number_format == "0.000"
    # values stay numbers, at full precision: the format rounds on screen only
    assert cell(seg, "NPS").value == pytest.approx(16.2345678901234)
    assert isinstance(cell(seg, "n").value, int)
    assert cell(ch, "Significant").value is True
    # no number cell is left in General, where Excel shows 15 digits
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=FIRST):
            for c in row:
                if isinstance(c.value, float):
                    assert c.number_format in FORMATS.values(), (ws.title, c.coordinate)


def test_title_row_header_and_frozen_panes(tmp_path):
    book = write(tmp_path)
    seg, tp = book["nps_sector"], book["touchpoints"]
    assert seg["A1"].value == "NPS per sector · Van Dijk · 2024"
    assert tp["A1"].value == "Rapportcijfer per contactmoment · Van Dijk · 2024"
    assert seg["A1"].font.bold and seg["A2"].font.bold
    assert seg.freeze_panes == "A3" and tp.freeze_panes == "A3"
    assert [c.value for c in tp[HEADER_ROW]][:3] == ["Contactmoment", "Omschrijving", "n"]
    assert tp.cell(FIRST, 1).value == "levering"
    assert seg.auto_filter.ref == "A2:L5"
    widths = [seg.column_dimensions[c].width for c in "ABCDEFGHIJKL"]
    assert all(8 <= w <= 60 for w in widths)
    assert seg.column_dimensions["L"].width >= len("Niet getoond (privacy)")


def test_without_client_title_and_own_sheet_title(tmp_path):
    sheets = {"nps": Sheet(nps_segments(), title="Eigen titel"), "extra": touchpoints()}
    book = write(tmp_path, sheets, title=None)
    assert book["nps"]["A1"].value == "Eigen titel"
    assert book["extra"]["A1"].value == "extra"  # no catalog title: the key


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", ["sector", "Groep", "n", "Effectieve n", "Promoters", "Passives", "Detractors",
                "NPS", "95%-BI laag", "95%-BI hoog", "Kleine basis", "Niet getoond (privacy)"]),
        ("en", ["sector", "Group", "n", "Effective n", "Promoters", "Passives", "Detractors",
                "NPS", "95% CI low", "95% CI high", "Small base", "Not shown (privacy)"]),
    ],
)  # fmt: skip
def test_header_labels_in_dutch_and_english(tmp_path, lang, expected):
    book = write(tmp_path, {"nps_sector": nps_segments()}, lang=lang)
    assert [c.value for c in book["nps_sector"][HEADER_ROW]] == expected
    title = book["nps_sector"]["A1"].value
    assert title.startswith("NPS per sector" if lang == "nl" else "NPS by sector")


def test_labels_and_formats_of_a_sheet_override_the_guess(tmp_path):
    table = pd.DataFrame({"sector": ["a"], "score_x": [0.25], "importance_2024": [0.12]})
    spec = Sheet(table, labels={"sector": "Branche"}, formats={"score_x": "share"})
    ws = write(tmp_path, {"s": spec})["s"]
    assert [c.value for c in ws[HEADER_ROW]] == ["Branche", "score_x", "Belang (R²) 2024"]
    assert ws.cell(FIRST, 2).number_format == "0%"
    assert ws.cell(FIRST, 3).number_format == "0.000"
    with pytest.raises(ParameterError, match="formats"):
        write_workbook({"s": Sheet(table, formats={"score_x": "percent"})}, tmp_path / "x.xlsx",
                       lang="nl")  # fmt: skip
    with pytest.raises(ParameterError, match="'score_y'"):
        write_workbook({"s": Sheet(table, labels={"score_y": "Y"})}, tmp_path / "x.xlsx", lang="nl")


def test_rows_of_mixed_measures_take_the_format_of_their_measure(tmp_path):
    table = pd.DataFrame(
        {
            "measure": ["nps", "promoters", "detractors"],
            "before": [22.2, 0.43, 0.21],
            "after": [22.9, 0.44, 0.2],
            "change": [0.7, 0.01, -0.01],
        }
    )
    ws = write(tmp_path, {"what_if": table})["what_if"]
    assert [ws.cell(FIRST + i, 2).number_format for i in range(3)] == ["0", "0%", "0%"]
    assert ws.cell(FIRST, 4).number_format == "0"


def test_formula_looking_text_is_stored_as_text(tmp_path):
    risky = ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']
    table = pd.DataFrame({"label": risky, "n": range(len(risky))})
    path = write_workbook({"t": table}, tmp_path / "t.xlsx", lang="nl")
    ws = openpyxl.load_workbook(path)["t"]
    cells = [ws.cell(FIRST + i, 1) for i in range(len(risky))]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[:4]] == risky[:4]
    assert cells[4].value == "\t=cmd" and cells[5].value == "\n=cmd"  # CR kept as a line break
    assert all(c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere


def test_control_characters_removed_and_lists_joined(tmp_path):
    table = pd.DataFrame(
        {
            "label": ["be\x00ll\x07 and\x1b escape", "tab\tand\nnewline", "x\x7f"],
            "codes": [["a", "b"], ("c",), np.array([1, 2])],
            "n": [1, 2, 3],
        }
    )
    ws = write(tmp_path, {"t": table})["t"]
    assert ws.cell(FIRST, 1).value == "bell and escape"
    assert ws.cell(FIRST + 1, 1).value == "tab\tand\nnewline"
    assert ws.cell(FIRST + 2, 1).value == "x"
    assert [ws.cell(FIRST + i, 2).value for i in range(3)] == ["a, b", "c", "1, 2"]
    assert ws.cell(FIRST, 2).data_type == "s"


def test_missing_and_infinite_numbers_give_empty_cells(tmp_path):
    table = pd.DataFrame(
        {"group": ["a", None], "nps": [np.nan, np.inf], "n": pd.array([pd.NA, 3], "Int64")}
    )
    ws = write(tmp_path, {"t": table})["t"]
    assert ws.cell(FIRST, 2).value is None and ws.cell(FIRST + 1, 2).value is None
    assert ws.cell(FIRST, 3).value is None and ws.cell(FIRST + 1, 3).value == 3
    assert ws.cell(FIRST + 1, 1).value is None


def test_two_long_similar_sheet_names_are_both_present(tmp_path):
    long_a = "nps_" + "klanttevredenheid_regio_noord" + "_west"
    long_b = "nps_" + "klanttevredenheid_regio_noord" + "_oost"
    sheets = {
        long_a: nps_segments(),
        long_b: nps_segments().assign(nps=[1.0, 2.0, 3.0]),
        "a/b:c*d?[e]\\f": touchpoints(),
        "NPS": touchpoints(),
        "nps": touchpoints(),
    }
    book = write(tmp_path, sheets)
    names = book.sheetnames
    assert len(names) == 5 and len({n.casefold() for n in names}) == 5
    assert all(len(n) <= 31 for n in names)
    assert names[0] == long_a[:31] and names[1] != names[0]
    assert names[1].startswith(long_b[:25])
    assert book[names[1]].cell(FIRST, column(book[names[1]], "NPS")).value == 1.0
    assert names[2] == "a_b_c_d__e__f"
    assert names[3] == "NPS" and names[4] == "nps~2"


def test_sheet_names_edge_cases():
    names = sheet_names(["'quoted'", "", "History", "x" * 40, "x" * 40 + "y", "x" * 40 + "z"])
    assert names["'quoted'"] == "quoted" and names[""] == "sheet"
    assert names["History"] != "History"
    assert sorted(map(len, [names["x" * 40], names["x" * 40 + "y"]])) == [31, 31]
    assert len(set(names.values())) == 6


def test_rewrite_gives_identical_bytes(tmp_path):
    first = write_workbook(
        {"nps_sector": nps_segments(), "touchpoints": touchpoints()},
        tmp_path / "a.xlsx",
        lang="nl",
        title="Van Dijk · 2024",
    ).read_bytes()
    second = write_workbook(
        {"nps_sector": nps_segments(), "touchpoints": touchpoints()},
        tmp_path / "b.xlsx",
        lang="nl",
        title="Van Dijk · 2024",
    ).read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and "drivers" in core
    props = openpyxl.load_workbook(tmp_path / "a.xlsx").properties
    assert props.creator == "drivers" and props.modified.year == 2000
    assert not list(tmp_path.glob("*.partial"))


def test_wrong_input_is_refused_clearly(tmp_path):
    with pytest.raises(ParameterError, match="'lang' parameter of write_workbook"):
        write_workbook({"a": touchpoints()}, tmp_path / "x.xlsx", lang="de")
    with pytest.raises(ParameterError, match="non-empty mapping"):
        write_workbook({}, tmp_path / "x.xlsx", lang="nl")
    with pytest.raises(ParameterError, match="DataFrame or a Sheet. Got a list for 'a'"):
        write_workbook({"a": [1, 2]}, tmp_path / "x.xlsx", lang="nl")
    with pytest.raises(ParameterError, match="'title'"):
        write_workbook({"a": touchpoints()}, tmp_path / "x.xlsx", lang="nl", title=5)
    assert not (tmp_path / "x.xlsx").exists()


def test_suppressed_segments_reach_the_workbook_as_one_blank_row(tmp_path):
    from drivers import demo
    from drivers.stats.nps import nps_table, suppress_segments, touchpoint_performance

    survey = demo.load(2024)
    frame = survey.data.copy()
    frame.loc[frame.index[:3], "sector"] = "Scheepsbouw"  # a planted group of three
    table = nps_table(frame, by="sector", outcome=survey.spec.nps, privacy_floor=5, lang="nl")
    table = suppress_segments(table, by="sector", privacy_floor=5, lang="nl")
    sheets = {"nps_sector": table, "touchpoints": touchpoint_performance(survey, lang="nl")}
    ws = write(tmp_path, sheets)["nps_sector"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=FIRST)]
    header = [c.value for c in ws[HEADER_ROW]]
    assert "Scheepsbouw" not in {v for row in values for v in row}
    last = dict(zip(header, values[-1], strict=True))
    assert last["Groep"] == "overig (n < 5)" and last["Niet getoond (privacy)"] is True
    assert last["n"] is None and last["NPS"] is None and last["Promoters"] is None
    shown = [dict(zip(header, row, strict=True)) for row in values[1:-1]]
    assert values[0][header.index("n")] - sum(r["n"] for r in shown) >= 5


def test_workbook_gets_the_mode_of_any_new_file(tmp_path):
    """Written through a temporary file, the workbook still gets the umask's mode (a
    colleague on the shared drive can open tables.xlsx like the rest of the report)."""
    import os

    mask = os.umask(0o022)
    try:
        path = write_workbook({"t": pd.DataFrame({"a": [1]})}, tmp_path / "t.xlsx", lang="nl")
        other = tmp_path / "other.txt"
        other.write_text("x")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == other.stat().st_mode & 0o777 == 0o644
