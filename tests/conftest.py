"""Hypothesis profiles: a quick one for `make test`, a long one for `make fuzz`.

Pick one with the environment variable HYPOTHESIS_PROFILE (default: "default").
Tests with their own ``@settings(max_examples=...)`` keep their count.
"""

import os
import re
import shlex
import shutil
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


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clients") / "testklant"
    folder.mkdir()
    source = demo.demo_dir()
    spec, names = _renamed_spec(dr.SurveySpec.from_toml(source / "survey.toml"))
    spec.to_toml(folder / "survey.toml")
    raw23, _ = dr.read_table(source / "wave_2023.csv")
    raw23 = raw23.drop(columns=["golf"]).rename(columns=names)
    # 2022: a resample of 2023 with its own ids, written with ',' and a decimal point.
    raw22 = raw23.sample(frac=0.9, random_state=1).reset_index(drop=True)
    raw22["resp_nr"] = [f"A22-{i:04d}" for i in range(len(raw22))]
    raw22["weegfactor"] = raw22["weegfactor"].str.replace(",", ".")
    raw22.to_csv(folder / "meting_2022.csv", index=False)
    raw23.to_csv(folder / "meting_2023.csv", sep=";", index=False, encoding="cp1252")
    frame, meta = pyreadstat.read_sav(str(source / "wave_2024.sav"), user_missing=True)
    frame = frame.drop(columns=["golf"]).rename(columns=names)
    labels = {names.get(k, k): v for k, v in meta.variable_value_labels.items() if k != "golf"}
    missing = {names.get(k, k): v for k, v in meta.missing_ranges.items() if k != "golf"}
    pyreadstat.write_sav(
        frame, str(folder / "meting_2024.sav"), variable_value_labels=labels, missing_ranges=missing
    )
    (folder / "client.toml").write_text(
        'name = "testklant"\nclient = "Testklant BV"\nlanguage = "en"\nsector = "industrie"\n'
        'spec = "survey.toml"\n\n'
        '[[waves]]\nname = "2022"\nfile = "meting_2022.csv"\n\n'
        '[[waves]]\nname = "2023"\nfile = "meting_2023.csv"\n\n'
        '[[waves]]\nname = "2024"\nfile = "meting_2024.sav"\n\n'
        "[options]\nbootstrap = 30\nsimulate_bootstrap = 20\nsimulate_top = 2\n",
        encoding="utf-8",
    )
    return folder


EXTRA_CELL = (
    "fig = dr.charts.nps_bar(r.nps_waves, lang=lang)\n"
    "dr.report.add_slide(fig, title='Extra: NPS per meting')"
)


@pytest.fixture(scope="session")
def report(client):
    """The shared end-to-end run: the client's own notebook copy (with one extra cell),
    run from the command line with a relative path, as the README shows."""
    import nbformat

    from drivers.workflow.run import notebook_dir

    own = client / "notebooks"
    shutil.copytree(notebook_dir(), own)
    path = own / "04_priority_matrix.ipynb"
    nb = nbformat.read(path, as_version=4)
    extra = nbformat.v4.new_code_cell(EXTRA_CELL)
    extra["id"] = "client-extra"
    nb.cells.append(extra)
    nbformat.write(nb, path)
    root = client.parent
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "drivers.workflow.cli",
            "run",
            f"{client.name}/client.toml",
            "--quiet",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr[-3000:]
    return root / "reports" / client.name / "2024"


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
