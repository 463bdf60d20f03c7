"""A real questionnaire's size: 30 touchpoints, 6 segment variables, 2 waves of 1,500.

`drivers run` end to end with fewer resamples (the default options are timed in bench/):
every notebook runs, every chart cell shows its charts, long charts are split over slides.
"""

import json

import pytest
from pptx import Presentation

from drivers.workflow.run import run_client
from drivers.workflow.synthetic import make_client


@pytest.fixture(scope="module")
def large_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    config = make_client(
        root / "groot",
        touchpoints=30,
        segments=6,
        waves=2,
        n=1500,
        bootstrap=20,
        simulate_bootstrap=10,
    )
    return run_client(config, out_root=root / "reports", progress=False)


def test_every_notebook_ran_and_shows_its_charts(large_report):
    for notebook in large_report.glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            outputs = cell.get("outputs", [])
            assert not [o for o in outputs if o.get("output_type") == "error"], notebook.name
            if cell["cell_type"] == "code" and "dr.charts." in "".join(cell["source"]):
                assert [o for o in outputs if "image/png" in o.get("data", {})], notebook.name


def test_long_charts_are_split_over_slides(large_report):
    prs = Presentation(large_report / "groot_2022.pptx")
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert any("(1/2)" in t for t in titles) and any("(2/2)" in t for t in titles)
    assert sum(t.startswith("NPS · ") for t in titles) >= 6


def test_thirty_touchpoints_in_every_table(large_report):
    import pandas as pd

    drivers = pd.read_excel(large_report / "tables.xlsx", sheet_name="drivers", header=1)
    assert len(drivers) == 30
