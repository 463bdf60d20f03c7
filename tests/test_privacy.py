"""drivers.privacy on hand-made strings, and the acceptance test of issue 6: an e-mail
address, a phone number and a 3-respondent segment planted in the demo data never reach
any file of the report folder."""

import io
import shutil
import zipfile

import pandas as pd
import pytest

import drivers as dr
from drivers import demo
from drivers.errors import ColumnNotFoundError, ParameterError
from drivers.privacy import quotes, scrub, scrub_series
from drivers.workflow.run import run_client

PHONES = [
    "06-12345678",
    "06 12345678",
    "0612345678",
    "06 - 12 34 56 78",
    "+31 6 1234 5678",
    "+31 (0)6 12345678",
    "+31612345678",
    "020-6365396",
    "020 – 636 53 96",
    "(010) 123 45 67",
    "010-1234567",
    "0031 6 12345678",
    "0031206365396",
    "+44 20 7946 0958",
    "+32 2 123 45 67",
    "0800-1234",
]
EMAILS = ["jan@bedrijf.nl", "j.de-vries@bedrijf.co.uk", "Info@Mindful-Research.NL", "a+b@x.io"]
URLS = [
    "https://www.mindful.nl/contact?x=1",
    "http://bedrijf.nl",
    "www.bedrijf.nl/pagina",
    "mindful.nl",
    "shop.bedrijf.com/a/b",
    "WWW.Bedrijf.be",
]
HARMLESS = [
    "Ik geef een 7,5",
    "cijfer 8.5",
    "In 2024 beter dan in 2023",
    "2023-2024",
    "NPS van +17 naar +22",
    "NPS -12",
    "op 01-02-2024 om 10:30",
    "01/02/2024",
    "2024-01-02",
    "12.03.2024",
    "€ 1.234,50 per maand",
    "1.250.000 artikelen",
    "Prijs 0,50 euro",
    "ordernr 12345678",
    "R24-0001",
    "Goed.De levering was op tijd",
    "d.w.z. beter, o.a. sneller",
    "10% korting, 3x per jaar",
]


@pytest.mark.parametrize("phone", PHONES)
def test_scrub_phone_numbers(phone):
    assert scrub(f"Bel mij op {phone}, graag.") == "Bel mij op [telefoon], graag."
    assert scrub(f"Call {phone}.", lang="en") == "Call [phone]."
    assert scrub(phone) == "[telefoon]"


@pytest.mark.parametrize("email", EMAILS)
def test_scrub_email(email):
    assert scrub(f"Mail naar {email}.") == "Mail naar [e-mail]."


@pytest.mark.parametrize("url", URLS)
def test_scrub_urls(url):
    assert scrub(f"Zie {url}.") == "Zie [url]."
    assert scrub(f"(zie {url})") == "(zie [url])"


@pytest.mark.parametrize("text", HARMLESS)
def test_scrub_leaves_numbers_dates_and_grades_alone(text):
    assert scrub(text) == text
    assert scrub(text, lang="en") == text


def test_scrub_mixed_text_and_non_strings():
    text = (
        "Prima (8,5 in 2024)! Bel 06-12345678 of 020 – 636 53 96, mail jan@bedrijf.nl "
        "of kijk op www.bedrijf.nl. NPS +17."
    )
    assert scrub(text) == (
        "Prima (8,5 in 2024)! Bel [telefoon] of [telefoon], mail [e-mail] "
        "of kijk op [url]. NPS +17."
    )
    assert scrub(None) is None
    with pytest.raises(ParameterError):
        scrub("x", lang="de")


def test_scrub_series_keeps_index_and_missing():
    s = pd.Series(["mail a@b.nl", None, "7,5"], index=[10, 11, 12], name="toelichting")
    out = scrub_series(s)
    assert out[10] == "mail [e-mail]" and out.isna()[11] and out[12] == "7,5"
    assert list(out.index) == [10, 11, 12] and out.name == "toelichting"
    with pytest.raises(ParameterError):
        scrub_series(["a"])


