"""`drivers check`: the rename proposal, the inferred spec, and no silent guesses."""

import pandas as pd
import pyreadstat
import pytest

import drivers as dr
from drivers.load.match import propose_rename, rename_line
from drivers.workflow.cli import main

SPEC = """\
nps = "aanbeveling"
id = "respondent"
weight = "gewicht"
segments = ["regio"]

[[touchpoints]]
key = "levering"
nl = "Levering en logistiek"
en = "Delivery and logistics"

[[touchpoints]]
key = "facturatie"
nl = "Facturatie"
en = "Invoicing"

[[touchpoints]]
key = "klachtafhandeling"
nl = "Klachtafhandeling"
en = "Complaint handling"
"""


def _spss(path, ids=(101, 102, 103, 104, 105, 106)):
    frame = pd.DataFrame(
        {
            "RespNr": [float(i) for i in ids],
            "Q1": [9.0, 7.0, 10.0, 4.0, 8.0, 6.0],
            "Q5_1": [8.0, 6.0, 9.0, 5.0, 7.0, 99.0],
            "Q5_2": [7.0, 6.0, 8.0, 4.0, 8.0, 7.0],
            "Q5_3": [99.0, 5.0, 99.0, 3.0, 99.0, 99.0],
            "Q9": [1.0, 2.0, 1.0, 3.0, 2.0, 1.0],
            "W": [1.0, 1.0, 2.0, 2.0, 1.0, 1.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[
            "Respondentnummer",
            "Hoe waarschijnlijk is het dat u ons aanbeveelt aan een collega?",
            "Levering en logistiek",
            "Facturatie",
            "Klachtafhandeling",
            "Regio",
            "Weging",
        ],
        variable_value_labels={"Q9": {1.0: "Noord", 2.0: "Zuid", 3.0: "Oost"}},
        missing_ranges={"Q5_1": [99.0], "Q5_3": [99.0]},
    )
    return path


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "survey.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_rename_proposal_from_spss_labels(tmp_path, spec_file, capsys):
    sav = _spss(tmp_path / "golf3.sav")
    assert main(["check", str(sav), "--spec", str(spec_file)]) == 0
    out = capsys.readouterr().out
    line = (
        'rename = { "RespNr" = "respondent", "Q1" = "aanbeveling", "Q5_1" = "levering", '
        '"Q5_2" = "facturatie", "Q5_3" = "klachtafhandeling", "Q9" = "regio", '
        '"W" = "gewicht" }'
    )
    assert line in out
    # every pair found by its SPSS label (or name): nothing to check
    assert "# check:" not in out
    assert "6 rows read, 6 used, 0 excluded" in out
    assert "n.v.t. per touchpoint: levering 1, facturatie 0, klachtafhandeling 4" in out
    # the proposal pasted into client.toml loads
    config = tmp_path / "client.toml"
    config.write_text(
        f'name = "x"\nspec = "survey.toml"\n[[waves]]\nname = "2024"\nfile = "golf3.sav"\n{line}\n',
        encoding="utf-8",
    )
    survey = dr.load_client(config).load()
    assert survey.n == 6 and survey.data["regio"].tolist()[:3] == ["Noord", "Zuid", "Noord"]


def test_rename_proposal_by_label_text_and_position(tmp_path, spec_file, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "Respondent;Aanbeveling;Levering & logistiek;Q7;Q8;Regio;Gewicht\n"
        "r1;9;8;7;6;Noord;1\nr2;6;5;8;n.v.t.;Zuid;1\n",
        encoding="utf-8",
    )
    assert main(["check", str(path), "--spec", str(spec_file)]) == 0
    out = capsys.readouterr().out
    assert (
        'rename = { "Respondent" = "respondent", "Aanbeveling" = "aanbeveling", '
        '"Levering & logistiek" = "levering", "Q7" = "facturatie", '
        '"Q8" = "klachtafhandeling", "Regio" = "regio", "Gewicht" = "gewicht" }'
    ) in out
    assert '# check: "Q7" = "facturatie" is uncertain (by position only)' in out
    assert '# check: "Q8" = "klachtafhandeling" is uncertain (by position only)' in out
    assert '# check: "Respondent"' not in out
    assert "2 rows read, 2 used, 0 excluded" in out


def test_proposal_leaves_out_what_it_cannot_match():
    spec = dr.SurveySpec.from_toml(SPEC)
    raw = pd.DataFrame({"aanbeveling": [9], "levering": [8], "zzz": ["a"], "yyy": ["b"]})
    matches = propose_rename(raw, spec)
    assert {m.spec_column for m in matches} <= {"facturatie", "klachtafhandeling"}
    assert rename_line([]) == "rename = {}"


def test_infer_uses_spss_labels_ids_and_the_touchpoint_scale(tmp_path, capsys):
    sav = _spss(tmp_path / "golf3.sav", ids=(1001, 1002, 1003, 1004, 1005, 1006))
    assert main(["check", str(sav)]) == 0
    out = capsys.readouterr().out
    spec = dr.SurveySpec.from_toml(out.split("save it as TOML):\n\n", 1)[1])
    assert spec.nps == "Q1"  # by its label: "... aanbeveelt ..."
    assert spec.id == "RespNr"  # unique whole numbers, named like an id
    assert spec.scale == (1, 10)  # from Q5_* only, not from the ids (1001...)
    assert spec.touchpoint_keys == ("Q5_1", "Q5_2", "Q5_3")
    assert spec.label("Q5_1") == "Levering en logistiek"
    assert spec.weight == "W" and spec.segments == ("Q9",)


def test_infer_never_guesses_the_nps_column(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        "id;vraag1;vraag2;vraag3\n1;9;7;8\n2;0;6;5\n3;10;8;7\n4;6;5;9\n", encoding="utf-8"
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Could not find the NPS column" in err
    assert "aanbevelen" in err and "recommend" in err
    assert "Columns with whole numbers 0-10: 'vraag1', 'vraag2', 'vraag3'" in err
    assert 'nps = "<column>"' in err


def test_infer_recognises_id_columns_by_values(tmp_path):
    raw = pd.DataFrame(
        {
            "volgnummer": [str(i) for i in range(1, 31)],
            "aanbevelen": [9, 7] * 15,
            "service": [8, 6, 7] * 10,
        }
    )
    spec = dr.SurveySpec.infer(raw)
    assert (spec.id, spec.nps, spec.touchpoint_keys, spec.scale) == (
        "volgnummer",
        "aanbevelen",
        ("service",),
        (1, 10),
    )


def test_check_lists_sheets_and_scrubs_values(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "oud"
    book.active.sheet_state = "hidden"
    data = book.create_sheet("data")
    data.append(["respondent", "aanbeveling", "levering"])
    data.append(["r1", 9, "mail jan@bedrijf.nl"])
    data.append(["r2", 7, 8])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "2 sheets: 'oud' (hidden), 'data'" in err and "--sheet" in err
    spec = tmp_path / "s.toml"
    spec.write_text('nps = "aanbeveling"\n[[touchpoints]]\nkey = "levering"\n')
    assert main(["check", str(path), "--sheet", "data", "--spec", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "jan@bedrijf.nl" not in out and "'mail [e-mail]'" in out
    assert "2 rows read, 2 used, 0 excluded; 1 grade cells set to missing" in out


@pytest.mark.parametrize("name", ["W", "weight", "gewicht", "weegfactor", "Weegfactor 2024"])
def test_infer_recognises_weights_by_name(tmp_path, capsys, name):
    """A trial took a weight column named W for an open answer (floats around 1)."""
    rows = [
        f"r{i};{[9, 7, 3, 10, 6][i % 5]};{[8, 7, 6, 9, 5][i % 5]};"
        f"{['Noord', 'Zuid'][i % 2]};{0.6 + 0.037 * i:.3f}".replace(".", ",")
        for i in range(24)
    ]
    path = tmp_path / "export.csv"
    path.write_text(f"respondent;aanbeveling;levering;regio;{name}\n" + "\n".join(rows) + "\n")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    spec = dr.SurveySpec.from_toml(out.split("save it as TOML):\n\n", 1)[1])
    assert spec.weight == name
    assert spec.open_answers == () and spec.touchpoint_keys == ("levering",)
    assert (spec.id, spec.nps, spec.segments) == ("respondent", "aanbeveling", ("regio",))


def test_infer_recognises_an_unnamed_weight_by_its_values():
    raw = pd.DataFrame(
        {
            "aanbeveling": [9, 7, 3, 10, 6, 8] * 5,
            "levering": [8, 7, 6, 9, 5, 7] * 5,
            "f17": [0.83, 1.12, 0.95, 1.31, 0.77, 1.02] * 5,
        }
    )
    spec = dr.SurveySpec.infer(raw)
    assert spec.weight == "f17" and spec.open_answers == ()
    assert spec.touchpoint_keys == ("levering",)
    # a touchpoint with half grades is not a weight
    raw["f17"] = [7.5, 8.0, 6.5, 9.0, 7.0, 8.5] * 5
    assert dr.SurveySpec.infer(raw).weight is None


def test_proposal_knows_wave_words_and_gives_open_answers_text():
    # SPSS short names: the wave column is called WAVE and the open answer Q3. By
    # position alone the two were swapped (golf = Q3, toelichting = WAVE).
    spec = dr.SurveySpec(
        nps="aanbeveling",
        touchpoints=(dr.Touchpoint("levering", "Levering"),),
        wave="golf",
        open_answers=("toelichting",),
    )
    raw = pd.DataFrame(
        {
            "Q1": [9, 7, 3],
            "Q2": [8, 6, 7],
            "Q3": ["Snelle levering, prima", "Factuur klopte niet", ""],
            "WAVE": [2024, 2024, 2024],
        }
    )
    labels = {"Q1": "Zou u ons aanbevelen?", "Q2": "Levering"}
    found = {
        m.file_column: (m.spec_column, m.certain) for m in propose_rename(raw, spec, labels=labels)
    }
    assert found == {
        "Q1": ("aanbeveling", True),
        "Q2": ("levering", True),
        "WAVE": ("golf", True),
        "Q3": ("toelichting", False),
    }


def test_position_pairs_text_with_open_answers_and_numbers_with_grades():
    # The spec lists the touchpoint before the open answer; the file the other way round.
    spec = dr.SurveySpec(
        nps="aanbeveling",
        touchpoints=(dr.Touchpoint("facturatie", "Facturatie"),),
        open_answers=("uitleg",),
    )
    raw = pd.DataFrame(
        {"aanbeveling": [9, 7], "V7": ["Te laat geleverd", "Prima"], "V8": ["8", "n.v.t."]}
    )
    found = {m.file_column: (m.spec_column, m.how) for m in propose_rename(raw, spec)}
    assert found == {"V7": ("uitleg", "position"), "V8": ("facturatie", "position")}
    # No column of the right kind: nothing is proposed rather than a wrong pair.
    only_text = raw.drop(columns="V8").assign(V9=["Noord", "Zuid"])
    assert {m.spec_column for m in propose_rename(only_text, spec)} == set()
