"""client.toml: per-wave mapping, checked options, safe names, `drivers new`.

The fixture is a client with three drifting waves: an xlsx on a named sheet, a ';'
cp1252 CSV with a don't-know text the spec does not know, and an SPSS file with short
names (Q1, Q5_1, ...), variable labels and user-missing 99, in which a touchpoint
was added.
"""

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

import drivers as dr
from drivers.errors import ColumnNotFoundError, DataQualityWarning, SpecError
from drivers.workflow.cli import main
from drivers.workflow.client import Options, Wave, load_client, scaffold_client, slugify

SPEC = """\
name = "Drift BV"
nps = "aanbeveling"
id = "respondent"
weight = "gewicht"
segments = ["regio"]
scale = [1, 10]
na_codes = ["n.v.t.", ""]

[[touchpoints]]
key = "levering"
nl = "Levering"
en = "Delivery"

[[touchpoints]]
key = "facturatie"
nl = "Facturatie"
en = "Invoicing"

[[touchpoints]]
key = "webshop"
nl = "Webshop"
en = "Web shop"
"""

CLIENT = """\
name = "Drift BV"
client = "Drift B.V."
sector = "groothandel"
spec = "survey.toml"
brand = "#1F4E79"

[[waves]]
name = "2022"
file = "wave_2022.xlsx"
sheet = "Data"

[[waves]]
name = "2023 (najaar)"
file = "wave_2023.csv"
rename = { "Aanbeveling NPS" = "aanbeveling", "Gewicht" = "gewicht" }
na_codes = ["weet niet meer"]

[[waves]]
name = "2024"
file = "wave_2024.sav"
rename = { "RespNr" = "respondent", "Q1" = "aanbeveling", "Q5_1" = "levering", \
"Q5_2" = "facturatie", "Q5_3" = "webshop", "Q9" = "regio", "W" = "gewicht" }

[options]
min_n = 20
privacy_floor = 4
bootstrap = 50
methods = ["shapley", "beta"]
lines = "median"
segments = ["regio"]
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clients") / "drift"
    folder.mkdir()
    (folder / "survey.toml").write_text(SPEC, encoding="utf-8")
    (folder / "client.toml").write_text(CLIENT, encoding="utf-8")
    # 2022: xlsx, the data on sheet "Data" after a notes sheet; no webshop yet.
    book = openpyxl.Workbook()
    book.active.title = "Toelichting"
    book.active.append(["Export van het klantonderzoek 2022"])
    sheet = book.create_sheet("Data")
    sheet.append(["respondent", "aanbeveling", "levering", "facturatie", "regio", "gewicht"])
    for row in [
        ["a1", 9, 8, 7, "Noord", 1.0],
        ["a2", 6, "n.v.t.", 5, "Zuid", 2.0],
        ["a3", 10, 9, 9, "Noord", 1.0],
        ["a4", 3, 4, None, "Oost", 4.0],
    ]:
        sheet.append(row)
    book.save(folder / "wave_2022.xlsx")
    # 2023: ';' cp1252 with decimal commas, renamed columns, a new don't-know text.
    lines = [
        "respondent;Aanbeveling NPS;levering;facturatie;regio;Gewicht",
        "b1;8;7;weet niet meer;Zuid-België;1,5",
        "b2;9;Weet niet meer;8;Noord;0,5",
        "b3;2;geen idee;3;Oost;1,0",
        "b4;7;6;geen idee;Noord;1,0",
        "b5;;7;7;Noord;1,0",
        "b6;10;8,5;9;Zuid-België;1,0",
    ]
    (folder / "wave_2023.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    # 2024: SPSS with short names, variable labels, user-missing 99; webshop added.
    frame = pd.DataFrame(
        {
            "RespNr": [101.0, 102.0, 103.0, 104.0, 105.0],
            "Q1": [9.0, 7.0, 10.0, 4.0, 8.0],
            "Q5_1": [8.0, 99.0, 9.0, 5.0, 7.0],
            "Q5_2": [7.0, 6.0, 99.0, 4.0, 8.0],
            "Q5_3": [9.0, 99.0, 8.0, 3.0, 11.0],
            "Q9": [1.0, 2.0, 1.0, 3.0, 2.0],
            "W": [1.0, 1.0, 2.0, 2.0, 4.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        str(folder / "wave_2024.sav"),
        column_labels=[
            "Respondentnummer",
            "Hoe waarschijnlijk is het dat u ons aanbeveelt?",
            "Levering",
            "Facturatie",
            "Webshop",
            "Regio",
            "Weegfactor",
        ],
        variable_value_labels={
            "Q9": {1.0: "Noord", 2.0: "Zuid", 3.0: "Oost"},
            "Q5_1": {99.0: "weet niet"},
            "Q5_2": {99.0: "weet niet"},
            "Q5_3": {99.0: "weet niet"},
        },
        missing_ranges={"Q5_1": [99.0], "Q5_2": [99.0], "Q5_3": [99.0]},
    )
    return folder


def test_waves_read_with_their_mapping(client):
    config = load_client(client / "client.toml")
    assert config.name == "Drift_BV" and config.display_name == "Drift B.V."
    assert config.title == "Drift BV"
    assert [w.name for w in config.waves] == ["2022", "2023 (najaar)", "2024"]
    assert [w.slug for w in config.waves] == ["2022", "2023_najaar", "2024"]
    w22, w23, w24 = config.waves
    assert w22.sheet == "Data" and w22.rename == {} and w22.na_codes == ()
    assert w23.na_codes == ("weet niet meer",)
    assert w23.rename == {"Aanbeveling NPS": "aanbeveling", "Gewicht": "gewicht"}
    assert w24.rename["Q5_3"] == "webshop" and w24.header_row == 1
    assert config.options == Options(
        min_n=20,
        privacy_floor=4,
        bootstrap=50,
        methods=("shapley", "beta"),
        lines="median",
        segments=("regio",),
    )
    assert config.wave("2023_najaar") is w23  # by slug too


def test_xlsx_wave_on_a_named_sheet_without_the_added_touchpoint(client):
    config = load_client(client / "client.toml")
    with pytest.warns(DataQualityWarning, match="'webshop' not in the file"):
        s = config.load("2022")
    q = s.quality
    assert (q.rows_read, q.rows_used, q.rows_excluded, q.cells_excluded) == (4, 4, 0, 0)
    assert q.absent == ("webshop",)
    assert "webshop" not in q.not_applicable  # absent is not n.v.t.
    assert q.not_applicable.to_dict() == {"levering": 1, "facturatie": 1}
    assert s.data["webshop"].isna().all() and s.n == 4
    np.testing.assert_allclose(s.data["gewicht"], [0.5, 1.0, 0.5, 2.0])  # mean 1
    assert q.weight_mean == 2.0
    assert s.data["regio"].tolist() == ["Noord", "Zuid", "Noord", "Oost"]


def test_csv_wave_with_rename_and_its_own_dont_know_code(client):
    config = load_client(client / "client.toml")
    wave = config.wave("2023 (najaar)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = dr.load_survey(wave.file, config.spec, wave=wave)
    q = s.quality
    # b5 has no NPS: excluded; "geen idee" is unknown: two cells, respondents stay.
    assert (q.rows_read, q.rows_used, q.rows_excluded) == (6, 5, 1)
    assert q.excluded.to_dict() == {6: "NPS answer missing"}
    assert q.cells_excluded == 2
    assert q.cells[["column", "kind", "value", "n"]].to_dict("records") == [
        {"column": "levering", "kind": "text", "value": "geen idee", "n": 1},
        {"column": "facturatie", "kind": "text", "value": "geen idee", "n": 1},
    ]
    assert q.na_code_hint == 'na_codes = ["weet niet meer", "geen idee"]'
    assert [str(w.message) for w in caught if "na_codes" in str(w.message)]
    assert q.not_applicable.to_dict() == {"levering": 1, "facturatie": 1}  # weet niet meer
    assert q.renamed == {"Aanbeveling NPS": "aanbeveling", "Gewicht": "gewicht"}
    np.testing.assert_allclose(s.data["levering"], [7.0, np.nan, np.nan, 6.0, 8.5])
    assert s.data["regio"].tolist()[0] == "Zuid-België"
    np.testing.assert_allclose(s.data["gewicht"].mean(), 1.0)
    assert s.data["wave"].unique().tolist() == ["2023 (najaar)"]
    # the same through the config
    with pytest.warns(DataQualityWarning):
        assert config.load("2023 (najaar)").quality.rows_used == 5


def test_spss_wave_with_short_names_labels_and_user_missing(client):
    config = load_client(client / "client.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # everything mapped: loading stays quiet
        s = config.load("2024")
    q = s.quality
    assert (q.rows_read, q.rows_used, q.rows_excluded) == (5, 5, 0)
    # 11 in webshop is out of scale: one cell, the respondent stays
    assert q.cells_by_kind.to_dict("records") == [
        {"column": "webshop", "kind": "out of scale", "n": 1}
    ]
    assert q.not_applicable.to_dict() == {"levering": 1, "facturatie": 1, "webshop": 1}
    assert s.data["regio"].tolist() == ["Noord", "Zuid", "Noord", "Oost", "Zuid"]
    assert s.data["respondent"].tolist() == ["101", "102", "103", "104", "105"]
    np.testing.assert_allclose(s.data["webshop"], [9.0, np.nan, 8.0, 3.0, np.nan])
    np.testing.assert_allclose(s.data["gewicht"], [0.5, 0.5, 1.0, 1.0, 2.0])
    assert s.spec.label("webshop", "en") == "Web shop"  # the spec's labels win


def test_wave_scale_is_rescaled_and_recorded(tmp_path):
    path = tmp_path / "five.csv"
    path.write_text("aanbeveling;levering\n9;5\n7;1\n3;3\n", encoding="utf-8")
    spec = dr.SurveySpec(nps="aanbeveling", touchpoints=(dr.Touchpoint("levering"),))
    s = dr.load_survey(path, spec, wave=Wave("2024", path, scale=(1, 5)))
    assert s.data["levering"].tolist() == [10.0, 1.0, 5.5]
    assert s.quality.rescaled == (1.0, 5.0, 1.0, 10.0)
    assert "rescaled linearly to 1-10 (1 → 1, 5 → 10)" in s.quality.notes[0]


# -- errors naming the key and the fix -------------------------------------------------
def _config(tmp_path, top="", wave="", options="", name='"acme"'):
    (tmp_path / "survey.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "w.csv").write_text("aanbeveling\n9\n", encoding="utf-8")
    (tmp_path / "client.toml").write_text(
        f'name = {name}\nspec = "survey.toml"\n{top}\n[[waves]]\nname = "2024"\n'
        f'file = "w.csv"\n{wave}\n[options]\n{options}\n',
        encoding="utf-8",
    )
    return tmp_path / "client.toml"


@pytest.mark.parametrize(
    ("where", "text", "fragments"),
    [
        ("top", 'sectr = "x"', ["unknown key 'sectr' (did you mean 'sector'?)"]),
        ("wave", 'renam = { "a" = "aanbeveling" }', ["[[waves]] 1", "'renam'", "'rename'"]),
        ("wave", "na_code = []", ["did you mean 'na_codes'?"]),
        ("options", "min_m = 3", ["[options]", "did you mean 'min_n'?"]),
        ("options", 'min_n = "abc"', ["min_n must be a whole number >= 1", "Got 'abc'"]),
        ("options", "min_n = 0", ["min_n must be a whole number >= 1", "Got 0"]),
        ("options", "privacy_floor = 2", ["privacy_floor must be a whole number >= 3"]),
        ("options", "privacy_floor = 5.5", ["privacy_floor", "Got 5.5"]),
        ("options", "bootstrap = true", ["bootstrap must be a whole number >= 0", "Got True"]),
        ("options", 'methods = "shapley"', ["methods must be a list"]),
        ("options", 'methods = ["shapely"]', ["Did you mean 'shapley'?"]),
        ("options", 'missing = "pairwis"', ["missing must be one of", "'pairwise'"]),
        ("options", 'lines = "avg"', ["lines must be one of 'mean', 'median'"]),
        ("options", 'segments = ["regoi"]', ["'regoi'", "Did you mean 'regio'?"]),
        ("top", 'brand = "#12345"', ["brand must be a colour written #RRGGBB", "'#12345'"]),
        ("top", 'brand = "navy"', ["#RRGGBB"]),
        ("top", 'template = "huisstijl.potx"', ["template must be a PowerPoint .pptx"]),
        ("top", 'template = "weg.pptx"', ["the template file", "weg.pptx does not exist"]),
        ("top", 'language = "de"', ["language must be 'nl' or 'en'"]),
        ("wave", 'rename = { "Q1" = "aanbeveln" }', ["no column of the spec", "'aanbeveling'"]),
        ("wave", "scale = [5, 1]", ["scale must be [low, high]"]),
        ("wave", 'decimal = ";"', ["decimal must be ',' or '.'"]),
        ("wave", "header_row = 0", ["header_row must be a row number >= 1"]),
        ("wave", 'na_codes = "weet niet"', ["na_codes must be a list"]),
    ],
)
def test_config_errors_name_the_key(tmp_path, where, text, fragments):
    path = _config(tmp_path, **{where: text + "\n"})
    with pytest.raises(SpecError) as caught:
        load_client(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def test_spec_touchpoint_unknown_key(tmp_path):
    path = tmp_path / "survey.toml"
    path.write_text(SPEC + '\n[[touchpoints]]\nkey = "x"\nlabel = "X"\n', encoding="utf-8")
    with pytest.raises(SpecError, match=r"\[\[touchpoints\]\] 4: unknown key 'label'"):
        dr.SurveySpec.from_toml(path)


def test_rename_of_a_column_the_file_lacks(client):
    config = load_client(client / "client.toml")
    wave = config.wave("2024")
    bad = Wave("2024", wave.file, rename={"Q01": "aanbeveling"})
    with pytest.raises(ColumnNotFoundError, match=r"'Q01' \(did you mean 'Q1'\?\)"):
        dr.load_survey(wave.file, config.spec, wave=bad)


# -- names and `drivers new` -----------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("acme", "acme"),
        ("Van Dijk & Zn.", "Van_Dijk_Zn."),
        ("../../x", "x"),
        (".hidden", "hidden"),
        ("Café Zuid/Oost", "Cafe_Zuid_Oost"),
        ("2024..Q1", "2024_Q1"),
    ],
)
def test_slug(name, slug):
    assert slugify(name) == slug


def test_slug_of_nothing_is_an_error():
    with pytest.raises(SpecError, match="no letters or digits"):
        slugify("../..")


@pytest.mark.parametrize("name", ["../x", "/abs/path", "..", "a/b", "..\\x"])
def test_new_refuses_names_that_leave_clients(tmp_path, name):
    with pytest.raises(SpecError, match="outside"):
        scaffold_client(name, root=tmp_path / "clients")
    assert not (tmp_path / "x").exists() and not (tmp_path / "clients").exists()


def test_new_with_quotes_reads_back_and_copies_the_notebooks(tmp_path, capsys):
    from drivers.workflow.run import notebook_dir

    name = 'Bakkerij "De Zon" Zn'
    assert main(["new", name, "--root", str(tmp_path / "clients")]) == 0
    folder = tmp_path / "clients" / "Bakkerij_De_Zon_Zn"
    config = load_client(folder / "client.toml")
    assert config.name == "Bakkerij_De_Zon_Zn" and config.display_name == name
    shipped = sorted(p.name for p in notebook_dir().glob("*.ipynb"))
    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == shipped
    out = capsys.readouterr().out
    assert f".venv/bin/drivers check {folder}/wave_2024.csv --spec {folder}/survey.toml" in out
    assert f".venv/bin/drivers run {folder}/client.toml" in out
    assert main(["new", "../x", "--root", str(tmp_path / "clients")]) == 2
    assert "outside" in capsys.readouterr().err


def test_an_export_with_its_own_names_points_to_drivers_check(tmp_path):
    # helper-19: without rename, the error listed the wave column (filled in from the
    # wave's name) as one of the file's, and guessed 'levering' → 'meting'.
    (tmp_path / "survey.toml").write_text(
        'nps = "aanbeveling"\nwave = "meting"\nsegments = ["regio"]\n'
        '[[touchpoints]]\nkey = "levering"\n[[touchpoints]]\nkey = "webshop"\n',
        encoding="utf-8",
    )
    (tmp_path / "export.csv").write_text(
        "Q1,Q2_1,Q2_2,REGIO\n9,8,7,Noord\n6,5,n.v.t.,Zuid\n", encoding="utf-8"
    )
    (tmp_path / "client.toml").write_text(
        'name = "x"\nspec = "survey.toml"\n[[waves]]\nname = "2025"\nfile = "export.csv"\n',
        encoding="utf-8",
    )
    with pytest.raises(dr.errors.ColumnNotFoundError) as caught:
        dr.load_client(tmp_path / "client.toml").load()
    message = str(caught.value)
    assert "The file has: 'Q1', 'Q2_1', 'Q2_2', 'REGIO'." in message
    assert "did you mean" not in message
    assert "drivers check <file> --spec <spec>" in message and "its own way" in message


def _two_waves(tmp_path, second_file: str, values=("2023", "2024")):
    (tmp_path / "survey.toml").write_text(
        'nps = "aanbeveling"\nwave = "meting"\n[[touchpoints]]\nkey = "levering"\n',
        encoding="utf-8",
    )
    for value in values:
        (tmp_path / f"meting_{value}.csv").write_text(
            f"aanbeveling,levering,meting\n9,8,{value}\n6,5,{value}\n", encoding="utf-8"
        )
    (tmp_path / "client.toml").write_text(
        'name = "x"\nspec = "survey.toml"\n'
        '[[waves]]\nname = "2023"\nfile = "meting_2023.csv"\n'
        f'[[waves]]\nname = "2024"\nfile = "{second_file}"\n',
        encoding="utf-8",
    )
    return tmp_path / "client.toml"


def test_a_wave_pointed_at_another_waves_file_is_refused(tmp_path):
    # helper-19: wave 2024 read the 2023 export (its wave column says 2023) and the run
    # reported it as 2024 without a word.
    with pytest.raises(SpecError, match="waves '2023' and '2024' both read meting_2023.csv"):
        load_client(_two_waves(tmp_path, "meting_2023.csv"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "wrong.csv").write_text(
        "aanbeveling,levering,meting\n9,8,2023\n6,5,2023\n", encoding="utf-8"
    )
    config = load_client(_two_waves(tmp_path / "other", "wrong.csv"))
    with pytest.raises(dr.errors.DataError, match="says '2023' in its wave column 'meting'"):
        config.load("2024")
    with pytest.raises(dr.errors.DataError, match="another wave of this client"):
        dr.analyse(config, bootstrap=0, progress=False)
    assert config.load("2023").n == 2  # the right file loads