def _frame():
    return pd.DataFrame(
        {
            "respondent": [f"R-{i:03d}" for i in range(13)],
            "sector": ["bouw"] * 6 + ["zorg"] * 4 + ["horeca"] * 3,
            "toelichting": [
                "Bel 06-12345678",
                "Prima",
                "n.v.t.",
                "",
                None,
                "Snel geleverd",
                "Goed",
                "mail zorg@x.nl",
                "Beter",
                "Oke",
                "horeca geheim",
                "horeca geheim 2",
                "horeca geheim 3",
            ],
        }
    )


def test_quotes_scrubbed_without_id_and_above_the_floor():
    df = _frame()
    out = quotes(df, "toelichting", n=10)
    assert list(out.columns) == ["quote"]
    assert "Bel [telefoon]" in set(out["quote"]) and "[e-mail]" in " ".join(out["quote"])
    assert not out["quote"].isin(["n.v.t.", ""]).any()
    assert list(out.index) == list(range(len(out)))
    by = quotes(df, "toelichting", by="sector", n=10, privacy_floor=5)
    assert list(by.columns) == ["sector", "quote"]
    assert set(by["sector"]) == {"bouw"}  # zorg (4) and horeca (3) are below the floor
    assert not by["quote"].str.contains("geheim|zorg").any()
    assert not any(df["respondent"].isin(by.to_numpy().ravel()))
    # a whole table below the floor gives nothing
    assert quotes(df.head(4), "toelichting").empty


def test_quotes_reproducible_and_n():
    df = _frame()
    a = quotes(df, "toelichting", n=2, seed=1)
    assert a.equals(quotes(df, "toelichting", n=2, seed=1)) and len(a) == 2
    with pytest.raises(ColumnNotFoundError):
        quotes(df, "opmerking")
    with pytest.raises(ParameterError):
        quotes(df, "toelichting", n=0)


def test_quotes_on_a_survey():
    survey = demo.load(2024)
    out = quotes(survey, "toelichting", by="sector", n=2)
    assert set(out.columns) == {"sector", "quote"} and len(out) > 0
    assert not out.isin(set(survey.data["respondent"])).any().any()


# -- IBANs, addresses and names -------------------------------------------------------------
IBANS = [
    "NL91 ABNA 0417 1643 00",
    "NL91ABNA0417164300",
    "BE68 5390 0754 7034",
    "DE89370400440532013000",
]


@pytest.mark.parametrize("iban", IBANS)
def test_scrub_ibans(iban):
    assert scrub(f"Graag terugstorten op {iban}.") == "Graag terugstorten op [rekeningnummer]."
    assert scrub(f"IBAN {iban}", lang="en") == "IBAN [account number]"


def test_a_wrong_check_digit_is_no_iban():
    assert "[rekeningnummer]" not in scrub("Code NL92 ABNA 0417 1643 00 staat op de doos")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Afleveren op 3581 KL 12 graag", "Afleveren op [adres] graag"),
        ("postcode 1234AB", "postcode [adres]"),
        ("Kerkstraat 12a, Utrecht", "[adres], Utrecht"),
        ("naar de Van Dijkweg 3 brengen", "naar de [adres] brengen"),
        ("Hoofdweg 3-b is ons magazijn", "[adres] is ons magazijn"),
    ],
)
def test_scrub_addresses(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dhr. Jansen belde niet terug", "[naam] belde niet terug"),
        ("mevrouw van den Berg was vriendelijk", "[naam] was vriendelijk"),
        ("Onze accountmanager Petra de Vries denkt mee", "Onze accountmanager [naam] denkt mee"),
        ("collega Bakker hielp ons", "collega [naam] hielp ons"),
        ("Ik sprak met Sanne van de binnendienst", "Ik sprak met [naam] van de binnendienst"),
        ("Kees van Dam regelt alles", "[naam] regelt alles"),
        ("Bedankt Wouter!", "Bedankt [naam]!"),
        ("Mark de chauffeur is top", "[naam] de chauffeur is top"),
    ],
)
def test_scrub_person_names(text, expected):
    assert scrub(text) == expected
    assert scrub(text, lang="en") == expected.replace("[naam]", "[name]")


