"""End to end: `drivers run` on a client built from the demo data with other column
names, a .sav wave and three waves; and a broken file that must fail clearly."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

import drivers as dr
from drivers import demo
from drivers.present._format import text as text_of
from drivers.workflow.run import RunError, run_client


def _chart_cells(notebook: Path):
    node = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in node["cells"]:
        if cell["cell_type"] == "code" and "dr.charts." in "".join(cell["source"]):
            yield cell


def test_every_chart_cell_shows_every_chart(report):
    """A chart cell shows one image per chart it draws, in the notebook and in its HTML."""
    expected_total = 0
    for notebook in sorted(report.glob("*.ipynb")):
        shown = 0
        for cell in _chart_cells(notebook):
            source = "".join(cell["source"])
            images = [o for o in cell["outputs"] if "image/png" in o.get("data", {})]
            drawn = 3 if "r.segments" in source else 1
            if "segment_importance_pages" in source:  # one heat table per page
                saved = dr.load_results(report / "results")
                drawn = len(dr.report.segment_importance_pages(saved))
                assert drawn >= 1
            assert len(images) == drawn, (notebook.name, cell["id"], len(images))
            shown += drawn
        html = notebook.with_suffix(".html").read_text(encoding="utf-8")
        assert html.count("<img") >= shown, notebook.name
        expected_total += shown
    assert expected_total >= 10


def test_results_are_saved_and_load_equal(report, client):
    saved = dr.load_results(report / "results")
    assert saved.waves == ("2022", "2023", "2024") and saved.wave == "2024"
    assert list(saved.nps_waves["wave"]) == ["2022", "2023", "2024"]
    assert len(saved.nps_steps) == 2
    again = dr.load_results(report / "results")
    assert saved == again
    # The same analysis in a notebook, on a machine whose BLAS runs two threads, equals
    # the saved results exactly (two threads changed the last bits of the intervals).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        fresh = dr.analyse(
            client / "client.toml", bootstrap=saved.options["bootstrap"], progress=False
        )
    assert fresh == saved
    info = json.loads((report / "results" / "results.json").read_text(encoding="utf-8"))
    sums = info["results"]["fields"]["provenance"]["__dict__"]["inputs_sha256"]["__dict__"]
    assert any("meting_2024.sav" in k for k in sums) and all(len(v) == 64 for v in sums.values())


def test_weighted_and_unweighted_nps_per_wave_match_pandas(report, client):
    saved = dr.load_results(report / "results")
    config = dr.load_client(client / "client.toml")
    for wave in config.waves:
        data = config.load(wave.name).data
        score, weight = data[config.spec.nps], data[config.spec.weight]
        promoter, detractor = (score >= 9).astype(float), (score <= 6).astype(float)
        plain = 100 * (promoter.mean() - detractor.mean())
        weighted = 100 * ((promoter - detractor) * weight).sum() / weight.sum()
        row = saved.nps_waves.set_index("wave").loc[wave.name]
        assert row["nps_unweighted"] == pytest.approx(plain, abs=1e-9)
        assert row["nps"] == pytest.approx(weighted, abs=1e-9)


def test_client_notebook_copy_is_used_and_its_extra_slide_reaches_the_deck(report):
    text = (report / "04_priority_matrix.ipynb").read_text(encoding="utf-8")
    assert "client-extra" in text
    prs = Presentation(report / "testklant_2024.pptx")
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    # the consultant's slide comes with the content, before the methods slide that closes
    assert titles[-2:] == ["Extra: NPS per meting", text_of("methods_title", "en")]


def test_no_machine_paths_in_notebooks_or_html(report):
    import re

    images = re.compile(r'("image/png": "[^"]*")|(data:image/png;base64,[A-Za-z0-9+/=\s]*)')
    for path in list(report.glob("*.ipynb")) + list(report.glob("*.html")):
        text = images.sub("", path.read_text(encoding="utf-8"))
        assert str(report.parent.parent) not in text, path.name
        assert ".partial-" not in text and "/tmp/" not in text, path.name
        # the package's own folder (a warning's file and line) is a machine path too
        assert str(Path(dr.__file__).resolve().parents[1]) not in text, path.name


def test_report_folder_has_every_output(report):
    assert report.name == "2024" and report.parent.name == "testklant"
    names = {p.name for p in report.iterdir()}
    for nb in (
        "01_data_quality",
        "02_nps_overview",
        "03_key_drivers",
        "04_priority_matrix",
        "05_wave_comparison",
    ):
        assert f"{nb}.ipynb" in names and f"{nb}.html" in names
    assert {"tables.xlsx", "testklant_2024.pptx", "charts"} <= names
    pngs = sorted(p.stem for p in (report / "charts").glob("*.png"))
    svgs = sorted(p.stem for p in (report / "charts").glob("*.svg"))
    assert pngs == svgs and {
        "key_drivers",
        "priority_matrix",
        "matrix_movement",
        "nps_waves",
    } <= set(pngs)
    assert not [p for p in report.parent.iterdir() if ".partial-" in p.name]


def test_notebooks_ran_without_errors_and_compare_to_2023(report):
    for nb in report.glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"], nb.name
    text = (report / "05_wave_comparison.ipynb").read_text(encoding="utf-8")
    assert "2023" in text and "2024" in text


def test_tables_xlsx_has_numbers_not_text(report):
    from drivers.present._format import text

    book = openpyxl.load_workbook(report / "tables.xlsx")
    assert {"nps", "touchpoints", "drivers", "matrix", "nps_branche", "quality"} <= set(
        book.sheetnames
    )
    sheet = book["drivers"]
    assert "Testklant BV" in str(sheet["A1"].value)  # the title row
    header = [c.value for c in sheet[2]]
    column = header.index(text("col_importance", "en"))
    importance = [row[column] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(importance) == 10 and all(isinstance(v, float) for v in importance)
    assert sheet.freeze_panes == "A3"
    drivers = pd.read_excel(report / "tables.xlsx", sheet_name="drivers", header=1)
    assert set(drivers[text("col_driver", "en")]) == {f"Q2_{i}" for i in range(1, 11)}


def test_deck_has_native_charts(report):
    prs = Presentation(report / "testklant_2024.pptx")
    assert len(prs.slides) >= 8
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(charts) >= 5
    kinds = {c.chart.chart_type for c in charts}
    from pptx.enum.chart import XL_CHART_TYPE

    assert XL_CHART_TYPE.XY_SCATTER in kinds
    # pictures only on the wave-story charts (small multiples) and the consultant's extra
    # slide (the one before the methods slide)
    pictures = {"Grades by wave", "What drives recommendation, wave by wave?"}
    pictures.add("Extra: NPS per meting")
    for slide in prs.slides:
        if slide.shapes.title is not None and slide.shapes.title.text in pictures:
            continue
        assert not [s for s in slide.shapes if s.shape_type == 13]


def test_no_respondent_rows_leave_the_package(report):
    """Ids and open answers of respondents never reach a report file."""
    raw, _ = dr.read_table(demo.demo_dir() / "wave_2024.csv")
    ids = set(raw["respondent"].head(50))
    answers = {a for a in raw["toelichting"].dropna() if len(str(a)) > 25}
    # open answers reach a report only as scrubbed quotes, in the open-answer notebook
    texts = [
        p.read_text(encoding="utf-8", errors="ignore")
        for p in report.rglob("*")
        if p.suffix in (".ipynb", ".html", ".svg") and not p.name.startswith("07_")
    ]
    for path in [report / "testklant_2024.pptx", report / "tables.xlsx"]:
        with zipfile.ZipFile(path) as z:
            texts += [z.read(n).decode("utf-8", errors="ignore") for n in z.namelist()]
    blob = "\n".join(texts)
    assert not [i for i in ids if i in blob]
    assert not [a for a in list(answers)[:50] if a in blob]


def test_broken_file_fails_clearly_and_leaves_no_report(client, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for p in client.iterdir():
        if p.is_file():
            (broken / p.name).write_bytes(p.read_bytes())
    (broken / "meting_2024.sav").write_bytes(b"not an spss file at all")
    out = tmp_path / "reports"
    with pytest.raises((RunError, dr.DriversError)) as err:
        run_client(broken / "client.toml", out_root=out, progress=False)
    assert "meting_2024.sav" in str(err.value)
    assert not (out / "testklant" / "2024").exists()
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "drivers.workflow.cli",
            "run",
            str(broken / "client.toml"),
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert cli.returncode != 0 and "meting_2024.sav" in cli.stderr


def test_cli_new_and_check(tmp_path):
    cli = [sys.executable, "-m", "drivers.workflow.cli"]
    made = subprocess.run(
        [*cli, "new", "acme", "--root", str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "client.toml" in made.stdout
    config = dr.load_client(tmp_path / "acme" / "client.toml")
    assert [w.name for w in config.waves] == ["2023", "2024"]
    check = subprocess.run(
        [*cli, "check", str(tmp_path / "acme" / "wave_2024.csv")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "800 rows read, 800 used, 0 excluded" in check.stdout
    assert 'nps = "aanbeveling"' in check.stdout


def test_the_kernel_is_this_python_whatever_jupyter_finds(tmp_path, monkeypatch):
    """A "python3" kernel spec elsewhere on the machine (a consultant's own Jupyter) does
    not take over: the suite runs in the Python that has drivers installed."""
    import os

    import nbformat
    from jupyter_client.manager import KernelManager

    from drivers.workflow import run

    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    other = {"argv": ["/bin/false", "{connection_file}"], "display_name": "x", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(other), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    assert KernelManager(kernel_name="python3").kernel_spec.argv[0] == "/bin/false"
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    node.cells = [nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")]
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(node, source)
    with run._Kernel(tmp_path, dict(os.environ)) as kernel:
        kernel.ready()
        assert kernel.run(source, target, {}) is None
    shown = nbformat.read(target, as_version=4).cells[-1].outputs[0]["text"].strip()
    assert Path(shown).resolve() == Path(sys.executable).resolve()


def test_charts_saved_while_ipython_is_half_imported_do_not_fail():
    """A run failed once with "partially initialized module 'IPython' has no attribute
    'version_info'": matplotlib reads IPython when a canvas class is first used, and the
    notebook thread was importing it. The run makes its canvases before that thread starts."""
    import subprocess
    import sys

    code = (
        "import io, sys, types\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "from drivers.workflow.run import _warm_canvases\n"
        "fig = plt.figure()  # the backend resolved, as the run always did\n"
        "if sys.argv[1] == 'warm':\n"
        "    _warm_canvases()\n"
        "sys.modules['IPython'] = types.ModuleType('IPython')  # halfway through its import\n"
        "fig.savefig(io.BytesIO(), format='svg')\n"
        "fig.savefig(io.BytesIO(), format='png')\n"
    )
    cold = subprocess.run([sys.executable, "-c", code, "cold"], capture_output=True, text=True)
    assert cold.returncode != 0 and "version_info" in cold.stderr  # the failure, shown
    warm = subprocess.run([sys.executable, "-c", code, "warm"], capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
