"""Loading every format, and a clear answer with exact row accounting for bad input."""

import numpy as np
import pandas as pd
import pytest

import drivers as dr
from drivers.errors import (
    ColumnNotFoundError,
    EmptyFileError,
    EncodingError,
    FileFormatError,
    InvalidValueError,
    SpecError,
)

SPEC = dr.SurveySpec(
    nps="aanbeveling",
    touchpoints=(
        dr.Touchpoint("levering", "Levering", "Delivery"),
        dr.Touchpoint("klachtafhandeling", "Klachtafhandeling", "Complaint handling"),
    ),
    segments=("regio",),
    weight="gewicht",
    id="respondent",
)

HEADER = "respondent;aanbeveling;levering;klachtafhandeling;regio;gewicht"
GOOD = [
    "r1;9;8;n.v.t.;Noord;1,2",
    "r2;7;7;6;Zuid;0,8",
    "r3;3;5;nvt;Oost;1,0",
    "r4;10;9;8;West;1,0",
]


def write(tmp_path, lines, name="s.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def accounted(survey):
    q = survey.quality
    assert q.rows_read == q.rows_used + q.rows_excluded
    assert int(q.table["n"].sum()) == q.rows_excluded if len(q.table) else q.rows_excluded == 0
    return q


# -- formats ---------------------------------------------------------------------------
def test_csv_semicolon_decimal_comma_cp1252(tmp_path):
    lines = [HEADER + ";toelichting"] + [g + ";Prima geleverd, één dag te laat" for g in GOOD]
    path = write(tmp_path, lines, encoding="cp1252")
    spec = SPEC.replace(open_answers=("toelichting",))
    s = dr.load_survey(path, spec)
    q = accounted(s)
    assert q.rows_read == 4 and q.rows_used == 4
    assert s.data["gewicht"].tolist() == [1.2, 0.8, 1.0, 1.0]
    assert s.data["toelichting"].iloc[0] == "Prima geleverd, één dag te laat"
    assert np.isnan(s.data.loc[2, "klachtafhandeling"])  # n.v.t. → NaN, not excluded
    assert q.not_applicable["klachtafhandeling"] == 2
    assert list(s.data.index) == [2, 3, 4, 5]  # row numbers as in the file


def test_csv_comma_utf8_bom_and_tab(tmp_path):
    comma = [
        HEADER.replace(";", ","),
        *[
            g.replace(";", ",").replace("1,2", "1.2").replace("0,8", "0.8").replace("1,0", "1.0")
            for g in GOOD
        ],
    ]
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(comma).encode())
    s = dr.load_survey(path, SPEC)
    assert s.n == 4 and s.data["gewicht"].iloc[0] == 1.2
    tab = write(tmp_path, [line.replace(";", "\t") for line in [HEADER, *GOOD]], "t.tsv")
    assert dr.load_survey(tab, SPEC).n == 4


def test_xlsx_by_sheet_name_and_index(tmp_path):
    df = pd.DataFrame(
        {
            "respondent": ["r1", "r2"],
            "aanbeveling": [9, 4],
            "levering": [8, "n.v.t."],
            "klachtafhandeling": [None, 5],
            "regio": ["Noord", "Zuid"],
            "gewicht": [1.0, 1.5],
        }
    )
    path = tmp_path / "s.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="info", index=False)
        df.to_excel(xl, sheet_name="data", index=False)
    s = dr.load_survey(path, SPEC, sheet="data")
    assert s.n == 2 and np.isnan(s.data.loc[3, "levering"])
    assert s.data.loc[3, "gewicht"] == pytest.approx(1.5 / 1.25)  # weights: mean 1
    assert dr.load_survey(path, SPEC, sheet=1).n == 2
    with pytest.raises(
        dr.DriversError, match="no sheet 'dat'.*'info', 'data'. Did you mean 'data'"
    ):
        dr.load_survey(path, SPEC, sheet="dat")


