"""Fuzzing the loader and the first analyses with generated survey files.

Every generated file either loads with exact accounting (rows read = data rows
written = rows used + rows excluded) or raises a ``drivers.errors.DriversError``;
``nps`` and ``key_drivers`` on a loaded survey succeed or raise a ``DriversError``.
Never another exception type. ``make fuzz`` runs 10,000 examples (tests/conftest.py).
"""

import csv
import io
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import drivers as dr
from drivers.errors import DriversError
from drivers.load.quality import parse_numbers
from drivers.stats.importance import key_drivers
from drivers.stats.nps import nps

SEPARATORS = [";", ",", "\t", "|"]
NA_CODES = ["n.v.t.", "nvt", "N.V.T.", "weet niet", "99", "", " "]
JUNK = st.text(
    alphabet=st.sampled_from(list("abcxyzé ü0123456789.,;|\t\"'-+eE\n\u00a0")), max_size=8
) | st.sampled_from(["inf", "-Infinity", "NaN", "1e400", "1_000", "0x1A", "7,5,5", "½"])


def _number(value: float, mark: str) -> str:
    text = repr(round(value, 3)) if not float(value).is_integer() else str(int(value))
    return text.replace(".", mark)


@st.composite
def cells(draw, low: float, high: float, mark: str) -> str:
    kind = draw(st.sampled_from(["whole", "whole", "whole", "decimal", "wide", "na", "junk"]))
    if kind == "whole":
        return str(draw(st.integers(int(low), int(high))))
    if kind == "decimal":
        return _number(draw(st.floats(low, high, allow_nan=False)), mark)
    if kind == "wide":
        return _number(draw(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)), mark)
    if kind == "na":
        return draw(st.sampled_from(NA_CODES))
    return draw(JUNK)


@st.composite
def survey_files(draw):
    """A survey export as text, its spec and the number of non-blank data rows."""
    sep = draw(st.sampled_from(SEPARATORS))
    mark = draw(st.sampled_from([",", "."]))
    n_grades = draw(st.integers(1, 4))
    grades = [f"tp{i}" for i in range(1, n_grades + 1)]
    with_weight = draw(st.booleans())
    with_id = draw(st.booleans())
    header = (["respondent"] if with_id else []) + ["aanbeveling", *grades, "regio"]
    header += ["gewicht"] if with_weight else []
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        row = [f"r{draw(st.integers(1, 30))}"] if with_id else []
        row.append(draw(cells(0, 10, mark)))
        row += [draw(cells(1, 10, mark)) for _ in grades]
        row.append(draw(st.sampled_from(["Noord", "Zuid", "", "Zeeland"]) | JUNK))
        if with_weight:
            row.append(draw(cells(0, 3, mark)))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    spec = dr.SurveySpec(
        nps="aanbeveling",
        touchpoints=tuple(dr.Touchpoint(g) for g in grades),
        segments=("regio",),
        weight="gewicht" if with_weight else None,
        id="respondent" if with_id else None,
    )
    filled = sum(1 for row in rows if any(cell.strip() for cell in row))
    return buffer.getvalue(), spec, filled


def _analyse(survey: dr.Survey) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for run in (
            lambda: nps(survey.nps_scores, survey.weights),
            lambda: key_drivers(survey, missing="pairwise", progress=False),
        ):
            try:
                run()
                event("analysis: ok")
            except DriversError as err:
                event(f"analysis: {type(err).__name__}")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    survey_files(),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_fuzz_load_and_analyse_csv(tmp_path, generated, encoding):
    text, spec, filled = generated
    path = tmp_path / "fuzz.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    try:
        survey = dr.load_survey(path, spec)
    except DriversError as err:
        event(f"load: {type(err).__name__}")
        return
    event("load: ok")
    quality = survey.quality
    assert quality.rows_read == quality.rows_used + quality.rows_excluded
    assert quality.rows_read == filled
    assert quality.rows_used == survey.n
    assert int(quality.table["n"].sum()) == quality.rows_excluded
    assert survey.data[spec.nps].between(0, 10).all()
    assert np.isfinite(survey.grades.to_numpy(dtype=float)[~survey.grades.isna().to_numpy()]).all()
    if spec.weight:
        assert (survey.weights > 0).all() and np.isfinite(survey.weights).all()
    _analyse(survey)


@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(10**20), 10**20),
            st.none(),
        ),
        max_size=20,
    ),
    st.sampled_from([",", "."]),
)
def test_fuzz_parse_numbers(values, decimal):
    raw = pd.Series(values, dtype="object")
    nums, bad = parse_numbers(raw, decimal=decimal)
    assert len(nums) == len(bad) == len(raw)
    assert not np.isinf(nums).any()
    # every cell is a finite number, empty, or flagged as text: nothing disappears unseen
    empty = raw.map(
        lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
    )
    assert (nums.notna() | bad | empty).all()
