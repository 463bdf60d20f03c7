"""The demo client: a fictional Dutch wholesaler with two survey waves.

*Van Dijk Groothandel* does not exist. Its survey data are simulated by
:func:`generate`, seeded and deterministic, and shipped in ``data/demo/``:

``survey.toml``
    the survey spec (:class:`drivers.load.spec.SurveySpec`);
``wave_2023.csv``, ``wave_2024.csv``
    one file per wave, written like a Dutch survey-tool export: ``;`` between
    fields, cp1252 encoding, a decimal comma in the weight column, ``n.v.t.`` and
    ``weet niet`` as text in the grade columns;
``wave_2024.sav``
    the 2024 wave as SPSS data: numeric codes with value labels, ``n.v.t.`` coded 99
    and ``weet niet`` 98 as user-missing values, variable labels;
``client.toml``
    the client configuration that ties spec and waves together;
``themes.toml``
    the codebook of the open answers (:data:`THEMES_TOML`, for :func:`drivers.themes`).

Each wave has about 800 respondents who answer the NPS question (``aanbeveling``,
0-10: "Hoe waarschijnlijk is het dat u Van Dijk Groothandel aanbeveelt aan een
collega of relatie?") and grade ten touchpoints on the Dutch 1-10 scale. Complaint
handling is graded only by the customers who complained (about 30%), the web shop
not by the customers who never order online (about 20%), and a handful of "weet
niet" answers are spread over the other touchpoints. Segments are ``sector``,
``omvang`` (customer size) and ``regio``; ``gewicht`` is a survey weight (mean 1)
that corrects the over-representation of large customers; ``toelichting`` is the
open answer to "Waarom geeft u dit cijfer?": it names the touchpoint the respondent graded
lowest (a complaint; detractors and passives) and, for promoters, the one graded highest
(praise), so the themes of the codebook follow the grades. The sector ``zorg`` is deliberately
small (about 20 respondents per wave, below the small-base line of 30).

Calibration
-----------
The figures follow the Dutch B2B benchmarks in ``../shared/seeds/``:

- NPS between +15 and +30 in both waves: the Dutch B2B average is +17 and
  wholesale (groothandel) +29 in the 2024 edition (``001_35284863b44b2303.txt``).
- Complaint handling is the lowest-graded touchpoint, about 6.6 in 2023: the B2B
  average in ``000_916d8e913ebbf579.txt`` (6.6, against 7.2 for top performers);
  customer service about 8, the non-top-performer average in the same article;
  the other touchpoints 7-8 (the average grade there is 7.8).
- Wave 2024: complaint handling improves (about 6.6 to 7.0), delivery and customer
  service a little, and the NPS rises a few points (about +5 in expectation).

In the shipped files (seed 2024): NPS +17 in 2023 and +24 in 2024 (unweighted;
weighted +16 and +22), complaint handling 6.6 and 7.1, customer service 8.0 and
8.1, 29% and 33% complained.

The open answers tell the same story: about nine in ten of them get a theme of
``themes.toml``; complaint handling, delivery and price go with a lower NPS (complaints
about 30 NPS points below the other respondents in 2024), customer service and product
quality (mostly praise by promoters) with a higher one; delivery is mentioned less in
2024 (16% to 11% of the answers) as its grade improves.

True driver structure
---------------------
Every respondent has a latent overall satisfaction ``F`` (standard normal, shifted a
little by sector and size). The latent score of touchpoint ``j`` is
``u_j = 0.58 F + sqrt(1 - 0.58**2) e_j``, so that the grades correlate 0.2-0.4 with
each other (mean about 0.3); the grade is ``u_j`` on the touchpoint's mean and
spread, rounded and clipped to 1-10. The latent likelihood to recommend is

``L = sum_j TRUE_DRIVERS[j] * u_j* - 0.15 * complained + noise``  (noise SD 0.58)

with ``u_j*`` the latent score measured against the 2023 mean (so a better wave
raises ``L``); complaint handling counts only for those who complained and the web
shop only for those who use it. ``L`` has a standard deviation of about 1, so
:data:`TRUE_DRIVERS` holds standardized effects: the change in ``L``, in its standard
deviations, per standard deviation of a touchpoint's latent grade. The 0-10 answer
is ``8.2 + 2.15 L``, rounded and clipped. R² of the observed NPS answer on the
observed grades is about 0.55 over the nine touchpoints everyone can grade (about
0.7 among those who complained, where complaint handling adds its share).

The order of the top drivers is clear enough to be found on one wave:

- over the nine touchpoints everyone can grade (``missing="listwise"``, about 600
  rows), exact Shapley (LMG) ranks product quality, customer service, delivery as the
  top three in both shipped waves, and in 91 of 100 simulated waves (seeds 0-49);
- over all ten with ``missing="pairwise"`` (800 rows) the shipped waves give
  complaint handling, product quality, customer service, delivery: the order of
  :data:`TRUE_DRIVERS`;
- among those who complained (about 240 rows, all ten touchpoints) complaint
  handling comes first in both shipped waves (83 of 100 simulated waves).

``offerte`` (quotation) has no effect at all, and the other five touchpoints almost
none: drivers that only look important through their correlation with the rest.

Examples
--------
>>> from drivers import demo
>>> list(demo.TRUE_DRIVERS)[:3]
['klachtafhandeling', 'productkwaliteit', 'klantenservice']
>>> survey = demo.load(2024)
>>> len(survey.data) > 700
True
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from drivers.errors import ParameterError, check_option

if TYPE_CHECKING:  # pragma: no cover - typing only
    from drivers.load.survey import Survey

__all__ = [
    "CLIENT",
    "DEMO_DIR",
    "TRUE_DRIVERS",
    "TOUCHPOINTS",
    "WAVES",
    "THEMES_TOML",
    "client_config",
    "codebook",
    "demo_dir",
    "generate",
    "load",
    "load_both",
    "simulate",
    "summary",
]

#: Name of the fictional client.
CLIENT = "Van Dijk Groothandel"

#: The two waves shipped in ``data/demo/``.
WAVES = (2023, 2024)

#: Where the shipped demo files live in a checkout (editable install).
DEMO_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"

_FILES = (
    "survey.toml",
    "client.toml",
    "themes.toml",
    "wave_2023.csv",
    "wave_2024.csv",
    "wave_2024.sav",
)
_SEED = 2024
_N = 800


@dataclass(frozen=True)
class _TP:
    key: str
    nl: str
    en: str
    phase: str
    mean: float  # target mean grade in 2023 (before rounding and clipping)
    sd: float
    gain_2024: float = 0.0  # change of the mean grade in wave 2024
    dont_know: float = 0.0  # share "weet niet"


#: The ten touchpoints of the demo survey (key, labels, journey phase), in survey order.
_TOUCHPOINTS = (
    _TP(
        "accountmanager", "Accountmanager", "Account manager", "Oriëntatie", 7.85, 1.15, 0.0, 0.012
    ),
    _TP("offerte", "Offerte", "Quotation", "Oriëntatie", 7.35, 1.10, 0.0, 0.015),
    _TP(
        "orderverwerking",
        "Orderverwerking",
        "Order processing",
        "Bestellen",
        7.65,
        1.00,
        0.0,
        0.006,
    ),
    _TP("webshop", "Webshop", "Web shop", "Bestellen", 7.25, 1.25, 0.05, 0.0),
    _TP(
        "levering", "Levering en logistiek", "Delivery and logistics", "Levering", 7.45, 1.25, 0.15
    ),
    _TP("facturatie", "Facturatie", "Invoicing", "Levering", 7.55, 1.05, 0.0, 0.02),
    _TP("klantenservice", "Klantenservice", "Customer service", "Service", 8.05, 1.10, 0.1, 0.005),
    _TP(
        "klachtafhandeling", "Klachtafhandeling", "Complaint handling", "Service", 7.03, 1.75, 0.35
    ),
    _TP("productkwaliteit", "Productkwaliteit", "Product quality", "Product", 7.95, 1.00),
    _TP(
        "prijs_kwaliteit",
        "Prijs-kwaliteitverhouding",
        "Value for money",
        "Product",
        7.05,
        1.15,
        0.0,
        0.01,
    ),
)

#: Touchpoint keys with their Dutch and English labels and journey phase.
TOUCHPOINTS = MappingProxyType(
    {t.key: MappingProxyType({"nl": t.nl, "en": t.en, "phase": t.phase}) for t in _TOUCHPOINTS}
)

#: The generator's true standardized effects on the latent likelihood to recommend
#: (per standard deviation of a touchpoint's latent grade), largest first. Complaint
#: handling acts only for customers who complained, the web shop only for its users;
#: ``offerte`` has no effect.
TRUE_DRIVERS = MappingProxyType(
    {
        "klachtafhandeling": 0.50,
        "productkwaliteit": 0.42,
        "klantenservice": 0.29,
        "levering": 0.17,
        "accountmanager": 0.02,
        "prijs_kwaliteit": 0.01,
        "orderverwerking": 0.01,
        "webshop": 0.01,
        "facturatie": 0.01,
        "offerte": 0.00,
    }
)

_LOADING = 0.58  # loading of every touchpoint on the overall-satisfaction factor
_COMPLAINT_PENALTY = -0.15  # effect of having had to complain at all, on L
_NOISE_SD = 0.58  # residual noise on L
_LTR_CENTER, _LTR_SCALE = 8.2, 2.15
_LTR_UPLIFT_2024 = 0.0  # general goodwill in 2024, on L

_SECTORS = {"bouw": 0.30, "industrie": 0.24, "horeca": 0.195, "retail": 0.24, "zorg": 0.025}
_SECTOR_EFFECT = {"bouw": -0.05, "industrie": 0.15, "horeca": -0.2, "retail": 0.0, "zorg": -0.3}
_SIZES = {"klein": 0.45, "middel": 0.35, "groot": 0.20}
_SIZE_EFFECT = {"klein": -0.05, "middel": 0.0, "groot": 0.15}
_SIZE_POPULATION = {"klein": 0.55, "middel": 0.30, "groot": 0.15}  # for the weights
_REGIONS = {"Noord": 0.15, "Oost": 0.22, "Zuid": 0.25, "West": 0.38}
_WEBSHOP_USERS = 0.80
_COMPLAINED = 0.30
_EMPTY_ANSWER = 0.15

_NA, _DONT_KNOW = "n.v.t.", "weet niet"
_NA_CODE, _DONT_KNOW_CODE = 99, 98

_NPS_QUESTION = f"Hoe waarschijnlijk is het dat u {CLIENT} aanbeveelt aan een collega of relatie?"

# -- open answers ---------------------------------------------------------------------------
# Every touchpoint is one theme of the codebook (data/demo/themes.toml). A respondent's
# answer names the touchpoint they graded lowest (a complaint) and, for promoters and some
# passives, the one they graded highest (praise): the themes follow the grades, so that
# mentioning a theme goes with a low (complaint) or high (praise) grade of its touchpoint.
_THEME_OF = {
    "accountmanager": "account_manager",
    "offerte": "quotation",
    "orderverwerking": "orders",
    "webshop": "webshop",
    "levering": "delivery",
    "facturatie": "invoicing",
    "klantenservice": "customer_service",
    "klachtafhandeling": "complaints",
    "productkwaliteit": "product_quality",
    "prijs_kwaliteit": "price",
}
# Complaint about a touchpoint, used when it is the respondent's weakest grade.
_WEAK_POINT = {
    "accountmanager": (
        "de accountmanager laat weinig van zich horen",
        "we zien onze accountmanager bijna nooit",
    ),
    "offerte": ("offertes duren te lang", "de offerte was onduidelijk"),
    "orderverwerking": (
        "bestellingen worden niet altijd goed verwerkt",
        "er gaat te vaak iets mis met de orders",
    ),
    "webshop": ("de webshop is onoverzichtelijk", "in de webshop vind ik niet wat ik zoek"),
    "levering": ("leveringen komen regelmatig te laat", "de levertijden worden niet gehaald"),
    "facturatie": ("de facturen kloppen vaak niet", "creditnota's laten lang op zich wachten"),
    "klantenservice": (
        "de klantenservice is slecht bereikbaar",
        "je moet lang wachten aan de telefoon",
    ),
    "klachtafhandeling": (
        "onze klacht is niet goed opgelost",
        "het duurde weken voordat onze klacht was afgehandeld",
    ),
    "productkwaliteit": (
        "de kwaliteit van de producten wisselt",
        "we krijgen te vaak beschadigde producten",
    ),
    "prijs_kwaliteit": (
        "de prijzen zijn te hoog voor wat je krijgt",
        "andere groothandels zijn goedkoper",
    ),
}
# Praise of a touchpoint, used when it is the respondent's best grade (8 or more).
_STRONG_POINT = {
    "accountmanager": (
        "fijne samenwerking met onze accountmanager",
        "onze accountmanager denkt goed mee",
    ),
    "offerte": ("offertes zijn snel en duidelijk", "een offerte hebben we binnen een dag"),
    "orderverwerking": ("bestellingen worden foutloos verwerkt", "orders worden snel verwerkt"),
    "webshop": ("de webshop werkt prettig", "online bestellen gaat makkelijk"),
    "levering": ("de levering klopt altijd", "alles wordt op tijd geleverd"),
    "facturatie": ("de facturen zijn altijd correct", "de facturatie is helder"),
    "klantenservice": (
        "de klantenservice helpt ons altijd snel",
        "de binnendienst is goed bereikbaar",
    ),
    "klachtafhandeling": ("een klacht wordt snel opgelost", "klachten worden serieus genomen"),
    "productkwaliteit": ("de kwaliteit van de producten is goed", "goede producten"),
    "prijs_kwaliteit": ("scherpe prijzen", "de prijs-kwaliteitverhouding is goed"),
}
# A few respondents answer in English (international customers).
_WEAK_POINT_EN = {
    "accountmanager": "we never see our account manager",
    "offerte": "quotes take too long",
    "orderverwerking": "orders are often processed wrongly",
    "webshop": "the webshop is confusing",
    "levering": "deliveries are often late",
    "facturatie": "the invoices are often wrong",
    "klantenservice": "customer service is hard to reach",
    "klachtafhandeling": "our complaint was never resolved",
    "productkwaliteit": "product quality is not consistent",
    "prijs_kwaliteit": "prices are too high",
}
_ENGLISH = 0.03
# Generic answers that name no theme.
_PROMOTER_GENERIC = (
    "Altijd tevreden, ga zo door.",
    "Betrouwbare partner, al jaren.",
    "Service én kwaliteit zijn uitstekend.",
    "Prettig contact, korte lijnen.",
)
_PROMOTER = ("{Strong}.", "{Strong}, daarom bevelen wij ze aan.", "Top: {strong}.")
_PASSIVE = (
    "Over het algemeen tevreden, maar {weak}.",
    "Prima leverancier, alleen {weak}.",
    "Redelijk, maar {weak}.",
    "{Strong}, alleen {weak}.",
    "Oké, maar {weak}.",
)
_PASSIVE_GENERIC = (
    "Goed, maar niet uitzonderlijk.",
    "Doen wat ze beloven, niet meer en niet minder.",
)
_DETRACTOR = (
    "{Weak}.",
    "{Weak}, dat moet echt beter.",
    "Teleurgesteld: {weak}.",
    "{Weak}. Wij kijken rond naar een andere leverancier.",
    "{Weak} en {weak2}.",
)
_ENGLISH_TEXT = {
    "promoter": "Good supplier, only {weak}.",
    "passive": "Fine, but {weak}.",
    "detractor": "Not happy: {weak}.",
}

#: The codebook of the demo's open answers: one theme per touchpoint, written to
#: ``data/demo/themes.toml`` by :func:`generate`.
THEMES_TOML = """\
# Codebook of the demo client's open answers ("Waarom geeft u dit cijfer?"),
# written by drivers.workflow.demo.generate(). One [[themes]] table per theme:
# key (English identifier), nl / en (labels), terms (Dutch), terms_en (English answers),
# exclude (words that look like a term but are not).
name = "Van Dijk Groothandel (demo)"
language = "nl"

