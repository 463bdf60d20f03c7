"""The benchmark pool: sufficient statistics, the store, the taxonomy and the norms."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from drivers import demo
from drivers.errors import DataError, ParameterError, SpecError
from drivers.load.io import read_table
from drivers.stats._shapley import shapley_from_corr
from drivers.stats.importance import key_drivers
from drivers.stats.nps import nps as nps_of
from drivers.stats.pool import (
    NPS,
    Norms,
    aggregate,
    aggregation_sql,
    compare_to_norm,
    pooled_corr,
    standardise,
)
from drivers.workflow import pool
from drivers.workflow.pool import SCHEMA_VERSION, Store, StoreError, synthetic_respondents

TOUCHPOINTS = [
    "accountmanager",
    "levering",
    "facturatie",
    "klantenservice",
    "klachtafhandeling",
    "productkwaliteit",
    "prijs_kwaliteit",
]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return synthetic_respondents(n_clients=24, n_waves=2, n_per_wave=150, seed=3)


@pytest.fixture(scope="module")
def stats(rows):
    return aggregate(rows, touchpoints=TOUCHPOINTS, segments=["segment"])


def _store_all(store: Store, stats, rows: pd.DataFrame) -> None:
    sectors = dict(zip(rows["client"], rows["sector"], strict=True))
    years = {
        (c, w): int(w) for c, w in zip(stats.groups["client"], stats.groups["wave"], strict=True)
    }
    store.add(stats, sector=sectors, year=years)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="drivers")
    pool.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


# --------------------------------------------------------------------------- aggregation


def test_sufficient_statistics_match_direct_sums(rows, stats):
    part = rows[(rows["client"] == "client_005") & (rows["wave"] == "2021")]
    g = stats.groups.set_index(["client", "wave", "segment", "segment_value"])
    total = g.loc[("client_005", "2021", "", "")]
    assert total["n"] == len(part)
    for k in (0, 6, 9, 10):
        hit = part["nps"] == k
        assert total[f"n_{k}"] == hit.sum()
        assert total[f"w_{k}"] == pytest.approx(part.loc[hit, "weight"].sum(), rel=1e-12)
    assert sum(total[f"n_{k}"] for k in range(11)) == total["n_nps"]
    # Weighted NPS from the counts equals dr.nps on the rows.
    promoters = (total["w_9"] + total["w_10"]) / total["w"]
    detractors = sum(total[f"w_{k}"] for k in range(7)) / total["w"]
    assert 100 * (promoters - detractors) == pytest.approx(
        nps_of(part["nps"], part["weight"]).nps, abs=1e-9
    )
    t = stats.touchpoints.set_index(["client", "wave", "segment", "touchpoint"])
    row = t.loc[("client_005", "2021", "", "klachtafhandeling")]
    seen = part["klachtafhandeling"].notna()
    assert row["n"] == seen.sum()
    x, w = part.loc[seen, "klachtafhandeling"], part.loc[seen, "weight"]
    assert row["sum"] == pytest.approx((w * x).sum(), rel=1e-12)
    assert row["sumsq"] == pytest.approx((w * x * x).sum(), rel=1e-12)
    p = stats.pairs.set_index(["client", "wave", "segment", "a", "b"])
    pair = p.loc[("client_005", "2021", "", "levering", "klachtafhandeling")]
    both = part["levering"].notna() & part["klachtafhandeling"].notna()
    assert pair["n"] == both.sum()
    sub = part[both]
    assert pair["sum_ab"] == pytest.approx(
        (sub["weight"] * sub["levering"] * sub["klachtafhandeling"]).sum(), rel=1e-12
    )
    # Segment values add up to the total.
    seg = stats.groups[(stats.groups["client"] == "client_005") & (stats.groups["wave"] == "2021")]
    assert seg.loc[seg["segment"] == "segment", "n"].sum() == total["n"]


def test_the_query_has_no_engine_specific_syntax():
    sql = aggregation_sql(3, 2)
    assert '"' not in sql and "`" not in sql
    assert "GROUPING SETS" in sql


def test_aggregate_checks_its_input(rows):
    with pytest.raises(ParameterError, match="engine"):
        aggregate(rows, engine="polars")
    with pytest.raises(Exception, match="no column 'nope'"):
        aggregate(rows, touchpoints=["nope"])
    with pytest.raises(ParameterError, match="privacy_floor"):
        aggregate(rows, privacy_floor=0)
    with pytest.raises(DataError, match="whole numbers 0-10"):
        aggregate(rows.assign(nps=rows["nps"] + 0.5), touchpoints=TOUCHPOINTS)


# --------------------------------------------------------------------------- Shapley


def test_shapley_on_pooled_statistics_equals_concatenated_rows(rows):
    # Weights far from 1 and missing answers: the pairwise-complete weighted correlation.
    data = rows.copy()
    data["weight"] = data["weight"] * np.where(data["client"] < "client_010", 3.0, 0.4)
    data.loc[data.index % 7 == 0, "facturatie"] = np.nan
    stats = aggregate(data, touchpoints=TOUCHPOINTS, privacy_floor=1)
    corr, _ = pooled_corr(stats.pairs[stats.pairs["segment"] == ""], [*TOUCHPOINTS, NPS])
    pooled, r2 = shapley_from_corr(corr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = key_drivers(
            data,
            outcome="nps",
            drivers=TOUCHPOINTS,
            method="shapley",
            weights="weight",
            missing="pairwise",
        )
    table = direct.table.set_index("driver").loc[TOUCHPOINTS]
    np.testing.assert_allclose(pooled, table["importance"].to_numpy(), rtol=0, atol=1e-10)
    assert r2 == pytest.approx(direct.r2, abs=1e-10)


def test_norm_importance_equals_shapley_of_the_latest_waves(tmp_path, rows, stats):
    with Store(tmp_path / "s.duckdb") as store:
        _store_all(store, stats, rows)
        norms = store.norms()
    latest = rows[rows["wave"] == "2021"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = key_drivers(
            latest,
            outcome="nps",
            drivers=TOUCHPOINTS,
            method="shapley",
            weights="weight",
            missing="pairwise",
        )
    got = norms.importance[norms.importance["sector"] == "all"].set_index("touchpoint")
    want = direct.table.set_index("driver")["importance"]
    np.testing.assert_allclose(got.loc[TOUCHPOINTS, "r2_part"], want.loc[TOUCHPOINTS], atol=1e-10)
    assert got["share"].sum() == pytest.approx(1.0)
    assert (got["n_clients"] == 24).all()
    # The shrinkage prior: the same pooled correlations, a spread per pair, n behind it.
    prior = norms.correlations[norms.correlations["sector"] == "all"]
    assert len(prior) == 28 and (prior["n_clients"] == 24).all() and (prior["tau2"] >= 0).all()
    with_nps = prior[prior["b"] == NPS].set_index("a")
    corr = np.corrcoef(latest[[*TOUCHPOINTS, "nps"]].dropna(), rowvar=False)
    assert with_nps.loc[TOUCHPOINTS, "r"].between(0, 1).all()
    assert np.abs(with_nps.loc[TOUCHPOINTS, "r"] - corr[-1, :-1]).max() < 0.05


# --------------------------------------------------------------------------- privacy


def test_small_segments_are_suppressed_with_a_complement():
    rng = np.random.default_rng(1)
    n = 60
    frame = pd.DataFrame(
        {
            "client": "c",
            "wave": "2024",
            "region": ["noord"] * 3 + ["oost"] * 9 + ["west"] * 48,
            "nps": rng.integers(0, 11, n).astype(float),
            "levering": rng.integers(1, 11, n).astype(float),
        }
    )
    stats = aggregate(frame, segments=["region"], privacy_floor=5)
    values = set(stats.groups["segment_value"])
    assert "noord" not in values  # 3 respondents: primary
    assert "oost" not in values  # 9: dropped too, or total - west - oost gives noord
    assert "west" in values
    visible = stats.groups[stats.groups["segment"] == "region"]["n"].sum()
    total = stats.groups.loc[stats.groups["segment"] == "", "n"].iloc[0]
    assert total - visible >= 5
    assert set(stats.touchpoints["segment_value"]) == {"", "west"}
    assert set(stats.pairs["segment_value"]) == {"", "west"}
    assert stats.suppressed > 0


def test_a_wave_below_the_floor_is_refused(tmp_path):
    frame = pd.DataFrame({"client": "tiny", "wave": "2024", "nps": [9.0, 7, 3, 10]})
    stats = aggregate(frame, privacy_floor=1)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(StoreError, match="fewer than 5 respondents"):
            store.add(stats, sector="ict", year=2024)
        assert store.list().empty


def _client_folder(tmp_path: Path) -> Path:
    """The demo client, with planted personal data in its latest wave."""
    folder = tmp_path / "acme"
    shutil.copytree(demo.demo_dir(), folder)
    csv = folder / "wave_2024.csv"
    raw, info = read_table(csv)
    raw = raw.astype(object)
    raw.iloc[0, raw.columns.get_loc("toelichting")] = (
        "Mail me: jan.jansen@acme-klant.nl of bel 06-12345678"
    )
    raw.iloc[:3, raw.columns.get_loc("regio")] = "Texel"
    raw.to_csv(csv, sep=";", index=False, encoding=info.get("encoding", "utf-8"))
    return folder


def test_planted_personal_data_never_reaches_the_store(tmp_path):
    folder = _client_folder(tmp_path)
    path = tmp_path / "store.duckdb"
    assert (
        cli(["pool", "add", str(folder / "client.toml"), "--store", str(path), "--size", "mkb"])
        == 0
    )
    survey_ids = read_table(folder / "wave_2024.csv")[0]["respondent"].astype(str).tolist()
    data = path.read_bytes()
    planted = ["jan.jansen", "acme-klant", "06-12345678", "Texel", *survey_ids[:50]]
    for needle in planted:
        assert needle.encode() not in data, needle
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]
        assert set(tables) >= {"groups", "touchpoints", "pairs", "waves", "clients"}
        text = "\n".join(con.execute(f"SELECT * FROM {t}").df().to_csv() for t in tables)
        columns = {
            r[0]
            for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()
        }
    for needle in [*planted, *survey_ids]:
        assert needle not in text, needle
    assert not columns & {"respondent", "toelichting", "id", "row"}
    # No stored group below the floor.
    with Store(path, read_only=True) as store:
        for name in ("groups", "touchpoints", "pairs"):
            assert (store.table(name)["n"] >= 5).all()


def test_add_is_idempotent_and_remove_and_list_work(tmp_path, capsys):
    config = demo.client_config()
    path = tmp_path / "store.duckdb"
    assert cli(["pool", "add", str(config), "--store", str(path), "--size", "groot"]) == 0
    with Store(path, read_only=True) as store:
        first = {
            t: store.table(t).drop(columns="added_at", errors="ignore")
            for t in ("groups", "pairs", "waves")
        }
    assert cli(["pool", "add", str(config), "--store", str(path)]) == 0
    assert cli(["pool", "add", str(config), "--store", str(path), "--wave", "2023"]) == 0
    with Store(path, read_only=True) as store:
        listed = store.list()
        again = store.table("groups")
    assert listed[["client", "wave", "year", "size"]].values.tolist() == [
        ["demo", "2023", 2023, "groot"],
        ["demo", "2024", 2024, "groot"],
    ]
    pd.testing.assert_frame_equal(
        again[again["wave"] == "2024"].reset_index(drop=True), first["groups"], check_dtype=False
    )
    capsys.readouterr()
    assert cli(["pool", "list", "--store", str(path)]) == 0
    assert "1 clients, 2 waves" in capsys.readouterr().out
    assert cli(["pool", "remove", "demo", "--wave", "2023", "--store", str(path)]) == 0
    with Store(path) as store:
        assert store.list()["wave"].tolist() == ["2024"]
        with pytest.raises(StoreError, match="No client 'nobody'"):
            store.remove("nobody")
        assert store.remove("demo") == 1
        assert store.list().empty and store.table("groups").empty


def test_store_migrations(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.migrations()["version"].tolist() == list(range(1, SCHEMA_VERSION + 1))
    with Store(path) as store:  # reopening applies nothing twice
        assert len(store.migrations()) == SCHEMA_VERSION
        store.con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    with pytest.raises(StoreError, match="schema version 99"):
        Store(path)
    # A version-1 file is brought up to date.
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
        )
        for statement in pool.MIGRATIONS[0][2]:
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (1, 'initial', now())")
    with Store(old) as store:
        assert store.version == SCHEMA_VERSION
        assert "standard" in store.table("touchpoints").columns


# --------------------------------------------------------------------------- taxonomy


def test_pool_commands_use_the_store_the_run_reads(tmp_path, monkeypatch, capsys):
    """Without --store, `drivers pool add|list|remove` use $DRIVERS_STORE when it is set,
    the store `drivers run` reads; else benchmarks/store.duckdb of the current folder."""
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "shared" / "store.duckdb"
    elsewhere.parent.mkdir()
    monkeypatch.setenv(pool.STORE_ENV, str(elsewhere))
    assert cli(["pool", "add", str(demo.client_config())]) == 0
    assert elsewhere.is_file() and not (tmp_path / pool.DEFAULT_STORE).exists()
    assert pool.default_store() == elsewhere
    capsys.readouterr()
    assert cli(["pool", "list"]) == 0
    assert "1 clients, 1 waves" in capsys.readouterr().out
    assert cli(["pool", "remove", "demo"]) == 0
    with Store(elsewhere, read_only=True) as store:
        assert store.list().empty
    monkeypatch.delenv(pool.STORE_ENV)
    assert cli(["pool", "add", str(demo.client_config())]) == 0
    assert (tmp_path / pool.DEFAULT_STORE).is_file()


def test_taxonomy_maps_synonyms_and_client_mappings():
    got = standardise(["Levering & logistiek", "klachten", "Duurzaamheid", "service_desk"])
    assert got == {
        "Levering & logistiek": "levering",
        "klachten": "klachtafhandeling",
        "Duurzaamheid": None,
        "service_desk": "klantenservice",
    }
    own = standardise(["kc", "klachten"], {"kc": "klantenservice", "klachten": ""})
    assert own == {"kc": "klantenservice", "klachten": None}


def test_taxonomy_refuses_merges_and_unknown_names():
    with pytest.raises(SpecError, match="merges touchpoints of one client"):
        standardise(["levering", "logistiek"])
    with pytest.raises(SpecError, match="merges"):
        standardise(["kc", "klantenservice"], {"kc": "klantenservice"})
    with pytest.raises(SpecError, match="Did you mean 'klantenservice'"):
        standardise(["kc"], {"kc": "klantenservise"})
    with pytest.raises(SpecError, match="not a touchpoint of the survey"):
        standardise(["kc"], {"other": "klantenservice"})


def test_client_taxonomy_is_read_from_the_raw_spec(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(demo.demo_dir(), folder)
    spec = folder / "survey.toml"
    text = spec.read_text(encoding="utf-8")
    head, _, rest = text.partition("[[touchpoints]]")
    spec.write_text(
        head
        + 'taxonomy = { webshop = "", prijs_kwaliteit = "prijs_kwaliteit" }\n\n[[touchpoints]]'
        + rest,
        encoding="utf-8",
    )

    class Config:  # client_taxonomy needs only the client.toml path
        path = folder / "client.toml"

    assert pool.client_taxonomy(Config()) == {"webshop": "", "prijs_kwaliteit": "prijs_kwaliteit"}


# --------------------------------------------------------------------------- norms


def test_norms_tables_bases_and_suppression(tmp_path, rows, stats):
    with Store(tmp_path / "s.duckdb") as store:
        _store_all(store, stats, rows)
    norms = pool.norms(tmp_path / "s.duckdb")
    assert isinstance(norms, Norms)
    nps = norms.nps.set_index("sector")
    assert nps.loc["all", "n_clients"] == 24 and nps.loc["all", "n"] == 24 * 150
    latest = rows[rows["wave"] == "2021"]
    assert nps.loc["all", "nps"] == pytest.approx(
        nps_of(latest["nps"], latest["weight"]).nps, abs=1e-9
    )
    assert nps.loc["all", "ci_low"] < nps.loc["all", "nps"] < nps.loc["all", "ci_high"]
    assert nps.loc["all", ["promoters", "passives", "detractors"]].sum() == pytest.approx(1.0)
    per_client = latest.groupby("client").apply(
        lambda d: nps_of(d["nps"], d["weight"]).nps, include_groups=False
    )
    assert nps.loc["all", "client_mean"] == pytest.approx(per_client.mean(), abs=1e-9)
    grades = norms.grades[norms.grades["sector"] == "all"].set_index("touchpoint")
    x = latest["levering"].notna()
    want = np.average(latest.loc[x, "levering"], weights=latest.loc[x, "weight"])
    assert grades.loc["levering", "mean"] == pytest.approx(want, abs=1e-9)
    # Top performers: the top quarter of 24 clients = 6 (>= 5, shown); per sector 2 (suppressed).
    top = norms.top_performers
    row = top[
        (top["sector"] == "all") & (top["measure"] == "nps") & (top["origin"] == "store")
    ].iloc[0]
    assert row["n_clients"] == 6 and not row["suppressed"]
    assert row["value"] == pytest.approx(per_client.sort_values().iloc[-6:].mean(), abs=1e-9)
    sector_top = top[(top["sector"] == "ict") & (top["origin"] == "store")]
    assert sector_top["suppressed"].all() and sector_top["value"].isna().all()
    best = norms.best_in_class.set_index(["sector", "touchpoint"])
    assert best.loc[("all", "levering"), "value"] > grades.loc["levering", "client_mean"]
    for table in (
        norms.nps,
        norms.grades,
        norms.top_performers,
        norms.best_in_class,
        norms.importance,
    ):
        assert {"n_clients", "sector"} <= set(table.columns)


def test_fewer_than_five_clients_fall_back_to_published_figures(tmp_path):
    rows = synthetic_respondents(n_clients=4, n_waves=1, n_per_wave=100, sectors=("ict",))
    stats = aggregate(rows, touchpoints=TOUCHPOINTS)
    with Store(tmp_path / "s.duckdb") as store:
        store.add(stats, sector="ict", year=2024)
    norms = pool.norms(tmp_path / "s.duckdb", sector="ict", year=2024)
    nps = norms.nps
    store_rows = nps[nps["origin"] == "store"]
    assert store_rows["suppressed"].all() and store_rows["nps"].isna().all()
    assert (store_rows["n_clients"] == 4).all()
    published = nps[nps["origin"] == "published"].set_index("sector")
    assert published.loc["ict", "nps"] == 6.0 and published.loc["all", "nps"] == 17.0
    assert "Integron" in published.loc["ict", "source"]
    best = norms.best_in_class
    assert best.loc[best["origin"] == "published", "value"].tolist() == [8.0]
    assert norms.importance.empty
    # No store at all: the published figures alone.
    only = pool.norms(tmp_path / "missing.duckdb", sector="groothandel")
    shown = only.nps[only.nps["origin"] == "published"].set_index("sector")
    assert shown.loc["groothandel", "nps"] == 29.0
    assert (only.nps.loc[only.nps["origin"] == "store", "n_clients"] == 0).all()


def test_year_picks_the_waves_of_that_year(tmp_path, rows, stats):
    with Store(tmp_path / "s.duckdb") as store:
        _store_all(store, stats, rows)
        early = store.norms(year=2020)
    first = rows[rows["wave"] == "2020"]
    got = early.nps.set_index("sector").loc["all", "nps"]
    assert got == pytest.approx(nps_of(first["nps"], first["weight"]).nps, abs=1e-9)


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory):
    """The demo client analysed without a benchmark store."""
    import drivers as dr

    missing = tmp_path_factory.mktemp("no_store") / "store.duckdb"
    with _store_at(missing), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dr.analyse(demo.client_config(), None, bootstrap=20, progress=False)


def test_client_against_norm_and_deck_section(tmp_path, rows, stats, demo_results):
    from drivers.present.benchmark_slides import add_benchmark_section
    from drivers.present.deck import Deck

    with Store(tmp_path / "s.duckdb") as store:
        _store_all(store, stats, rows)
    norms = pool.norms(tmp_path / "s.duckdb", sector="groothandel")
    vs = compare_to_norm(demo_results, norms)
    assert vs.sector == "groothandel"
    row = vs.nps.iloc[0]
    assert row["difference"] == pytest.approx(row["nps"] - row["norm"])
    grades = vs.grades.set_index("touchpoint")
    assert grades.loc["levering", "standard"] == "levering"
    assert grades.loc["levering", "scope"] == "groothandel"
    assert pd.isna(grades.loc["webshop", "norm"])  # no pooled client has a web shop
    assert grades["best_in_class"].notna().sum() >= 5
    assert vs.importance["share"].notna().all()
    for lang in ("nl", "en"):
        deck = Deck(lang=lang)
        add_benchmark_section(deck, demo_results, norms, lang=lang)
        assert len(deck) >= 4
        deck.save(tmp_path / f"bench_{lang}.pptx")


def test_locale_catalogs_have_the_same_keys():
    import tomllib

    from drivers.present._format import LOCALES_DIR

    nl = tomllib.loads((LOCALES_DIR / "nl" / "pool.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((LOCALES_DIR / "en" / "pool.toml").read_text(encoding="utf-8"))
    assert set(nl) == set(en) and nl


def test_benchmark_notebook_runs(tmp_path, rows, stats):
    import json

    papermill = pytest.importorskip("papermill")
    from drivers.present._format import LOCALES_DIR

    notebook = LOCALES_DIR.parent.parent / "notebooks" / "06_benchmark.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert "parameters" in cells[1]["metadata"]["tags"]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
    with Store(tmp_path / "s.duckdb") as store:
        _store_all(store, stats, rows)
    papermill.execute_notebook(
        str(notebook),
        str(tmp_path / "out.ipynb"),
        parameters={
            "bootstrap": 20,
            "progress": False,
            "store": str(tmp_path / "s.duckdb"),
            "shrink_below": 100_000,  # the demo's 800: show the optional table all the same
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    executed = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "eigen benchmark van 24 klanten" in executed
    assert "Gewicht naar de norm" in executed and "Aandeel na krimp" in executed


def test_the_shrinkage_table_shows_the_weight_or_says_it_is_not_needed():
    from drivers.present.benchmark_slides import shrinkage_not_needed, shrinkage_table
    from drivers.stats.pool import shrunk_importance

    rng = np.random.default_rng(3)
    names = _SHRINK_NAMES[:3]
    frame = _wave(rng, _SHRINK_BASE[np.ix_([0, 1, 2, 4], [0, 1, 2, 4])], 80, [*names[:2], "x"])
    norms = _norms_with_prior(_SHRINK_BASE, np.full((5, 5), 0.002), _SHRINK_NAMES)
    table = shrunk_importance(frame, norms, outcome="ltr", drivers=[*names[:2], "x"])
    shown = shrinkage_table(table, lang="en").set_index("Touchpoint")
    assert list(shown.columns) == [
        "Respondents", "Own share", "Shrunk share", "Weight toward the norm", "Note",
    ]  # fmt: skip
    weight = table.set_index("touchpoint")["weight"]
    assert shown.loc["levering", "Weight toward the norm"] == f"{100 * weight['levering']:.0f}%"
    assert shown.loc["x", "Weight toward the norm"] == "0%"
    assert shown.loc["x", "Note"] == "client-only touchpoint: own importance"
    nl = shrinkage_table(table, lang="nl")
    assert "contactmoment alleen van deze klant: eigen belang" in nl["Opmerking"].tolist()
    assert shrinkage_not_needed(800, 150, lang="nl").startswith("Met 800 respondenten")
    assert "not needed" in shrinkage_not_needed(1200, 150, lang="en")


def test_shrinkage_of_a_small_wave_toward_the_norm_pays_off():
    """Simulation: clients whose true correlations scatter a little around a norm; a new
    client's wave of n <= 150. Shapley on the shrunk matrix is closer to the client's
    true Shapley values than Shapley on its own noisy matrix."""
    from drivers.stats.pool import correlation_prior, shrink_corr

    rng = np.random.default_rng(7)
    names = ["levering", "facturatie", "klantenservice", "productkwaliteit"]
    base = np.array(
        [
            [1.0, 0.45, 0.5, 0.4, 0.55],
            [0.45, 1.0, 0.4, 0.35, 0.4],
            [0.5, 0.4, 1.0, 0.45, 0.6],
            [0.4, 0.35, 0.45, 1.0, 0.5],
            [0.55, 0.4, 0.6, 0.5, 1.0],
        ]
    )

    def client_truth() -> np.ndarray:
        noise = rng.normal(0, 0.04, base.shape)
        corr = base + (noise + noise.T) / 2
        np.fill_diagonal(corr, 1.0)
        return corr

    frames = []
    for k in range(30):
        x = rng.multivariate_normal(np.zeros(5), client_truth(), size=3000)
        # A continuous outcome ("ltr") keeps the true correlations exact; nps is a dummy.
        frame = pd.DataFrame(x, columns=[*names, "ltr"]).assign(nps=7, client=f"c{k}", wave="1")
        frames.append(frame)
    stats = aggregate(pd.concat(frames), touchpoints=[*names, "ltr"])
    mean, tau2 = correlation_prior(stats.pairs, [*names, "ltr"])
    assert 0 < tau2[np.triu_indices(5, 1)].mean() < 0.01
    for n in (60, 150):
        raw_error, shrunk_error = [], []
        for _ in range(100):
            truth = client_truth()
            want, _ = shapley_from_corr(truth)
            sample = rng.multivariate_normal(np.zeros(5), truth, size=n)
            corr = np.corrcoef(sample, rowvar=False)
            raw, _ = shapley_from_corr(corr)
            shrunk, _ = shapley_from_corr(shrink_corr(corr, n, mean, tau2))
            raw_error.append(((raw - want) ** 2).sum())
            shrunk_error.append(((shrunk - want) ** 2).sum())
        assert np.mean(shrunk_error) < 0.6 * np.mean(raw_error), n
    # A large wave keeps (nearly) its own correlations.
    corr = np.corrcoef(
        rng.multivariate_normal(np.zeros(5), client_truth(), size=100_000), rowvar=False
    )
    assert np.abs(shrink_corr(corr, 100_000, mean, tau2) - corr).max() < 0.01


_SHRINK_NAMES = ["levering", "facturatie", "klantenservice", "productkwaliteit"]
_SHRINK_BASE = np.array(
    [
        [1.0, 0.45, 0.5, 0.4, 0.55],
        [0.45, 1.0, 0.4, 0.35, 0.4],
        [0.5, 0.4, 1.0, 0.45, 0.6],
        [0.4, 0.35, 0.45, 1.0, 0.5],
        [0.55, 0.4, 0.6, 0.5, 1.0],
    ]
)


def _norms_with_prior(mean: np.ndarray, tau2: np.ndarray, names: list[str]) -> Norms:
    """Norms that hold only a shrinkage prior over ``names`` and the NPS (last)."""
    variables = [*names, NPS]
    i, j = np.triu_indices(len(variables), 1)
    prior = pd.DataFrame(
        {
            "sector": "all",
            "a": [variables[k] for k in i],
            "b": [variables[k] for k in j],
            "r": mean[i, j],
            "tau2": tau2[i, j],
            "n_clients": 30,
            "n": 90_000,
        }
    )
    empty = pd.DataFrame(columns=["sector", "touchpoint", "n_clients", "suppressed"])
    return Norms(
        nps=empty, grades=empty, top_performers=empty, best_in_class=empty,
        importance=empty, correlations=prior,
    )  # fmt: skip


def _wave(rng, corr: np.ndarray, n: int, names: list[str]) -> pd.DataFrame:
    sample = rng.multivariate_normal(np.zeros(len(corr)), corr, size=n)
    return pd.DataFrame(sample, columns=[*names, "ltr"])


def test_shrunk_importance_by_hand():
    """tau2 = 0 gives the norm's Shapley shares; a huge wave keeps its own; a client-only
    touchpoint keeps its own correlations with weight 0 and says so."""
    from drivers.stats.pool import shrunk_importance

    rng = np.random.default_rng(11)
    names = _SHRINK_NAMES
    truth = _SHRINK_BASE.copy()
    truth[-1, 0] = truth[0, -1] = 0.3  # this client: delivery matters less than in the norm
    norm_parts, norm_r2 = shapley_from_corr(_SHRINK_BASE)
    options = {"outcome": "ltr", "drivers": names}

    no_spread = _norms_with_prior(_SHRINK_BASE, np.zeros((5, 5)), names)
    table = shrunk_importance(_wave(rng, truth, 120, names), no_spread, **options)
    table = table.set_index("touchpoint").loc[names]
    np.testing.assert_allclose(table["shrunk_share"], norm_parts / norm_r2, atol=1e-12)
    np.testing.assert_allclose(table["weight"], 1.0)
    np.testing.assert_allclose(table["r_shrunk"], _SHRINK_BASE[-1, :-1], atol=1e-12)
    assert (table["scope"] == "all").all() and (table["note"] == "").all()
    assert (table["n"] == 120).all()

    spread = _norms_with_prior(_SHRINK_BASE, np.full((5, 5), 0.01), names)
    huge = _wave(rng, truth, 200_000, names)
    table = shrunk_importance(huge, spread, **options).set_index("touchpoint").loc[names]
    own = key_drivers(huge, outcome="ltr", drivers=names, missing="pairwise").table
    own = own.set_index("driver").loc[names, "share"]
    np.testing.assert_allclose(table["own_share"], own, atol=1e-10)
    assert (table["weight"] < 0.001).all()
    np.testing.assert_allclose(table["shrunk_share"], table["own_share"], atol=1e-3)
    assert table["shrunk_share"].sum() == pytest.approx(1.0)

    # A touchpoint without a standard name (duurzaamheid) and weights.
    extra = _SHRINK_BASE.copy()
    frame = _wave(rng, extra, 100, names).rename(columns={"productkwaliteit": "duurzaamheid"})
    frame["weight"] = rng.uniform(0.5, 2.0, len(frame))
    table = shrunk_importance(
        frame,
        spread,
        outcome="ltr",
        drivers=[*names[:3], "duurzaamheid"],
        weights="weight",
    ).set_index("touchpoint")
    row = table.loc["duurzaamheid"]
    assert pd.isna(row["standard"]) and row["weight"] == 0
    assert row["note"] == "no standard touchpoint: own importance"
    assert row["r_shrunk"] == pytest.approx(row["r_own"])
    assert (table.loc[names[:3], "weight"] > 0.2).all()
    w = frame["weight"]
    assert table["n_eff"].iloc[0] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    with pytest.raises(ParameterError, match="needs Norms"):
        shrunk_importance(frame, {}, outcome="ltr", drivers=names[:3])


def test_shrunk_importance_lowers_the_error_of_small_waves():
    """The simulation of the test above, through the public function: a new client's true
    Shapley shares against its own and its shrunk shares, 100 waves of n = 60 and 150."""
    from drivers.stats.pool import correlation_prior, shrunk_importance

    rng = np.random.default_rng(7)
    names = _SHRINK_NAMES

    def client_truth() -> np.ndarray:
        noise = rng.normal(0, 0.04, (5, 5))
        corr = _SHRINK_BASE + (noise + noise.T) / 2
        np.fill_diagonal(corr, 1.0)
        return corr

    frames = [
        _wave(rng, client_truth(), 3000, names).assign(client=f"c{k}", wave="1", nps=7)
        for k in range(30)
    ]
    stats = aggregate(pd.concat(frames), touchpoints=[*names, "ltr"])
    mean, tau2 = correlation_prior(stats.pairs, [*names, "ltr"])
    norms = _norms_with_prior(mean, tau2, names)
    for n in (60, 150):
        own_error, shrunk_error = [], []
        for _ in range(100):
            truth = client_truth()
            parts, r2 = shapley_from_corr(truth)
            table = shrunk_importance(
                _wave(rng, truth, n, names), norms, outcome="ltr", drivers=names
            ).set_index("touchpoint").loc[names]  # fmt: skip
            own_error.append(((table["own_share"] - parts / r2) ** 2).sum())
            shrunk_error.append(((table["shrunk_share"] - parts / r2) ** 2).sum())
        assert (table["weight"] > 0).all()
        assert np.mean(shrunk_error) < 0.6 * np.mean(own_error), n


def test_the_store_floor_is_never_below_five(tmp_path):
    frame = pd.DataFrame(
        {"client": "c", "wave": "2024", "region": ["a"] * 3 + ["b"] * 30, "nps": [9.0] * 33}
    )
    stats = aggregate(frame, segments=["region"], privacy_floor=1)
    assert "a" in set(stats.groups["segment_value"])
    with Store(tmp_path / "s.duckdb") as store:
        store.add(stats, sector="ict", year=2024, privacy_floor=1)
        assert "a" not in set(store.table("groups")["segment_value"])
        assert (store.table("groups")["n"] >= 5).all()


# --------------------------------------------------------------------------- the deck


@contextlib.contextmanager
def _store_at(path: Path):
    """``$DRIVERS_STORE`` pointing at ``path`` (missing or not) for the analysis."""
    before = os.environ.get(pool.STORE_ENV)
    os.environ[pool.STORE_ENV] = str(path)
    try:
        yield path
    finally:
        if before is None:
            os.environ.pop(pool.STORE_ENV, None)
        else:
            os.environ[pool.STORE_ENV] = before


def _slides(path: Path) -> list[tuple[str, str]]:
    """(title, every other text on the slide, table cells included) per slide."""
    from pptx import Presentation

    out = []
    for slide in Presentation(path).slides:
        title = slide.shapes.title.text if slide.shapes.title else ""
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
        out.append((title, "\n".join(texts)))
    return out


@pytest.fixture(scope="module")
def benchmark_run(tmp_path_factory):
    """The demo client (groothandel) analysed with a store of 10 fictional clients:
    5 wholesalers and 5 in industry, 60 respondents each."""
    import drivers as dr

    folder = tmp_path_factory.mktemp("benchmark_deck")
    rows = synthetic_respondents(
        n_clients=10, n_waves=1, n_per_wave=60, seed=5, sectors=("groothandel", "industrie")
    )
    with Store(folder / "store.duckdb") as store:
        store.add(
            aggregate(rows, touchpoints=TOUCHPOINTS),
            sector=dict(zip(rows["client"], rows["sector"], strict=True)),
            year=2024,
        )
    with _store_at(folder / "store.duckdb"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = dr.analyse(demo.client_config(), None, bootstrap=20, progress=False)
    return results, rows, folder


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_deck_has_the_benchmark_section_when_a_store_exists(benchmark_run, lang):

    from drivers.present._format import fmt, sector_name, text
    from drivers.workflow.report import write_deck

    results, rows, folder = benchmark_run
    assert isinstance(results.benchmarks["norms"], Norms)
    results = results.in_language(lang)
    write_deck(results, folder / lang)
    slides = _slides(folder / lang / "demo_2024.pptx")
    titles = [t for t, _ in slides]
    first = titles.index(text("pool_section_title", lang, client="Van Dijk Groothandel"))
    assert titles[first : first + 5] == [
        text("pool_section_title", lang, client="Van Dijk Groothandel"),
        text("pool_nps_title", lang),
        text("pool_grades_title_norm_only", lang),  # best in class suppressed: not promised
        text("pool_importance_title", lang),
        text("pool_bases_title", lang),
    ]
    assert titles[first + 5] == text("methods_title", lang)  # the methods slide closes
    # The numbers, recomputed here from the respondents that went into the store.
    sector = rows[rows["sector"] == "groothandel"]
    norm = nps_of(sector["nps"], sector["weight"]).nps
    body = slides[first][1]
    assert f"{fmt(results.nps.nps, kind='nps', lang=lang)} (95%" in body
    named = sector_name("groothandel", lang)  # "wholesale" in English
    assert f"{text('pool_norm', lang, scope=named)}: {fmt(norm, kind='nps', lang=lang)} (" in body
    assert "5 " + ("klanten" if lang == "nl" else "clients") + ", 300 " in body
    grades = slides[first + 2][1]
    x = sector["levering"].notna()
    delivery = np.average(sector.loc[x, "levering"], weights=sector.loc[x, "weight"])
    assert fmt(delivery, kind="grade", lang=lang) in grades.split("\n")
    assert text("pool_best_in_class", lang) not in grades  # 5 clients: top quarter suppressed
    everything = "\n".join(f"{t}\n{b}" for t, b in slides)
    assert not any(c in everything for c in rows["client"].unique())  # no client named
    bases = slides[first + 4][1].split("\n")
    assert {"5", "300", "10", "600"} <= set(bases)


def test_results_with_norms_save_and_load(benchmark_run, tmp_path):
    import drivers as dr

    results, _, _ = benchmark_run
    again = dr.load_results(results.save(tmp_path / "results"))
    assert again == results
    assert again.benchmarks["norms"].nps.equals(results.benchmarks["norms"].nps)


def test_no_store_no_benchmark_slides(demo_results, tmp_path):
    from drivers.present._format import text
    from drivers.workflow.report import write_deck

    assert demo_results.benchmarks["norms"] is None
    write_deck(demo_results, tmp_path)
    titles = [t for t, _ in _slides(tmp_path / "demo_2024.pptx")]
    assert not [t for t in titles if t.startswith("Benchmark")]
    assert text("pool_bases_title", "nl") not in titles and titles[-1] == text(
        "methods_title", "nl"
    )


def test_the_all_sectors_norm_never_gives_away_a_few_other_clients(benchmark_run, tmp_path):
    """6 wholesalers and 2 others: "all" minus the wholesale norm would be the 2 others."""
    from drivers.present.benchmark_slides import add_benchmark_section
    from drivers.present.deck import Deck

    results, _, _ = benchmark_run
    rows = synthetic_respondents(
        n_clients=8, n_waves=1, n_per_wave=60, seed=8, sectors=("groothandel",) * 3 + ("ict",)
    )
    with Store(tmp_path / "s.duckdb") as store:
        store.add(
            aggregate(rows, touchpoints=TOUCHPOINTS),
            sector=dict(zip(rows["client"], rows["sector"], strict=True)),
            year=2024,
        )
    norms = pool.norms(tmp_path / "s.duckdb", sector="groothandel")
    nps = norms.nps.set_index(["sector", "origin"])
    assert nps.loc[("groothandel", "store"), "n_clients"] == 6
    assert not nps.loc[("groothandel", "store"), "suppressed"]
    assert nps.loc[("all", "store"), "suppressed"] and np.isnan(nps.loc[("all", "store"), "nps"])
    assert nps.loc[("all", "published"), "nps"] == 17.0  # the published B2B figure instead
    grades = norms.grades[norms.grades["origin"] == "store"].set_index(["sector", "touchpoint"])
    assert grades.loc[("all", "levering"), "suppressed"]
    assert (norms.importance["sector"] != "all").all()
    assert len(norms.correlations) and (norms.correlations["sector"] != "all").all()
    # Without the wholesale norm beside it, the all-clients norm is fine.
    whole = pool.norms(tmp_path / "s.duckdb").nps.set_index(["sector", "origin"])
    assert not whole.loc[("all", "store"), "suppressed"]
    pooled = nps_of(rows["nps"], rows["weight"]).nps
    assert whole.loc[("all", "store"), "nps"] == pytest.approx(pooled, abs=1e-9)
    deck = Deck(lang="nl")
    add_benchmark_section(deck, results, norms, lang="nl")
    deck.save(tmp_path / "deck.pptx")
    shown = "\n".join(f"{t}\n{b}" for t, b in _slides(tmp_path / "deck.pptx"))
    from drivers.present._format import fmt

    assert f"alle sectoren: {fmt(pooled, kind='nps', lang='nl')} (" not in shown
    assert "Benchmark B2B, gepubliceerd" in shown and "+17" in shown


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_own_norm_and_the_published_figure_are_named_apart(benchmark_run, lang, tmp_path):
    # Both "wholesale": the store's norm of 5 clients on the benchmark slides and the
    # published +29 (001_35284863b44b2303.txt) on the NPS chart. Both read "Norm" /
    # "Benchmark groothandel" before; now each names where it comes from.

    import matplotlib.pyplot as plt

    from drivers.present._format import nps_benchmark_label, sector_name, text
    from drivers.present.benchmark_slides import bases_table, plot_sector_nps

    results, rows, _ = benchmark_run
    norms = results.benchmarks["norms"]
    ax = plot_sector_nps(results, norms, lang=lang)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    values = [t.get_text() for t in ax.texts]
    plt.close(ax.figure)
    own = text("pool_norm", lang, scope=sector_name("groothandel", lang))
    published = nps_benchmark_label("groothandel", lang)
    assert own in labels and published not in labels  # the store's norm, no fallback
    sector = rows[rows["sector"] == "groothandel"]
    assert fmt_nps(nps_of(sector["nps"], sector["weight"]).nps, lang) in values
    assert own == ("Eigen norm groothandel" if lang == "nl" else "Own norm wholesale")
    assert published == (
        "Benchmark groothandel, gepubliceerd" if lang == "nl" else "Benchmark wholesale, published"
    )
    assert own in set(bases_table(norms, "groothandel", lang=lang)["norm"])
    # The report's NPS line carries the published name (the analysis language is Dutch).
    assert tuple(results.benchmarks["nps"]) == (nps_benchmark_label("groothandel", "nl"), 29.0)
    # Dutch results rendered in English name it in English (it stayed Dutch).
    from drivers.workflow.report import findings

    shown = results.in_language(lang)
    assert shown.nps_benchmark() == (published, 29.0)
    assert published in findings(shown)
    assert ("gepubliceerd" in findings(shown)) == (lang == "nl")
    # Without a store norm for the sector, the published figure stands in under its name.
    fallback = pool.norms(tmp_path / "no store.duckdb", sector="groothandel")
    ax = plot_sector_nps(results, fallback, lang=lang)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(ax.figure)
    assert published in labels and nps_benchmark_label(None, lang) in labels


def fmt_nps(value: float, lang: str) -> str:
    from drivers.present._format import fmt

    return fmt(value, kind="nps", lang=lang)
