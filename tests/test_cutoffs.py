"""NPS cut-offs as a client option: every NPS, class model and text follows them.

A client that counts 8-10 as promoters and 0-5 as detractors must get the same numbers
as the standard definition on answers recoded so that the standard classes match."""

import shutil

import numpy as np
import pandas as pd
import pytest

import drivers as dr
from drivers.errors import DriversError, SpecError
from drivers.stats.gain import nps_gain
from drivers.stats.importance import key_drivers
from drivers.stats.nps import Cutoffs, classify, nps, nps_table, score_distribution
from drivers.stats.simulate import simulate
from drivers.workflow import demo
from drivers.workflow.client import Options

OWN = Cutoffs(promoter=8, detractor=5)


def recoded(scores: pd.Series) -> pd.Series:
    """Answers moved so that the standard 9-10 / 0-6 classes equal OWN's classes."""
    return scores.where(scores.isna(), np.where(scores >= 8, 9.0, np.where(scores <= 5, 0.0, 7.0)))


def test_hand_computed_nps_with_other_cut_offs():
    scores = [10, 9, 8, 8, 7, 6, 5, 3]
    assert nps(scores).nps == pytest.approx(100 * (2 - 3) / 8)
    own = nps(scores, cutoffs=OWN)
    assert own.nps == pytest.approx(100 * (4 - 2) / 8)
    assert (own.promoters, own.passives, own.detractors) == (0.5, 0.25, 0.25)
    assert classify([5, 6, 7, 8], cutoffs=OWN).tolist() == [
        "detractor",
        "passive",
        "passive",
        "promoter",
    ]
    boot = nps(scores * 30, cutoffs=OWN, ci="bootstrap", bootstrap=400)
    assert boot.ci_low < 25 < boot.ci_high


@pytest.mark.parametrize(("promoter", "detractor"), [(6, 6), (11, 6), (9, -1), (9.0, 6), (True, 6)])
def test_impossible_cut_offs_are_refused(promoter, detractor):
    with pytest.raises(DriversError, match="cut-off"):
        Cutoffs(promoter=promoter, detractor=detractor)


def test_options_check_the_cut_offs():
    assert Options(promoters_from=8, detractors_to=5).cutoffs == OWN
    assert Options().cutoffs == Cutoffs()
    with pytest.raises(SpecError, match="detractors_to < promoters_from"):
        Options(promoters_from=7, detractors_to=7)


def test_every_classifying_function_follows_the_cut_offs():
    survey = demo.load(2024)
    frame = survey.data.copy()
    column = survey.spec.nps
    same = frame.assign(**{column: recoded(frame[column])})
    table = nps_table(survey, by="omvang", cutoffs=OWN)
    by_hand = nps_table(same, by="omvang", outcome=column, weights=survey.spec.weight, lang="nl")
    pd.testing.assert_series_equal(table["nps"], by_hand["nps"])
    dist = score_distribution(frame[column], cutoffs=OWN)
    assert dist.set_index("score").loc[[5, 6, 7, 8], "category"].tolist() == [
        "detractor",
        "passive",
        "passive",
        "promoter",
    ]
    keys = list(survey.spec.touchpoint_keys)
    kwargs = {"outcome": column, "drivers": keys, "weights": survey.spec.weight}
    logit = key_drivers(frame, method="logit", cutoffs=OWN, **kwargs)
    logit_same = key_drivers(same, method="logit", **kwargs)
    np.testing.assert_allclose(logit.table["importance"], logit_same.table["importance"])
    changes = {keys[0]: 0.5}
    sim = simulate(frame, changes=changes, bootstrap=0, cutoffs=OWN, progress=False, **kwargs)
    sim_same = simulate(same, changes=changes, bootstrap=0, progress=False, **kwargs)
    assert sim.nps_change == pytest.approx(sim_same.nps_change)
    assert sim.nps_change != pytest.approx(
        simulate(frame, changes=changes, bootstrap=0, progress=False, **kwargs).nps_change
    )
    gain = nps_gain(frame, bootstrap=0, cutoffs=OWN, **kwargs)
    gain_same = nps_gain(same, bootstrap=0, **kwargs)
    np.testing.assert_allclose(gain["nps_gain"], gain_same["nps_gain"])


@pytest.fixture(scope="module")
def own_cutoffs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grenzen") / "grenzen"
    shutil.copytree(demo.demo_dir(), folder)
    path = folder / "client.toml"
    text = path.read_text(encoding="utf-8").replace('name = "demo"', 'name = "grenzen"')
    text = text.replace("[options]\n", "[options]\npromoters_from = 8\ndetractors_to = 5\n")
    path.write_text(text, encoding="utf-8")
    return dr.analyse(path, bootstrap=0, progress=False)


def test_a_run_uses_the_client_cut_offs_everywhere(own_cutoffs, tmp_path):
    from pptx import Presentation

    from drivers.workflow import report

    r = own_cutoffs
    assert r.cutoffs == OWN
    survey = demo.load(2024)
    expected = nps(recoded(survey.nps_scores), survey.weights)
    assert r.nps.nps == pytest.approx(expected.nps)
    assert r.nps_waves["nps"].iloc[-1] == pytest.approx(expected.nps)
    assert r.distribution.set_index("score").loc[8, "category"] == "promoter"
    words = report.nps_text(r)
    assert "promoters (8–10)" in words and "detractors (0–5)" in words
    assert "een 0 en een 5 tellen" in words
    folder = r.save(tmp_path / "results")
    assert dr.load_results(folder).cutoffs == OWN
    (deck,) = report.write_deck(r, tmp_path).glob("*.pptx")
    texts = [
        shape.text_frame.text
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any("promoters (8–10) − % detractors (0–5)" in t for t in texts)
    assert not any("(9–10)" in t for t in texts)


def test_charts_name_the_client_cut_offs(own_cutoffs):
    import matplotlib.pyplot as plt

    r = own_cutoffs
    ax = dr.charts.nps_bar(r.nps_waves, lang="en", cutoffs=r.cutoffs)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
    assert legend == ["Detractors (0–5)", "Passives (6–7)", "Promoters (8–10)"]
    ax = dr.charts.score_distribution(r.distribution, lang="nl")
    labels = {t.get_text() for t in ax.texts}
    plt.close(ax.figure)
    assert {"Detractors (0–5)", "Promoters (8–10)"} <= labels


def test_the_methods_slide_names_the_route_of_a_large_wave(own_cutoffs):
    import dataclasses

    from drivers.stats.simulate import LITTLE_BOOTSTRAP_ROWS
    from drivers.workflow import report

    r = own_cutoffs
    assert "bag of little bootstraps" not in report.methods_slide(r)
    large = dataclasses.replace(r, nps=dataclasses.replace(r.nps, n=LITTLE_BOOTSTRAP_ROWS))
    words = report.methods_slide(large)
    assert "Vanaf 100.000 respondenten" in words and "bag of little bootstraps" in words