[[themes]]
key = "account_manager"
nl = "Accountmanager en contact"
en = "Account manager and contact"
terms = ["accountmanager", "vertegenwoordiger", "contactpersoon", "buitendienst", "meedenken", "denken mee", "denken goed mee", "denkt mee", "denkt goed mee", "korte lijnen", "persoonlijk contact", "prettig contact", "samenwerking", "relatie", "laat weinig van zich horen"]
terms_en = ["account manager", "accountmanager", "sales rep", "representative", "contact person", "relationship", "partnership", "personal contact"]

[[themes]]
key = "quotation"
nl = "Offerte"
en = "Quotation"
terms = ["offerte", "prijsopgave", "offreren", "aanbieding"]
terms_en = ["quote", "quotation", "quotes", "proposal"]

[[themes]]
key = "orders"
nl = "Bestellen en orderverwerking"
en = "Ordering and order processing"
terms = ["bestelling", "order", "orderverwerking", "bestellen", "besteld", "orderbevestiging", "backorder", "verkeerde artikelen"]
terms_en = ["order", "orders", "ordering", "order processing"]
exclude = ["online bestellen", "bestellen via de webshop", "bestellen in de webshop", "webshop", "ordering online", "order online"]

[[themes]]
key = "webshop"
nl = "Webshop"
en = "Web shop"
terms = ["webshop", "website", "webwinkel", "portal", "online bestellen", "zoekfunctie", "inloggen", "app", "site"]
terms_en = ["webshop", "web shop", "website", "online", "portal", "site", "app"]