def test_sav_with_value_labels_and_user_missing(tmp_path):
    import pyreadstat

    df = pd.DataFrame(
        {
            "respondent": ["r1", "r2", "r3"],
            "aanbeveling": [9.0, 6.0, 10.0],
            "levering": [8.0, 99.0, 7.0],
            "klachtafhandeling": [99.0, 5.0, 99.0],
            "regio": [1.0, 2.0, 1.0],
            "gewicht": [1.0, 1.0, 2.0],
        }
    )
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=[
            "Respondent",
            "Aanbeveling",
            "Levering",
            "Klachtafhandeling",
            "Regio",
            "Gewicht",
        ],
        variable_value_labels={
            "regio": {1.0: "Noord", 2.0: "Zuid"},
            "levering": {99.0: "n.v.t."},
            "klachtafhandeling": {99.0: "n.v.t."},
        },
        missing_ranges={"levering": [99.0], "klachtafhandeling": [99.0]},
    )
    s = dr.load_survey(path, SPEC)
    q = accounted(s)
    assert q.rows_used == 3
    assert s.data["regio"].tolist() == ["Noord", "Zuid", "Noord"]  # value labels applied
    assert np.isnan(s.data.loc[3, "levering"])  # user-missing → n.v.t.
    assert q.not_applicable["klachtafhandeling"] == 2


def test_parquet(tmp_path):
    df = pd.DataFrame(
        {
            "respondent": ["r1", "r2"],
            "aanbeveling": [9, 2],
            "levering": [8.0, None],
            "klachtafhandeling": [None, 4.0],
            "regio": ["Noord", "Zuid"],
            "gewicht": [1.0, 1.0],
        }
    )
    path = tmp_path / "s.parquet"
    df.to_parquet(path)
    s = dr.load_survey(path, SPEC)
    assert s.n == 2 and s.data["aanbeveling"].tolist() == [9.0, 2.0]


def test_one_file_per_wave(tmp_path):
    a = write(tmp_path, [HEADER, *GOOD], "wave_2023.csv")
    b = write(tmp_path, [HEADER, *GOOD[:2]], "wave_2024.csv")
    s = dr.load_survey([a, b], SPEC)
    assert s.waves == ["2023", "2024"] and s.n == 6
    assert s.wave("2024").n == 2 and s.quality.rows_read == 6


def test_demo_files_load_in_every_format():
    from drivers import demo

    folder = demo.demo_dir()
    csv = dr.load_survey(folder / "wave_2024.csv", folder / "survey.toml")
    sav = dr.load_survey(folder / "wave_2024.sav", folder / "survey.toml")
    accounted(csv)
    accounted(sav)
    assert csv.n == sav.n
    cols = list(csv.spec.touchpoint_keys) + [csv.spec.nps]
    np.testing.assert_allclose(csv.data[cols].to_numpy(), sav.data[cols].to_numpy())
    assert (csv.data["sector"].to_numpy() == sav.data["sector"].to_numpy()).all()


# -- bad input: excluded and reported --------------------------------------------------
@pytest.mark.parametrize(
    ("row", "reason", "column"),
    [
        ("r5;;8;7;Noord;1,0", "NPS answer missing", "aanbeveling"),
        ("r5;11;8;7;Noord;1,0", "NPS answer outside 0-10 or not a whole number", "aanbeveling"),
        ("r5;-1;8;7;Noord;1,0", "NPS answer outside 0-10 or not a whole number", "aanbeveling"),
        ("r5;7,5;8;7;Noord;1,0", "NPS answer outside 0-10 or not a whole number", "aanbeveling"),
        ("r5;negen;8;7;Noord;1,0", "NPS answer is text, not a number", "aanbeveling"),
        ("r5;8;8;7;Noord;", "weight missing", "gewicht"),
        ("r5;8;8;7;Noord;-1", "weight zero or negative", "gewicht"),
        ("r5;8;8;7;Noord;0", "weight zero or negative", "gewicht"),
        ("r1;8;8;7;Noord;1,0", "duplicate respondent id", "respondent"),
    ],
)
def test_bad_row_is_excluded_with_reason(tmp_path, row, reason, column):
    path = write(tmp_path, [HEADER, *GOOD, row])
    s = dr.load_survey(path, SPEC)
    q = accounted(s)
    assert (q.rows_read, q.rows_used, q.rows_excluded) == (5, 4, 1)
    rec = q.table.iloc[0]
    assert (rec["reason"], rec["column"], list(rec["rows"])) == (reason, column, [6])
    assert q.excluded.to_dict() == {6: reason}
    with pytest.raises(InvalidValueError) as err:
        dr.load_survey(path, SPEC, strict=True)
    message = str(err.value)
    assert str(path) in message and f"column {column!r}" in message and "row 6" in message
    assert "Fix:" in message


