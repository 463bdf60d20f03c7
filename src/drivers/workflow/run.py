"""Run a client's notebook suite for one wave into a report folder.

``drivers run`` computes the wave once (:func:`drivers.analyse`), saves the results under
``reports/<client>/<wave>/results/``, executes the client's notebooks against them and
renders charts, ``tables.xlsx`` and the deck from the same results. Everything is written
into a temporary folder next to the report and moved into place only when every notebook
succeeded, so a failed run never leaves a report that looks complete.

The notebooks are the client's own copy in ``clients/<name>/notebooks/`` when there is
one (made by ``drivers new``; a consultant's per-client changes survive new waves), else
the suite shipped with the package.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from drivers.errors import DriversError
from drivers.workflow import _stop
from drivers.workflow.client import ClientConfig, load_client

__all__ = ["NOTEBOOKS", "RunError", "client_notebooks", "notebook_dir", "run_client"]

#: The notebook suite, in order. The wave comparison needs a previous wave.
NOTEBOOKS = (
    "01_data_quality",
    "02_nps_overview",
    "03_key_drivers",
    "04_priority_matrix",
    "05_wave_comparison",
    "06_benchmark",
    "07_open_answers",
)
_BENCHMARK = "06_benchmark"
_COMPARISON = "05_wave_comparison"
_OPEN_ANSWERS = "07_open_answers"
_INLINE = "module://matplotlib_inline.backend_inline"
#: One BLAS thread in the notebooks' kernel (see :func:`run_client`).
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


class RunError(DriversError):
    """A notebook of the suite failed."""


class _Cancelled(Exception):
    """The run stopped in this process (a failure or Ctrl-C): no further notebook or cell."""


def notebook_dir() -> Path:
    """Folder of the notebook suite shipped with the package (``drivers/notebooks``)."""
    folder = Path(
        os.environ.get("DRIVERS_NOTEBOOKS", Path(__file__).resolve().parents[1] / "notebooks")
    )
    if not (folder / f"{NOTEBOOKS[0]}.ipynb").is_file():
        raise RunError(
            f"The notebook suite is not in {folder}: the package is incomplete. "
            "Reinstall drivers, or set DRIVERS_NOTEBOOKS to a folder with the notebooks."
        )
    return folder


def localise_notebook(node: Any, lang: str) -> Any:
    """The notebook's prose in ``lang``: each markdown cell that still reads as shipped (in
    any language) becomes the catalog text ``nb_<cell id>`` of ``lang``; a cell the
    consultant rewrote stays as written. Returns the same notebook node."""
    from drivers.present._format import LANGUAGES, _catalog, check_lang

    check_lang("localise_notebook", lang)

    def plain(value: str) -> str:
        return " ".join(value.split())

    for cell in node.cells:
        key = "nb_" + str(cell.get("id", "")).replace("-", "_")
        if cell.get("cell_type") != "markdown" or key not in _catalog(lang):
            continue
        shipped = {plain(_catalog(other).get(key, "")) for other in LANGUAGES}
        if plain(cell.source) in shipped:
            cell.source = _catalog(lang)[key].rstrip("\n")
    return node


def client_notebooks(config: ClientConfig) -> Path:
    """The client's own notebooks (``<client folder>/notebooks``) if present, else the suite."""
    if config.path is not None:
        own = Path(config.path).parent / "notebooks"
        if (own / f"{NOTEBOOKS[0]}.ipynb").is_file():
            return own
    return notebook_dir()


