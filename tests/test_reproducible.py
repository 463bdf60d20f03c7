"""Reproducibility (issue 6, point 4): the same data, config and seed give the same tables,
chart PNG bytes and deck chart data; a failed run leaves no half-written report; and
`drivers run` warns when reports would land in a git working tree unignored."""

import io
import json
import shutil
import subprocess
import sys
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pandas as pd
import pytest

from drivers import demo
from drivers.errors import DriversWarning
from drivers.workflow.run import RunError, _warn_if_tracked, notebook_dir, run_client

_WRITE = (
    "import sys, drivers as dr\n"
    "r = dr.analyse(dr.demo.client_config(), bootstrap=30, progress=False)\n"
    "r.save(sys.argv[1] + '/results')\n"
    "dr.write_report(dr.load_results(sys.argv[1] + '/results'), sys.argv[1])\n"
)


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    """Two write_report runs of the demo, in two separate Python processes (in parallel)."""
    root = tmp_path_factory.mktemp("repro")
    outs = [root / "a", root / "b"]

    def write(out):
        return subprocess.run(
            [sys.executable, "-c", _WRITE, str(out)], capture_output=True, text=True, check=False
        )

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(write, outs))
    for proc in done:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return outs


def test_tables_have_identical_values(two_reports):
    a, b = (pd.read_excel(out / "tables.xlsx", sheet_name=None) for out in two_reports)
    assert list(a) == list(b) and len(a) >= 8
    for sheet in a:
        pd.testing.assert_frame_equal(a[sheet], b[sheet], check_exact=True, obj=sheet)


def test_saved_results_are_byte_identical(two_reports):
    a, b = (out / "results" for out in two_reports)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert "results.json" in names and len(names) > 20
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_charts_are_byte_identical(two_reports):
    a, b = two_reports
    names = sorted(p.name for p in (a / "charts").iterdir())
    assert names == sorted(p.name for p in (b / "charts").iterdir())
    assert len([n for n in names if n.endswith(".png")]) >= 5
    for name in names:
        assert (a / "charts" / name).read_bytes() == (b / "charts" / name).read_bytes(), name


def _workbook_values(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_deck_chart_data_is_identical(two_reports):
    decks = [zipfile.ZipFile(next(out.glob("*.pptx"))) for out in two_reports]
    a, b = decks
    names = sorted(a.namelist())
    assert names == sorted(b.namelist())
    charts = [n for n in names if n.startswith("ppt/charts/") and n.endswith(".xml")]
    books = [n for n in names if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]
    assert len(charts) >= 5 and len(books) == len(charts)
    for name in charts:
        assert a.read(name) == b.read(name), name
    for name in books:
        assert _workbook_values(a.read(name)) == _workbook_values(b.read(name)), name
    # fixed document properties, and in fact every part is the same
    for name in names:
        assert a.read(name) == b.read(name), name


# -- a failing notebook -----------------------------------------------------------------


def test_failed_notebook_leaves_no_partial_folder(tmp_path, monkeypatch):
    books = tmp_path / "notebooks"
    shutil.copytree(notebook_dir(), books)
    path = books / "01_data_quality.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    boom = {
        "cell_type": "code",
        "execution_count": None,
        "id": "boom",
        "metadata": {},
        "outputs": [],
        "source": ["raise RuntimeError('boom')"],
    }
    nb["cells"].insert(2, boom)
    path.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setenv("DRIVERS_NOTEBOOKS", str(books))
    out = tmp_path / "reports"
    with pytest.raises(RunError) as err:
        run_client(demo.client_config(), out_root=out, bootstrap=20, progress=False)
    message = str(err.value)
    assert "01_data_quality.ipynb" in message and "RuntimeError: boom" in message
    client = out / "demo"
    assert not (client / "2024").exists()
    assert not [p for p in client.iterdir() if ".partial-" in p.name]
    # the cell the message names is the one that raised
    kept = json.loads((client / "FAILED_2024_01_data_quality.ipynb").read_text(encoding="utf-8"))
    count = int(message.split(" in cell ")[1].split()[0])
    cell = next(c for c in kept["cells"] if c.get("execution_count") == count)
    assert "raise RuntimeError('boom')" in "".join(cell["source"])


