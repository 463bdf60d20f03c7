"""The language layer: catalogs complete in every language, one number formatter."""

import re
import string

import pytest

from drivers.errors import ParameterError
from drivers.present import _format
from drivers.present._format import LANGUAGES, fmt, text


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_key_with_the_same_placeholders():
    catalogs = {lang: _format._catalog(lang) for lang in LANGUAGES}
    keys = {lang: set(c) for lang, c in catalogs.items()}
    assert keys["nl"] == keys["en"], keys["nl"] ^ keys["en"]
    for key in keys["nl"]:
        assert _fields(catalogs["nl"][key]) == _fields(catalogs["en"][key]), key


def test_catalog_files_are_one_per_part_with_unique_keys():
    for lang in LANGUAGES:
        files = sorted((_format.LOCALES_DIR / lang).glob("*.toml"))
        assert files, lang
        assert [f.name for f in files] == [
            f.name for f in sorted((_format.LOCALES_DIR / "en").glob("*.toml"))
        ]


@pytest.mark.parametrize(
    ("x", "kind", "lang", "expected"),
    [
        (0.7123, "r2", "nl", "0,71"),
        (0.7123, "r2", "en", "0.71"),
        (6.649, "grade", "nl", "6,6"),
        (17.4, "nps", "nl", "+17"),
        (-3.2, "nps", "en", "\u22123"),
        (0.346, "percent", "nl", "35%"),
        (0.068, "pp", "nl", "+6,8 %-punt"),
        (0.068, "pp", "en", "+6.8 pp"),
        (1234, "count", "nl", "1.234"),
        (float("nan"), "grade", "nl", "\u2013"),
    ],
)
def test_fmt(x, kind, lang, expected):
    assert fmt(x, kind=kind, lang=lang) == expected


def test_fmt_refuses_unknown_kind_and_language():
    with pytest.raises(ParameterError, match="kind"):
        fmt(1.0, kind="grades")
    with pytest.raises(ParameterError, match="lang"):
        fmt(1.0, lang="de")


def test_dutch_numbers_have_no_decimal_point():
    for kind in ("number", "grade", "signed", "percent", "pp", "r2"):
        assert not re.search(r"\d\.\d", fmt(0.12345, kind=kind, lang="nl", decimals=2))
    assert text("improve", "nl") == "Eerst verbeteren"
