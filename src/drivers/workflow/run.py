"""Run a client's notebook suite for one wave into a report folder.

``reports/<client>/<wave>/`` receives the executed notebooks and their HTML,
``charts/`` (PNG + SVG), ``tables.xlsx`` and ``<client>_<wave>.pptx``. Everything is
written into a temporary folder next to it and moved into place only when every
notebook succeeded, so a failed run never leaves a report that looks complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from drivers.errors import DriversError
from drivers.workflow.client import ClientConfig, load_client

__all__ = ["NOTEBOOKS", "RunError", "notebook_dir", "run_client"]

#: The notebook suite, in order. The wave comparison needs a previous wave.
NOTEBOOKS = (
    "01_data_quality",
    "02_nps_overview",
    "03_key_drivers",
    "04_priority_matrix",
    "05_wave_comparison",
)


class RunError(DriversError):
    """A notebook of the suite failed."""


def notebook_dir() -> Path:
    """Folder of the numbered notebooks (``notebooks/`` of the repository)."""
    folder = Path(
        os.environ.get("DRIVERS_NOTEBOOKS", Path(__file__).resolve().parents[3] / "notebooks")
    )
    if not (folder / f"{NOTEBOOKS[0]}.ipynb").is_file():
        raise RunError(
            f"The notebook suite is not in {folder}. Run from a checkout of the "
            "repository, or set DRIVERS_NOTEBOOKS to the notebooks folder."
        )
    return folder


def run_client(
    config: ClientConfig | str | Path,
    *,
    wave: str | None = None,
    out_root: str | Path = "reports",
    bootstrap: int | None = None,
    progress: bool = True,
) -> Path:
    """Execute the notebook suite for one wave of a client; return the report folder.

    Parameters
    ----------
    config : ClientConfig or path to client.toml
    wave : str, optional
        The wave to report on; the latest when None. The comparison notebook runs
        against the wave before it (and is left out for the first wave).
    out_root : path
        Reports go to ``out_root/<client name>/<wave>/``.
    bootstrap : int, optional
        Overrides the config's bootstrap resamples (e.g. small in tests).
    """
    import papermill
    from tqdm.auto import tqdm

    from drivers.workflow.report import write_report

    if not isinstance(config, ClientConfig):
        config = load_client(config)
    current = config.wave(wave)
    previous = config.previous(current.name)
    final = Path(out_root) / config.name / current.name
    final.parent.mkdir(parents=True, exist_ok=True)
    _warn_if_tracked(final.parent)
    work = Path(tempfile.mkdtemp(prefix=f".{current.name}.partial-", dir=final.parent))
    params = {
        "client": str(config.path),
        "wave": current.name,
        "progress": False,
        "output_dir": str(work),
        "bootstrap": int(bootstrap if bootstrap is not None else config.options.bootstrap),
    }
    suite = [nb for nb in NOTEBOOKS if previous is not None or nb != "05_wave_comparison"]
    source = notebook_dir()
    try:
        for name in tqdm(
            suite, desc=f"{config.name} {current.name}", unit="notebook", disable=not progress
        ):
            target = work / f"{name}.ipynb"
            try:
                papermill.execute_notebook(
                    str(source / f"{name}.ipynb"),
                    str(target),
                    parameters=params,
                    kernel_name="python3",
                    progress_bar=False,
                    cwd=str(source),
                    log_output=False,
                )
            except papermill.PapermillExecutionError as err:
                raise RunError(
                    f"Notebook {name}.ipynb failed in cell {err.exec_count} with "
                    f"{err.ename}: {err.evalue}\nThe executed notebook is kept for reading at "
                    f"{_keep_failed(target, final)}. No report was written to {final}."
                ) from None
            _to_html(target)
        write_report(
            config, wave=current.name, out=work, bootstrap=params["bootstrap"], progress=False
        )
        if final.exists():
            old = final.with_name(f".{final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            work.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def _to_html(notebook: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(node)
    html = notebook.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    return html


def _keep_failed(target: Path, final: Path) -> Path:
    kept = final.parent / f"FAILED_{final.name}_{target.name}"
    if target.exists():
        shutil.copy(target, kept)
    return kept


def _warn_if_tracked(folder: Path) -> None:
    """Warn when reports would land inside a git working tree without being ignored."""
    import subprocess
    import warnings

    try:
        inside = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            check=False,
        )
        if inside.stdout.strip() != "true":
            return
        ignored = subprocess.run(
            ["git", "-C", str(folder), "check-ignore", "-q", "."], capture_output=True, check=False
        )
    except OSError:
        return
    if ignored.returncode != 0:
        from drivers.errors import DriversWarning

        warnings.warn(
            f"{folder} is inside a git working tree and not ignored: respondent "
            "results could be committed. Add the reports folder to .gitignore.",
            DriversWarning,
            stacklevel=3,
        )
