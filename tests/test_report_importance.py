"""Issue 12 in the report: what to improve first by NPS gain, few-but-heavy touchpoints,
the n.v.t. sensitivity on the methods slide, importance between waves in the wave story,
importance by segment (Results, chart, sheet, slide) and the bases behind each touchpoint.

One demo analysis (Dutch, two waves, complaint handling answered by a third) serves all.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation

import drivers as dr
from drivers.present import charts
from drivers.present._format import fmt
from drivers.workflow import report


@pytest.fixture(scope="module")
def results():
    return dr.analyse(dr.demo.client_config(), bootstrap=30, progress=False)


def _with_significant(r, cells):
    """``r`` with the given (segment, group, driver) cells marked significant."""
    table = r.segment_importance.table.copy()
    for segment, group, driver in cells:
        at = (table["segment"] == segment) & (table["group"] == group) & (table["driver"] == driver)
        assert at.sum() == 1
        table.loc[at, "significant"] = True
    seg = dataclasses.replace(r.segment_importance, table=table)
    return dataclasses.replace(r, segment_importance=seg)


# ------------------------------------------------------------------ what to improve first


def test_findings_start_with_the_largest_gain_and_name_the_few(results):
    r = results
    text = report.findings(r)
    gain = r.nps_gain.sort_values("nps_gain", ascending=False)
    first = gain.iloc[0]
    assert f"Begin bij **{first['label']}**" in text
    assert fmt(first["nps_gain"], kind="signed", lang="nl") in text
    # the what-if told in the findings is that touchpoint's (same model, same +0,5)
    what_if = text.split("### Wat als")[1]
    assert f"**{first['label']}**" in what_if
    # complaint handling: top 3 in importance, answered by a third of the customers
    row = r.nps_gain.set_index("driver").loc["klachtafhandeling"]
    rank = r.drivers.table.set_index("driver").loc["klachtafhandeling", "rank"]
    assert rank <= 3 and row["reach"] < 0.5
    reach = fmt(row["reach"], kind="percent", lang="nl")
    plus = fmt(row["nps_gain"], kind="signed", lang="nl")
    assert (
        f"**Klachtafhandeling** weegt zwaar voor de {reach} die deze vraag beantwoordde; voor de "
        f"hele klantenkring levert +0,5 naar verwachting {plus} punten op."
    ) in text
    english = report.findings(r, "en")
    assert "who answered this question; for the whole customer base +0.5" in english


# ------------------------------------------------------------------ sensitivity, waves


def test_methods_slide_shows_the_top_under_each_option(results, tmp_path):
    r = results
    sens = r.missing_sensitivity
    assert sens is not None and sens.top_differs  # the demo's complaint handling flips
    slide = report.methods_slide(r)
    assert "De top 3 hangt af van de omgang met n.v.t." in slide
    assert "Dit rapport rekent met cijfer + 'beantwoord' als één groep" in slide
    for option, top in sens.top.items():
        names = ", ".join(f"{i}. {r.label(k)}" for i, k in enumerate(top, 1))
        assert names in slide, option
    notes = report.sensitivity_text(r, detail=True)
    ranks = sens.ranks()
    assert f"- Klachtafhandeling: {ranks.loc['klachtafhandeling', 'dummy']} · " in notes
    report.write_deck(r, tmp_path)
    deck = Presentation(str(next(tmp_path.glob("*.pptx"))))
    methods = [s for s in deck.slides if "Werkwijze" in s.shapes.title.text]
    assert len(methods) == 1
    body = " ".join(sh.text_frame.text for sh in methods[0].shapes if sh.has_text_frame)
    assert "(dit rapport)" in body and "paarsgewijs: 1." in body
    assert "Klachtafhandeling: " in methods[0].notes_slide.notes_text_frame.text


def test_wave_story_tells_importance_change_with_ci(results):
    r = results
    story = report.wave_story(r)
    change = r.importance_change
    if (change["p_value"] < 0.05).any():
        assert "Significant veranderd belang sinds 2023" in story
    else:
        assert (
            "Het belang van geen enkel contactmoment is significant veranderd sinds 2023." in story
        )
    # a significant change is told with its interval
    faked = change.copy()
    faked.loc[faked["driver"] == "levering", "p_value"] = 0.01
    row = faked.set_index("driver").loc["levering"]
    story = report.wave_story(dataclasses.replace(r, importance_change=faked))
    assert "Significant veranderd belang sinds 2023: Levering en logistiek " in story
    assert fmt(row["change"], kind="pp", lang="nl") in story
    assert f"95%-BI {fmt(row['ci_low'], kind='pp', lang='nl')} tot" in story


# ------------------------------------------------------------------ importance by segment


def test_segment_importance_in_results_respects_min_n_and_round_trips(results, tmp_path):
    r = results
    seg = r.segment_importance
    assert seg is not None
    assert set(seg.table["segment"]) == set(r.segment_names)
    # zorg has 27 respondents: above the privacy floor, below min_n: named, not analysed
    assert ("sector", "zorg") in seg.not_analysed
    assert "zorg" not in set(seg.table["group"])
    assert (seg.table["n"] >= r.options["min_n"]).all()
    sums = seg.table.groupby(["segment", "group"])["share"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=1e-9)
    assert seg.bootstrap == 30  # the client's bootstrap, capped at 200
    folder = r.save(tmp_path / "results")
    loaded = dr.load_results(folder)
    assert loaded == r
    pd.testing.assert_frame_equal(loaded.segment_importance.table, seg.table)
    assert loaded.segment_importance.not_analysed == seg.not_analysed


def test_segment_slide_only_when_a_group_differs(results, tmp_path):
    r = results
    plain = r.segment_importance.table.assign(significant=False)
    quiet = dataclasses.replace(
        r, segment_importance=dataclasses.replace(r.segment_importance, table=plain)
    )
    report.write_deck(quiet, tmp_path / "quiet")
    deck = Presentation(str(next((tmp_path / "quiet").glob("*.pptx"))))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "Verschilt het belang per klantgroep?" not in titles

    loud = _with_significant(quiet, [("regio", "Noord", "levering")])
    report.write_deck(loud, tmp_path / "loud")
    deck = Presentation(str(next((tmp_path / "loud").glob("*.pptx"))))
    slides = [
        s for s in deck.slides if s.shapes.title.text == "Verschilt het belang per klantgroep?"
    ]
    assert len(slides) == 1
    assert any(sh.shape_type == 13 for sh in slides[0].shapes)  # the heat table picture
    notes = slides[0].notes_slide.notes_text_frame.text
    row = loud.segment_importance.table.query("group == 'Noord' and driver == 'levering'").iloc[0]
    assert "Levering en logistiek bij regio Noord" in notes
    assert fmt(row["share"], kind="percent", lang="nl") in notes
    # only the segment variable that differs is on the slide
    assert report.segment_importance_pages(loud, significant_only=True)[0][0] == ("regio",)


def test_segment_heat_table_marks_significant_cells(results):
    r = _with_significant(results, [("sector", "bouw", "klachtafhandeling")])
    ax = charts.segment_importance(r.segment_importance, lang="en")
    texts = [t.get_text() for t in ax.texts]
    row = r.segment_importance.table.query("group == 'bouw' and driver == 'klachtafhandeling'")
    share, difference = row.iloc[0]["share"], row.iloc[0]["difference"]
    mark = "\u25b2" if difference > 0 else "\u25bc"
    assert f"{fmt(share, kind='percent', lang='en')} {mark}" in texts
    cells = [t for t in texts if t[:1].isdigit()]
    assert len(cells) == len(r.segment_importance.table)
    assert sum(("\u25b2" in t or "\u25bc" in t) for t in cells) == 1
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert "bouw\nn = 238" in columns and not any("zorg" in c for c in columns)
    notes = " ".join(texts)
    assert "Not analysed (fewer than 30 respondents): zorg (sector)." in notes


def test_segment_pages_split_six_segments_and_thirty_touchpoints():
    rng = np.random.default_rng(1)
    rows = [
        {"segment": f"s{s}", "group": f"g{g}", "driver": f"tp{d}", "share": rng.random(),
         "significant": False, "difference": 0.0, "n": 100}
        for s in range(6) for g in range(4) for d in range(30)
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    order = [f"tp{d}" for d in reversed(range(30))]
    pages = charts.segment_pages(table, order=order)
    assert all(len(segments) * 4 <= 12 and len(keys) <= 15 for segments, keys in pages)
    covered = {(s, k) for segments, keys in pages for s in segments for k in keys}
    assert covered == {(f"s{s}", f"tp{d}") for s in range(6) for d in range(30)}
    assert pages[0][1][0] == "tp29"  # the order given
    segments, keys = pages[-1]
    ax = charts.segment_importance(table, segments=segments, drivers=keys, lang="nl")
    assert len(ax.get_yticklabels()) == len(keys) and len(ax.get_xticklabels()) == 12


# ------------------------------------------------------------------ bases


def test_tables_carry_the_base_behind_each_touchpoint(results):
    r = results
    sheets = report.tables(r)
    bases = r.drivers.table.set_index("driver")["n"]
    for name, key in (("drivers", "driver"), ("methods", "driver"), ("matrix", "touchpoint")):
        table = sheets[name]
        assert (table.set_index(key)["n"] == bases.reindex(table[key]).to_numpy()).all(), name
    assert sheets["methods"].set_index("driver").loc["klachtafhandeling", "n"] < r.nps.n
    assert "segment_importance" in sheets
