"""`drivers run` as a consultant types it: from the project root with a relative path (the
shared end-to-end fixture), from inside the client folder, and with an absolute path; one
writer per client and wave; group-readable reports; stale folders cleaned; --strict."""

import fcntl
import shutil
import stat
import subprocess
import sys

import pytest

from drivers.workflow import demo
from drivers.workflow.run import RunError, run_client

CLI = [sys.executable, "-m", "drivers.workflow.cli"]


@pytest.fixture(scope="module")
def small_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project") / "clients" / "klein"
    shutil.copytree(demo.demo_dir(), folder)
    text = (
        (folder / "client.toml")
        .read_text(encoding="utf-8")
        .replace('name = "demo"', 'name = "klein"')
    )
    (folder / "client.toml").write_text(text, encoding="utf-8")
    return folder


def test_run_from_inside_the_client_folder(small_client):
    done = subprocess.run(
        [*CLI, "run", "client.toml", "--bootstrap", "20", "--quiet"],
        cwd=small_client,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = small_client / "reports" / "klein" / "2024"
    assert (report / "klein_2024.pptx").is_file()
    assert "warning" in done.stdout.lower()  # the closing summary


def test_run_with_an_absolute_path_cleans_stale_folders(small_client, tmp_path):
    out = tmp_path / "elders"
    stale = out / "klein" / ".2024.partial-oud"
    stale.mkdir(parents=True)
    failed = out / "klein" / "FAILED_2024_01_data_quality.ipynb"
    failed.write_text("{}", encoding="utf-8")
    done = subprocess.run(
        [
            *CLI,
            "run",
            str((small_client / "client.toml").resolve()),
            "--out",
            str(out),
            "--bootstrap",
            "20",
            "--quiet",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = out / "klein" / "2024"
    assert (report / "tables.xlsx").is_file()
    assert not stale.exists() and not failed.exists()
    mode = stat.S_IMODE(report.stat().st_mode)
    assert mode & stat.S_IRGRP and mode & stat.S_IXGRP  # the group can read the report


def test_a_second_writer_fails_clearly(small_client, tmp_path):
    folder = tmp_path / "klein"
    folder.mkdir()
    with open(folder / ".2024.lock", "a+", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 12345")
        held.flush()
        with pytest.raises(RunError, match="Another `drivers run` of klein wave 2024"):
            run_client(small_client / "client.toml", out_root=tmp_path, progress=False)
    assert not (folder / "2024").exists()


def test_strict_fails_on_warnings_and_writes_nothing(small_client, tmp_path):
    # pairwise n.v.t. handling warns about complaint handling (answered by about 30 %)
    text = (small_client / "client.toml").read_text(encoding="utf-8")
    strict = small_client / "client_strict.toml"
    strict.write_text(text.replace('lines = "mean"', 'lines = "mean"\nmissing = "pairwise"'))
    with pytest.raises(RunError, match="--strict"):
        run_client(
            strict,
            out_root=tmp_path,
            bootstrap=20,
            progress=False,
            strict=True,
        )
    assert not (tmp_path / "klein" / "2024").exists()
    assert not list((tmp_path / "klein").glob(".2024.partial-*"))
