"""Write the numbered notebooks of notebooks/ (without outputs).

The notebooks are the source of truth once written; this script is how they were made
and how to remake them after a structural change: `python tools/build_notebooks.py`.
Cells stay thin: prose and a few calls into the package.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"

PARAMETERS = """\
# Parameters (papermill). Defaults run on the demo client.
client = ""         # path to clients/<name>/client.toml; empty: the demo client
wave = ""           # the wave to report on; empty: the latest
output_dir = ""     # where `drivers run` collects the report (not used for display)
bootstrap = 200     # bootstrap resamples for the key-driver intervals
progress = True     # progress bars (off when run by `drivers run`)"""

SETUP = """\
import drivers as dr
from IPython.display import Markdown, display

a = dr.Analysis(client or dr.demo.client_config(), wave or None, bootstrap=bootstrap,
                progress=progress)
lang = a.lang
print(a.title)"""


def notebook(title: str, intro: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(new_markdown_cell(f"# {title}\n\n{intro}"))
    params = new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells.append(params)
    nb.cells.append(new_code_cell(SETUP))
    for kind, source in cells:
        nb.cells.append(new_markdown_cell(source) if kind == "md" else new_code_cell(source))
    return nb


NOTEBOOKS = {
    "01_data_quality": notebook(
        "1 · Data quality",
        "Every row of the survey file is accounted for: used in the analysis, or excluded "
        "with a reason. This notebook shows what was read, what was left out and why, how "
        "many respondents answered *n.v.t.* per touchpoint, and which segments are too "
        "small to report on.",
        [
            (
                "md",
                "## Rows read, used and excluded\n\nExcluded rows keep their row number "
                "in the file, so they can be checked in the source.",
            ),
            ("code", "a.survey.quality"),
            ("code", "q = a.survey.quality\nassert q.rows_read == q.rows_used + q.rows_excluded"),
            (
                "md",
                "## Not applicable per touchpoint\n\nA touchpoint not experienced is "
                "*n.v.t.*, not a low grade. Complaint handling is graded only by those who "
                "complained; the key-driver models treat that explicitly (see notebook 3).",
            ),
            ("code", "a.performance[['label', 'n', 'n_na', 'share_na']]"),
            (
                "md",
                "## Segment sizes\n\nSegments below the small-base line are flagged; "
                "below the privacy floor they are suppressed in every output.",
            ),
            (
                "code",
                "display(Markdown(a.bases_note()))\n"
                "for segment in a.segments:\n"
                "    display(a.nps_by(segment)[['group', 'n', 'small_base', "
                "'suppressed']])",
            ),
            ("md", "## Previous wave"),
            (
                "code",
                "a.previous_survey.quality if a.previous_survey is not None else "
                "'First wave: nothing to compare.'",
            ),
        ],
    ),
    "02_nps_overview": notebook(
        "2 · NPS overview",
        "The Net Promoter Score with its margin of error, the full 0–10 distribution behind "
        "it (a 0 and a 6 weigh the same in the NPS), the segments, and the sector benchmark.",
        [
            (
                "code",
                "display(Markdown(dr.narrate.narrate_nps(a.nps, lang=lang, "
                "benchmark=a.nps_benchmark, previous=a.nps_previous)))\na.nps",
            ),
            (
                "code",
                "assert -100 <= a.nps.nps <= 100\n"
                "assert a.nps.ci_low <= a.nps.nps <= a.nps.ci_high",
            ),
            ("md", "## The distribution behind the number"),
            ("code", "dr.charts.score_distribution(a.distribution, lang=lang, n=a.nps.n);"),
            ("md", "## Waves and benchmark"),
            ("code", "dr.charts.nps_bar(a.nps_waves, lang=lang, benchmark=a.nps_benchmark);"),
            (
                "md",
                "## Segments\n\nBars marked with * rest on fewer than 30 respondents; "
                "segments below the privacy floor show no numbers.",
            ),
            (
                "code",
                "for segment in a.segments:\n"
                "    dr.charts.nps_bar(a.nps_by(segment), lang=lang, "
                "benchmark=a.nps_benchmark, title=f'NPS · {segment}')",
            ),
            ("md", "## Touchpoint grades"),
            (
                "code",
                "dr.charts.touchpoint_grades(a.performance, lang=lang, "
                "benchmark=a.grade_benchmarks or None);",
            ),
        ],
    ),
    "03_key_drivers": notebook(
        "3 · Key drivers",
        "How much does each touchpoint drive the likelihood to recommend? The headline "
        "method is the Shapley value (LMG): each touchpoint's share of the explained "
        "variance, fair to correlated touchpoints, with bootstrap intervals. Other methods "
        "are shown side by side; where they agree, the conclusion is robust.",
        [
            ("code", "a.drivers"),
            (
                "code",
                "import numpy as np\n"
                "assert np.isclose(a.drivers.table['importance'].sum(), a.drivers.r2)",
            ),
            ("code", "dr.charts.driver_importance(a.drivers, lang=lang);"),
            (
                "code",
                "display(Markdown(dr.narrate.narrate_drivers(a.drivers, lang=lang, "
                "performance=a.performance, survey=a.survey)))",
            ),
            (
                "md",
                "## Rank stability\n\nThe share of bootstrap resamples in which each "
                "touchpoint is among the three most important.",
            ),
            ("code", "a.drivers.rank_stability(3).round(2)"),
            ("md", "## Methods side by side"),
            ("code", "a.methods.round(3)"),
            ("code", "display(Markdown(a.methods_agreement()))"),
            (
                "md",
                "## Diagnostics\n\nR², variance inflation (VIF above 10 means the "
                "touchpoints overlap strongly) and how rows with *n.v.t.* were treated.",
            ),
            ("code", "a.drivers.diagnostics"),
        ],
    ),
    "04_priority_matrix": notebook(
        "4 · Priority matrix and what-if",
        "Importance against performance: what to improve first, what to maintain, what to "
        "monitor and where effort may be overkill. The bootstrap gives each touchpoint a "
        "probability of being in each quadrant, so the matrix shows its own uncertainty.",
        [
            ("code", "dr.charts.priority_matrix(a.matrix, lang=lang);"),
            ("code", "a.matrix"),
            (
                "code",
                "import numpy as np\n"
                "p = a.matrix.table.filter(like='p_')\n"
                "assert p.empty or np.allclose(p.sum(axis=1), 1)",
            ),
            ("code", "display(Markdown(dr.narrate.narrate_matrix(a.matrix, lang=lang)))"),
            (
                "md",
                "## What if?\n\nFor the top candidates: the expected NPS if the "
                "touchpoint's grades rose to the published benchmark (or by half a point "
                "where there is none), from a model of promoter / passive / detractor at "
                "respondent level, with a bootstrap interval.",
            ),
            (
                "code",
                "for key, sim in a.simulations.items():\n"
                "    display(sim)\n"
                "    display(Markdown(dr.narrate.narrate_simulation(sim, lang=lang)))",
            ),
            ("md", "## Findings"),
            ("code", "display(Markdown(a.findings()))"),
        ],
    ),
    "05_wave_comparison": notebook(
        "5 · Wave comparison",
        "What changed since the previous wave: the NPS (is the change real?), the "
        "touchpoint grades, the importance of each touchpoint, the movement in the "
        "priority matrix, and which touchpoints explain the change in NPS.",
        [
            (
                "code",
                "assert a.previous_survey is not None, 'the comparison needs two waves'\n"
                "a.nps_change",
            ),
            ("code", "dr.charts.nps_bar(a.nps_waves, lang=lang, benchmark=a.nps_benchmark);"),
            ("md", "## Touchpoint grades"),
            ("code", "dr.charts.wave_change(a.grade_changes, lang=lang);"),
            ("code", "a.grade_changes.round(3)"),
            ("md", "## Importance of the touchpoints"),
            ("code", "a.drivers_change.round(3)"),
            ("md", "## Movement in the priority matrix"),
            ("code", "dr.charts.matrix_movement(a.matrix_previous, a.matrix, lang=lang);"),
            (
                "md",
                "## What explains the change in NPS?\n\nEach touchpoint's observed grade "
                "change, fed through last wave's respondent-level model: how much NPS "
                "change it accounts for on its own.",
            ),
            ("code", "a.change_explained.round(2)"),
            ("code", "display(Markdown(a.change_note()))"),
        ],
    ),
}


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for name, nb in NOTEBOOKS.items():
        nbformat.validate(nb)
        nbformat.write(nb, FOLDER / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")


if __name__ == "__main__":
    main()
