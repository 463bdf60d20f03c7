"""Command line: ``drivers demo``, ``drivers run``, ``drivers new``, ``drivers check``."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from drivers.errors import DriversError
from drivers.workflow import _stop

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from drivers import demo
    from drivers.workflow.run import run_client

    config = demo.client_config()
    print(demo.summary(lang=args.lang))
    out = run_client(config, out_root=args.out, bootstrap=args.bootstrap, progress=not args.quiet)
    _print_report(out)
    return 0


def _run(args: argparse.Namespace) -> int:
    from drivers.workflow.run import run_client

    out = run_client(
        args.config,
        wave=args.wave,
        out_root=args.out,
        bootstrap=args.bootstrap,
        progress=not args.quiet,
        strict=args.strict,
    )
    _print_report(out)
    _print_warnings(out)
    return 0


def _print_warnings(out: Path) -> None:
    """The warnings of the analysis, in short, after the report (they are in notebook 01
    and on the deck's methods slide too)."""
    from drivers.workflow.results import load_results

    warnings = load_results(out / "results").warnings
    if not len(warnings):
        print("\nNo warnings.")
        return
    print(f"\n{len(warnings)} warning(s) (see 01_data_quality and the methods slide):")
    for row in warnings.itertuples():
        print(f"  {row.category}: {row.message}")


def _new(args: argparse.Namespace) -> int:
    from drivers.workflow.client import scaffold_client

    folder = scaffold_client(args.name, root=args.root)
    print(
        f"Created {folder}/ with client.toml, survey.toml, the demo waves as examples and\n"
        f"the client's own copy of the notebooks ({folder}/notebooks/).\n"
        f"Replace the data files with the client's, edit client.toml and survey.toml, then:\n"
        f"  .venv/bin/drivers check {folder}/wave_2024.csv --spec {folder}/survey.toml\n"
        f"  .venv/bin/drivers run {folder}/client.toml"
    )
    return 0


def _print_report(out: Path) -> None:
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    folders = ("charts", "results", "extra_slides")
    other = [f for f in files if f.parts[0] not in folders]
    print(f"\nReport written to {out}/")
    for f in other:
        print(f"  {f}")
    charts = [f for f in files if f.parts[0] == "charts"]
    print(f"  charts/ ({len(charts)} files: PNG + SVG)")
    saved = [f for f in files if f.parts[0] == "results"]
    print(f"  results/ ({len(saved)} files: every number of the report, dr.load_results)")


def _check(args: argparse.Namespace) -> int:
    """Read a file, show what was detected and its row accounting.

    With --spec: when the file's columns differ from the spec, print a ready-to-paste
    ``rename = {...}`` proposal and check the file with it. Without --spec: infer a
    spec (never guessing the NPS column from values alone) and print it as TOML.
    Terminal output may show cell values (scrubbed of e-mail, phone numbers, URLs).
    """
    import warnings

    from drivers.load.io import read_table, survey_from_frame
    from drivers.load.match import propose_rename, rename_line
    from drivers.load.spec import SurveySpec

    raw, info = read_table(args.file, sheet=_sheet(args.sheet), header_row=args.header_row)
    detected = ", ".join(
        f"{k} {v!r}"
        for k, v in info.items()
        if k in ("format", "encoding", "delimiter", "decimal", "sheet")
    )
    if info.get("sep_line"):
        detected += ", Excel 'sep=' line"
    print(f"{args.file}: {len(raw)} data rows, {len(raw.columns)} columns ({detected}).")
    labels = info.get("column_labels") or {}
    rename = None
    if args.spec:
        spec = SurveySpec.from_toml(Path(args.spec))
        missing = [c for c in spec.columns if c not in {str(c) for c in raw.columns}]
        if missing:
            matches = propose_rename(raw, spec, labels=labels)
            print(
                f"\n{len(missing)} column(s) of the spec are not in the file under their spec "
                "name. Proposed mapping: paste it into this wave's [[waves]] entry in "
                "client.toml (check the marked lines):\n"
            )
            print(rename_line(matches))
            unmatched = [c for c in missing if c not in {m.spec_column for m in matches}]
            if unmatched:
                print(
                    "# no match found for: "
                    + ", ".join(repr(c) for c in unmatched)
                    + " (a touchpoint not asked in this wave loads as all-missing)"
                )
            print()
            rename = {m.file_column: m.spec_column for m in matches}
    else:
        spec = SurveySpec.infer(
            raw,
            labels=labels,
            decimal=info.get("decimal", "."),
            value_labels=info.get("value_labels"),
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        survey = survey_from_frame(raw, spec, info=info, source=str(args.file), rename=rename)
    print(survey.quality.summary())
    na = survey.quality.not_applicable
    if len(na):
        print("n.v.t. per touchpoint: " + ", ".join(f"{k} {v}" for k, v in na.items()))
    for warning in caught:
        print(f"warning: {warning.message}")
    if not args.spec:
        print("\nInferred spec (a starting point: check the labels and codes, save it as TOML):\n")
        print(spec.to_toml())
    return 0


def _sheet(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="drivers", description="Key-driver analysis of CX surveys against the NPS."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="run the full analysis of the shipped demo client")
    p.add_argument("--lang", default="nl", choices=["nl", "en"])
    p.add_argument("--out", default="reports", help="reports root (default reports/)")
    p.add_argument("--bootstrap", type=int, default=None, help="bootstrap resamples")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_demo)
    p = sub.add_parser("run", help="run a client's notebook suite for a wave")
    p.add_argument("config", help="clients/NAME/client.toml")
    p.add_argument("--strict", action="store_true", help="fail when the analysis warns")
    p.add_argument("--wave", help="wave to report on (default: the latest)")
    p.add_argument("--out", default="reports", help="reports root (default reports/)")
    p.add_argument("--bootstrap", type=int, default=None, help="bootstrap resamples")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)
    p = sub.add_parser("new", help="scaffold clients/NAME/ from the demo client")
    p.add_argument("name")
    p.add_argument("--root", default="clients")
    p.set_defaults(func=_new)
    p = sub.add_parser("check", help="load a data file and print its row accounting")
    p.add_argument("file")
    p.add_argument("--spec", help="survey spec (TOML); inferred when left out")
    p.add_argument("--sheet", help="Excel sheet name or index (required with several sheets)")
    p.add_argument(
        "--header-row", type=int, default=1, help="row with the column names (default 1)"
    )
    p.set_defaults(func=_check)
    from drivers.workflow import pool, themes_cli

    themes_cli.register(sub)
    pool.register(sub)
    args = parser.parse_args(argv)
    _skip_iri_grammar()
    try:
        with _terminate_as_interrupt():
            return args.func(args)
    except DriversError as err:
        print(f"drivers {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:
        terminated = isinstance(err, _Terminated) or _received == [signal.SIGTERM]
        how = "stopped (SIGTERM)" if terminated else "interrupted"
        print(f"drivers {args.command}: {how}; no report was changed.", file=sys.stderr)
        return 143 if terminated else 130
    except Exception:  # never a foreign traceback: one paragraph and the full log
        log = _write_log(args.command)
        print(
            f"drivers {args.command}: something went wrong that drivers did not foresee. "
            f"Nothing was half-written. The full details are in {log}; please send that "
            "file with the command you ran to whoever maintains drivers for you.",
            file=sys.stderr,
        )
        return 3


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a closed terminal, a scheduler's stop): handled as Ctrl-C is."""


_received: list[int] = []  # the first stop signal of this command, if any


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM ends the command as Ctrl-C does: the kernel stops and the half-written
    report folder is removed (Python's default ends the process without cleaning up).

    Both signals are also remembered (:mod:`drivers.workflow._stop`): an exception raised
    while a finaliser runs is dropped by Python, and the run then still stops at its next
    step instead of replacing the report.
    """
    _stop.requested.clear()
    _received.clear()

    def stopped(signum, frame):
        _stop.requested.set()
        if not _received:
            _received.append(signum)
        raise _Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.signal(s, stopped) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _skip_iri_grammar() -> None:
    """Running notebooks imports jsonschema, which builds the grammar of its IRI format
    check when rfc3987-syntax is installed: about 1 s of CPU on every run. Notebook
    schemas check no IRI, so this process goes without (when jsonschema is not loaded yet)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _write_log(command: str) -> Path:
    import tempfile
    import traceback

    handle, name = tempfile.mkstemp(prefix=f"drivers-{command}-", suffix=".log")
    with open(handle, "w", encoding="utf-8") as log:
        log.write(" ".join(sys.argv) + "\n\n" + traceback.format_exc())
    return Path(name)


if __name__ == "__main__":
    sys.exit(main())