[[themes]]
key = "delivery"
nl = "Levering"
en = "Delivery"
terms = ["levering", "leveren", "geleverd", "levertijd", "leverdatum", "bezorging", "bezorgen", "bezorgd", "transport", "chauffeur", "vervoerder", "logistiek", "zending", "bezorger", "bezorgdienst", "te laat", "op tijd", "vertraging", "afleveren", "verzending", "pakket", "levertermijn"]
terms_en = ["delivery", "deliveries", "delivered", "deliver", "shipping", "shipment", "lead time", "late", "on time", "driver", "logistics"]
exclude = ["leverancier", "leveranciers", "leverbaar", "retourzending"]

[[themes]]
key = "invoicing"
nl = "Facturatie"
en = "Invoicing"
terms = ["factuur", "facturatie", "facturen", "gefactureerd", "creditnota", "betaling", "betalingstermijn", "administratie", "aanmaning", "rekening"]
terms_en = ["invoice", "invoices", "invoicing", "billing", "bill", "credit note", "payment"]

[[themes]]
key = "customer_service"
nl = "Klantenservice"
en = "Customer service"
terms = ["klantenservice", "service", "binnendienst", "helpdesk", "bereikbaar", "bereikbaarheid", "telefoon", "wachttijd", "geholpen", "helpen", "servicedesk", "support", "callcenter", "terugbellen", "bellen terug", "reactie", "reageren", "mail", "email", "beantwoord", "antwoord", "terugbelverzoek"]
terms_en = ["customer service", "service", "helpdesk", "support", "helped", "help", "phone", "reachable", "response", "call back"]
exclude = ["prijs kwaliteit", "klachtenservice"]