def run_client(
    config: ClientConfig | str | Path,
    *,
    wave: str | None = None,
    out_root: str | Path = "reports",
    bootstrap: int | None = None,
    progress: bool = True,
    strict: bool = False,
) -> Path:
    """Analyse one wave of a client once and render its report; return the report folder.

    Parameters
    ----------
    config : ClientConfig or path to client.toml
        A relative path is read from the current folder.
    wave : str, optional
        The wave to report on; the latest when None. The comparison notebook runs
        against the wave before it (and is left out for the first wave).
    out_root : path
        Reports go to ``out_root/<client name>/<wave>/``.
    bootstrap : int, optional
        Overrides the config's bootstrap resamples (e.g. small in tests).
    strict : bool, default False
        Fail (and write no report) when the analysis raised any warning.

    Notes
    -----
    The run uses one BLAS thread, here and in the notebooks' kernel: the analysis runs its
    independent steps side by side, and on a busy two-core machine BLAS threads waiting on
    small products made it about twice as slow. :func:`drivers.analyse` uses one thread
    too, so an analysis in a notebook equals the saved results to the last bit.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _run(config, wave, out_root, bootstrap, progress, strict)


def _run(config, wave, out_root, bootstrap, progress, strict) -> Path:
    from tqdm.auto import tqdm

    from drivers.workflow.analyse import analyse
    from drivers.workflow.report import (
        REPORT_DIR_ENV,
        _build_deck,
        _finish_deck,
        write_charts_and_tables,
    )

    if not isinstance(config, ClientConfig):
        config = load_client(Path(config).resolve())
    current = config.wave(wave)
    previous = config.previous(current.name)
    final = Path(out_root).resolve() / config.name / current.slug
    final.parent.mkdir(parents=True, exist_ok=True)
    _warn_if_tracked(final.parent)
    lock = _lock(final)
    _clean_stale(final)
    work = Path(tempfile.mkdtemp(prefix=f".{current.slug}.partial-", dir=final.parent))
    work.chmod(_folder_mode())  # readable by the group, as the umask allows (mkdtemp: 0700)
    suite = [nb for nb in NOTEBOOKS if previous is not None or nb != _COMPARISON]
    if not config.spec.open_answers:
        suite.remove(_OPEN_ANSWERS)
    store = _store()
    if store is None:  # no benchmark store yet (`drivers pool add`): no benchmark notebook
        suite.remove(_BENCHMARK)
    source = client_notebooks(config)
    if config.template is not None:  # a broken template fails now, not after the notebooks
        from drivers.present.deck import Deck

        Deck(config.template, lang=config.language)
    steps = tqdm(
        total=len(suite) + 2,
        desc=f"{config.name} {current.name}",
        unit="step",
        disable=not progress,
    )
    # The kernel gets its own environment: the report folder for dr.report.add_slide, and
    # the inline backend (an MPLBACKEND=Agg of the caller would hide every chart). This
    # process keeps the backend it had: resolve it now, before the notebook thread imports
    # IPython (see _warm_canvases).
    _warm_canvases()
    kernel_env = {**os.environ, REPORT_DIR_ENV: str(work), "MPLBACKEND": _INLINE, **_ONE_THREAD}
    plan: Future = Future()  # the notebooks' parameters, once the results are saved
    imported = threading.Event()
    # this process failed or was interrupted (or a stop signal came): no more cells
    stop = _stop.Either(threading.Event())
    live: list[_Kernel] = []  # the kernel once started, to interrupt from this thread

    def notebooks() -> None:
        # The kernel starts and imports the package while this process analyses the wave.
        try:
            import nbclient  # noqa: F401
            import papermill.parameterize  # noqa: F401

            _html_exporter()
        finally:
            imported.set()
        with _Kernel(work, kernel_env) as kernel:
            live.append(kernel)
            params = plan.result()
            kernel.ready()
            for name in suite:
                target = work / f"{name}.ipynb"
                failed = kernel.run(
                    source / f"{name}.ipynb", target, params, lang=config.language, stop=stop
                )
                if stop.is_set():
                    return
                if failed is not None:
                    count, ename, evalue = failed
                    raise RunError(
                        f"Notebook {name}.ipynb failed in cell {count} with "
                        f"{ename}: {evalue}\nThe executed notebook is kept for reading "
                        f"at {_keep_failed(target, final)}. The report folder {final} "
                        "was left as it was."
                    )
                _clean_metadata(target, source, config)
                _to_html(target)
                steps.update()

    try:
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(notebooks)
            try:
                steps.set_postfix_str("analysis")
                results = analyse(config, current.name, bootstrap=bootstrap, progress=False)
                _stop.check()
                if strict and len(results.warnings):
                    listed = "\n".join(f"- {m}" for m in results.warnings["message"])
                    raise RunError(
                        f"--strict: the analysis of {config.name} wave {current.name} raised "
                        f"{len(results.warnings)} warning(s); no report was written.\n{listed}"
                    )
                results.save(work / "results")
                steps.update()
                steps.set_postfix_str("notebooks, charts, tables, deck")
                # the open-answer notebook reads the answers themselves: the client config,
                # as a path relative to the report (no folder of this machine in it)
                client = os.path.relpath(Path(config.path).resolve(), work) if config.path else ""
                params = {"results": "results", "progress": False, "client": client}
                if store is not None:
                    params["store"] = os.path.relpath(store, work)
                plan.set_result(params)
                # The kernel runs the notebooks while this process draws the charts, the
                # tables and the deck (two cores); the notebooks' extra slides come last.
                imported.wait()
                write_charts_and_tables(results, work, brand=config.brand)
                _stop.check()
                if running.done():  # a notebook failed meanwhile: say so before the deck
                    running.result()
                deck = _build_deck(results, work, template=config.template, brand=config.brand)
                _stop.check()
                running.result()
                _stop.check()
            except BaseException:
                # a failure or Ctrl-C here: the kernel stops, unused or in its current cell
                stop.set()
                if not plan.done():
                    plan.set_exception(_Cancelled())
                for kernel in live:
                    kernel.interrupt()
                raise
        steps.update()
        _finish_deck(deck, results, work)
        _stop.check()  # the last moment a stop signal keeps the report as it was
        if final.exists():
            old = final.with_name(f".{final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            work.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(final)
        _clean_stale(final, failed_too=True)
    finally:
        lock.close()
        steps.close()
        shutil.rmtree(work, ignore_errors=True)
    return final


def _warm_canvases() -> None:
    """Make this process's figure canvases now, before the notebook thread imports IPython.

    Matplotlib looks at ``sys.modules["IPython"]`` once per canvas class, when the first
    canvas of that class is made. A chart saved while the notebook thread is halfway
    through importing IPython then failed ("partially initialized module 'IPython' has no
    attribute 'version_info'"; seen once in the end-to-end tests). Saving a PNG and an
    SVG (the formats the run writes) makes the Agg and SVG canvases first.
    """
    import io

    import matplotlib.pyplot as plt

    warm = plt.figure(figsize=(1, 1))
    for kind in ("png", "svg"):
        warm.savefig(io.BytesIO(), format=kind)
    plt.close(warm)


def _clean_metadata(notebook: Path, source: Path, config: ClientConfig) -> None:
    """No paths of the consultant's machine in the executed notebook: names only."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    meta = node.metadata.get("papermill", {})
    where = (
        "client notebooks" if source.name == "notebooks" and source != notebook_dir() else "suite"
    )
    meta["input_path"] = f"{where}/{notebook.name}"
    meta["output_path"] = notebook.name
    meta.pop("cwd", None)
    nbformat.write(node, notebook)


class _Kernel:
    """One kernel for the whole suite: started once (the package is imported once), its
    namespace reset between notebooks. Each notebook is parameterised as papermill does and
    executed cell by cell; the first failing cell stops it."""

    def __init__(self, work: Path, env: dict[str, str]):
        self.work = work
        self.env = env

    def __enter__(self) -> _Kernel:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3", kernel_spec_manager=_kernel_specs())
        # kernel notices (TCP without encryption, the interrupt at shutdown) are not for
        # the consultant
        self.km.start_kernel(
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"], cwd=str(self.work), env=self.env
        )
        # one client for the whole suite: each new client waits ~0.2 s for the kernel
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=60)
            self._setup()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def interrupt(self) -> None:
        """Stop the running cell (as Ctrl-C in Jupyter); harmless when the kernel is idle."""
        try:
            self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass

    def ready(self) -> None:
        """Wait for the setup sent at start (the package's imports) to finish."""
        while True:
            reply = self.kc.get_shell_msg(timeout=300)
            if reply["parent_header"].get("msg_id") == self._setup_id:
                break
        self._check(reply)

    def run(
        self,
        source: Path,
        target: Path,
        params: dict,
        lang: str = "en",
        stop: threading.Event | None = None,
    ) -> tuple | None:
        """Execute ``source`` into ``target``; (count, error name, value) of a failure.
        When ``stop`` is set, no further cell starts."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        node = load_notebook_node(str(source))  # papermill's reading: every cell gets tags
        node = parameterize_notebook(localise_notebook(node, lang), params, kernel_name="python3")
        client = NotebookClient(
            node,
            km=self.km,
            kernel_name="python3",
            timeout=None,
            resources={"metadata": {"path": str(self.work)}},
        )
        client.kc = self.kc
        if stop is not None:

            def before_cell(**_: Any) -> None:
                if stop.is_set():
                    raise _Cancelled()

            client.on_cell_execute = before_cell
        failure = None
        try:
            client.execute()
        except CellExecutionError as err:
            count = next(
                (
                    c.get("execution_count")
                    for c in node.cells
                    if any(o.get("output_type") == "error" for o in c.get("outputs", []))
                ),
                None,
            )
            failure = (count, err.ename, err.evalue)
        finally:
            nbformat.write(node, target)
            self._reset()
        return failure

    def _reset(self) -> None:
        self._execute(
            "get_ipython().run_line_magic('reset', '-f')\n"
            "import matplotlib.pyplot as _plt; _plt.close('all'); del _plt"
        )

    def _setup(self) -> None:
        # Tables shown in the notebooks carry labels and segment values from the data: a
        # "$x^2$" among them must stay text in the HTML, where MathJax typesets "$...$"
        # (pandas then marks its tables tex2jax_ignore).
        # pyplot in IPython draws every figure after each cell (draw_idle), and the inline
        # backend then draws it again for its PNG: the first drawing is shown nowhere, and
        # it took a third of the suite's drawing time.
        # The package is imported here, while this process still analyses the wave: sent
        # now, its reply awaited in ready() (a failed analysis need not wait for it).
        self._setup_id = self.kc.execute(
            "import pandas as _pd; _pd.set_option('display.html.use_mathjax', False); del _pd\n"
            "import matplotlib.pyplot as _plt\n"
            "_plt.install_repl_displayhook()  # as on the first figure, once\n"
            "try:\n"
            "    get_ipython().events.unregister('post_execute', _plt._draw_all_if_interactive)\n"
            "except (AttributeError, ValueError):  # a matplotlib without it\n"
            "    pass\n"
            "del _plt\n"
            "import drivers.present.charts, drivers.workflow.report, drivers.workflow.results\n"
            "del drivers\n",
            store_history=False,
        )

    def _execute(self, code: str) -> None:
        self._check(
            self.kc.execute_interactive(
                code, store_history=False, timeout=120, output_hook=lambda msg: None
            )
        )

    @staticmethod
    def _check(reply: dict) -> None:
        if reply["content"].get("status") != "ok":
            raise RunError(
                f"The notebook kernel could not be prepared: {reply['content'].get('ename')}: "
                f"{reply['content'].get('evalue')}"
            )


def _kernel_specs():
    """A kernel spec manager whose every kernel runs this Python (the one with drivers
    installed), whatever "python3" kernel Jupyter would find on the machine."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (drivers)",
                language="python",
            )

    return ThisPython()


def _store() -> Path | None:
    """The benchmark store of this project, when there is one."""
    from drivers.workflow.pool import default_store

    path = Path(default_store()).resolve()
    return path if path.is_file() else None


def _folder_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _lock(final: Path):
    """One writer per client and wave: a second run fails at once with a clear message."""
    import fcntl

    path = final.parent / f".{final.name}.lock"
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunError(
            f"Another `drivers run` of {final.parent.name} wave {final.name} is running "
            f"({holder}). Wait for it to finish, then run again."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle


def _clean_stale(final: Path, *, failed_too: bool = False) -> None:
    """Remove half-written folders of earlier runs of this wave (and, after a successful
    run, the notebooks kept from earlier failed runs)."""
    for stale in final.parent.glob(f".{final.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if failed_too:
        for failed in final.parent.glob(f"FAILED_{final.name}_*.ipynb"):
            failed.unlink(missing_ok=True)


@functools.cache
def _html_exporter():
    """One exporter for the suite (its templates are compiled once)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _to_html(notebook: Path) -> Path:
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    body, _ = _html_exporter().from_notebook_node(node)
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
