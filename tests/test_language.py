"""One language layer, end to end: a Dutch report shows decimal commas and translated option
names everywhere a person reads it, and an English report shows none of the Dutch words.

Reads the deck's slides, notes and chart XML (labels and number formats), the notebooks'
markdown outputs, the xlsx titles and headers and the chart SVG texts of two shared
end-to-end reports: the README's per-client run of the demo (Dutch) and the three-wave
test client (English)."""

import re
import zipfile
from xml.etree import ElementTree

import nbformat
import openpyxl
import pytest
from pptx import Presentation

from drivers.present import _format

DECIMAL_POINT = re.compile(r"\d\.\d")
OPTION_KEYS = re.compile(r"\b(pairwise|impute|listwise|shapley|relative_weights)\b")


def _texts(report):
    """(where, text) of everything a person reads in the report."""
    deck = next(report.glob("*.pptx"))
    prs = Presentation(deck)
    for i, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield f"slide {i}", shape.text_frame.text
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield f"slide {i} table", cell.text
        if slide.has_notes_slide:
            yield f"notes {i}", slide.notes_slide.notes_text_frame.text
    with zipfile.ZipFile(deck) as z:
        for name in z.namelist():
            if name.startswith("ppt/charts/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for text in re.findall(r"<a:t>([^<]*)</a:t>", xml):
                    yield name, text
                for code in re.findall(r'formatCode="([^"]*)"', xml):
                    yield f"{name} format", code
    for notebook in sorted(report.glob("*.ipynb")):
        node = nbformat.read(notebook, as_version=4)
        for cell in node.cells:
            for out in cell.get("outputs", []):
                if "text/markdown" in out.get("data", {}):
                    yield notebook.name, out["data"]["text/markdown"]
    book = openpyxl.load_workbook(report / "tables.xlsx")
    for sheet in book:
        for row in sheet.iter_rows(min_row=1, max_row=2, values_only=True):
            for value in row:
                if isinstance(value, str):
                    yield f"tables.xlsx {sheet.title}", value
    for svg in sorted((report / "charts").glob("*.svg")):
        root = ElementTree.parse(svg).getroot()
        for element in root.iter():
            if element.tag.endswith("text"):
                yield svg.name, "".join(element.itertext())


@pytest.fixture(scope="module")
def dutch(readme_project):
    project, _ = readme_project
    return list(_texts(project / "reports" / "acme" / "2024"))


@pytest.fixture(scope="module")
def english(report):
    return list(_texts(report))


def test_dutch_report_has_no_decimal_point(dutch):
    wheres = {w.split()[0] for w, _ in dutch}
    assert {"slide", "notes", "tables.xlsx"} <= wheres
    assert any(w.endswith(".svg") for w in wheres)
    assert any(w.endswith(".ipynb") for w in wheres)
    bad = [(w, t) for w, t in dutch if DECIMAL_POINT.search(t)]
    assert not bad, bad[:10]


def test_dutch_report_has_no_untranslated_option_names(dutch):
    bad = [(w, t) for w, t in dutch if OPTION_KEYS.search(t)]
    assert not bad, bad[:10]


def _only_dutch_words() -> set[str]:
    def words(lang):
        return {
            w.lower()
            for text in _format._catalog(lang).values()
            for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)
        }

    return {w for w in words("nl") - words("en") if len(w) >= 6}


def test_english_report_has_no_dutch_words(english, client):
    dutch_words = _only_dutch_words()
    assert {"gewogen", "verbeteren", "klantonderzoek"} <= dutch_words
    data = " ".join(
        p.read_text(encoding="cp1252", errors="ignore").lower()
        for p in client.iterdir()
        if p.suffix in (".csv", ".toml")
    )
    found = set()
    for where, text in english:
        for word in re.findall(r"[A-Za-zÀ-ÿ]+", text):
            if word.lower() in dutch_words and word.lower() not in data:
                found.add((where, word))
    assert not found, sorted(found)[:20]


def test_english_report_names_the_sector_in_english(english):
    """The client's sector is a Dutch key ("industrie"): English deliverables name its
    benchmark in English, on the slides, in the notes, the charts and the notebooks."""
    labels = [(where, t) for where, t in english if "Benchmark " in t]
    assert any("Benchmark manufacturing" in t for _, t in labels), labels[:5]
    assert any(where.endswith(".svg") for where, t in labels if "manufacturing" in t)
    assert not [(w, t) for w, t in labels if "Benchmark industrie" in t]


@pytest.mark.parametrize("which", ["dutch", "english"])
def test_xlsx_titles_and_headers_are_words_not_column_names(which, request):
    """helper-19: tables.xlsx showed `r2_part`, `nps_gap`, `shapley_share`, and the
    sheet title `importance_change · Acme2`: every title and header is catalog text."""
    shown = request.getfixturevalue(which)
    cells = [(w, t) for w, t in shown if w.startswith("tables.xlsx")]
    assert len(cells) > 100
    raw = [(w, t) for w, t in cells if re.search(r"\b[a-z]+_[a-z0-9_]+\b", t)]
    assert not raw, raw[:10]


