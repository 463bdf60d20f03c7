"""Hypothesis profiles: a quick one for `make test`, a long one for `make fuzz`.

Pick one with the environment variable HYPOTHESIS_PROFILE (default: "default").
Tests with their own ``@settings(max_examples=...)`` keep their count.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pyreadstat
import pytest
from hypothesis import HealthCheck, settings

import drivers as dr
from drivers.workflow import demo

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_blocks(language: str) -> list[str]:
    """The fenced code blocks of README.md in ``language``."""
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def readme_commands(block: str) -> list[str]:
    lines = [ln.split("#")[0].strip() for ln in block.splitlines()]
    return [ln for ln in lines if ln]


# `make fuzz`: 10,000 generated survey files loaded and analysed (and 10,000 cells parsed).
settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# -- shared end-to-end reports ---------------------------------------------------------

RENAME = {
    "respondent": "resp_nr",
    "aanbeveling": "Q1_aanbevelen",
    "sector": "branche",
    "omvang": "grootte",
    "regio": "gebied",
    "gewicht": "weegfactor",
    "toelichting": "Q3_waarom",
}


def _renamed_spec(spec: dr.SurveySpec) -> tuple[dr.SurveySpec, dict[str, str]]:
    names = dict(RENAME)
    names.update({key: f"Q2_{i}" for i, key in enumerate(spec.touchpoint_keys, start=1)})
    touchpoints = tuple(dr.Touchpoint(names[t.key], t.nl, t.en, t.phase) for t in spec.touchpoints)
    new = spec.replace(
        nps=names[spec.nps],
        id=names[spec.id],
        weight=names[spec.weight],
        wave=None,
        segments=tuple(names[s] for s in spec.segments),
        open_answers=tuple(names[c] for c in spec.open_answers),
        touchpoints=touchpoints,
        name="Testklant BV",
    )
    return new, names


#: The 2024 SPSS export's short names (what the proposal has to map back to the spec).
SHORT = {
    "resp_nr": "RespNr",
    "Q1_aanbevelen": "Q1",
    "branche": "Q7",
    "grootte": "Q8",
    "gebied": "Q9",
    "Q3_waarom": "Q10",
    "weegfactor": "W",
}
#: The touchpoint asked only in the last wave (webshop) and the don't-know text of 2023.
ADDED = "Q2_4"
UNKNOWN_CODE = "geen idee"
UNKNOWN_CELLS = {"Q2_5": 21, "Q2_6": 13}
SHEET = "Data 2022"


def _cell(value):
    """An xlsx cell as a survey tool writes it: numbers as numbers, codes as text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _write_waves(folder: Path, names: dict[str, str]) -> None:
    """The client's three exports, each drifting from the spec in its own way."""
    import openpyxl

    source = demo.demo_dir()
    raw23, _ = dr.read_table(source / "wave_2023.csv")
    raw23 = raw23.drop(columns=["golf"]).rename(columns=names).drop(columns=[ADDED])
    # 2022: xlsx, the data on a named sheet after a notes sheet; a resample of 2023.
    raw22 = raw23.sample(frac=0.9, random_state=1).reset_index(drop=True)
    raw22["resp_nr"] = [f"A22-{i:04d}" for i in range(len(raw22))]
    book = openpyxl.Workbook()
    book.active.title = "Toelichting"
    book.active.append(["Export klantonderzoek 2022"])
    sheet = book.create_sheet(SHEET)
    sheet.append(list(raw22.columns))
    for row in raw22.itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    book.save(folder / "meting_2022.xlsx")
    # 2023: ';' cp1252 with decimal commas and a don't-know text the spec does not know,
    # in grade cells of respondents with a valid recommendation score.
    rng = __import__("numpy").random.default_rng(7)
    for column, count in UNKNOWN_CELLS.items():
        graded = raw23.index[raw23[column].str.fullmatch(r"\d+").fillna(False)]
        raw23.loc[rng.choice(graded, size=count, replace=False), column] = UNKNOWN_CODE
    raw23.to_csv(folder / "meting_2023.csv", sep=";", index=False, encoding="cp1252")
    # 2024: SPSS with short names (Q1, Q5_1, ...), variable labels, user-missing 98/99.
    frame, meta = pyreadstat.read_sav(str(source / "wave_2024.sav"), user_missing=True)
    frame = frame.drop(columns=["golf"]).rename(columns=names)
    touchpoints = [c for c in frame.columns if c.startswith("Q2_")]
    short = dict(SHORT) | {c: f"Q5_{c.split('_')[1]}" for c in touchpoints}
    labels = {short[names.get(k, k)]: v for k, v in meta.column_names_to_labels.items()
              if k != "golf"}  # fmt: skip
    values = {short[names.get(k, k)]: v for k, v in meta.variable_value_labels.items()
              if k != "golf"}  # fmt: skip
    missing = {short[names.get(k, k)]: v for k, v in meta.missing_ranges.items() if k != "golf"}
    frame = frame.rename(columns=short)
    pyreadstat.write_sav(
        frame,
        str(folder / "meting_2024.sav"),
        column_labels=[labels[c] for c in frame.columns],
        variable_value_labels=values,
        missing_ranges=missing,
    )


