"""Command line: ``drivers demo``, ``drivers check FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drivers.errors import DriversError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from drivers.report import demo_report

    print(demo_report(lang=args.lang, out=args.out))
    return 0


def _check(args: argparse.Namespace) -> int:
    from drivers.io import load_survey, read_table
    from drivers.spec import SurveySpec

    if args.spec:
        survey = load_survey(args.file, Path(args.spec), sheet=_sheet(args.sheet))
        print(survey.quality.summary())
        na = survey.quality.not_applicable
        if len(na):
            print("n.v.t. per touchpoint: " + ", ".join(f"{k} {v}" for k, v in na.items()))
        return 0
    raw, info = read_table(args.file, sheet=_sheet(args.sheet))
    detected = ", ".join(
        f"{k} {v!r}"
        for k, v in info.items()
        if k in ("format", "encoding", "delimiter", "decimal", "sheet")
    )
    print(f"{args.file}: {len(raw)} data rows, {len(raw.columns)} columns ({detected}).")
    spec = SurveySpec.infer(raw)
    survey = load_survey(args.file, spec, sheet=_sheet(args.sheet))
    print(survey.quality.summary())
    print("\nInferred spec (a starting point: check the labels and codes, save it as TOML):\n")
    print(spec.to_toml())
    return 0


def _sheet(value: str | None) -> int | str:
    if value is None:
        return 0
    return int(value) if value.isdigit() else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="drivers", description="Key-driver analysis of CX surveys against the NPS."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="run the demo analysis on the shipped demo client")
    p.add_argument("--lang", default="nl", choices=["nl", "en"])
    p.add_argument("--out", default="reports/demo", help="report folder (default reports/demo)")
    p.set_defaults(func=_demo)
    p = sub.add_parser("check", help="load a data file and print its row accounting")
    p.add_argument("file")
    p.add_argument("--spec", help="survey spec (TOML); inferred when left out")
    p.add_argument("--sheet", help="Excel sheet name or index")
    p.set_defaults(func=_check)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DriversError as err:
        print(f"drivers {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
