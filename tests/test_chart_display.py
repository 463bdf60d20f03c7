"""Charts show up in executed notebooks: every chart, in every cell, with the inline backend.

A style context around figure creation once turned inline display off after the first
figure (the backend is resolved inside the context, which then restores
``interactive: False``). This runs a real ``python3`` kernel with nbclient and counts the
``image/png`` outputs per cell, then the ``<img`` tags in the nbconvert HTML.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

SETUP = """\
import numpy as np
import pandas as pd
from IPython.display import display
from drivers.present import charts

labels = ["Offerte", "Levering", "Facturatie", "Webshop"]
grades = pd.DataFrame({"touchpoint": [s.lower() for s in labels], "label": labels,
                       "mean": [7.4, 7.1, 7.3, 6.9], "n": [200, 190, 180, 120]})
segments = pd.DataFrame({"group": ["Totaal", "Groothandel"], "n": [400, 212],
                         "promoters": [0.41, 0.44], "passives": [0.41, 0.42],
                         "detractors": [0.18, 0.14], "nps": [23.0, 30.0]})
waves = grades.assign(before=[7.2, 7.3, 7.0, 6.5], after=grades["mean"])
"""

# (cell source, expected number of image/png outputs)
CELLS = [
    (SETUP, 0),
    # (a) a loop drawing three charts in one cell
    ('for lang in ("nl", "en", "nl"):\n    charts.touchpoint_grades(grades, lang=lang)', 3),
    # (b) two cells with one chart each, the chart function as the last expression
    ("charts.nps_bar(segments)", 1),
    ('charts.wave_change(waves, lang="en")', 1),
    # (c) a chart, then display() of a DataFrame in the same cell
    ("charts.touchpoint_grades(grades)\ndisplay(grades)", 1),
    # several chart functions in a row in one cell
    ("charts.nps_bar(segments)\ncharts.wave_change(waves)\ncharts.touchpoint_grades(grades)", 3),
]


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source, _ in CELLS]
    return nb


def _pngs(cell: nbformat.NotebookNode) -> int:
    return sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    # The kernel inherits this environment (PYTHONPATH included). Test runs set
    # MPLBACKEND=Agg, which would switch inline display off; a kernel started by Jupyter
    # gets the inline backend (ipykernel sets it when MPLBACKEND is empty), so ask for it.
    nb = _notebook()
    folder = tmp_path_factory.mktemp("display")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        client = NotebookClient(
            nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(folder)}}
        )
        client.execute()
    return nb


def test_every_chart_cell_shows_every_chart(executed):
    for cell, (source, expected) in zip(executed.cells, CELLS, strict=True):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        assert not errors, (source, errors)
        assert _pngs(cell) == expected, (source, [o.get("output_type") for o in cell.outputs])


def test_the_dataframe_is_displayed_next_to_the_chart(executed):
    cell = executed.cells[4]
    assert any("text/html" in o.get("data", {}) for o in cell.outputs)


def test_html_export_has_one_img_per_chart(executed):
    body, _ = HTMLExporter().from_notebook_node(executed)
    assert body.count("<img") == sum(expected for _, expected in CELLS)
