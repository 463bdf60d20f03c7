"""Tests of drivers.present.narrate: the text names the top driver and quotes the result's numbers."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from drivers import narrate
from drivers.errors import ParameterError
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


# --------------------------------------------------------------------------- small bases: min_n


def test_min_n_is_the_clients_option():
    """min_n=50 calls a base of 40 small; the default 30 does not."""
    r = nps(np.array([10, 9, 8, 7, 6, 3, 9, 10] * 5))
    assert r.n == 40
    res = driver_result([0.6, 0.4], n=40)
    sim = simulate(survey(n=40), changes={"service": 0.5}, bootstrap=0, progress=False)
    waves, steps = trend_tables(n_first=40)
    for lang, words in (("nl", "basis is klein"), ("en", "base is small")):
        texts = {
            "nps": (narrate.narrate_nps(r, lang=lang), narrate.narrate_nps(r, lang=lang, min_n=50)),
            "drivers": (
                narrate.narrate_drivers(res, lang=lang),
                narrate.narrate_drivers(res, lang=lang, min_n=50),
            ),
            "simulation": (
                narrate.narrate_simulation(sim, lang=lang),
                narrate.narrate_simulation(sim, lang=lang, min_n=50),
            ),
        }
        for name, (default, strict) in texts.items():
            assert words not in default, name
            assert words in strict, name
            assert numbers_after(strict, "n = ", lang)[0] == 40
            assert ("minder dan 50" if lang == "nl" else "fewer than 50") in strict
        small = "Kleine basis" if lang == "nl" else "Small base"
        assert small not in narrate.narrate_trend(waves, steps, lang=lang)
        assert small in narrate.narrate_trend(waves, steps, lang=lang, min_n=50)
        assert words in narrate.findings(nps=r, drivers=res, lang=lang, min_n=50)


def test_min_n_is_checked():
    r = nps(np.array([10, 9, 8, 7] * 10))
    with pytest.raises(ParameterError, match="min_n"):
        narrate.narrate_nps(r, min_n=0)
    with pytest.raises(ParameterError, match="min_n"):
        narrate.narrate_drivers(driver_result([1.0]), min_n="thirty")


# --------------------------------------------------------------------------- NPS weighted


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nps_weighted_quotes_the_unweighted_figure(lang):
    r = nps(np.array([10, 9, 9, 8, 7, 6, 3, 9, 10, 9] * 20))
    text = narrate.narrate_nps(r, lang=lang, weighted=True, unweighted=nps([9, 9, 9, 8, 7, 3] * 50))
    if lang == "nl":
        assert text.startswith(f"De gewogen NPS is **+{round(r.nps)}** (ongewogen +33;")
    else:
        assert text.startswith(f"The weighted NPS is **+{round(r.nps)}** (unweighted +33;")
    plain = narrate.narrate_nps(r, lang=lang, weighted=True)
    assert ("gewogen" in plain) if lang == "nl" else ("weighted" in plain)
    assert "ongewogen" not in plain and "unweighted" not in plain
    unweighted = narrate.narrate_nps(r, lang=lang, unweighted=19)
    assert "gewogen" not in unweighted and "weighted" not in unweighted


def test_nps_takes_a_precomputed_change():
    from drivers.stats.nps import compare_nps

    a = nps(np.array([10, 9, 7, 6, 3] * 20))
    b = nps(np.array([10, 9, 8, 6, 3] * 20))
    assert narrate.narrate_nps(b, change=compare_nps(a, b)) == narrate.narrate_nps(b, previous=a)


# --------------------------------------------------------------------------- labels, no survey


def test_labels_come_from_the_table_or_a_mapping():
    res = driver_result([0.6, 0.4], labels=["Klantenservice", "Prijs"])
    assert narrate.narrate_drivers(res, lang="en").startswith("**Klantenservice**")
    text = narrate.narrate_drivers(
        res, lang="en", labels={"tp0": "Customer service", "tp1": "Price"}
    )
    assert text.startswith("**Customer service**") and "Price (40%)" in text
    m = priority_matrix(res, {"tp0": 7.0, "tp1": 8.0})
    assert "**Customer service**" in narrate.narrate_matrix(
        m, lang="en", labels={"tp0": "Customer service"}
    )
    sim = simulate(survey(), changes={"service": 0.5}, bootstrap=0, progress=False)
    assert "**Service desk**" in narrate.narrate_simulation(
        sim, lang="en", labels={"service": "Service desk"}
    )


# --------------------------------------------------------------------------- methods note

RAW_KEYS = re.compile(
    r"\b(pairwise|impute|listwise|dummy|shapley|relative_weights|penalty_reward|beta|"
    r"correlation|logit|forest|top_box|small_base|suppressed|narrate_\w+)\b"
)


def test_methods_note_dutch():
    line = narrate.methods_note(
        n=800,
        method="shapley",
        r2=0.712,
        weighted=True,
        missing="pairwise",
        bootstrap=500,
        lang="nl",
    )
    assert line == (
        "n = 800 · Shapley-waarde (LMG) · R² = 0,71 · gewogen · n.v.t.: paarsgewijs · "
        "bootstrap 500×"
    )


def test_methods_note_english_and_options():
    line = narrate.methods_note(
        n=1234,
        method="relative_weights",
        r2=float("nan"),
        weighted=False,
        missing="impute",
        bootstrap=0,
        lang="en",
    )
    assert line == "n = 1,234 · relative weights (Johnson) · n/a: mean + indicator"
    routed = narrate.methods_note(
        n=800,
        method="shapley",
        r2=0.5,
        weighted=False,
        missing="listwise",
        bootstrap=200,
        route="narrate_route_sampled",
        lang="nl",
    )
    assert routed.endswith("bootstrap 200× (Shapley benaderd met steekproef van volgordes)")
    assert "n.v.t.: alleen volledige antwoorden" in routed  # a Dutch word, not the raw key
    with pytest.raises(ParameterError, match="method"):
        narrate.methods_note(
            n=1, method="lmg", r2=None, weighted=False, missing="pairwise", bootstrap=0
        )
    with pytest.raises(ParameterError, match="missing"):
        narrate.methods_note(
            n=1, method="beta", r2=None, weighted=False, missing="drop", bootstrap=0
        )
    with pytest.raises(ParameterError, match="key"):
        narrate.methods_note(
            n=1,
            method="beta",
            r2=None,
            weighted=False,
            missing="pairwise",
            bootstrap=9,
            route="narrate_route_nowhere",
        )


# --------------------------------------------------------------------------- bases note


def segment_tables():
    size = pd.DataFrame(
        {
            "group": ["Totaal", "Klein", "Middel", "Groot"],
            "n": [300, 24, np.nan, 40],
            "small_base": [False, True, True, False],
            "suppressed": [False, False, True, False],
        }
    )
    region = pd.DataFrame(
        {
            "group": ["Totaal", "Noord", "Zuid"],
            "n": [300, 150, 150],
            "small_base": False,
            "suppressed": False,
        }
    )
    return {"omvang": size, "regio": region}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bases_note_flags_and_suppresses(lang):
    segments = segment_tables()
    text = narrate.bases_note(segments, min_n=30, privacy_floor=5, lang=lang)
    assert "Klein (n = 24)" in text
    assert "Groot" not in text  # 40 is not small at min_n=30
    assert "Middel" in text and "Middel (n" not in text  # hidden, its n never shown
    assert ("niet getoond" in text) if lang == "nl" else ("not shown" in text)
    assert "regio" not in text and "Totaal" not in text
    strict = narrate.bases_note(
        segments, min_n=50, privacy_floor=5, lang=lang, labels={"omvang": "Size"}
    )
    assert "Klein (n = 24)" in strict and "Groot (n = 40)" in strict
    assert "Size" in strict and "50" in strict
    ok = narrate.bases_note({"regio": segments["regio"]}, min_n=30, privacy_floor=5, lang=lang)
    assert ok == (
        "Alle groepen hebben minstens 30 respondenten."
        if lang == "nl"
        else "Every group has at least 30 respondents."
    )
    with pytest.raises(ParameterError, match="small_base"):
        narrate.bases_note({"x": segments["regio"].drop(columns="small_base")}, lang=lang)


# --------------------------------------------------------------------------- methods agree


def ranked(order, *, indicator=None, labels=None):
    """A DriverResult stand-in: drivers in ``order`` get ranks 1..p; an indicator row ranks first."""
    drivers = list(order)
    table = pd.DataFrame(
        {
            "driver": drivers,
            "label": labels or [d.capitalize() for d in drivers],
            "indicator": False,
            "importance": np.linspace(0.3, 0.05, len(drivers)),
            "rank": np.arange(1, len(drivers) + 1),
        }
    )
    if indicator:
        top = pd.DataFrame(
            {
                "driver": [indicator],
                "label": [indicator],
                "indicator": [True],
                "importance": [0.5],
                "rank": [0],
            }
        )
        table = pd.concat([top, table], ignore_index=True)
    return SimpleNamespace(table=table)


def test_kendall_tau_matches_scipy():
    from scipy.stats import kendalltau

    from drivers.stats.agreement import kendall_tau

    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    assert kendall_tau(x, y) == pytest.approx(kendalltau(x, y).statistic, abs=1e-12)
    # by hand: 15 pairs, 3 discordant -> (12 - 3) / 15 = 0.6
    assert kendall_tau(x, y) == pytest.approx(0.6)
    ties_x, ties_y = [1, 2, 2, 3, 4], [1, 3, 2, 2, 5]
    assert kendall_tau(ties_x, ties_y) == pytest.approx(kendalltau(ties_x, ties_y).statistic)
    assert np.isnan(kendall_tau([1], [1]))


def test_method_agreement_table():
    from scipy.stats import kendalltau

    from drivers.stats.agreement import method_agreement

    keys = ["klacht", "levering", "offerte", "factuur", "service"]
    results = {
        "shapley": ranked(keys, indicator="klacht_answered"),
        "beta": ranked(["klacht", "offerte", "levering", "factuur", "service"]),
        "correlation": ranked(
            ["levering", "klacht", "service", "offerte", "factuur"], indicator="klacht_answered"
        ),
    }
    table = method_agreement(results)
    assert list(table.columns) == [
        "method",
        "top_driver",
        "top_label",
        "kendall_tau",
        "agrees_on_top",
    ]
    assert list(table["method"]) == ["shapley", "beta", "correlation"]
    assert list(table["top_driver"]) == ["klacht", "klacht", "levering"]  # indicators never count
    assert list(table["agrees_on_top"]) == [True, True, False]
    ref = [1, 2, 3, 4, 5]
    corr = [2, 1, 4, 5, 3]  # ranks of klacht, levering, offerte, factuur, service
    assert table["kendall_tau"].iloc[0] == 1
    assert table["kendall_tau"].iloc[1] == pytest.approx(kendalltau(ref, [1, 3, 2, 4, 5]).statistic)
    assert table["kendall_tau"].iloc[2] == pytest.approx(kendalltau(ref, corr).statistic)
    other = method_agreement(results, reference="beta")
    assert other["method"].iloc[0] == "beta"
    with pytest.raises(ParameterError, match="reference"):
        method_agreement(results, reference="lmg")
    with pytest.raises(ParameterError, match="results"):
        method_agreement({})


def agreement_table(agree: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "method": ["shapley", "relative_weights", "correlation"],
            "top_driver": ["klacht", "klacht", "klacht" if agree else "levering"],
            "top_label": ["Klachtafhandeling"] * 2 + ["Klachtafhandeling" if agree else "Levering"],
            "kendall_tau": [1.0, 0.93, 0.8 if agree else 0.2],
            "agrees_on_top": [True, True, agree],
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_methods_agreement_words(lang):
    agree = narrate.methods_agreement(agreement_table(True), lang=lang)
    assert "**Klachtafhandeling**" in agree
    assert numbers_after(agree, "τ ", lang, 2) == [0.8, 0.93]
    assert ("Alle 3 methoden" in agree) if lang == "nl" else ("All 3 methods" in agree)
    split = narrate.methods_agreement(agreement_table(False), lang=lang)
    assert ("niet eens" in split) if lang == "nl" else ("disagree" in split)
    assert "Levering" in split
    assert ("correlatie" in split) if lang == "nl" else ("correlation" in split)
    assert ("grove indeling" in split) if lang == "nl" else ("rough grouping" in split)
    single = narrate.methods_agreement(agreement_table(True).iloc[:1], lang=lang)
    assert ("één methode" in single) if lang == "nl" else ("one method" in single)


# --------------------------------------------------------------------------- change note


def attribution(agrees: bool):
    table = pd.DataFrame(
        {
            "touchpoint": ["levering", "klacht", "offerte"],
            "label": ["Levering", "Klachtafhandeling", "Offerte"],
            "grade_change": [0.42, 0.61, -0.05],
            "grade_change_significant": [True, True, False],
            "contribution": [2.1, 0.9, -0.1],
        }
    )
    observed = (4.1, 0.6, 7.6, 0.021) if agrees else (-0.5, -6.1, 5.0, 0.86)
    return SimpleNamespace(
        expected=3.2,
        expected_ci_low=1.1,
        expected_ci_high=5.3,
        observed=observed[0],
        observed_ci_low=observed[1],
        observed_ci_high=observed[2],
        observed_p_value=observed[3],
        agrees=agrees,
        table=table,
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("agrees", [True, False])
def test_change_note(lang, agrees):
    a = attribution(agrees)
    text = narrate.change_note(a, lang=lang)
    explain = "NPS-punten verklaren (" if lang == "nl" else "NPS points ("
    expected = numbers_after(text, "cijfers samen " if lang == "nl" else "together explain ", lang)
    assert expected == [3.2]
    level, low, high = numbers_after(text, explain, lang, 3)
    assert (level, low, high) == (95, 1.1, 5.3)
    measured = "verandering van " if lang == "nl" else "measured change is "
    assert numbers_after(text, measured, lang, 4) == [
        a.observed,
        95,
        a.observed_ci_low,
        a.observed_ci_high,
    ]
    not_yet = "(nog) niet terug te zien in de NPS" if lang == "nl" else "not (yet) shown in the NPS"
    assert (not_yet in text) == (not agrees)
    fits = "spreken elkaar niet tegen" if lang == "nl" else "do not contradict"
    assert (fits in text) == agrees
    # significant grades listed; the largest contribution only as a model calculation
    assert "Levering (+0" in text and "Klachtafhandeling (+0" in text and "Offerte" not in text
    model = "modelberekening" if lang == "nl" else "model calculation"
    sentence = next(s for s in text.split(". ") if "2,1" in s or "2.1" in s)
    assert ("In het model" if lang == "nl" else "In the model") in sentence
    assert model in text
    assert (
        "gemeten effect" not in sentence.split(";")[0] and "measured" not in sentence.split(";")[0]
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_change_note_other_directions(lang):
    a = attribution(False)
    a.expected, a.observed = -3.0, 1.0
    text = narrate.change_note(a, lang=lang)
    assert ("gedaald" in text) if lang == "nl" else ("fallen" in text)
    a.expected, a.observed = 1.0, 9.0
    text = narrate.change_note(a, lang=lang)
    assert ("sterker veranderd" in text) if lang == "nl" else ("changed more" in text)


# --------------------------------------------------------------------------- trend


def trend_tables(n_first=250):
    waves = pd.DataFrame(
        {
            "wave": [2021, 2022, 2023, 2024],
            "nps": [12.2, 15.1, 14.0, 19.3],
            "ci_low": [5.0, 8.0, 7.0, 13.0],
            "ci_high": [19.0, 22.0, 21.0, 26.0],
            "n": [n_first, 300, 310, 320],
        }
    )
    steps = pd.DataFrame(
        {
            "wave_before": [2021, 2022, 2023],
            "wave_after": [2022, 2023, 2024],
            "difference": [2.9, -1.1, 5.3],
            "ci_low": [-4.0, -8.0, 0.4],
            "ci_high": [9.0, 6.0, 10.2],
            "p_value": [0.4, 0.8, 0.03],
            "significant": [False, False, True],
        }
    )
    return waves, steps


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_trend(lang):
    waves, steps = trend_tables()
    text = narrate.narrate_trend(waves, steps, lang=lang)
    path = re.findall(r"([+\-−]\d+) \((\d{4})\)", text)
    assert path == [("+12", "2021"), ("+15", "2022"), ("+14", "2023"), ("+19", "2024")]
    step = "De stap van 2023 naar 2024" if lang == "nl" else "The step from 2023 to 2024"
    assert step in text
    change, level, low, high = numbers_after(text, "2024 (", lang, 4)
    assert (change, level, low, high) == (5.3, 95, 0.4, 10.2)
    assert "2021 naar" not in text and "2021 to" not in text
    none = narrate.narrate_trend(waves, steps.assign(significant=False), lang=lang)
    assert ("Geen van de stappen" in none) if lang == "nl" else ("None of the steps" in none)
    two = narrate.narrate_trend(waves.iloc[2:], steps.iloc[2:], lang=lang)
    assert re.findall(r"\((\d{4})\)", two) == ["2023", "2024"] and "via" not in two
    one = narrate.narrate_trend(waves.iloc[3:], steps.iloc[:0], lang=lang)
    assert "2024" in one and "+19" in one


# --------------------------------------------------------------------------- one language layer


def every_text(lang: str) -> str:
    """The output of every narration function in ``lang``, touchpoint labels in ``lang``."""
    en = lang == "en"
    names = (
        ["Complaint handling", "Delivery", "Quotation"]
        if en
        else ["Klachtafhandeling", "Levering", "Offerte"]
    )
    res = driver_result(
        [0.45, 0.35, 0.2], cis=[(0.3, 0.5), (0.25, 0.45), (0.1, 0.3)], n=40, labels=names
    )
    res.draws = res.table["importance"].to_numpy() + np.random.default_rng(1).normal(
        0, 0.03, (100, 3)
    )
    m = priority_matrix(res, {"tp0": 6.5, "tp1": 8.5, "tp2": 6.9})
    sim = simulate(survey(n=40), changes={"service": 1.2}, bootstrap=20, progress=False)
    r = nps(np.array([10, 9, 8, 7, 6, 3, 9, 10] * 5))
    previous = nps(np.array([10, 8, 8, 7, 6, 3, 2, 10] * 5))
    waves, steps = trend_tables(n_first=25)
    agreement = agreement_table(False)
    agreement["top_label"] = [names[0], names[0], names[1]]
    change = attribution(False)
    change.table["label"] = names
    segments = segment_tables()
    return "\n".join(
        [
            narrate.findings(
                nps=r,
                drivers=res,
                matrix=m,
                simulation=sim,
                previous=previous,
                nps_benchmark=("B2B", 17),
                performance={"tp0": 6.62},
                benchmark={"tp0": 7.2},
                weighted=True,
                unweighted=19.4,
                lang=lang,
                min_n=50,
                nps_gain=gain_table().assign(label=names + ["Factuur"]),
            ),
            narrate.methods_note(
                n=800,
                method="shapley",
                r2=0.712,
                weighted=True,
                missing="pairwise",
                bootstrap=500,
                route="narrate_route_grouped",
                lang=lang,
            ),
            *(
                narrate.methods_note(
                    n=800,
                    method=method,
                    r2=0.5,
                    weighted=False,
                    missing=missing,
                    bootstrap=0,
                    lang=lang,
                )
                for method, missing in [
                    ("relative_weights", "impute"),
                    ("beta", "listwise"),
                    ("penalty_reward", "dummy"),
                    ("correlation", "pairwise"),
                ]
            ),
            narrate.bases_note(segments, min_n=50, privacy_floor=5, lang=lang),
            narrate.methods_agreement(agreement, lang=lang),
            narrate.methods_agreement(agreement_table(True), lang=lang).replace(
                "Klachtafhandeling", names[0]
            ),
            narrate.change_note(change, lang=lang),
            narrate.change_note(attribution(True), lang=lang)
            .replace("Klachtafhandeling", names[0])
            .replace("Levering", names[1]),
            narrate.narrate_trend(waves, steps, lang=lang, min_n=50),
        ]
    )


def test_dutch_has_decimal_commas_and_no_raw_keys():
    text = every_text("nl")
    assert not re.search(r"\d\.\d", text), re.findall(r".{30}\d\.\d.{10}", text)
    assert not RAW_KEYS.search(text), RAW_KEYS.findall(text)
    for word in ("gewogen", "paarsgewijs", "n.v.t.", "Kendalls τ", "Eerst verbeteren"):
        assert word in text


def test_english_has_no_dutch_words():
    text = every_text("en")
    # "pairwise", "correlation", "beta" are English words; the other keys are not
    assert not re.search(r"\b(relative_weights|penalty_reward|top_box|narrate_\w+)\b", text)
    from drivers.present import _format

    def words(lang):
        found = set()
        for value in _format._catalog(lang).values():
            found |= set(re.findall(r"[A-Za-zëèé.]{4,}", re.sub(r"\{\w+\}", "", value)))
        return found

    dutch = words("nl") - words("en")
    assert {"gewogen", "paarsgewijs", "verbeteren"} <= dutch
    seen = set(re.findall(r"[A-Za-zëèé.]{4,}", text))
    assert not seen & dutch, seen & dutch
    for phrase in ("gewogen", "paarsgewijs", "Eerst verbeteren", "n.v.t.", " punten", " en "):
        assert phrase not in text


def test_no_inline_language_branches():
    import inspect

    source = inspect.getsource(narrate)
    assert not re.search(r"lang\s*[!=]=|[!=]=\s*lang|\[lang\]|if\s+en\b", source)
    for value in _format_catalog("nl").values():
        assert len(value) < 25 or value[:25] not in source, value


def _format_catalog(lang):
    from drivers.present import _format

    return _format._catalog(lang)


# --------------------------------------------------------------------------- NPS gain


def gain_table():
    """Complaint handling: second in importance, graded by 28%, a small gain for the base."""
    return pd.DataFrame(
        {
            "driver": ["tp0", "tp1", "tp2", "tp3"],
            "label": ["Levering", "Klachtafhandeling", "Webshop", "Factuur"],
            "n": [480, 136, 470, 300],
            "reach": [1.0, 0.28, 0.98, 0.45],
            "nps_gain": [10.04, 2.83, 4.2, 1.0],
            "ci_low": [8.1, 1.9, 3.0, 0.2],
            "ci_high": [12.0, 3.7, 5.4, 1.8],
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_findings_rank_what_to_improve_first_by_nps_gain(lang):
    res = driver_result(
        [0.3, 0.35, 0.2, 0.15], labels=["Levering", "Klachtafhandeling", "Webshop", "Factuur"]
    )
    res.table["rank"] = [2, 1, 3, 4]
    # the matrix alone would start with complaint handling (important, graded low)
    m = priority_matrix(res, {"tp0": 8.0, "tp1": 6.0, "tp2": 7.5, "tp3": 7.4})
    assert "**Klachtafhandeling**" in narrate.narrate_matrix(m, lang=lang).splitlines()[-1]
    text = narrate.findings(drivers=res, matrix=m, nps_gain=gain_table(), lang=lang)
    first = text.split(
        "### " + ("Wat eerst verbeteren" if lang == "nl" else "What to improve first")
    )[1]
    start = "Begin bij " if lang == "nl" else "Start with "
    assert first.strip().startswith(start + "**Levering**")
    # ordered by gain, numbers through the formatter (decimal comma in Dutch)
    plus = "+10,0" if lang == "nl" else "+10.0"
    assert plus in first and ("+4,2" if lang == "nl" else "+4.2") in first
    assert first.index("Webshop") < first.index("Klachtafhandeling")
    assert ("95%-BI +8,1 tot +12,0" if lang == "nl" else "95% CI +8.1 to +12.0") in first
    # the matrix no longer says "start with" something else, nor names its quadrant as advice
    assert text.count(start) == 1
    improve = "Eerst verbeteren" if lang == "nl" else "Improve first"
    assert f"- **{improve}:**" not in text
    assert ("Matrixkwadrant" if lang == "nl" else "Matrix quadrant") in text
    assert ("verwachte NPS-winst hierboven" if lang == "nl" else "expected NPS gain above") in text
    # improve-first comes before the matrix, so the deck's key-finding bullets keep it
    assert text.index(start) < text.index(
        "### " + ("Prioriteiten" if lang == "nl" else "Priorities")
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_gain_says_when_a_touchpoint_weighs_heavily_for_few(lang):
    res = driver_result([0.35, 0.3, 0.2, 0.15])
    res.table["driver"] = ["tp1", "tp0", "tp2", "tp3"]  # complaint handling ranks 1
    text = narrate.narrate_gain(gain_table(), drivers=res, lang=lang)
    if lang == "nl":
        expected = (
            "**Klachtafhandeling** weegt zwaar voor de 28% die deze vraag beantwoordde; voor de "
            "hele klantenkring levert +0,5 naar verwachting +2,8 punten op."
        )
    else:
        expected = (
            "**Klachtafhandeling** weighs heavily for the 28% who answered this question; for "
            "the whole customer base +0.5 is expected to add +2.8 points."
        )
    assert expected in text
    # Factuur: reach 45% but rank 4, not among the most important: not named as "few"
    assert "Factuur** " not in text
    # without the importance ranks nothing is called heavy for few
    assert "Klachtafhandeling**" not in narrate.narrate_gain(gain_table(), lang=lang)


def test_report_findings_tell_the_what_if_of_the_largest_gain():
    from drivers.workflow.report import _first_simulation

    sims = {"tp1": "sim of complaint handling", "tp2": "sim of web shop"}
    r = SimpleNamespace(simulations=sims, nps_gain=gain_table())
    assert _first_simulation(r) == "sim of web shop"  # tp0 has no what-if; tp2 gains more
    assert _first_simulation(SimpleNamespace(simulations={}, nps_gain=gain_table())) is None


# --------------------------------------------------------------------------- sensitivity, waves


def sensitivity(differs: bool = True):
    from drivers.stats.sensitivity import MissingSensitivity

    ranks = {
        "dummy": ["tp0", "tp1", "tp2", "tp3"],
        "pairwise": ["tp1", "tp0", "tp2", "tp3"] if differs else ["tp0", "tp1", "tp2", "tp3"],
        "listwise": ["tp1", "tp2", "tp0", "tp3"] if differs else ["tp0", "tp1", "tp2", "tp3"],
    }
    n = {"dummy": 480, "pairwise": 480, "listwise": 118}
    rows = [
        {"driver": d, "option": o, "rank": i + 1, "importance": 0.1, "share": 0.25, "n": n[o]}
        for o, order in ranks.items()
        for i, d in enumerate(order)
    ]
    return MissingSensitivity(
        table=pd.DataFrame(rows).assign(label=lambda t: t["driver"].map(LABELS4)),
        top={o: tuple(order[:3]) for o, order in ranks.items()},
        top_differs=differs,
        skipped={},
        k=3,
        method="shapley",
    )


LABELS4 = {"tp0": "Levering", "tp1": "Klachtafhandeling", "tp2": "Webshop", "tp3": "Factuur"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_sensitivity_note_shows_the_top_under_each_option_and_the_choice(lang):
    text = narrate.missing_sensitivity_note(sensitivity(), used="dummy", why="dummy", lang=lang)
    lines = text.splitlines()
    assert len(lines) == 4 and lines[0].startswith("- ") and lines[1].startswith("  - ")
    if lang == "nl":
        assert "De top 3 hangt af van de omgang met n.v.t." in lines[0]
        assert (
            "Dit rapport rekent met cijfer + 'beantwoord' als één groep: zo telt elke" in lines[0]
        )
        assert lines[1] == (
            "  - cijfer + 'beantwoord' als één groep (dit rapport): 1. Levering, "
            "2. Klachtafhandeling, 3. Webshop (n = 480)"
        )
        assert lines[3] == (
            "  - alleen volledige rijen: 1. Klachtafhandeling, 2. Webshop, 3. Levering (n = 118)"
        )
    else:
        assert "This report uses grade + 'answered' as one group: every respondent" in lines[0]
        assert lines[2] == "  - pairwise: 1. Klachtafhandeling, 2. Levering, 3. Webshop (n = 480)"
    detail = narrate.missing_sensitivity_note(
        sensitivity(), used="pairwise", why="fallback", lang=lang, detail=True
    ).splitlines()
    # every touchpoint, in the order of the option used, its rank under each option (the
    # option used first: pairwise · dummy · listwise)
    assert detail[1:] == [
        "- Klachtafhandeling: 1 · 2 · 1",
        "- Levering: 2 · 1 · 3",
        "- Webshop: 3 · 3 · 2",
        "- Factuur: 4 · 4 · 4",
    ]
    same = narrate.missing_sensitivity_note(sensitivity(False), used="dummy", lang=lang)
    assert same.count("\n") == 0 and "3" in same
    assert narrate.missing_sensitivity_note(sensitivity(False), used="dummy", detail=True) == ""
    with pytest.raises(ParameterError, match="used"):
        narrate.missing_sensitivity_note(sensitivity(), used="mean", lang=lang)


def importance_change_table(p=(0.001, 0.2, 0.03)):
    return pd.DataFrame(
        {
            "driver": ["tp0", "tp1", "tp2"],
            "label": ["Levering", "Klachtafhandeling", "Webshop"],
            "share_a": [0.10, 0.25, 0.20],
            "share_b": [0.16, 0.22, 0.17],
            "change": [0.06, -0.03, -0.03],
            "ci_low": [0.021, -0.08, -0.058],
            "ci_high": [0.099, 0.02, -0.004],
            "p_value": list(p),
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_importance_change_names_significant_changes_with_ci(lang):
    text = narrate.importance_change_note(importance_change_table(), wave_before="2023", lang=lang)
    if lang == "nl":
        assert text == (
            "Significant veranderd belang sinds 2023: Levering +6,0 %-punt (10% → 16%; "
            "95%-BI +2,1 %-punt tot +9,9 %-punt); Webshop −3,0 %-punt (20% → 17%; "
            "95%-BI −5,8 %-punt tot −0,4 %-punt)."
        )
    else:
        assert text.startswith("Importance changed significantly since 2023: Levering +6.0 ")
        assert "95% CI +2.1 percentage points to +9.9" in text.replace("pp", "percentage points")
        assert "Klachtafhandeling" not in text
    none = narrate.importance_change_note(
        importance_change_table((0.3, 0.2, np.nan)), wave_before=2023.0, lang=lang
    )
    expected = {
        "nl": "Het belang van geen enkel contactmoment is significant veranderd sinds 2023.",
        "en": "No touchpoint's importance changed significantly since 2023.",
    }
    assert none == expected[lang]