[[themes]]
key = "complaints"
nl = "Klachtafhandeling"
en = "Complaint handling"
terms = ["klacht", "klachten", "klachtafhandeling", "reclamatie", "retour", "retourneren", "opgelost", "afgehandeld", "afhandeling", "garantie", "compensatie"]
exclude = ["geen klachten", "geen klacht", "nooit klachten", "nooit een klacht", "zonder klachten"]
terms_en = ["complaint", "complaints", "claim", "return", "returns", "resolved", "solved", "warranty"]

[[themes]]
key = "product_quality"
nl = "Productkwaliteit"
en = "Product quality"
terms = ["kwaliteit", "product", "producten", "beschadigd", "kapot", "defect", "materiaal", "assortiment", "artikelen", "houdbaarheid", "vers"]
terms_en = ["quality", "product", "products", "damaged", "broken", "defective", "range", "assortment", "items"]
exclude = ["prijs kwaliteit", "prijskwaliteit", "prijskwaliteitverhouding", "prijs kwaliteitverhouding", "kwaliteitverhouding", "servicekwaliteit", "verkeerde artikelen"]

[[themes]]
key = "price"
nl = "Prijs"
en = "Price"
terms = ["prijs", "prijzen", "duur", "goedkoop", "goedkoper", "tarief", "tarieven", "korting", "kosten", "prijskwaliteit", "prijs kwaliteit", "kwaliteitverhouding", "betaalbaar", "prijzig", "marge", "prijsverhoging"]
terms_en = ["price", "prices", "pricing", "expensive", "cheap", "cheaper", "cost", "costs", "discount", "value for money"]
exclude = ["prijsopgave"]
"""


# -- generation -------------------------------------------------------------------------------
def _draw_categories(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    names = list(shares)
    probs = np.array(list(shares.values()))
    return np.array(names, dtype=object)[rng.choice(len(names), size=n, p=probs / probs.sum())]


def _simulate(rng: np.random.Generator, wave: int, n: int) -> pd.DataFrame:
    """One wave as the analyst would see it after loading: numbers with NaN for n.v.t."""
    later = wave != WAVES[0]
    sector = _draw_categories(rng, _SECTORS, n)
    size = _draw_categories(rng, _SIZES, n)
    region = _draw_categories(rng, _REGIONS, n)
    shift = np.array([_SECTOR_EFFECT[s] for s in sector]) + np.array(
        [_SIZE_EFFECT[s] for s in size]
    )
    factor = rng.standard_normal(n) + shift

    # Unhappy customers complain more often; about 30% complained.
    complain_logit = np.log(_COMPLAINED / (1 - _COMPLAINED)) - 0.6 * factor
    complained = rng.random(n) < 1 / (1 + np.exp(-complain_logit))
    online = rng.random(n) < _WEBSHOP_USERS

    grades: dict[str, np.ndarray] = {}
    latent_ltr = _COMPLAINT_PENALTY * complained + (_LTR_UPLIFT_2024 if later else 0.0)
    unique = np.sqrt(1 - _LOADING**2)
    for tp in _TOUCHPOINTS:
        latent = _LOADING * factor + unique * rng.standard_normal(n)
        gain = tp.gain_2024 if later else 0.0
        # Measured against the 2023 mean: a better wave is a better experience.
        latent_vs_2023 = latent + gain / tp.sd
        applies = (
            complained
            if tp.key == "klachtafhandeling"
            else (online if tp.key == "webshop" else np.ones(n, dtype=bool))
        )
        latent_ltr = latent_ltr + TRUE_DRIVERS[tp.key] * latent_vs_2023 * applies
        grade = np.clip(np.rint(tp.mean + gain + tp.sd * latent), 1, 10)
        grade = np.where(applies, grade, np.nan)
        dont_know = rng.random(n) < tp.dont_know
        grades[tp.key] = np.where(dont_know & applies, -1.0, grade)  # -1 marks "weet niet"

    latent_ltr = latent_ltr + _NOISE_SD * rng.standard_normal(n)
    ltr = np.clip(np.rint(_LTR_CENTER + _LTR_SCALE * latent_ltr), 0, 10).astype(int)

    # Weights: large customers are over-represented in the sample; small jitter for realism.
    weight = np.array([_SIZE_POPULATION[s] / _SIZES[s] for s in size])
    weight = weight * np.exp(rng.normal(0.0, 0.15, n))
    weight = np.round(weight / weight.mean(), 2)

    frame = pd.DataFrame(
        {
            "respondent": [f"R{wave % 100:02d}-{i:04d}" for i in range(1, n + 1)],
            "golf": wave,
            "sector": sector,
            "omvang": size,
            "regio": region,
            "aanbeveling": ltr,
            **grades,
        }
    )
    frame["toelichting"] = _open_answers(rng, frame)
    frame["gewicht"] = weight
    return frame


def _open_answers(rng: np.random.Generator, frame: pd.DataFrame) -> list[str]:
    keys = [tp.key for tp in _TOUCHPOINTS]
    grades = frame[keys].where(frame[keys] > 0)  # n.v.t. and weet niet do not count

    def cap(text: str) -> str:
        return text[0].upper() + text[1:]

    answers = []
    for row, score in enumerate(frame["aanbeveling"]):
        if rng.random() < _EMPTY_ANSWER + (0.1 if 7 <= score <= 8 else 0.0):
            answers.append("")
            continue
        row_grades = grades.iloc[row].dropna()
        # Among equally low (high) grades pick one at random, so the answers vary.
        lowest, highest = row_grades.min(), row_grades.max()
        weakest = rng.choice(sorted(row_grades.index[row_grades == lowest]))
        strongest = rng.choice(sorted(row_grades.index[row_grades == highest]))
        others = row_grades.drop(weakest)
        second = rng.choice(sorted(others.index[others == others.min()]))
        weak = rng.choice(_WEAK_POINT[weakest])
        weak2 = rng.choice(_WEAK_POINT[second])
        strong = rng.choice(_STRONG_POINT[strongest])
        group = "promoter" if score >= 9 else ("passive" if score >= 7 else "detractor")
        if rng.random() < _ENGLISH:
            text = _ENGLISH_TEXT[group].format(weak=_WEAK_POINT_EN[weakest])
        elif group == "promoter":
            praise = highest >= 8 and rng.random() < 0.75
            text = rng.choice(_PROMOTER if praise else _PROMOTER_GENERIC)
            text = text.format(strong=strong, Strong=cap(strong))
            if lowest <= 6:
                text += f" Alleen {weak}."
        elif group == "passive":
            generic = rng.random() < 0.15
            template = rng.choice(_PASSIVE_GENERIC if generic else _PASSIVE)
            if "{Strong}" in template and highest < 8:
                template = "Redelijk, maar {weak}."
            text = template.format(weak=weak, strong=strong, Strong=cap(strong))
        else:
            template = rng.choice(_DETRACTOR)
            if "{weak2}" in template and weak2 == weak:
                template = "{Weak}."
            text = template.format(weak=weak, Weak=cap(weak), weak2=weak2)
        answers.append(text)
    return answers


# -- writing ----------------------------------------------------------------------------------
def _grade_text(values: pd.Series) -> pd.Series:
    def fmt(v: float) -> str:
        if np.isnan(v):
            return _NA
        if v < 0:
            return _DONT_KNOW
        return str(int(v))

    return values.map(fmt)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for tp in _TOUCHPOINTS:
        out[tp.key] = _grade_text(out[tp.key])
    out["gewicht"] = out["gewicht"].map(lambda w: f"{w:.2f}".replace(".", ","))
    out = out.astype(str)
    # Excel-style export from a Dutch survey tool: ';', cp1252, CRLF line ends.
    out.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def _sav_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    out = frame.copy()
    codes = {
        "sector": {name: i for i, name in enumerate(_SECTORS, start=1)},
        "omvang": {name: i for i, name in enumerate(_SIZES, start=1)},
        "regio": {name: i for i, name in enumerate(_REGIONS, start=1)},
    }
    for column, mapping in codes.items():
        out[column] = out[column].map(mapping).astype(float)
    for tp in _TOUCHPOINTS:
        values = out[tp.key]
        # NaN is n.v.t. (99), -1 is weet niet (98); both user-missing in SPSS.
        out[tp.key] = values.mask(values < 0, _DONT_KNOW_CODE).fillna(_NA_CODE)
    out["aanbeveling"] = out["aanbeveling"].astype(float)
    out["golf"] = out["golf"].astype(float)
    grade_labels = {
        1.0: "Zeer slecht",
        10.0: "Uitstekend",
        float(_DONT_KNOW_CODE): _DONT_KNOW,
        float(_NA_CODE): _NA,
    }
    value_labels = {
        "aanbeveling": {0.0: "Zeer onwaarschijnlijk", 10.0: "Zeer waarschijnlijk"},
        **{tp.key: grade_labels for tp in _TOUCHPOINTS},
        **{c: {float(v): k for k, v in m.items()} for c, m in codes.items()},
    }
    column_labels = {
        "respondent": "Respondentnummer",
        "golf": "Meting (jaar)",
        "sector": "Sector",
        "omvang": "Omvang klant",
        "regio": "Regio",
        "aanbeveling": _NPS_QUESTION,
        **{tp.key: f"Hoe beoordeelt u: {tp.nl.lower()}? (1-10)" for tp in _TOUCHPOINTS},
        "toelichting": "Waarom geeft u dit cijfer?",
        "gewicht": "Weegfactor (omvang)",
    }
    meta = {
        "column_labels": [column_labels[c] for c in out.columns],
        "variable_value_labels": value_labels,
        "missing_ranges": {
            tp.key: [float(_DONT_KNOW_CODE), float(_NA_CODE)] for tp in _TOUCHPOINTS
        },
        "variable_measure": {
            **{c: "nominal" for c in ("respondent", "sector", "omvang", "regio", "toelichting")},
            **{c: "scale" for c in ("golf", "aanbeveling", "gewicht")},
            **{tp.key: "scale" for tp in _TOUCHPOINTS},
        },
        "file_label": f"{CLIENT} (fictief) klantonderzoek {int(frame['golf'].iloc[0])}",
    }
    return out, meta


def _write_sav(frame: pd.DataFrame, path: Path) -> None:
    import pyreadstat

    out, meta = _sav_frame(frame)
    pyreadstat.write_sav(out, str(path), **meta)


def _spec_text() -> str:
    lines = [
        "# Survey spec of the demo client, written by drivers.workflow.demo.generate().",
        "# Van Dijk Groothandel is fictional; the data are simulated.",
        f'name = "{CLIENT} (demo)"',
        'language = "nl"',
        'nps = "aanbeveling"',
        'id = "respondent"',
        'weight = "gewicht"',
        'wave = "golf"',
        'segments = ["sector", "omvang", "regio"]',
        'open_answers = ["toelichting"]',
        "scale = [1, 10]",
        'na_codes = ["n.v.t.", "nvt", "weet niet", "98", "99", ""]',
    ]
    for tp in _TOUCHPOINTS:
        lines += [
            "",
            "[[touchpoints]]",
            f'key = "{tp.key}"',
            f'nl = "{tp.nl}"',
            f'en = "{tp.en}"',
            f'phase = "{tp.phase}"',
        ]
    return "\n".join(lines) + "\n"


def simulate(*, seed: int = _SEED, n: int = _N) -> dict[int, pd.DataFrame]:
    """The two demo waves as frames, before they are written to files.

    Grades are floats with NaN for "n.v.t." and -1 for "weet niet"; the files
    written by :func:`generate` hold the same values.

    Parameters
    ----------
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same data.
    n : int
        Respondents per wave.

    Returns
    -------
    dict of int to DataFrame
        One frame per wave year.

    Examples
    --------
    >>> waves = simulate(n=50)
    >>> sorted(waves), len(waves[2023])
    ([2023, 2024], 50)
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 10:
        raise ParameterError(f"The 'n' parameter of simulate must be an integer >= 10. Got {n!r}.")
    # One stream per wave: a wave's data do not depend on the other wave.
    return {wave: _simulate(np.random.default_rng([seed, wave]), wave, int(n)) for wave in WAVES}


