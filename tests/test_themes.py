"""Open answers coded into themes (drivers.stats.themes): codebook, matching, accuracy on a
labelled set, themes against NPS (checked by hand and against statsmodels), quotes and
suggestions that never show personal data."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drivers import demo
from drivers.errors import ColumnNotFoundError, DataError, ParameterError, SpecError
from drivers.stats.themes import (
    ThemeResult,
    compare_theme_shares,
    load_codebook,
    normalise,
    suggest_themes,
    theme_impact,
    theme_quotes,
    themes,
)

LABELLED = Path(__file__).resolve().parent / "data" / "themes_labelled.csv"

BOOK = {
    "themes": [
        {
            "key": "delivery",
            "nl": "Levering",
            "en": "Delivery",
            "terms": ["levering", "te laat", "op tijd"],
            "terms_en": ["delivery", "late"],
            "exclude": ["leverancier"],
        },
        {
            "key": "invoicing",
            "nl": "Facturatie",
            "en": "Invoicing",
            "terms": ["factuur", "creditnota"],
            "terms_en": ["invoice"],
        },
        {
            "key": "price",
            "nl": "Prijs",
            "en": "Price",
            "terms": ["prijs", "duur"],
            "terms_en": ["price", "expensive"],
        },
    ]
}


def codes(text: str, book=BOOK) -> set[str]:
    result = themes([text], book)
    return {k for k, v in result.table.iloc[0].items() if v}


def negative(text: str, book=BOOK) -> set[str]:
    result = themes([text], book)
    return {k for k, v in result.negative.iloc[0].items() if v}


# -- codebook ---------------------------------------------------------------------------------
def test_demo_codebook_loads():
    book = load_codebook(demo.codebook())
    assert len(book.keys) == 10 and book.language == "nl"
    assert load_codebook(tomllib.loads(book.to_toml())).keys == book.keys


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"term": ["x"]}, "did you mean 'terms'"),
        ({"exclud": ["x"]}, "did you mean 'exclude'"),
        ({"terms_nl": ["x"]}, "did you mean 'terms_en'|did you mean 'terms'"),
    ],
)
def test_unknown_theme_keys_name_the_closest(change, message):
    theme = dict(BOOK["themes"][0], **change)
    with pytest.raises(SpecError, match=message):
        load_codebook({"themes": [theme]})


def test_codebook_errors(tmp_path):
    with pytest.raises(SpecError, match="did you mean 'themes'"):
        load_codebook({"theme": []})
    with pytest.raises(SpecError, match="'terms' is missing"):
        load_codebook({"themes": [{"key": "a", "nl": "A", "en": "A"}]})
    with pytest.raises(SpecError, match="used twice"):
        load_codebook({"themes": [BOOK["themes"][0], BOOK["themes"][0]]})
    with pytest.raises(SpecError, match="English identifier"):
        load_codebook({"themes": [dict(BOOK["themes"][0], key="Levering!")]})
    with pytest.raises(SpecError, match="list of strings"):
        load_codebook({"themes": [dict(BOOK["themes"][0], terms="levering")]})
    with pytest.raises(SpecError, match="does not exist"):
        load_codebook(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[themes]\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_codebook(bad)
    with pytest.raises(ParameterError, match="codebook"):
        load_codebook(42)


# -- matching ---------------------------------------------------------------------------------
def test_normalise():
    assert normalise("Één Levering-Probleem") == "een leveringprobleem"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De facturen kloppen niet", {"invoicing"}),  # lemma: facturen -> factuur
        ("Leverbetrouwbaarheid is slecht", {"delivery"}),  # compound, stem "lever"
        ("levertijden te lang", {"delivery"}),
        ("Levring was laat", {"delivery"}),  # typo
        ("factuuur klopt niet", {"invoicing"}),  # typo
        ("Goede leverancier", set()),  # exclude
        ("prima", set()),
        ("Te duur en de levering was te laat", {"price", "delivery"}),
        ("creditnota's komen nooit", {"invoicing"}),
        ("The invoice was wrong and too expensive", {"invoicing", "price"}),
        ("", set()),
    ],
)
def test_coding(text, expected):
    assert codes(text) == expected


def test_negation_in_a_clause():
    assert negative("Niet tevreden over de levering") == {"delivery"}
    assert negative("Levering prima, maar de factuur klopt niet") == {"invoicing"}
    assert negative("De prijs is niet slecht") == set()
    assert negative("Levering altijd op tijd") == set()
    assert negative("Te duur") == {"price"}


def test_english_answers_use_english_terms():
    texts = ["The delivery was late", "Late levering", "Goede prijs", "Too expensive"]
    result = themes(texts, BOOK)
    assert result.english.tolist() == [True, False, False, True]
    # "late" is an English term: it counts in the English answer only.
    assert result.table["delivery"].tolist() == [True, True, False, False]
    assert result.table["price"].tolist() == [False, False, True, True]


def test_input_kinds_and_index():
    series = pd.Series(["te duur", None, "factuur fout"], index=[10, 20, 30])
    result = themes(series, BOOK)
    assert list(result.table.index) == [10, 20, 30]
    assert result.table.dtypes.eq(bool).all()
    assert result.answered.tolist() == [True, False, True]
    frame = pd.DataFrame({"id": [1, 2, 3], "t": series.to_numpy()}, index=series.index)
    assert themes(frame, BOOK, column="t").table.equals(result.table)
    with pytest.raises(ParameterError, match="column="):
        themes(frame, BOOK)
    with pytest.raises(ColumnNotFoundError, match="Did you mean 't'"):
        themes(frame, BOOK, column="tt")
    with pytest.raises(ParameterError, match="answers"):
        themes("te duur", BOOK)


def test_survey_uses_its_open_answer_column():
    survey = demo.load(2024)
    result = themes(survey, demo.codebook())
    assert result.column == "toelichting"
    assert result.table.index.equals(survey.data.index)
    assert result.n_answered == int((survey.data["toelichting"].fillna("").str.strip() != "").sum())


def test_result_is_read_only_and_accounts():
    result = themes(["te duur", "", "goed", "levering te laat, factuur fout"], BOOK)
    table = result.table
    table.iloc[0, 0] = True
    assert not result.table.iloc[0, 0]
    coverage = result.coverage.set_index("status")["n"]
    assert coverage.to_dict() == {"coded": 2, "not_coded": 1, "empty": 1}
    assert coverage["coded"] + coverage["not_coded"] == result.n_answered
    sentiment = result.sentiment.set_index("theme")
    assert (sentiment["negative"] <= sentiment["mentions"]).all()
    assert sentiment.loc["delivery", "negative"] == 1
    assert "themes" in result.summary() and "ThemeResult(" in repr(result)
    assert "<table" in result._repr_html_()


# -- accuracy on the labelled set (docs/open_answers.md) ----------------------------------------
def precision_recall(frame: pd.DataFrame, result: ThemeResult) -> pd.DataFrame:
    rows = []
    for key in result.table.columns:
        truth = frame["themes"].str.split("|").apply(lambda keys, k=key: k in keys).to_numpy()
        predicted = result.table[key].to_numpy()
        tp = int((truth & predicted).sum())
        rows.append(
            {
                "theme": key,
                "n": int(truth.sum()),
                "precision": tp / max(int(predicted.sum()), 1),
                "recall": tp / max(int(truth.sum()), 1),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def labelled():
    frame = pd.read_csv(LABELLED, keep_default_na=False, dtype=str)
    return frame, themes(frame["answer"], demo.codebook())


def test_labelled_set_is_large_and_varied(labelled):
    frame, _ = labelled
    assert len(frame) >= 300 and frame["answer"].is_unique
    assert (frame["themes"].str.contains("|", regex=False)).sum() >= 40  # two themes
    assert (frame["themes"] == "").sum() >= 40  # no theme: "prima", "tevreden"
    keys = set(load_codebook(demo.codebook()).keys)
    used = {k for value in frame["themes"] for k in value.split("|") if k}
    assert used == keys
    assert {k for v in frame["negative"] for k in v.split("|") if k} <= keys


def test_precision_and_recall_per_theme(labelled):
    frame, result = labelled
    table = precision_recall(frame, result)
    assert (table["n"] >= 15).all(), table
    assert (table["precision"] >= 0.85).all(), table
    assert (table["recall"] >= 0.85).all(), table


def test_held_out_answers(labelled):
    # Written after the codebook was tuned on the rest: pooled over themes.
    frame, result = labelled
    held = (frame["split"] == "holdout").to_numpy()
    truth = np.column_stack(
        [frame["themes"].str.split("|").apply(lambda ks, k=k: k in ks) for k in result.table]
    )[held]
    predicted = result.table.to_numpy()[held]
    tp = (truth & predicted).sum()
    assert tp / predicted.sum() >= 0.85 and tp / truth.sum() >= 0.85


def test_negative_mentions_agree_with_the_labels(labelled):
    frame, result = labelled
    agree = total = 0
    for i, (mentioned, negated) in enumerate(zip(frame["themes"], frame["negative"], strict=True)):
        for key in [k for k in mentioned.split("|") if k]:
            if result.table[key].iloc[i]:
                total += 1
                agree += bool(result.negative[key].iloc[i]) == (key in negated.split("|"))
    assert total > 300 and agree / total >= 0.85


# -- themes against NPS -------------------------------------------------------------------------
SMALL = pd.DataFrame(
    {
        "ltr": [10, 9, 8, 7, 6, 3, 10, 5, 9, 2],
        "grade": [9, 8, 7, 7, 6, 4, 9, 6, np.nan, 3],
        "w": [1, 2, 1, 1, 1, 1, 1, 1, 1, 2],
        "text": ["levering te laat"] * 2
        + ["goed"] * 2
        + ["levering slecht"] * 2
        + ["top"] * 3
        + ["levering"],
    }
)
SMALL_BOOK = {"themes": [BOOK["themes"][0]]}


def test_nps_gap_by_hand():
    # mentioners: 10 9 6 3 2 -> (2 - 3) / 5 = -20; others: 8 7 10 5 9 -> (2 - 1) / 5 = +20
    coded = themes(SMALL, SMALL_BOOK, column="text")
    result = theme_impact(
        coded, SMALL, outcome="ltr", grades=["grade"], bootstrap=0, privacy_floor=1
    )
    row = result.table.iloc[0]
    assert row["nps_mention"] == pytest.approx(-20)
    assert row["nps_other"] == pytest.approx(20)
    assert row["nps_gap"] == pytest.approx(-40)
    assert row["n_mention"] == 5 and row["n_other"] == 5
    # weighted: mentioners (1 + 2 - 1 - 1 - 2) / 7, others (0 + 0 + 1 - 1 + 1) / 5
    weighted = theme_impact(
        coded,
        SMALL,
        outcome="ltr",
        grades=["grade"],
        weights="w",
        bootstrap=0,
        privacy_floor=1,
    )
    assert weighted.table.iloc[0]["nps_gap"] == pytest.approx(100 * (-1 / 7 - 1 / 5))
    assert weighted.weighted


def test_adjusted_estimate_against_statsmodels():
    import statsmodels.api as sm

    coded = themes(SMALL, SMALL_BOOK, column="text")
    result = theme_impact(
        coded,
        SMALL,
        outcome="ltr",
        grades=["grade"],
        weights="w",
        bootstrap=0,
        privacy_floor=1,
    )
    # The same model by hand: n.v.t. grade filled with the mean, plus an "answered" flag.
    grade = SMALL["grade"]
    x = pd.DataFrame(
        {
            "theme": coded.table["delivery"].astype(float),
            "grade": grade.fillna(grade.mean()),
            "answered": grade.notna().astype(float),
        }
    )
    y = np.where(SMALL["ltr"] >= 9, 1.0, np.where(SMALL["ltr"] >= 7, 0.0, -1.0))
    fit = sm.WLS(y, sm.add_constant(x), weights=SMALL["w"]).fit()
    assert result.table.iloc[0]["adjusted"] == pytest.approx(100 * fit.params["theme"])


def test_frequency_per_group_by_hand():
    coded = themes(SMALL, SMALL_BOOK, column="text")
    result = theme_impact(coded, SMALL, outcome="ltr", grades=[], bootstrap=0, privacy_floor=1)
    freq = result.frequency.set_index("group")
    # promoters 10 9 10 9: mention 2 of 4; passives 8 7: 0 of 2; detractors 6 3 5 2: 3 of 4
    assert freq.loc["promoter", "share"] == pytest.approx(0.5)
    assert freq.loc["passive", "share"] == pytest.approx(0.0)
    assert freq.loc["detractor", "share"] == pytest.approx(0.75)
    assert freq.loc["total", "share"] == pytest.approx(0.5)
    assert (freq["ci_low"] <= freq["share"]).all() and (freq["share"] <= freq["ci_high"]).all()


def test_small_themes_are_suppressed():
    coded = themes(SMALL, SMALL_BOOK, column="text")
    result = theme_impact(
        coded, SMALL, outcome="ltr", grades=["grade"], bootstrap=0, privacy_floor=6
    )
    row = result.table.iloc[0]
    assert row["suppressed"] and np.isnan(row["nps_gap"]) and row["touchpoint"] is None
    assert result.frequency.set_index("group").loc["passive", "suppressed"]


@pytest.fixture(scope="module")
def wave_2024():
    survey = demo.load(2024)
    return survey, themes(survey, demo.codebook())


def test_bootstrap_is_seeded(wave_2024):
    survey, coded = wave_2024
    a = theme_impact(coded, survey, bootstrap=40, seed=3)
    b = theme_impact(coded, survey, bootstrap=40, seed=3)
    pd.testing.assert_frame_equal(a.table, b.table)
    c = theme_impact(coded, survey, bootstrap=40, seed=4)
    assert not a.table["gap_ci_low"].equals(c.table["gap_ci_low"])
    table = a.table
    assert (table["gap_ci_low"] <= table["nps_gap"]).all()
    assert (table["nps_gap"] <= table["gap_ci_high"]).all()
    assert (table["adjusted_ci_low"] <= table["adjusted_ci_high"]).all()
    assert "Themes and NPS" in a.summary()


def test_demo_story(wave_2024):
    # The demo answers name the lowest-graded touchpoint: the complaint themes go with a
    # lower NPS, and with a lower grade of their own touchpoint.
    survey, coded = wave_2024
    table = theme_impact(coded, survey, bootstrap=0).table.set_index("theme")
    assert table.loc["complaints", "touchpoint"] == "klachtafhandeling"
    for key in ("complaints", "delivery", "price"):
        assert table.loc[key, "nps_gap"] < 0
        assert table.loc[key, "grade_gap"] < 0
    assert table.loc["customer_service", "nps_gap"] > 0
    assert coded.coded_share > 0.85


def test_compare_theme_shares_against_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    old = themes(["levering te laat"] * 30 + ["goed"] * 70, SMALL_BOOK)
    new = themes(["levering te laat"] * 15 + ["goed"] * 85, SMALL_BOOK)
    row = compare_theme_shares(old, new).iloc[0]
    z, p = proportions_ztest([15, 30], [100, 100])  # pooled, as ours
    assert row["change"] == pytest.approx(-0.15)
    assert row["z"] == pytest.approx(z) and row["p_value"] == pytest.approx(p)
    assert row["significant"]
    assert row["ci_low"] < -0.15 < row["ci_high"]
    with pytest.raises(ParameterError, match="one weight per answer"):
        compare_theme_shares(old, new, current_weights=[1.0, 2.0])


def test_compare_waves_of_the_demo():
    old = themes(demo.load(2023), demo.codebook())
    new = themes(demo.load(2024), demo.codebook())
    table = compare_theme_shares(old, new)
    assert set(table["theme"]) == set(new.codebook.keys)
    assert table["p_value"].between(0, 1).all()


def test_impact_input_checks(wave_2024):
    survey, coded = wave_2024
    with pytest.raises(ParameterError, match="drivers.themes"):
        theme_impact(coded.table, survey)
    with pytest.raises(ParameterError, match="'bootstrap'"):
        theme_impact(coded, survey, bootstrap=-1)
    with pytest.raises(DataError, match="same rows"):
        theme_impact(themes(["a", "b"], BOOK), survey.data.iloc[5:7], outcome="aanbeveling")


# -- quotes, suggestions and personal data ------------------------------------------------------
PLANTED = {
    "email": "pietje.puk@klantbedrijf.nl",
    "phone": "06-98765432",
    "iban": "NL91 ABNA 0417 1643 00",
    "postcode": "3581 KL 12",
    "street": "Kerkstraat 12a",
    "name": "Sanne de Vries",
    "name2": "dhr. Bakker",
}


def planted_survey():
    survey = demo.load(2024)
    data = survey.data.copy()
    rows = data.index[data["toelichting"].fillna("").str.contains("levering", case=False)]
    texts = [
        f"De levering was te laat, mail {PLANTED['email']} of bel {PLANTED['phone']}.",
        f"Levering kwam niet op {PLANTED['street']}, {PLANTED['postcode']}.",
        f"Creditnota voor de levering graag op {PLANTED['iban']}.",
        f"Onze accountmanager {PLANTED['name']} regelt de levering niet goed.",
        f"De levering door {PLANTED['name2']} was te laat.",
    ]
    for row, text in zip(rows[:5], texts, strict=True):
        data.loc[row, "toelichting"] = text
    # A segment of three respondents: below the privacy floor of 5.
    data["vestiging"] = "groot"
    data.loc[rows[:3], "vestiging"] = "klein"
    return type(survey)(data=data, spec=survey.spec, quality=survey.quality, source="x")


def leaked(text: str) -> list[str]:
    found = []
    for key, value in PLANTED.items():
        if value in text or value.replace(" ", "") in text.replace(" ", ""):
            found.append(key)
    for part in ("Sanne", "Vries", "Bakker", "pietje", "98765432", "0417", "3581", "Kerkstraat"):
        if part in text:
            found.append(part)
    return found


def test_planted_personal_data_never_reaches_an_output(tmp_path):
    from drivers.present import themes_charts, themes_slides
    from drivers.present.deck import Deck

    survey = planted_survey()
    coded = themes(survey, demo.codebook())
    impact = theme_impact(coded, survey, bootstrap=20)
    quotes = theme_quotes(coded, n=50, privacy_floor=1)
    by_segment = theme_quotes(coded, n=50, data=survey, by="vestiging")
    suggestions = suggest_themes(survey, n=3)
    texts = [
        quotes.to_csv(),
        by_segment.to_csv(),
        str(suggestions),
        impact.summary(),
        coded.summary(),
        impact.table.to_csv(),
        impact.frequency.to_csv(),
    ]
    # The planted answers are quoted (scrubbed), so the test does look at them.
    delivery = " ".join(quotes.loc[quotes["theme"] == "delivery", "quote"])
    assert "[e-mail]" in delivery or "[naam]" in delivery or "[adres]" in delivery
    assert "klein" not in set(by_segment["vestiging"])
    import matplotlib

    matplotlib.use("Agg")
    from drivers.present import charts

    ax = themes_charts.frequency_by_group(impact)
    charts.save(ax.figure, tmp_path / "freq", formats=("svg",))
    ax = themes_charts.impact(impact)
    charts.save(ax.figure, tmp_path / "impact", formats=("svg",))
    deck = Deck(lang="nl")
    themes_slides.add_themes_section(deck, impact, lang="nl", quotes=quotes)
    deck.save(tmp_path / "deck.pptx")
    texts += [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.svg")]
    import zipfile

    with zipfile.ZipFile(tmp_path / "deck.pptx") as archive:
        texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    for text in texts:
        assert not leaked(text), leaked(text)


def test_quotes_are_short_scrubbed_and_above_the_floor(wave_2024):
    survey, coded = wave_2024
    quotes = theme_quotes(coded, n=3, max_chars=60)
    assert (quotes.groupby("theme").size() <= 3).all()
    assert (quotes["quote"].str.len() <= 60).all()
    assert list(quotes.index) == list(range(len(quotes)))
    assert "respondent" not in quotes.columns
    few = themes(["te duur"] * 4 + ["goed"] * 10, BOOK)
    assert theme_quotes(few, privacy_floor=5).empty
    with pytest.raises(ParameterError, match="data="):
        theme_quotes(coded, by="sector")


def test_quote_shortened_at_a_sentence_boundary():
    text = "De levering was te laat. " + "Verder is alles goed geregeld bij jullie. " * 5
    coded = themes([text] * 6, BOOK)
    quote = theme_quotes(coded, n=1, max_chars=80)["quote"].iloc[0]
    assert quote == "De levering was te laat."


def test_suggestions_are_reproducible_and_paste_into_a_codebook(wave_2024):
    survey, _ = wave_2024
    a = suggest_themes(survey, n=3, codebook=demo.codebook())
    b = suggest_themes(survey, n=3, codebook=demo.codebook())
    assert a.to_toml() == b.to_toml()
    assert a.n_uncoded < a.n_answers
    pasted = load_codebook(tomllib.loads(a.to_toml()))
    assert len(pasted.keys) == len(a) <= 3
    assert a.to_codebook().keys == pasted.keys
    assert themes(survey, a.to_codebook()).coded_share > 0  # usable before a codebook exists
    for suggestion in a:
        assert 1 <= len(suggestion.examples) <= 3
    with pytest.raises(DataError, match="too few"):
        suggest_themes(["te duur"], n=2)


def test_cli_register(capsys):
    from drivers.workflow import themes_cli

    parser = argparse.ArgumentParser(prog="drivers")
    sub = parser.add_subparsers(dest="command", required=True)
    themes_cli.register(sub)
    args = parser.parse_args(["themes", "suggest", str(demo.client_config()), "--n", "2"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "[[themes]]" in out
    args = parser.parse_args(["themes", "code", str(demo.client_config())])
    assert args.func(args) == 0
    assert "coded" in capsys.readouterr().out


@pytest.mark.parametrize("with_codebook", [True, False])
def test_notebook_runs_top_to_bottom(tmp_path, with_codebook):
    import json
    import os

    import papermill

    from drivers.workflow.client import scaffold_client

    parameters = {"bootstrap": 20, "progress": False}
    if not with_codebook:  # a client without themes.toml: suggested themes
        folder = scaffold_client("nieuw", root=tmp_path)
        (folder / "themes.toml").unlink()  # drivers new copies the demo's codebook
        parameters["client"] = str(folder / "client.toml")

    source = Path(__file__).resolve().parents[1] / "src" / "drivers" / "notebooks"
    notebook = source / "07_open_answers.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert all(not c.get("outputs") for c in cells)  # committed without outputs
    assert "parameters" in cells[1]["metadata"]["tags"]
    os.environ.setdefault("MPLBACKEND", "Agg")
    out = tmp_path / "07.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    text = out.read_text(encoding="utf-8")
    assert "ThemeResult" in text and "R24-" not in text  # no respondent id
    outputs = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
    assert ("No codebook" in outputs) is not with_codebook


def test_notebook_shows_the_numbers_of_the_deck(tmp_path):
    """Run against saved results, the open-answer notebook recodes the answers with the
    analysis's options (resamples, seed, minimum n, NPS cut-offs): its theme table is the
    one of the results, which the deck and tables.xlsx show."""
    import json
    import os

    import papermill

    import drivers as dr
    from drivers.workflow.client import scaffold_client

    folder = scaffold_client("eigen", root=tmp_path)  # the demo's waves and codebook
    config = folder / "client.toml"
    text = config.read_text(encoding="utf-8")
    for default in ("promoters_from = 9", "detractors_to = 6"):
        assert f"# {default}" in text
    text = text.replace("# promoters_from = 9", "promoters_from = 8")
    config.write_text(text.replace("# detractors_to = 6", "detractors_to = 5"), encoding="utf-8")
    results = dr.analyse(config, bootstrap=20, progress=False)
    assert results.cutoffs.promoter == 8
    results.save(tmp_path / "results")
    os.environ.setdefault("MPLBACKEND", "Agg")
    source = Path(__file__).resolve().parents[1] / "src" / "drivers" / "notebooks"
    out = tmp_path / "07.ipynb"
    papermill.execute_notebook(
        str(source / "07_open_answers.ipynb"),
        str(out),
        parameters={"results": "results", "progress": False, "client": str(config)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    cell = next(
        c
        for c in json.loads(out.read_text(encoding="utf-8"))["cells"]
        if c.get("id") == "answers-10"
    )
    from io import StringIO

    html = "".join(cell["outputs"][0]["data"]["text/html"])
    shown = pd.read_html(StringIO(html), flavor="lxml", index_col=0)[0]
    table = results.themes["impact"].table
    columns = [
        "label",
        "n_mention",
        "share",
        "nps_gap",
        "adjusted",
        "touchpoint_label",
        "grade_gap",
    ]
    expected = table[columns].round(2)
    assert list(shown["label"]) == list(expected["label"])
    for column in ("n_mention", "share", "nps_gap", "adjusted", "grade_gap"):
        assert np.allclose(shown[column], expected[column], equal_nan=True), column
    assert table["nps_gap"].notna().sum() >= 3  # a real table, not an empty one


def test_no_quote_from_a_respondent_of_a_small_segment_group():
    """Quotes never come from a group below the privacy floor of a report segment."""
    from drivers import demo

    survey = demo.load(2024)
    coded = themes(survey, demo.codebook())
    frame = survey.data
    column = survey.spec.segments[0]
    everyone = theme_quotes(coded, n=50, privacy_floor=5)
    # make one respondent per quoted answer the only member of a group of their own
    lonely = frame[column].astype("object").copy()
    chosen = sorted(set(everyone["quote"]))[:10]
    texts = pd.Series(list(coded.answers), index=coded.table.index).fillna("").astype(str)
    # everyone who wrote one of ten quoted answers gets a group of their own
    picked = [i for i, t in texts.items() if any(q[:40] in t for q in chosen)]
    for k, i in enumerate(picked):
        lonely.loc[i] = f"alleen-{k}"
    data = frame.assign(**{column: lonely})
    guarded = theme_quotes(coded, n=50, privacy_floor=5, data=data, segments=[column])
    for quote in guarded["quote"]:
        assert quote not in chosen, quote
    assert len(guarded) > 0


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_themes_table_says_which_grade_differs_most(wave_2024, lang):
    # The column read "Touchpoint" with a bare touchpoint name; it is the touchpoint whose
    # grade differs most between those who mention the theme and the rest.
    from drivers.present import themes_slides
    from drivers.present._format import fmt, text
    from drivers.present.deck import Deck

    survey, coded = wave_2024
    impact = theme_impact(coded, survey, bootstrap=20)
    deck = Deck(lang=lang)
    slides = themes_slides.add_themes_section(deck, impact, lang=lang, charts=False)
    table = next(s for s in slides if any(sh.has_table for sh in s.shapes))
    cells = next(sh for sh in table.shapes if sh.has_table).table
    header = [c.text for c in cells.rows[0].cells]
    assert header[-1] == ("Grootste cijferverschil" if lang == "nl" else "Largest grade gap")
    assert header[-2] == text("theme_col_adjusted", lang)
    shown = [[c.text for c in row.cells][-1] for row in list(cells.rows)[1:]]
    rows = impact.table
    expected = [
        f"{name} ({fmt(gap, kind='signed', lang=lang)})" if isinstance(name, str) else ""
        for name, gap in zip(rows["touchpoint_label"], rows["grade_gap"], strict=True)
    ]
    assert shown == expected and any(shown)


def test_themes_named_by_few_are_no_headline_and_carry_a_star(wave_2024):
    # helper-19: "NPS −139 against the rest" headlined a theme 8 respondents named; the
    # headline now gives both NPS figures, and small bases stay out of it.
    from drivers.present import themes_slides
    from drivers.present._format import fmt, text
    from drivers.present.deck import Deck

    survey, coded = wave_2024
    impact = theme_impact(coded, survey, bootstrap=20, min_n=100)
    rows = impact.table[~impact.table["suppressed"].astype(bool)]
    small = {impact.label(k, "en") for k in rows.loc[rows["small_base"].astype(bool), "theme"]}
    assert small and len(small) < len(rows)
    deck = Deck(lang="en")
    slides = themes_slides.add_themes_section(deck, impact, lang="en", charts=False, min_n=100)
    headline = "\n".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert not [label for label in small if label in headline]
    first = rows[~rows["small_base"].astype(bool)].sort_values("nps_gap").iloc[0]
    assert (
        f"their NPS is {fmt(first['nps_mention'], kind='nps', lang='en')}, against "
        f"{fmt(first['nps_other'], kind='nps', lang='en')} for the rest" in headline
    )
    table = next(s for s in slides if any(sh.has_table for sh in s.shapes))
    cells = next(sh for sh in table.shapes if sh.has_table).table
    names = [[c.text for c in row.cells][0] for row in list(cells.rows)[1:]]
    assert {n[:-1] for n in names if n.endswith("*")} == small
    texts = [sh.text_frame.text for sh in table.shapes if sh.has_text_frame]
    assert any(text("small_base_note", "en", n=100) in t for t in texts)
