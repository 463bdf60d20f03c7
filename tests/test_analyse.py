"""dr.analyse on waves as they arrive: a touchpoint added in the last wave, a touchpoint
nobody answered; each is left out of that wave's driver analysis with its reason, and
everything else runs."""

import shutil

import pandas as pd
import pytest

import drivers as dr
from drivers.workflow import demo


@pytest.fixture(scope="module")
def added_touchpoint(tmp_path_factory):
    """The demo with `klantenservice` absent from the 2023 questionnaire."""
    folder = tmp_path_factory.mktemp("nieuw") / "nieuw"
    shutil.copytree(demo.demo_dir(), folder)
    raw = pd.read_csv(folder / "wave_2023.csv", sep=";", encoding="cp1252", dtype=str)
    raw.drop(columns=["klantenservice"]).to_csv(
        folder / "wave_2023.csv", sep=";", index=False, encoding="cp1252"
    )
    text = (folder / "client.toml").read_text(encoding="utf-8")
    (folder / "client.toml").write_text(text.replace('name = "demo"', 'name = "nieuw"'))
    return folder / "client.toml"


def test_a_touchpoint_added_in_the_last_wave_is_left_out_of_the_earlier_one(added_touchpoint):
    r = dr.analyse(added_touchpoint, bootstrap=20, progress=False)
    left = r.left_out.set_index(["wave", "touchpoint"])
    assert left.loc[("2023", "klantenservice"), "reason"] == "absent"
    assert "klantenservice" not in set(r.drivers_previous.table["driver"])
    assert "klantenservice" in set(r.drivers.table["driver"])
    assert r.grade_changes.set_index("touchpoint").loc["klantenservice", "absent"] == "before"
    folder = r.save(added_touchpoint.parent / "results")
    assert dr.load_results(folder) == r


def test_a_touchpoint_nobody_answered_does_not_sink_the_analysis(tmp_path):
    folder = tmp_path / "leeg"
    shutil.copytree(demo.demo_dir(), folder)
    for wave in ("2023", "2024"):
        path = folder / f"wave_{wave}.csv"
        raw = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str)
        raw["webshop"] = "n.v.t."
        raw.to_csv(path, sep=";", index=False, encoding="cp1252")
    r = dr.analyse(folder / "client.toml", bootstrap=20, progress=False)
    reasons = set(r.left_out.loc[r.left_out["touchpoint"] == "webshop", "reason"])
    assert reasons == {"too_few"}
    assert "webshop" not in set(r.drivers.table["driver"])
    assert len(r.drivers.table) == 9
