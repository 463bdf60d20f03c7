"""Generated clients of any size, for tests and benchmarks: a real questionnaire's shape.

:func:`make_client` writes a client folder (``client.toml``, ``survey.toml`` and one CSV per
wave) with ``touchpoints`` graded 1–10, segment variables, weights, a conditional
touchpoint answered by a quarter of the respondents, and an NPS question driven by the
grades through a known linear model. Nothing here is used by an analysis itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["make_client"]

_SEGMENTS = {
    "sector": ["Bouw", "Industrie", "Retail", "Horeca", "Zorg", "Transport", "Overheid"],
    "omvang": ["Klein", "Middel", "Groot"],
    "regio": ["Noord", "Oost", "Zuid", "West"],
    "kanaal": ["Webshop", "Accountmanager", "Telefoon"],
    "klant_sinds": ["< 2 jaar", "2-5 jaar", "> 5 jaar"],
    "contract": ["Raamcontract", "Los", "Abonnement", "Project"],
}


def make_client(
    folder: str | Path,
    *,
    touchpoints: int = 30,
    segments: int = 6,
    waves: int = 2,
    n: int = 1500,
    seed: int = 0,
    bootstrap: int | None = None,
    simulate_bootstrap: int | None = None,
) -> Path:
    """Write a generated client into ``folder`` and return the path of its client.toml.

    Parameters
    ----------
    folder : path
        Created when missing; the client's name is the folder's name.
    touchpoints : int
        Touchpoints graded 1–10 (the last one is conditional: answered by ~25 %).
    segments : int
        Segment variables, at most 6.
    waves : int
        Waves, named 2021, 2022, …; each has ``n`` respondents.
    bootstrap, simulate_bootstrap : int, optional
        Written into ``[options]`` when given (the defaults apply otherwise).

    Examples
    --------
    >>> import tempfile, drivers as dr
    >>> path = make_client(tempfile.mkdtemp() + "/groot", touchpoints=6, segments=2, n=200)
    >>> config = dr.load_client(path)
    >>> len(config.spec.touchpoints), [w.name for w in config.waves]
    (6, ['2021', '2022'])
    """
    if not 1 <= segments <= len(_SEGMENTS):
        raise ValueError(f"segments must be 1..{len(_SEGMENTS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    keys = [f"tp{i:02d}" for i in range(1, touchpoints + 1)]
    seg_names = list(_SEGMENTS)[:segments]
    effects = rng.gamma(2.0, 0.25, size=touchpoints)
    effects /= effects.sum()
    loadings = rng.uniform(0.4, 0.8, size=touchpoints)
    for w in range(waves):
        latent = rng.normal(size=n)
        noise = rng.normal(size=(n, touchpoints))
        raw = 7.2 + 0.2 * w + 1.3 * (loadings * latent[:, None] + np.sqrt(1 - loadings**2) * noise)
        grades = np.clip(np.rint(raw), 1, 10)
        score = 2.2 + (grades - 7) @ (effects * 4.0) + 1.6 + rng.normal(scale=1.4, size=n)
        nps = np.clip(np.rint(score + 5), 0, 10).astype(int)
        frame = pd.DataFrame(grades.astype(int), columns=keys).astype(object)
        answered = rng.random(n) < 0.25
        frame.loc[~answered, keys[-1]] = "n.v.t."
        frame.insert(0, "aanbeveling", nps)
        frame.insert(0, "respondent", [f"R{w}-{i:05d}" for i in range(n)])
        for name in seg_names:
            values = _SEGMENTS[name]
            share = rng.dirichlet(np.full(len(values), 4.0))
            frame[name] = rng.choice(values, size=n, p=share)
        frame["gewicht"] = np.round(rng.uniform(0.6, 1.6, size=n), 3)
        frame.to_csv(folder / f"wave_{2021 + w}.csv", index=False)
    lines = [
        f'name = "{folder.name} (generated)"',
        'language = "nl"',
        'nps = "aanbeveling"',
        'id = "respondent"',
        'weight = "gewicht"',
        f"segments = {seg_names!r}".replace("'", '"'),
        "scale = [1, 10]",
        'na_codes = ["n.v.t.", ""]',
        "",
    ]
    for i, key in enumerate(keys, start=1):
        lines += [
            "[[touchpoints]]",
            f'key = "{key}"',
            f'nl = "Contactmoment {i}"',
            f'en = "Touchpoint {i}"',
            "",
        ]
    (folder / "survey.toml").write_text("\n".join(lines), encoding="utf-8")
    config = [
        f'name = "{folder.name}"',
        f'client = "{folder.name.title()} BV"',
        'language = "nl"',
        'spec = "survey.toml"',
        "",
    ]
    for w in range(waves):
        config += ["[[waves]]", f'name = "{2021 + w}"', f'file = "wave_{2021 + w}.csv"', ""]
    options = []
    if bootstrap is not None:
        options.append(f"bootstrap = {int(bootstrap)}")
    if simulate_bootstrap is not None:
        options.append(f"simulate_bootstrap = {int(simulate_bootstrap)}")
    if options:
        config += ["[options]", *options, ""]
    (folder / "client.toml").write_text("\n".join(config), encoding="utf-8")
    return folder / "client.toml"
