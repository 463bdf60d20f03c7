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


@pytest.fixture(scope="module")
def three_waves(tmp_path_factory):
    """The demo with an earlier wave 2022 (a resample of 2023) that did not ask webshop."""
    folder = tmp_path_factory.mktemp("drie") / "drie"
    shutil.copytree(demo.demo_dir(), folder)
    raw = pd.read_csv(folder / "wave_2023.csv", sep=";", encoding="cp1252", dtype=str)
    old = raw.sample(frac=0.8, random_state=3).drop(columns=["webshop"])
    old["golf"] = "2022"
    old["respondent"] = [f"X{i}" for i in range(len(old))]
    old.to_csv(folder / "wave_2022.csv", sep=";", index=False, encoding="cp1252")
    text = (folder / "client.toml").read_text(encoding="utf-8")
    text = text.replace('name = "demo"', 'name = "drie"').replace(
        "[[waves]]", '[[waves]]\nname = "2022"\nfile = "wave_2022.csv"\n\n[[waves]]', 1
    )
    (folder / "client.toml").write_text(text, encoding="utf-8")
    return folder / "client.toml"


def test_importance_per_wave_covers_every_wave(three_waves):
    r = dr.analyse(three_waves, bootstrap=20, progress=False)
    table = r.importance_waves
    assert list(dict.fromkeys(table["wave"])) == ["2022", "2023", "2024"]
    by_wave = {w: t.set_index("driver") for w, t in table.groupby("wave")}
    # the two latest waves are the bootstrapped results the report already shows
    now = r.drivers.table.set_index("driver")
    assert by_wave["2024"]["share"].to_dict() == pytest.approx(now["share"].to_dict())
    assert by_wave["2024"]["share_ci_low"].to_dict() == pytest.approx(now["share_ci_low"].to_dict())
    assert by_wave["2023"]["bootstrap"].all() and by_wave["2024"]["bootstrap"].all()
    # the earliest wave: a point estimate of its own, without webshop (not asked then)
    early = by_wave["2022"]
    assert not early["bootstrap"].any() and early["share_ci_low"].isna().all()
    assert "webshop" not in early.index and len(early) == 9
    config = dr.load_client(three_waves)
    direct = dr.key_drivers(
        config.load("2022"), drivers=list(early.index), method="shapley", missing="dummy"
    ).table.set_index("driver")
    direct = direct[~direct["indicator"]]
    assert early["share"].to_dict() == pytest.approx(direct["share"].to_dict())
    for t in by_wave.values():
        assert t["share"].sum() == pytest.approx(1.0)
    assert early["n"].iloc[0] == r.nps_waves.set_index("wave").loc["2022", "n"]
    folder = r.save(three_waves.parent / "results")
    again = dr.load_results(folder)
    assert again == r and again.importance_waves.equals(table)