def test_dutch_results_render_in_english(readme_project, tmp_path):
    """One analysis, rendered in the other language: r.in_language("en") of the Dutch
    demo gives a deck, charts and tables with no Dutch word and no Dutch touchpoint,
    theme or quadrant name (tables kept the analysis language's names)."""
    import drivers as dr
    from drivers.workflow.report import write_charts_and_tables, write_deck

    project, _ = readme_project
    dutch_results = dr.load_results(project / "reports" / "acme" / "2024" / "results")
    english_results = dutch_results.in_language("en")
    assert english_results.in_language("nl") == dutch_results
    assert dutch_results.in_language("nl") is dutch_results
    write_charts_and_tables(english_results, tmp_path)
    write_deck(english_results, tmp_path)
    shown = list(_texts(tmp_path))
    assert any(w.startswith("slide") for w, _ in shown) and any(".svg" in w for w, _ in shown)
    names = {
        by_lang["nl"]
        for by_lang in dutch_results.labels.values()
        if by_lang.get("nl") and by_lang["nl"] != by_lang.get("en")
    }
    names |= {"Eerst verbeteren", "Behouden", "gepubliceerd"}
    assert {"Klachtafhandeling", "Levering en logistiek"} <= names
    # segment names and values are the client's data, shown as they are
    data = {w.lower() for w in dutch_results.segment_names}
    for table in dutch_results.segments.values():
        data |= {str(v).lower() for v in table["group"]}
    # the published figures' sources are cited by their (Dutch) titles
    from drivers.stats.benchmark import _table

    for source in _table()["source"]:
        data |= {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", str(source))}
    # and the customers' quotes are in the words they wrote
    for quote in (dutch_results.themes or {}).get("quotes", {"quote": []})["quote"]:
        data |= {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", quote)}
    dutch_words = _only_dutch_words() - data
    found = set()
    for where, text in shown:
        found |= {(where, n) for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)}
        found |= {(where, w) for w in re.findall(r"[A-Za-zÀ-ÿ]+", text) if w.lower() in dutch_words}
    assert not found, sorted(found)[:20]


# -- notebook prose in the client's language ------------------------------------------
def _markdown(path):
    node = nbformat.read(path, as_version=4)
    return {c.id: c.source for c in node.cells if c.cell_type == "markdown"}


def test_shipped_notebook_prose_is_the_catalog_text():
    """Every markdown cell has its text in both catalogs, and ships as the English one."""
    from drivers.workflow.run import NOTEBOOKS, notebook_dir

    english, dutch = _format._catalog("en"), _format._catalog("nl")
    for name in NOTEBOOKS:
        for cell_id, source in _markdown(notebook_dir() / f"{name}.ipynb").items():
            key = "nb_" + cell_id.replace("-", "_")
            assert key in english and key in dutch, (name, cell_id)
            assert source == english[key].rstrip("\n"), (name, cell_id)


def test_localise_notebook_translates_unedited_prose_only():
    from drivers.workflow.run import localise_notebook, notebook_dir

    node = nbformat.read(notebook_dir() / "05_wave_comparison.ipynb", as_version=4)
    edited = next(c for c in node.cells if c.id == "waves-11")
    edited.source = "## Our own heading, kept"
    localise_notebook(node, "nl")
    text = {c.id: c.source for c in node.cells if c.cell_type == "markdown"}
    assert text["waves-01"].startswith("# 5 · Metingen vergeleken")
    assert text["waves-08a"].startswith("### Alle metingen")
    assert text["waves-11"] == "## Our own heading, kept"
    localise_notebook(node, "en")  # back: the Dutch text is recognised as shipped too
    assert next(c for c in node.cells if c.id == "waves-01").source.startswith(
        "# 5 · Wave comparison"
    )


def test_dutch_report_notebooks_have_dutch_headings(readme_project):
    project, _ = readme_project
    report = project / "reports" / "acme" / "2024"
    assert _markdown(report / "02_nps_overview.ipynb")["nps-01"].startswith("# 2 · NPS-overzicht")
    assert _markdown(report / "01_data_quality.ipynb")["quality-04"] == (
        "## Rijen ingelezen, gebruikt en uitgesloten, per meting"
    )
    own = project / "clients" / "acme" / "notebooks" / "03_key_drivers.ipynb"
    assert _markdown(own)["drivers-10"] == "## Methoden naast elkaar"  # drivers new: Dutch


def test_english_report_notebooks_have_english_headings(report):
    assert _markdown(report / "05_wave_comparison.ipynb")["waves-01"].startswith(
        "# 5 · Wave comparison"
    )
    assert _markdown(report / "05_wave_comparison.ipynb")["waves-10c"].startswith(
        "### Importance in every wave"
    )
