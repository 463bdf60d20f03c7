"""Every command the README shows runs, exactly as written (relative paths included).

The per-client commands run in a fresh project folder whose `.venv` points at this
environment; their report (the demo client, in Dutch) is the shared Dutch end-to-end report
of tests/test_language.py. `make demo` runs in the repository itself.
"""

import re
import subprocess
import sys

from conftest import ROOT, readme_blocks, readme_commands


def test_readme_has_the_two_quick_start_commands_first():
    first = readme_commands(readme_blocks("sh")[0])
    assert first == ["make demo", "make test"]


def test_readme_per_client_commands_work_as_written(readme_project):
    project, outputs = readme_project
    new, check, run, pool_add, pool_list, rerun = outputs
    assert (project / "clients" / "acme" / "client.toml").is_file()
    assert (project / "clients" / "acme" / "notebooks" / "01_data_quality.ipynb").is_file()
    assert ".venv/bin/drivers run clients/acme/client.toml" in new[1]
    assert "rows read" in check[1]
    report = project / "reports" / "acme" / "2024"
    assert (report / "results" / "results.json").is_file()
    assert (report / "acme_2024.pptx").is_file() and (report / "tables.xlsx").is_file()
    assert (project / "benchmarks" / "store.duckdb").is_file()
    # the demo's codebook came along: open answers coded, in the deck and the tables
    import openpyxl
    from pptx import Presentation

    titles = [
        s.shapes.title.text
        for s in Presentation(report / "acme_2024.pptx").slides
        if s.shapes.title
    ]
    assert any(t.startswith("In de woorden van klanten") for t in titles)
    assert "themes" in openpyxl.load_workbook(report / "tables.xlsx").sheetnames
    assert "acme" in pool_list[1]
    # run again with the store: the benchmark notebook and the deck's benchmark section
    # (one client pooled: its norms are suppressed, the published figures stand in)
    assert rerun[0] == ".venv/bin/drivers run clients/acme/client.toml"
    assert (report / "06_benchmark.ipynb").is_file() and (report / "06_benchmark.html").is_file()
    titles = [
        s.shapes.title.text
        for s in Presentation(report / "acme_2024.pptx").slides
        if s.shapes.title
    ]
    assert "Benchmark: Acme tegen de sector" in titles, titles
    assert "Bases en bronnen van de norm" in titles


def test_readme_python_block_runs(tmp_path):
    code = next(b for b in readme_blocks("python") if "dr.analyse" in b)
    script = tmp_path / "readme_block.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_readme_extra_slide_block_is_the_documented_call():
    code = next(b for b in readme_blocks("python") if "add_slide" in b)
    assert "dr.report.add_slide(fig, title=" in code


def test_make_demo_as_written():
    done = subprocess.run(["make", "demo"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = ROOT / "reports" / "demo" / "2024"
    assert (report / "demo_2024.pptx").is_file()
    assert "NPS per meting" in done.stdout
    summary = done.stdout.split("NPS per meting", 1)[1].splitlines()[1:4]
    assert all("95%-BI" in line and " tot " in line for line in summary), summary
    assert not [line for line in summary if re.search(r"\d\.\d", line)], summary  # 0,086


def test_readme_toml_example_uses_valid_wave_keys():
    import tomllib

    from drivers.load.wave import WAVE_KEYS

    for block in readme_blocks("toml"):
        for wave in tomllib.loads(block).get("waves", []):
            assert set(wave) <= set(WAVE_KEYS), set(wave) - set(WAVE_KEYS)


def test_readme_documents_every_config_key():
    from dataclasses import fields

    from conftest import README
    from drivers.load.spec import _TOUCHPOINT_KEYS, SurveySpec
    from drivers.load.wave import WAVE_KEYS
    from drivers.workflow.client import _TOP_KEYS, Options

    names = [*_TOP_KEYS, *WAVE_KEYS, *(f.name for f in fields(Options)), *_TOUCHPOINT_KEYS]
    names += [f.name for f in fields(SurveySpec) if f.name not in ("touchpoints", "value_labels")]
    missing = [n for n in names if f"`{n}" not in README and f"[{n}" not in README]
    assert not missing, missing