CLIENT_TOML = f"""\
name = "testklant"
client = "Testklant BV"
language = "en"
sector = "industrie"
spec = "survey.toml"

[[waves]]
name = "2022"
file = "meting_2022.xlsx"
sheet = "{SHEET}"

[[waves]]
name = "2023"
file = "meting_2023.csv"

[[waves]]
name = "2024"
file = "meting_2024.sav"

[options]
bootstrap = 30
simulate_bootstrap = 20
simulate_top = 2
"""


def drivers_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`drivers ARGS` as the consultant types it (the installed console script's module)."""
    done = subprocess.run(
        [sys.executable, "-m", "drivers.workflow.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="session")
def onboarding(tmp_path_factory):
    """The issue's fixture client, onboarded with the CLI as the README shows:
    `drivers new` -> the client's files and spec -> `drivers check <2024 file> --spec`
    -> its `rename = {...}` proposal pasted under the 2024 [[waves]] of client.toml.
    Returns the client folder and the (command, output) log."""
    root = tmp_path_factory.mktemp("clients")
    log = []
    command = ("new", "testklant", "--root", ".")
    log.append((command, drivers_cli(*command, cwd=root).stdout))
    folder = root / "testklant"
    for demo_file in ("wave_2023.csv", "wave_2024.csv", "themes.toml"):
        (folder / demo_file).unlink()
    spec, names = _renamed_spec(dr.SurveySpec.from_toml(demo.demo_dir() / "survey.toml"))
    spec.to_toml(folder / "survey.toml")
    _write_waves(folder, names)
    (folder / "client.toml").write_text(CLIENT_TOML, encoding="utf-8")
    command = ("check", "testklant/meting_2024.sav", "--spec", "testklant/survey.toml")
    out = drivers_cli(*command, cwd=root).stdout
    log.append((command, out))
    proposal = next(line for line in out.splitlines() if line.startswith("rename = {"))
    text = (folder / "client.toml").read_text(encoding="utf-8")
    wave = 'file = "meting_2024.sav"\n'
    (folder / "client.toml").write_text(text.replace(wave, wave + proposal + "\n"))
    return folder, log


@pytest.fixture(scope="session")
def client(onboarding):
    return onboarding[0]


EXTRA_CELL = (
    "fig = dr.charts.nps_bar(r.nps_waves, lang=lang)\n"
    "dr.report.add_slide(fig, title='Extra: NPS per meting')"
)


@pytest.fixture(scope="session")
def onboarded_run(client):
    """The shared end-to-end run: the client's own notebook copy (from `drivers new`, with
    one extra cell), run from the command line with a relative path, as the README shows.
    Returns the report folder, the command, its output and its wall time in seconds."""
    import time

    import nbformat

    path = client / "notebooks" / "04_priority_matrix.ipynb"
    nb = nbformat.read(path, as_version=4)
    extra = nbformat.v4.new_code_cell(EXTRA_CELL)
    extra["id"] = "client-extra"
    nb.cells.append(extra)
    nbformat.write(nb, path)
    command = ("run", f"{client.name}/client.toml", "--quiet")
    start = time.perf_counter()
    done = drivers_cli(*command, cwd=client.parent)
    seconds = time.perf_counter() - start
    return client.parent / "reports" / client.name / "2024", command, done, seconds


@pytest.fixture(scope="session")
def report(onboarded_run):
    return onboarded_run[0]


@pytest.fixture(scope="session")
def readme_project(tmp_path_factory):
    """A project folder where the README's per-client commands ran, in order."""
    project = tmp_path_factory.mktemp("project")
    (project / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    commands = [
        command
        for block in readme_blocks("sh")
        if ".venv/bin/drivers" in block
        for command in readme_commands(block)
    ]
    outputs = []
    for command in commands:
        done = subprocess.run(
            shlex.split(command), cwd=project, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (command, done.stderr[-3000:])
        outputs.append((command, done.stdout))
    return project, outputs
