"""Tests of drivers.present.narrate: the text names the top driver and quotes the result's numbers."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from drivers import narrate
from drivers.stats.matrix import priority_matrix
from drivers.stats.nps import nps
from drivers.stats.simulate import simulate

NUMBER = r"[+\-−]?\d+(?:[.,]\d+)?"


def number(text: str, lang: str) -> float:
    """A number as the narration writes it, back to float."""
    text = text.replace("−", "-").replace("%", "")
    if lang == "nl":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return float(text)


def numbers_after(markdown: str, anchor: str, lang: str, count: int = 1) -> list[float]:
    """The first ``count`` numbers after ``anchor``."""
    start = markdown.index(anchor) + len(anchor)
    found = re.findall(NUMBER, markdown[start:])[:count]
    return [number(x, lang) for x in found]


def driver_result(shares, cis=None, *, r2=0.45, n=400, labels=None):
    keys = [f"tp{i}" for i in range(len(shares))]
    table = pd.DataFrame(
        {
            "driver": keys,
            "label": labels or [f"Touchpoint {i}" for i in range(len(shares))],
            "indicator": False,
            "importance": np.asarray(shares) * r2,
            "share": shares,
            "rank": np.arange(1, len(shares) + 1),
            "n": n,
        }
    )
    if cis is not None:
        table["share_ci_low"] = [c[0] for c in cis]
        table["share_ci_high"] = [c[1] for c in cis]
        table["ci_low"] = table["share_ci_low"] * r2
        table["ci_high"] = table["share_ci_high"] * r2
    return SimpleNamespace(
        table=table, r2=r2, n=n, method="shapley", draws=None, level=0.95, columns=tuple(keys)
    )


# --------------------------------------------------------------------------- drivers


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_drivers_names_top_driver_and_quotes_its_numbers(lang):
    res = driver_result(
        [0.41, 0.22, 0.20, 0.17],
        cis=[(0.33, 0.49), (0.15, 0.29), (0.14, 0.27), (0.10, 0.23)],
        labels=["Klachtafhandeling", "Levering", "Offerte", "Facturatie"],
    )
    text = narrate.narrate_drivers(res, lang=lang)
    assert text.startswith("**Klachtafhandeling**")
    share, low, high = numbers_after(text, "**Klachtafhandeling**", lang, 3)
    assert share == round(100 * 0.41)
    # "95%-BI 33% tot 49%": the first number after the share is the level
    level, low, high = numbers_after(text, f"{share:.0f}%", lang, 3)
    assert (level, low, high) == (95, 33, 49)
    assert numbers_after(text, "Levering (", lang)[0] == 22
    r2 = numbers_after(text, "R² = ", lang)[0]
    assert r2 == 0.45
    assert ("0,45" in text) == (lang == "nl")
    assert "oorzaak" in text if lang == "nl" else "cause" in text
    assert "overlap" not in text  # the top two are apart


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_drivers_hedges(lang):
    res = driver_result(
        [0.36, 0.33, 0.31], cis=[(0.25, 0.45), (0.22, 0.42), (0.2, 0.4)], r2=0.12, n=24
    )
    text = narrate.narrate_drivers(res, lang=lang)
    assert "overlappen" in text if lang == "nl" else "overlap" in text
    assert ("niet te zeggen" in text) if lang == "nl" else ("cannot tell" in text)
    assert ("weinig" in text) if lang == "nl" else ("little" in text)
    assert ("basis is klein" in text) if lang == "nl" else ("base is small" in text)
    assert numbers_after(text, "n = ", lang)[0] == 24


def test_drivers_grade_and_benchmark():
    res = driver_result([0.5, 0.5], labels=["Klachtafhandeling", "Levering"])
    perf = pd.DataFrame({"touchpoint": ["tp0", "tp1"], "mean": [6.62, 7.9]})
    text = narrate.narrate_drivers(res, lang="nl", performance=perf, benchmark={"tp0": 7.2})
    assert "gemiddeld een 6,6, onder de benchmark van 7,2" in text
    text = narrate.narrate_drivers(res, lang="en", performance={"tp0": 7.3}, benchmark={"tp0": 7.2})
    assert "average grade of 7.3, above the benchmark of 7.2" in text


# --------------------------------------------------------------------------- NPS


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nps_numbers_match(lang):
    scores = np.array([10, 9, 9, 8, 7, 7, 6, 3, 9, 10] * 12)
    r = nps(scores)
    text = narrate.narrate_nps(r, lang=lang)
    value, level, low, high = numbers_after(text, "", lang, 4)
    assert value == round(r.nps)
    assert level == 95
    assert (low, high) == (round(r.ci_low), round(r.ci_high))
    assert numbers_after(text, "n = ", lang)[0] == r.n
    shares = [float(x) for x in re.findall(r"(\d+)% (?:promoters|passives|detractors)", text)]
    assert shares == [round(100 * r.promoters), round(100 * r.passives), round(100 * r.detractors)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nps_benchmark_and_previous(lang):
    current = nps(np.array([10, 9, 9, 8, 7, 6, 3, 9, 10, 9] * 30))
    previous = nps(np.array([10, 8, 7, 8, 7, 6, 3, 2, 10, 9] * 30))
    text = narrate.narrate_nps(
        current, lang=lang, benchmark=("B2B Nederland 2024", 17), previous=previous
    )
    from drivers.stats.nps import compare_nps

    d = compare_nps(previous, current)
    assert d.significant
    word = "punten" if lang == "nl" else "points"
    change = numbers_after(text, "verandering van " if lang == "nl" else "change of ", lang)[0]
    assert change == round(d.difference, 1)
    assert (
        ("statistisch significant" in text)
        if lang == "nl"
        else ("statistically significant" in text)
    )
    assert "B2B Nederland 2024" in text
    gap = numbers_after(text, "Dat is " if lang == "nl" else "That is ", lang)[0]
    assert gap == round(abs(current.nps - 17))
    assert f"{word} {'boven' if lang == 'nl' else 'above'}" in text
    small = narrate.narrate_nps(nps([9, 10, 3, 7] * 5), lang=lang)
    assert ("basis is klein" in small) if lang == "nl" else ("base is small" in small)


def test_nps_not_significant_change():
    a = nps(np.array([10, 9, 7, 6, 3] * 20))
    b = nps(np.array([10, 9, 8, 6, 3] * 20))
    text = narrate.narrate_nps(b, lang="nl", previous=a)
    assert "niet statistisch significant" in text


# --------------------------------------------------------------------------- matrix


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_matrix_lists_quadrants(lang):
    res = driver_result([0.4, 0.3, 0.2, 0.1], labels=["Klacht", "Service", "Offerte", "Factuur"])
    rng = np.random.default_rng(0)
    res.draws = res.table["importance"].to_numpy() + rng.normal(0, 0.02, (200, 4))
    m = priority_matrix(res, {"tp0": 6.5, "tp1": 8.5, "tp2": 6.9, "tp3": 8.8}, lang="nl")
    text = narrate.narrate_matrix(m, lang=lang)
    improve = "Eerst verbeteren" if lang == "nl" else "Improve first"
    line = next(x for x in text.splitlines() if improve in x)
    assert "Klacht" in line
    p = numbers_after(line, "Klacht (", lang)[0]
    assert p == round(100 * m.table.set_index("touchpoint").loc["tp0", "p_improve"])
    assert numbers_after(text, "(scheidslijn " if lang == "nl" else "(dividing line ", lang)[
        0
    ] == round(m.x_line, 1)
    assert "**Klacht**" in text


# --------------------------------------------------------------------------- simulation


def survey(n=300, seed=2):
    rng = np.random.default_rng(seed)
    service = np.clip(np.round(rng.normal(7.5, 1.2, n)), 1, 10)
    ltr = np.clip(np.round(7 + 1.3 * (service - 7.5) + rng.normal(0, 1.5, n)), 0, 10)
    spec = SimpleNamespace(
        nps="ltr",
        touchpoint_keys=("service",),
        scale=(1, 10),
        weight=None,
        language="nl",
        label=lambda col, lang="nl": {"nl": "Klantenservice", "en": "Customer service"}[lang],
    )
    return SimpleNamespace(
        data=pd.DataFrame({"service": service, "ltr": ltr}), spec=spec, weights=None
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_simulation_numbers_match(lang):
    sim = simulate(survey(), changes={"service": 0.5}, bootstrap=30, progress=False)
    text = narrate.narrate_simulation(sim, lang=lang)
    label = "Klantenservice" if lang == "nl" else "Customer service"
    assert f"**{label}**" in text
    row = sim.row("nps")
    mean_before, mean_after = numbers_after(text, f"**{label}**", lang, 2)
    assert mean_before == round(sim.changes.iloc[0]["mean_before"], 1)
    assert mean_after == round(sim.changes.iloc[0]["mean_after"], 1)
    after, before = numbers_after(text, "NPS ", lang, 2)
    assert (after, before) == (round(row["after"]), round(row["before"]))
    change, level, low, high = numbers_after(text, ": **", lang, 4)
    assert change == round(row["change"], 1)
    assert level == 95
    assert (low, high) == (round(row["ci_low"], 1), round(row["ci_high"], 1))
    assert ("Aannames" in text) if lang == "nl" else ("Assumptions" in text)
    assert ("oorzakelijk" in text) if lang == "nl" else ("causal" in text)


def test_simulation_no_effect_hedge():
    sim = simulate(survey(), changes={"service": 0.0}, bootstrap=10, progress=False)
    text = narrate.narrate_simulation(sim, lang="nl", assumptions=False)
    assert "niet te onderscheiden van geen effect" in text
    assert "Aannames" not in text


# --------------------------------------------------------------------------- findings


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_findings_combines_sections(lang):
    s = survey()
    res = driver_result([0.6, 0.4], labels=["Klantenservice", "Prijs"])
    m = priority_matrix(res, {"tp0": 7.0, "tp1": 8.0})
    sim = simulate(s, changes={"service": 0.5}, bootstrap=0, progress=False)
    text = narrate.findings(
        nps=nps(s.data["ltr"]), drivers=res, matrix=m, simulation=sim, lang=lang
    )
    assert text.startswith("## Bevindingen" if lang == "nl" else "## Findings")
    assert text.count("\n### ") == 4
    assert "**Klantenservice**" in text


def test_drivers_wording_follows_method():
    res = driver_result([0.6, 0.4])
    assert "van de verklaarde variantie" in narrate.narrate_drivers(res, lang="nl")
    res.method = "beta"
    assert "of the total importance" in narrate.narrate_drivers(res, lang="en")


@pytest.fixture(scope="module")
def demo_survey():
    import drivers.workflow.demo as demo

    return demo.load(2024)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_findings_on_demo(demo_survey, lang):
    import drivers.stats.importance as importance
    from drivers.stats.nps import touchpoint_performance

    keys = [
        k for k in demo_survey.spec.touchpoint_keys if k not in ("klachtafhandeling", "webshop")
    ]
    res = importance.key_drivers(demo_survey, drivers=keys, bootstrap=30, progress=False)
    m = priority_matrix(res, survey=demo_survey)
    sim = simulate(demo_survey, changes={"levering": 0.5}, bootstrap=30, progress=False)
    text = narrate.findings(
        nps=nps(demo_survey.data[demo_survey.spec.nps], demo_survey.weights),
        drivers=res,
        matrix=m,
        simulation=sim,
        performance=touchpoint_performance(demo_survey),
        survey=demo_survey,
        lang=lang,
    )
    top = res.table.iloc[0]
    label = demo_survey.spec.label(top["driver"], lang)
    assert f"**{label}**" in text
    assert numbers_after(text, f"**{label}** ", lang)[0] == round(100 * top["share"])
    grade = touchpoint_performance(demo_survey).set_index("touchpoint").loc[top["driver"], "mean"]
    anchor = "gemiddeld een " if lang == "nl" else "average grade of "
    assert numbers_after(text, anchor, lang)[0] == round(grade, 1)