@pytest.mark.parametrize(
    ("row", "kind", "value"),
    [
        ("r5;8;0;7;Noord;1,0", "out of scale", "0"),
        ("r5;8;acht;7;Noord;1,0", "text", "acht"),
        ("r5;8;12-03-2024;7;Noord;1,0", "date", "12-03-2024"),
        ("r5;8;11;7;Noord;1,0", "out of scale", "11"),
    ],
)
def test_bad_grade_costs_the_cell_not_the_respondent(tmp_path, row, kind, value):
    path = write(tmp_path, [HEADER, *GOOD, row])
    s = dr.load_survey(path, SPEC)
    q = accounted(s)
    assert (q.rows_read, q.rows_used, q.rows_excluded, q.cells_excluded) == (5, 5, 0, 1)
    assert np.isnan(s.data.loc[6, "levering"])
    assert s.data.loc[6, "aanbeveling"] == 8 and s.data.loc[6, "klachtafhandeling"] == 7
    cell = q.cells.iloc[0]
    assert (cell["column"], cell["kind"], cell["value"], cell["n"], cell["rows"]) == (
        "levering",
        kind,
        value,
        1,
        [6],
    )
    assert q.cells_by_kind.to_dict("records") == [{"column": "levering", "kind": kind, "n": 1}]
    assert q.not_applicable["levering"] == 0  # a bad cell is no n.v.t.
    assert len(value) < 3 or value not in q._repr_html_()  # deliverables: kinds, no values
    assert f"'{value}'" in q.summary()  # the terminal shows them
    with pytest.raises(InvalidValueError) as err:
        dr.load_survey(path, SPEC, strict=True)
    assert "column 'levering', row 6" in str(err.value) and kind in str(err.value)


def test_unknown_text_in_nps_still_excludes_the_respondent(tmp_path):
    s = dr.load_survey(write(tmp_path, [HEADER, *GOOD, "r5;weet niet meer;8;7;Noord;1,0"]), SPEC)
    q = accounted(s)
    assert q.excluded.to_dict() == {6: "NPS answer is text, not a number"}
    assert q.cells_excluded == 0


def test_recurring_unknown_text_gives_the_na_codes_line(tmp_path):
    rows = [
        "r5;8;weet niet meer;7;Noord;1,0",
        "r6;9;8;Weet niet meer;Zuid;1,0",
        "r7;6;mail: jan@bedrijf.nl;7;Oost;1,0",
    ]
    path = write(tmp_path, [HEADER, *GOOD, *rows])
    with pytest.warns(dr.errors.DataQualityWarning, match=r'na_codes = \["weet niet meer"\]'):
        s = dr.load_survey(path, SPEC)
    q = accounted(s)
    assert (q.rows_used, q.rows_excluded, q.cells_excluded) == (7, 0, 3)
    assert q.na_code_hint == 'na_codes = ["weet niet meer"]'
    assert "jan@bedrijf.nl" not in q.summary() and "[e-mail]" in q.summary()
    assert s.data.loc[6, "aanbeveling"] == 8  # the respondent stays
    # with the code added, the cells are n.v.t.
    s2 = dr.load_survey(path, SPEC, na_codes=["weet niet meer"])
    assert s2.quality.cells_excluded == 1 and s2.quality.na_code_hint is None
    assert s2.quality.not_applicable.to_dict() == {"levering": 1, "klachtafhandeling": 3}


def test_decimal_comma_off_makes_7_5_text(tmp_path):
    lines = [HEADER.replace(";", ","), 'r1,9,"7,5",8,Noord,1', "r2,8,8,8,Zuid,1"]
    path = write(tmp_path, lines)
    s = dr.load_survey(path, SPEC)
    q = accounted(s)
    assert q.rows_used == 2 and q.cells_excluded == 1
    rec = q.cells.iloc[0]
    assert (rec["kind"], rec["value"]) == ("text", "7,5")
    assert dr.load_survey(path, SPEC, decimal=",").data["levering"].tolist()[0] == 7.5


def test_several_reasons_count_each_row_once(tmp_path):
    rows = ["r5;;0;7;Noord;1,0", "r6;12;8;7;Noord;0"]
    s = dr.load_survey(write(tmp_path, [HEADER, *GOOD, *rows]), SPEC)
    q = accounted(s)
    assert q.rows_excluded == 2 and q.rows_used == 4
    cells = q.table.set_index("reason")["cells"]
    assert cells["NPS answer missing"] == 1 and cells["weight zero or negative"] == 1
    assert q.cells_excluded == 0  # cells count in rows used only


