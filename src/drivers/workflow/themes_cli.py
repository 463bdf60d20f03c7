"""Command line for open answers: ``drivers themes suggest CONFIG`` and ``drivers themes code``.

The integrator wires it into ``drivers.workflow.cli`` with one line::

    from drivers.workflow import themes_cli
    themes_cli.register(sub)          # sub = parser.add_subparsers(...)

Each command sets ``func`` like the other commands, so ``main`` calls it unchanged.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["codebook_path", "register", "suggest", "code"]


def codebook_path(config, given: str | None = None) -> Path | None:
    """The codebook to use: ``given``, else ``themes.toml`` beside the client config."""
    if given:
        return Path(given)
    folder = Path(config.path).parent if getattr(config, "path", None) else None
    if folder is not None and (folder / "themes.toml").is_file():
        return folder / "themes.toml"
    return None


def _survey(args: argparse.Namespace):
    from drivers.load.io import load_survey
    from drivers.workflow.client import load_client

    config = load_client(args.config)
    wave = config.wave(args.wave)
    return config, load_survey(wave.file, config.spec, wave=wave)


def suggest(args: argparse.Namespace) -> int:
    """``drivers themes suggest CONFIG``: print candidate themes as a TOML block."""
    from drivers.stats.themes import suggest_themes

    config, survey = _survey(args)
    book = codebook_path(config, args.codebook)
    result = suggest_themes(
        survey,
        n=args.n,
        codebook=book,
        column=args.column,
        seed=args.seed,
        lang=config.language,
    )
    if book is not None:
        print(f"# Codebook {book}: answers it leaves uncoded.")
    print(result.to_toml())
    return 0


def code(args: argparse.Namespace) -> int:
    """``drivers themes code CONFIG``: coverage and theme shares of a wave."""
    from drivers.errors import ParameterError
    from drivers.stats.themes import themes

    config, survey = _survey(args)
    book = codebook_path(config, args.codebook)
    if book is None:
        raise ParameterError(
            "drivers themes code: no codebook; pass --codebook or put themes.toml beside "
            "client.toml (`drivers themes suggest` proposes a start)."
        )
    result = themes(survey, book, column=args.column)
    print(result.summary())
    print()
    print(result.coverage.to_string(index=False))
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``themes suggest`` and ``themes code`` to the ``drivers`` command's subparsers."""
    parser = subparsers.add_parser("themes", help="code open answers into themes")
    commands = parser.add_subparsers(dest="themes_command", required=True)
    for name, func, text in (
        ("suggest", suggest, "propose themes for the answers the codebook leaves uncoded"),
        ("code", code, "code a wave's answers and print coverage and shares"),
    ):
        p = commands.add_parser(name, help=text)
        p.add_argument("config", help="clients/NAME/client.toml")
        p.add_argument("--wave", help="wave (default: the latest)")
        p.add_argument("--codebook", help="codebook TOML (default: themes.toml beside CONFIG)")
        p.add_argument("--column", help="open-answer column (default: the spec's first)")
        if name == "suggest":
            p.add_argument("--n", type=int, default=5, help="themes to propose (default 5)")
            p.add_argument("--seed", type=int, default=0)
        p.set_defaults(func=func)
    return parser
