"""Write docs/attack_catalogue.md: every case of the bad-input catalogue with its outcome.

    python tools/attack_catalogue.py            # writes docs/attack_catalogue.md
    python tools/attack_catalogue.py --check    # exit 1 when the file is out of date

Each case of ``tests/data/bad/expected.toml`` (written by ``tools/make_bad_inputs.py``) is
run here as the tests run it: a survey file through ``load_survey``, a config file through
``load_client`` / ``SurveySpec.from_toml``. The outcome is the first line of the error,
or, for a file that loads, "numbers right" with its row accounting when rows read, rows
used, reasons and the expected values all match ``expected.toml`` ("WRONG" otherwise).
``tests/test_bad_inputs.py`` checks that the committed file equals what this writes.
"""

from __future__ import annotations

import sys
import tomllib
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "tests" / "data" / "bad"
DOC = ROOT / "docs" / "attack_catalogue.md"

#: Parts of the issue checked outside this catalogue, and where.
ELSEWHERE = [
    (
        "1-5 in the deliverables",
        "tests/test_fuzz.py (payload fuzz: tables.xlsx, deck workbooks, notebook Markdown/HTML, "
        "chart texts, paths, planted ids and e-mail addresses), tests/test_privacy.py, "
        "tests/test_suppression.py",
    ),
    (
        "9 Byte-identical reruns, no machine paths",
        "tests/test_reproducible.py, tests/test_tables.py::test_rewrite_gives_identical_bytes, "
        "tests/test_run.py::test_no_machine_paths_in_notebooks_or_html",
    ),
    ("10 Big files", "bench/bench_load.py and bench/bench_run.py (`make bench`, bench/README.md)"),
]


def _categories() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from make_bad_inputs import CATEGORIES
    finally:
        sys.path.pop(0)
    return CATEGORIES


def _spec(base, item):
    changes = dict(item.get("spec", {}))
    if "value_labels" in changes:
        changes["value_labels"] = {
            c: {k: float(v) for k, v in m.items()} for c, m in changes["value_labels"].items()
        }
    return base.replace(**changes) if changes else base


def _first_line(err: Exception) -> str:
    text = str(err).replace(f"{FOLDER}/", "").strip()
    return f"{type(err).__name__}: {text.splitlines()[0]}"


def _same(got: list, want: list) -> bool:
    import math

    if len(got) != len(want):
        return False
    for a, b in zip(got, want, strict=True):
        if isinstance(b, float):
            if not (math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))):
                return False
        elif a != b:
            return False
    return True


def _load_outcome(item: dict, spec) -> str:
    import drivers as dr

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            survey = dr.load_survey(
                FOLDER / item["file"], _spec(spec, item), **item.get("load", {})
            )
    except Exception as err:  # noqa: BLE001 (the outcome is the error)
        return _first_line(err)
    if "error" in item:
        return f"WRONG: loads, expected {item['error']}"
    q = survey.quality
    reasons = q.excluded.value_counts().to_dict()
    right = (
        q.rows_read == item["rows_read"]
        and q.rows_used == item["rows_used"]
        and reasons == item["reasons"]
        and all(_same(survey.data[c].tolist(), v) for c, v in item.get("values", {}).items())
    )
    parts = [f"{q.rows_read} rows read, {q.rows_used} used"]
    parts += [f"{n} excluded: {reason}" for reason, n in reasons.items()]
    cells = sum(int(n) for n in q.cells_by_kind["n"]) if len(q.cells_by_kind) else 0
    if cells:
        parts.append(f"{cells} cell(s) set aside")
    messages = [str(w.message) for w in caught]
    if messages:
        parts.append("warns: " + messages[0].replace(f"{FOLDER}/", "").splitlines()[0])
    return ("numbers right: " if right else "WRONG: ") + "; ".join(parts)


def _config_outcome(item: dict) -> str:
    import drivers as dr

    path = FOLDER / item["file"]
    read = dr.SurveySpec.from_toml if path.name.startswith("survey") else dr.load_client
    try:
        config = read(path)
    except Exception as err:  # noqa: BLE001
        return _first_line(err)
    if "error" in item:
        return f"WRONG: loads, expected {item['error']}"
    text = f"loads: folder name {config.name!r}, shown as {config.display_name!r}"
    if "wave_slugs" in item:
        text += ", wave folders " + ", ".join(repr(w.slug) for w in config.waves)
    right = config.name == item["slug"] and config.display_name == item["display"]
    return text if right else "WRONG: " + text


def outcomes() -> list[dict]:
    """Every case with its category and the outcome it has today."""
    import drivers as dr

    cases = tomllib.loads((FOLDER / "expected.toml").read_text(encoding="utf-8"))["case"]
    spec = dr.SurveySpec.from_toml(FOLDER / "survey.toml")
    rows = []
    for item in cases:
        run = _config_outcome(item) if item.get("config") else _load_outcome(item, spec)
        rows.append({**item, "outcome": run})
    return rows


def _cell(text: str) -> str:
    """Markdown table cell: no pipes, no HTML, no maths, no line breaks, nothing invisible."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|").replace("$", "\\$")
    return text if len(text) <= 300 else text[:300] + " …"


def render() -> str:
    """The Markdown of docs/attack_catalogue.md."""
    categories = _categories()
    rows = outcomes()
    counts = Counter(r["category"] for r in rows)
    lines = [
        "# The attack catalogue",
        "",
        "Generated by `python tools/attack_catalogue.py` from `tests/data/bad/expected.toml`",
        "(written by `tools/make_bad_inputs.py`); `tests/test_bad_inputs.py` checks that this",
        "file is up to date and asserts every outcome in detail. Do not edit by hand.",
        "",
        "An outcome is the first line of the error the consultant sees, or, for a file that",
        'loads, "numbers right" with its row accounting (rows read and used, exclusions and',
        "the expected values all as `expected.toml` has them).",
        "",
        f"{len(rows)} cases.",
        "",
        "| Category | Cases |",
        "|---|---|",
    ]
    lines += [f"| {label} | {counts.get(key, 0)} |" for key, label in categories.items()]
    lines += ["", "| # | Case | Category | File | Outcome |", "|---|---|---|---|---|"]
    for i, row in enumerate(rows, start=1):
        lines.append(
            f"| {i} | {_cell(row['name'])} | {categories[row['category']]} | "
            f"`{row['file']}` | {_cell(row['outcome'])} |"
        )
    lines += ["", "## Checked outside this catalogue", "", "| Part | Where |", "|---|---|"]
    lines += [f"| {part} | {where} |" for part, where in ELSEWHERE]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python tools/attack_catalogue.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"{DOC.relative_to(ROOT)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
