"""Every command the README shows runs, exactly as written (relative paths included).

The per-client commands run in a fresh project folder whose `.venv` points at this
environment; their report (the demo client, in Dutch) is the shared Dutch end-to-end report
of tests/test_language.py. `make demo` runs in the repository itself.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _commands(block: str) -> list[str]:
    lines = [ln.split("#")[0].strip() for ln in block.splitlines()]
    return [ln for ln in lines if ln]


def test_readme_has_the_two_quick_start_commands_first():
    first = _commands(_blocks("sh")[0])
    assert first == ["make demo", "make test"]


@pytest.fixture(scope="session")
def readme_project(tmp_path_factory):
    """A project folder where the README's per-client commands ran, in order."""
    project = tmp_path_factory.mktemp("project")
    (project / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    per_client = next(b for b in _blocks("sh") if "drivers new" in b)
    outputs = []
    for command in _commands(per_client):
        done = subprocess.run(
            shlex.split(command), cwd=project, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (command, done.stderr[-3000:])
        outputs.append((command, done.stdout))
    return project, outputs


def test_readme_per_client_commands_work_as_written(readme_project):
    project, outputs = readme_project
    new, check, run = outputs
    assert (project / "clients" / "acme" / "client.toml").is_file()
    assert (project / "clients" / "acme" / "notebooks" / "01_data_quality.ipynb").is_file()
    assert ".venv/bin/drivers run clients/acme/client.toml" in new[1]
    assert "rows read" in check[1]
    report = project / "reports" / "acme" / "2024"
    assert (report / "results" / "results.json").is_file()
    assert (report / "acme_2024.pptx").is_file() and (report / "tables.xlsx").is_file()


def test_readme_python_block_runs(tmp_path):
    code = next(b for b in _blocks("python") if "dr.analyse" in b)
    script = tmp_path / "readme_block.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_readme_extra_slide_block_is_the_documented_call():
    code = next(b for b in _blocks("python") if "add_slide" in b)
    assert "dr.report.add_slide(fig, title=" in code


def test_make_demo_as_written():
    done = subprocess.run(["make", "demo"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = ROOT / "reports" / "demo" / "2024"
    assert (report / "demo_2024.pptx").is_file()
    assert "NPS per golf" in done.stdout
