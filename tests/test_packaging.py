"""A wheel install can run `drivers run`: the notebooks, display-text catalogs, the house
style and the 16:9 template ship as package data; the notebooks keep deterministic cell ids
and are stored without outputs."""

import json
import subprocess
import sys
import zipfile

import pytest

from drivers.workflow.run import NOTEBOOKS, notebook_dir


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    root = notebook_dir().parents[2]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(root),
            "--no-deps",
            "-q",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(done.stderr[-2000:])
    return next(out.glob("drivers-*.whl"))


def test_wheel_ships_what_a_run_needs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for nb in NOTEBOOKS:
        assert f"drivers/notebooks/{nb}.ipynb" in names
    assert "drivers/present/locales/nl/common.toml" in names
    assert "drivers/present/locales/en/common.toml" in names
    assert "drivers/data/house.mplstyle" in names
    assert "drivers/data/template_16x9.pptx" in names


def test_notebooks_have_stable_ids_kernel_and_no_outputs():
    for nb in NOTEBOOKS:
        node = json.loads((notebook_dir() / f"{nb}.ipynb").read_text(encoding="utf-8"))
        assert node["metadata"]["kernelspec"]["name"] == "python3"
        ids = [c["id"] for c in node["cells"]]
        assert len(set(ids)) == len(ids) and all(not i.isdigit() for i in ids)
        tagged = [c for c in node["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1
        for cell in node["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
