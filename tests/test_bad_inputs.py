"""The bad-input catalogue of tests/data/bad/: every case gets its expected, clear answer.

The files and ``expected.toml`` are written by ``tools/make_bad_inputs.py``; a test
checks that regenerating them gives the same bytes.
"""

import importlib.util
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import drivers as dr
from drivers import errors

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "data" / "bad"
SPEC = dr.SurveySpec.from_toml(FOLDER / "survey.toml")
ALL_CASES = tomllib.loads((FOLDER / "expected.toml").read_text(encoding="utf-8"))["case"]
CASES = [c for c in ALL_CASES if not c.get("config")]
CONFIGS = [c for c in ALL_CASES if c.get("config")]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_bad_inputs", ROOT / "tools" / "make_bad_inputs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec(item):
    changes = dict(item.get("spec", {}))
    if "value_labels" in changes:
        changes["value_labels"] = {
            c: {k: float(v) for k, v in m.items()} for c, m in changes["value_labels"].items()
        }
    return SPEC.replace(**changes) if changes else SPEC


def test_catalogue_is_large_enough():
    assert len(ALL_CASES) >= 70
    categories = _generator().CATEGORIES
    assert {c["category"] for c in ALL_CASES} == set(categories)  # each category has cases
    assert len({c["name"] for c in ALL_CASES}) == len(ALL_CASES)
    for item in ALL_CASES:
        assert (FOLDER / item["file"]).exists(), item["file"]


def test_regenerating_gives_the_same_files(tmp_path):
    written = _generator().write_cases(tmp_path)
    committed = sorted(p.name for p in FOLDER.iterdir())
    assert sorted(p.name for p in written) == committed
    for path in written:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), path.name


@pytest.mark.parametrize("item", [c for c in CASES if "error" in c], ids=lambda c: c["file"])
def test_bad_file_raises_clear_error(item):
    kind = getattr(errors, item["error"])
    with pytest.raises(errors.DriversError) as caught:
        dr.load_survey(FOLDER / item["file"], _spec(item), **item.get("load", {}))
    assert isinstance(caught.value, kind), f"{type(caught.value).__name__}: {caught.value}"
    message = str(caught.value)
    for fragment in item["match"]:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize("item", [c for c in CASES if "error" not in c], ids=lambda c: c["file"])
def test_file_loads_with_exact_accounting(item):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # loading warns only with a fix to give
        survey = dr.load_survey(FOLDER / item["file"], _spec(item), **item.get("load", {}))
    messages = [str(w.message) for w in caught]
    assert all(issubclass(w.category, errors.DataQualityWarning) for w in caught), messages
    if "warns" in item:
        assert len(messages) == 1, messages
        for fragment in item["warns"]:
            assert fragment in messages[0], f"{fragment!r} not in {messages[0]!r}"
    else:
        assert not messages, messages
    quality = survey.quality
    cells = {}
    for rec in quality.cells_by_kind.itertuples(index=False):
        cells.setdefault(rec.column, {})[rec.kind] = rec.n
    assert cells == item.get("cells", {})
    assert quality.cells_excluded == sum(n for kinds in cells.values() for n in kinds.values())
    assert list(quality.absent) == item.get("absent", [])
    assert list(quality.rescaled) == item.get("rescaled", [])
    assert quality.na_code_hint == item.get("na_code_hint")
    if "first_row" in item:
        assert survey.data.index[0] == item["first_row"]
    assert quality.rows_read == item["rows_read"]
    assert quality.rows_used == item["rows_used"] == survey.n
    assert quality.rows_read == quality.rows_used + quality.rows_excluded
    reasons = quality.excluded.value_counts().to_dict()
    assert reasons == item["reasons"]
    if not quality.table.empty:
        assert quality.table.set_index("reason")["n"].to_dict() == item["reasons"]
        assert str(FOLDER / item["file"]) in quality.summary()
    for column, values in item.get("values", {}).items():
        got = survey.data[column].tolist()
        if isinstance(values[0], float):
            np.testing.assert_allclose(got, values, rtol=1e-12)
        else:
            assert got == values
    for column, count in item.get("not_applicable", {}).items():
        assert quality.not_applicable[column] == count
    for wave, size in item.get("wave_sizes", {}).items():
        assert survey.wave(wave).n == size
    if "blank_rows" in item:
        _, info = dr.read_table(FOLDER / item["file"])
        assert info["blank_rows"] == item["blank_rows"]


def test_excluded_rows_are_named_by_file_row():
    survey = dr.load_survey(FOLDER / "nps_out_of_range.csv", SPEC)
    # rows 2, 3 and 4 of the file hold 11, -1 and 7.5
    assert sorted(survey.quality.excluded.index) == [2, 3, 4]
    assert list(survey.data.index) == [5, 6, 7]