def generate(path: str | Path = "data/demo", *, seed: int = _SEED, n: int = _N) -> Path:
    """Write the demo client's files: the spec, two CSV waves and the 2024 wave as ``.sav``.

    Parameters
    ----------
    path : str or Path
        Directory to write into (created when missing). The shipped files live in
        ``data/demo/`` of the repository; ``python -m drivers.workflow.demo`` rewrites them.
    seed : int
        Seed of the random generator; the same seed and ``n`` give identical CSV files.
    n : int
        Respondents per wave (800 in the shipped data).

    Returns
    -------
    Path
        The directory written to.

    Examples
    --------
    >>> import tempfile
    >>> folder = generate(tempfile.mkdtemp(), n=50)
    >>> sorted(p.name for p in folder.iterdir())
    ['client.toml', 'survey.toml', 'themes.toml', 'wave_2023.csv', 'wave_2024.csv', 'wave_2024.sav']
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    waves = simulate(seed=seed, n=n)
    (folder / "survey.toml").write_bytes(_spec_text().encode("utf-8"))
    (folder / "client.toml").write_bytes(_CLIENT_TOML.encode("utf-8"))
    (folder / "themes.toml").write_bytes(THEMES_TOML.encode("utf-8"))
    for wave, frame in waves.items():
        _write_csv(frame, folder / f"wave_{wave}.csv")
    _write_sav(waves[WAVES[-1]], folder / f"wave_{WAVES[-1]}.sav")
    return folder


# -- loading ----------------------------------------------------------------------------------
def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _FILES)


def demo_dir() -> Path:
    """The folder with the demo files: the shipped ``data/demo/``, else a generated cache.

    When the package is installed without the repository's ``data/`` folder, the files
    are generated once into a folder in the system's temporary directory.
    """
    if _complete(DEMO_DIR):
        return DEMO_DIR
    tag = hashlib.sha1(_spec_text().encode("utf-8")).hexdigest()[:8]
    cache = Path(tempfile.gettempdir()) / f"drivers-demo-{_SEED}-{_N}-{tag}"
    if not _complete(cache):
        generate(cache)
    return cache


def load(wave: int | None = 2024, *, path: str | Path | None = None) -> Survey:
    """Load a demo wave as a validated :class:`~drivers.load.survey.Survey`.

    Parameters
    ----------
    wave : {2024, 2023, None}
        The wave to load; None loads both waves into one survey (wave column ``golf``).
    path : str or Path, optional
        Folder with the demo files; by default the shipped ``data/demo/``.

    Returns
    -------
    Survey

    Examples
    --------
    >>> survey = load(2023)
    >>> survey.spec.nps, len(survey.spec.touchpoints)
    ('aanbeveling', 10)
    >>> sorted(load(None).data["golf"].astype(str).unique())
    ['2023', '2024']
    """
    from drivers.load.io import load_survey
    from drivers.load.spec import SurveySpec

    check_option("load", "wave", wave, [*WAVES, None])
    folder = Path(path) if path is not None else demo_dir()
    spec = SurveySpec.from_toml(folder / "survey.toml")
    if wave is None:
        return load_survey([folder / f"wave_{w}.csv" for w in WAVES], spec)
    return load_survey(folder / f"wave_{wave}.csv", spec)


_CLIENT_TOML = f"""\
# Client configuration of the demo client, written by drivers.workflow.demo.generate().
name = "demo"
client = "{CLIENT}"
language = "nl"
sector = "groothandel"
spec = "survey.toml"