@pytest.mark.parametrize(
    "text",
    [
        "Service van Van Dijk Groothandel is goed",
        "Ben tevreden over de levering",
        "Wil graag sneller geleverd krijgen",
        "De Klantenservice van de groothandel is top",
        "Levering in Den Haag en Den Bosch gaat goed",
        "Accountmanager is Top",
        "Kwaliteit, Service en Prijs: goed",
        "In 2024 beter dan in 2023 en 1200 euro korting",
    ],
)
def test_names_and_addresses_leave_ordinary_text_alone(text):
    assert scrub(text) == text


# -- planted secrets: the acceptance test of issue 6 -------------------------------------

EMAIL = "j.jansen@baggerbedrijf-voorbeeld.nl"
PHONE = "06-48213957"
SECTOR = "baggerwerken"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clients") / "geheim"
    shutil.copytree(demo.demo_dir(), folder)
    raw, _ = dr.read_table(folder / "wave_2024.csv")
    raw.loc[0, "toelichting"] = f"Bel mij op {PHONE} of mail {EMAIL} voor een afspraak."
    raw.loc[1, "toelichting"] = f"Mijn nummer: {PHONE}"
    raw.loc[[5, 6, 7], "sector"] = SECTOR
    raw.to_csv(folder / "wave_2024.csv", sep=";", index=False, encoding="cp1252")
    (folder / "wave_2024.sav").unlink()
    text = (folder / "client.toml").read_text(encoding="utf-8")
    text = text.replace('name = "demo"', 'name = "geheim"')
    text = text.replace(
        "bootstrap = 500", "bootstrap = 20\nsimulate_bootstrap = 10\nsimulate_top = 1"
    )
    (folder / "client.toml").write_text(text, encoding="utf-8")
    ids = set(raw["respondent"].dropna())
    ids |= set(dr.read_table(folder / "wave_2023.csv")[0]["respondent"].dropna())
    return folder, {str(i) for i in ids if str(i).strip()}


@pytest.fixture(scope="module")
def planted_report(planted, tmp_path_factory):
    folder, _ = planted
    out = tmp_path_factory.mktemp("reports")
    return run_client(folder / "client.toml", out_root=out, bootstrap=20, progress=False)


def _texts(report):
    """(where, text) of every file under the report folder and every part of its zips."""
    for path in sorted(p for p in report.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    data = z.read(name)
                    if zipfile.is_zipfile(io.BytesIO(data)):  # a chart's embedded workbook
                        with zipfile.ZipFile(io.BytesIO(data)) as inner:
                            for part in inner.namelist():
                                yield (
                                    f"{path.name}:{name}:{part}",
                                    inner.read(part).decode("utf-8", "ignore"),
                                )
                    yield f"{path.name}:{name}", data.decode("utf-8", "ignore")
        else:
            yield path.name, path.read_bytes().decode("utf-8", "ignore")


def test_planted_data_really_is_in_the_input(planted):
    folder, _ = planted
    survey = dr.load_client(folder / "client.toml")
    raw, _ = dr.read_table(folder / "wave_2024.csv")
    assert (raw["sector"] == SECTOR).sum() == 3
    assert raw["toelichting"].str.contains(EMAIL, regex=False).any()
    assert survey.name == "geheim"


def test_no_planted_secret_reaches_any_report_file(planted, planted_report):
    _, ids = planted
    files = list(_texts(planted_report))
    names = {w.split(":")[0] for w, _ in files}
    assert {"tables.xlsx", "geheim_2024.pptx", "02_nps_overview.html"} <= names
    leaks = []
    for where, text in files:
        lower = text.lower()
        for secret in (EMAIL, "baggerbedrijf", PHONE, "48213957", SECTOR):
            if secret.lower() in lower:
                leaks.append((where, secret))
        leaks += [(where, i) for i in ids if i in text]
    assert not leaks, leaks[:20]


def test_suppressed_segment_shows_a_mark_instead(planted_report):
    from drivers.present._format import text

    table = pd.read_excel(planted_report / "tables.xlsx", sheet_name="nps_sector", header=1)
    hidden = table[table[text("col_suppressed", "nl")].astype(bool)]
    assert len(hidden) == 1
    assert hidden[text("col_group", "nl")].iloc[0] == "overig (n < 5)"
    assert hidden[[text("col_n", "nl"), text("col_nps", "nl")]].isna().all().all()