def test_header_row_is_checked():
    with pytest.raises(errors.ParameterError, match="header_row"):
        dr.load_survey(FOLDER / "grade_zero.csv", SPEC, header_row=0)
    with pytest.raises(errors.ParameterError, match="CSV and Excel files only"):
        dr.load_survey(FOLDER / "sav_string_numbers.sav", SPEC, header_row=2)
    with pytest.raises(errors.EmptyFileError, match="no data rows"):
        dr.load_survey(FOLDER / "header_only.csv", SPEC, header_row=1)
    with pytest.raises(errors.EmptyFileError, match="row 9 cannot be the header"):
        dr.load_survey(FOLDER / "grade_zero.csv", SPEC, header_row=9)


def test_oversized_field_is_a_format_error(tmp_path):
    # an unbalanced quote swallows the rest of the file into one field
    path = tmp_path / "open_quote.csv"
    text = (FOLDER / "grade_zero.csv").read_text() + 'r07;9;8;7;8;"Noord' + "x" * 140_000 + "\n"
    path.write_text(text)
    with pytest.raises(errors.FileFormatError, match=r"open_quote\.csv cannot be read as CSV"):
        dr.load_survey(path, SPEC)


@pytest.mark.parametrize("item", [c for c in CASES if "error" not in c], ids=lambda c: c["file"])
def test_analyses_on_loaded_cases_answer_clearly(item):
    """nps and key_drivers succeed or raise a DriversError (small waves, collinear, ...)."""
    from drivers.stats.importance import key_drivers
    from drivers.stats.nps import nps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey = dr.load_survey(FOLDER / item["file"], _spec(item), **item.get("load", {}))
        parts = [survey] + [survey.wave(w) for w in item.get("wave_sizes", {})]
        for part in parts:
            nps(part.nps_scores, part.weights)
            for method in ("shapley", "logit"):
                try:
                    key_drivers(
                        part,
                        method=method,
                        missing="pairwise" if method == "shapley" else "listwise",
                        progress=False,
                    )
                except errors.DriversError:
                    pass


@pytest.mark.parametrize("item", CONFIGS, ids=lambda c: c["file"])
def test_config_file_is_checked_when_it_loads(item):
    path = FOLDER / item["file"]
    read = dr.SurveySpec.from_toml if path.name.startswith("survey") else dr.load_client
    if "error" in item:
        with pytest.raises(getattr(errors, item["error"])) as caught:
            read(path)
        for fragment in item["match"]:
            assert fragment in str(caught.value), f"{fragment!r} not in {caught.value}"
        return
    config = read(path)
    assert config.name == item["slug"]
    assert config.display_name == item["display"]
    if "wave_na_codes" in item:
        assert list(config.waves[0].na_codes) == item["wave_na_codes"]
    if "wave_slugs" in item:
        assert [w.slug for w in config.waves] == item["wave_slugs"]


@pytest.mark.parametrize("item", [c for c in CASES if "planted" in c], ids=lambda c: c["name"])
def test_planted_personal_data_stays_out_of_what_leaves_the_package(item):
    """Typed into a cell or used as an id: the accounting that reaches notebooks, tables and
    the deck (Results.quality) names reason, column and count, never the text."""
    from drivers.workflow.analyse import _aggregate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey = dr.load_survey(FOLDER / item["file"], _spec(item), **item.get("load", {}))
    raw = FOLDER.joinpath(item["file"]).read_text(encoding="utf-8")
    assert all(secret in raw for secret in item["planted"])
    shown = _aggregate(survey.quality)
    text = "\n".join(
        [shown.table.to_csv(), shown.cells.to_csv(), shown.cells_by_kind.to_csv(), shown.source]
    )
    assert "found" not in shown.table and "rows" not in shown.table
    for secret in item["planted"]:
        assert secret not in text, secret


def test_attack_catalogue_doc_is_up_to_date():
    """docs/attack_catalogue.md is what `python tools/attack_catalogue.py` writes today."""
    spec = importlib.util.spec_from_file_location(
        "attack_catalogue", ROOT / "tools" / "attack_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert "WRONG" not in text
    assert (ROOT / "docs" / "attack_catalogue.md").read_text(encoding="utf-8") == text, (
        "docs/attack_catalogue.md is out of date: run python tools/attack_catalogue.py"
    )


@pytest.mark.parametrize(
    "item",
    [c for c in CASES if "error" not in c and c["file"].endswith((".csv", ".txt"))],
    ids=lambda c: c["name"],
)
def test_fast_csv_reader_equals_the_exact_reader(item, monkeypatch):
    """pyarrow's vectorised path gives the same survey as the row-by-row csv module."""
    from drivers.load import io as load_io

    def load():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dr.load_survey(FOLDER / item["file"], _spec(item), **item.get("load", {}))

    fast = load()
    monkeypatch.setattr(load_io, "_read_csv_arrow", lambda *a, **k: (None, []))
    exact = load()
    pd.testing.assert_frame_equal(fast.data, exact.data, check_dtype=False)
    assert fast.quality.summary() == exact.quality.summary()
    pd.testing.assert_frame_equal(fast.quality.cells, exact.quality.cells)