def test_a_failure_in_this_process_stops_the_notebooks(tmp_path, monkeypatch):
    """When drawing the charts fails (or Ctrl-C arrives) while the kernel runs the suite,
    the kernel is interrupted and no further cell starts: the run ends with that error
    instead of running every notebook first."""
    import drivers.workflow.report as report

    books = tmp_path / "notebooks"
    shutil.copytree(notebook_dir(), books)
    marker = tmp_path / "last notebook ran"
    path = books / "07_open_answers.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "marker",
        "metadata": {},
        "outputs": [],
        "source": [f"open({str(marker)!r}, 'w').close()"],
    }
    nb["cells"].insert(2, cell)
    path.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setenv("DRIVERS_NOTEBOOKS", str(books))

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(report, "write_charts_and_tables", broken)
    out = tmp_path / "reports"
    with pytest.raises(RuntimeError, match="drawing failed"):
        run_client(demo.client_config(), out_root=out, bootstrap=20, progress=False)
    assert not marker.exists()
    assert not (out / "demo" / "2024").exists()
    assert not [p for p in (out / "demo").iterdir() if ".partial-" in p.name]


def test_a_stop_signal_whose_exception_was_lost_still_stops_the_run(tmp_path, monkeypatch):
    """Python drops an exception raised while a finaliser runs (helper-19 saw SIGTERM lost
    in ZipFile.__del__, and the run replaced the report). The signal is remembered too:
    the run stops at its next step and leaves the report folder as it was."""
    import drivers.workflow.report as report
    from drivers.workflow import _stop

    drawn = report.write_charts_and_tables

    def signal_lost(*args, **kwargs):
        out = drawn(*args, **kwargs)
        _stop.requested.set()  # what the handler does before its exception is dropped
        return out

    monkeypatch.setattr(report, "write_charts_and_tables", signal_lost)
    out = tmp_path / "reports"
    try:
        with pytest.raises(KeyboardInterrupt):
            run_client(demo.client_config(), out_root=out, bootstrap=20, progress=False)
    finally:
        _stop.requested.clear()
    assert not (out / "demo" / "2024").exists()
    assert not [p for p in (out / "demo").iterdir() if ".partial-" in p.name]


def test_sigterm_stops_the_run_and_leaves_no_half_written_folder(tmp_path):
    """A closed terminal or a scheduler's stop (SIGTERM) ends the run as Ctrl-C does: the
    kernel stops and the hidden .partial folder goes (it stayed until the next run)."""
    import signal
    import time

    out = tmp_path / "reports"
    code = "import sys; from drivers.workflow.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["run", str(demo.client_config()), "--out", str(out), "--bootstrap", "20", "--quiet"]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(1200):  # until the analysis is saved and the notebooks run
            if list((out / "demo").glob(".2024.partial-*/results")) or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "stopped (SIGTERM); no report was changed" in err
    assert not [p.name for p in (out / "demo").iterdir() if p.name != ".2024.lock"]


# -- reports inside a git working tree --------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "reports" / "acme").mkdir(parents=True)
    return root


def test_warns_when_reports_are_tracked(repo):
    with pytest.warns(DriversWarning, match="gitignore"):
        _warn_if_tracked(repo / "reports" / "acme")


def test_no_warning_when_reports_are_ignored(repo):
    (repo / ".gitignore").write_text("reports/\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DriversWarning)
        _warn_if_tracked(repo / "reports" / "acme")


def test_no_warning_outside_a_working_tree(tmp_path):
    folder = tmp_path / "plain" / "reports"
    folder.mkdir(parents=True)
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if subprocess.run(["git", "-C", str(folder), "rev-parse"], capture_output=True).returncode:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DriversWarning)
            _warn_if_tracked(folder)