# -- bad input: clear errors -----------------------------------------------------------
def test_empty_file(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=r"leeg\.csv is empty"):
        dr.load_survey(path, SPEC)


def test_header_only(tmp_path):
    with pytest.raises(EmptyFileError, match="header .* but no data rows"):
        dr.load_survey(write(tmp_path, [HEADER]), SPEC)


def test_missing_nps_column_suggests(tmp_path):
    lines = [HEADER.replace("aanbeveling", "aanbevelng"), *GOOD]
    with pytest.raises(ColumnNotFoundError) as err:
        dr.load_survey(write(tmp_path, lines), SPEC)
    assert "'aanbeveling' (did you mean 'aanbevelng'?)" in str(err.value)
    assert "s.csv" in str(err.value)


def test_unknown_format(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{}")
    with pytest.raises(FileFormatError, match=r"unknown file type '\.json'.*\.csv"):
        dr.load_survey(path, SPEC)


def test_unreadable_encoding(tmp_path):
    path = tmp_path / "s.csv"
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8
    path.write_bytes(HEADER.encode() + b"\nr1;9;8;7;Noord\x81;1\n")
    with pytest.raises(EncodingError, match="neither UTF-8 nor Windows-1252.*0x81"):
        dr.load_survey(path, SPEC)


def test_binary_garbage_named_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(FileFormatError, match="not a text file"):
        dr.load_survey(path, SPEC)


def test_ragged_rows_name_the_rows(tmp_path):
    lines = [HEADER, *GOOD, "r9;9;8;7;Noord;1,0;extra;fields"]
    with pytest.raises(FileFormatError, match="header has 6 fields .* row 6 has 8"):
        dr.load_survey(write(tmp_path, lines), SPEC)


def test_duplicated_column_names(tmp_path):
    lines = [HEADER + ";levering", *[g + ";8" for g in GOOD]]
    with pytest.raises(ColumnNotFoundError, match="duplicated column names.*'levering'"):
        dr.load_survey(write(tmp_path, lines), SPEC)


def test_all_rows_bad_is_an_error(tmp_path):
    with pytest.raises(dr.DriversError, match="none of the 2 rows"):
        dr.load_survey(write(tmp_path, [HEADER, "r1;;8;7;N;1", "r2;;8;7;N;1"]), SPEC)


# -- spec ------------------------------------------------------------------------------
def test_spec_roundtrip_and_infer(tmp_path):
    from drivers import demo

    spec = dr.SurveySpec.from_toml(demo.demo_dir() / "survey.toml")
    assert dr.SurveySpec.from_toml(spec.to_toml()) == spec
    raw, _ = dr.read_table(demo.demo_dir() / "wave_2024.csv")
    inferred = dr.SurveySpec.infer(raw)
    assert inferred.nps == spec.nps
    assert set(inferred.touchpoint_keys) == set(spec.touchpoint_keys)
    assert inferred.weight == spec.weight and inferred.id == spec.id
    assert set(spec.segments) <= set(inferred.segments)
    path = tmp_path / "spec.toml"
    inferred.to_toml(path)
    assert dr.SurveySpec.from_toml(path) == inferred


def test_spec_errors():
    with pytest.raises(SpecError, match="'nps' is missing"):
        dr.SurveySpec.from_toml('name = "x"\n')
    with pytest.raises(SpecError, match="did you mean 'segments'"):
        dr.SurveySpec.from_toml('nps = "a"\nsegmenten = ["x"]\n')
    with pytest.raises(SpecError, match="not valid TOML"):
        dr.SurveySpec.from_toml('nps = "a\n')


def test_spec_value_labels_map_text_answers(tmp_path):
    spec = SPEC.replace(
        value_labels={"aanbeveling": {"9 - zeer waarschijnlijk": 9, "0 - zeer onwaarschijnlijk": 0}}
    )
    lines = [HEADER, "r1;9 - zeer waarschijnlijk;8;7;N;1", "r2;0 - Zeer onwaarschijnlijk;8;7;N;1"]
    s = dr.load_survey(write(tmp_path, lines), spec)
    assert s.data["aanbeveling"].tolist() == [9.0, 0.0]


def test_csv_is_read_by_the_vectorised_reader(tmp_path):
    raw, info = dr.read_table(write(tmp_path, [HEADER, *GOOD]))
    assert all(isinstance(t, pd.ArrowDtype) for t in raw.dtypes)  # pyarrow, no per-cell Python
    assert list(raw.index) == [2, 3, 4, 5] and info["blank_rows"] == []
    # trailing empty fields: the exact reader takes over, with the same row numbers
    lines = [HEADER, *GOOD, "", "r9;1;2;3;N;1;;"]
    extra, info = dr.read_table(write(tmp_path, lines, "r.csv"))
    assert list(extra.index) == [2, 3, 4, 5, 7] and info["blank_rows"] == [6]
    assert all(pd.api.types.is_object_dtype(t) for t in extra.dtypes)


def test_excel_sep_line_and_bom(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfsep=;\r\n" + "\r\n".join([HEADER, *GOOD]).encode() + b"\r\n")
    raw, info = dr.read_table(path)
    assert info["delimiter"] == ";" and info["sep_line"] is True
    assert list(raw.columns) == HEADER.split(";") and list(raw.index) == [3, 4, 5, 6]
    assert dr.load_survey(path, SPEC).n == 4


def test_weights_are_normalised_to_mean_one(tmp_path):
    rows = [g.replace(";1,2", ";3").replace(";0,8", ";1").replace(";1,0", ";2") for g in GOOD]
    s = dr.load_survey(write(tmp_path, [HEADER, *rows]), SPEC)
    np.testing.assert_allclose(s.weights, [1.5, 0.5, 1.0, 1.0])
    assert s.quality.weight_mean == 2.0 and "mean weight 1" in s.quality.notes[-1]


def test_open_answers_under_the_wave_column_are_not_listed(tmp_path):
    """A wrong mapping that puts the open answers under the wave's name: a short error that
    says so, without a respondent's answer in it."""
    from drivers.errors import DataError

    answers = [f"Antwoord {i}: de levering was prima, contactpersoon Jansen" for i in range(40)]
    rows = [f"r{i};8;7;6;Noord;1,0;{a}" for i, a in enumerate(answers)]
    path = tmp_path / "meting.csv"
    path.write_text("\n".join([HEADER + ";golf", *rows]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        dr.load_survey(path, SPEC.replace(wave="golf"), wave="2024")
    message = str(caught.value)
    assert "meting.csv" in message and "'golf'" in message and "40 different values" in message
    assert "rename" in message and "drivers check" in message
    assert "Jansen" not in message and "Antwoord" not in message and len(message) < 500


def test_a_labelled_spss_dont_know_code_is_named_not_dropped(tmp_path):
    # helper-19: 97 = 'geen idee' in the SPSS value labels was an out-of-scale grade, set
    # to missing without a warning, and na_codes = ["geen idee"] did not catch it.
    import warnings

    import pyreadstat

    frame = pd.DataFrame(
        {
            "aanbeveling": [9.0, 7.0, 10.0, 4.0, 8.0, 6.0],
            "webshop": [8.0, 97.0, 9.0, 97.0, 97.0, 6.0],
            "levering": [7.0, 6.0, 8.0, 4.0, 8.0, 120.0],
        }
    )
    path = tmp_path / "wave.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"webshop": {1.0: "slecht", 10.0: "uitstekend", 97.0: "geen idee"}},
    )
    spec = dr.SurveySpec(
        nps="aanbeveling",
        touchpoints=(dr.Touchpoint("webshop", "Webshop"), dr.Touchpoint("levering", "Levering")),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        survey = dr.load_survey(path, spec)
    said = " ".join(str(w.message) for w in caught)
    assert "3 grade cells hold text" in said and '"geen idee"]' in said
    cells = survey.quality.cells.set_index(["column", "kind"])["n"]
    assert cells[("webshop", "text")] == 3 and ("webshop", "out of scale") not in cells
    assert cells[("levering", "out of scale")] == 1  # an unlabelled 120 stays out of scale
    assert survey.n == 6  # the respondents stay
    # With the code named, the three cells are n.v.t. answers, not bad cells.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        named = dr.load_survey(path, spec, na_codes=["geen idee"])
    assert ("webshop", "text") not in named.quality.cells.set_index(["column", "kind"])["n"]
    assert named.quality.not_applicable["webshop"] == 3
    assert named.data["webshop"].isna().sum() == 3