[[waves]]
name = "2023"
file = "wave_2023.csv"

[[waves]]
name = "2024"
file = "wave_2024.csv"

[options]
min_n = 30
privacy_floor = 5
bootstrap = 500
methods = ["shapley", "relative_weights", "beta", "logit"]
lines = "mean"
"""


def codebook() -> Path:
    """Path of the demo's codebook ``themes.toml`` (for :func:`drivers.themes`)."""
    return demo_dir() / "themes.toml"


def client_config() -> Path:
    """Path of the demo client's ``client.toml`` (for :func:`drivers.load_client`)."""
    return demo_dir() / "client.toml"


def summary(lang: str = "nl") -> str:
    """The NPS of both demo waves with margins and the change, as plain text.

    Examples
    --------
    >>> print(summary("en"))  # doctest: +ELLIPSIS
    Van Dijk Groothandel (demo): NPS per wave
      2023: NPS +16 ...
    """
    from drivers.present._format import fmt, text
    from drivers.stats.nps import compare_nps, nps

    results = {}
    for wave in WAVES:
        survey = load(wave)
        results[wave] = nps(survey.nps_scores, survey.weights)
    lines = [f"{CLIENT} (demo): {text('demo_nps_per_wave', lang)}"]
    for wave, r in results.items():
        lines.append(
            text(
                "demo_wave",
                lang,
                wave=wave,
                nps=fmt(r.nps, kind="nps", lang=lang),
                low=fmt(r.ci_low, kind="nps", lang=lang),
                high=fmt(r.ci_high, kind="nps", lang=lang),
                n=fmt(r.n, kind="count", lang=lang),
                promoters=fmt(r.promoters, kind="percent", lang=lang),
                detractors=fmt(r.detractors, kind="percent", lang=lang),
            )
        )
    change = compare_nps(results[WAVES[0]], results[WAVES[-1]])
    verdict = "demo_significant" if change.significant else "demo_not_significant"
    lines.append(
        text(
            "demo_change",
            lang,
            first=WAVES[0],
            last=WAVES[-1],
            change=fmt(change.difference, kind="signed", lang=lang, decimals=1),
            low=fmt(change.ci_low, kind="signed", lang=lang, decimals=1),
            high=fmt(change.ci_high, kind="signed", lang=lang, decimals=1),
            p=fmt(change.p_value, kind="number", lang=lang, decimals=3),
            verdict=text(verdict, lang),
        )
    )
    return "\n".join(lines)


def load_both(*, path: str | Path | None = None) -> Survey:
    """Both demo waves in one survey; the column ``golf`` holds the wave year.

    Examples
    --------
    >>> survey = load_both()
    >>> survey.spec.wave
    'golf'
    """
    return load(None, path=path)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m drivers.workflow.demo [FOLDER]``: (re)write the demo files."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(
            "usage: python -m drivers.workflow.demo [FOLDER]  (default: the repository's data/demo)"
        )
        return 0
    folder = generate(args[0] if args else DEMO_DIR)
    total = sum((folder / name).stat().st_size for name in _FILES)
    print(f"Wrote the demo client to {folder} ({total / 1024:.0f} kB).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
