"""A touchpoint's probability of its quadrant, worded for a label: "Offerte (38%)".

One wording for the priority-matrix chart, the deck's matrix slide and the narration.

Examples
--------
>>> import pandas as pd
>>> from drivers.present._quadrants import own_probabilities, probability_label
>>> probability_label("Offerte", 0.38, "nl")
'Offerte (38%)'
>>> probability_label("Offerte", 0.97, "nl", below=0.95)
'Offerte'
>>> table = pd.DataFrame({"quadrant": ["improve"], "p_improve": [0.8], "p_maintain": [0.1],
...                       "p_monitor": [0.1], "p_overkill": [0.0]})
>>> own_probabilities(table).tolist()
[0.8]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from drivers.present._format import fmt, text

__all__ = ["QUADRANTS", "own_probabilities", "probability_label"]

QUADRANTS = ("improve", "maintain", "monitor", "overkill")


def own_probabilities(table: pd.DataFrame) -> np.ndarray | None:
    """Each row's probability of the quadrant it is in; None without ``p_<quadrant>`` columns."""
    if not all(f"p_{q}" in table.columns for q in QUADRANTS):
        return None
    quadrants = [str(q) for q in table["quadrant"]]
    return np.array([float(table[f"p_{q}"].iloc[i]) for i, q in enumerate(quadrants)], dtype=float)


def probability_label(
    label: str, p: Any, lang: str, *, below: float | None = None, wrap: bool = False
) -> str:
    """``label`` followed by the quadrant probability ``p`` as a whole percentage.

    Parameters
    ----------
    label : str
        The touchpoint's display label.
    p : float
        Probability that the touchpoint is in its quadrant; NaN or None gives the label alone.
    lang : {"nl", "en"}
    below : float, optional
        Print the probability only when it is below this (0.95: "(100%)" everywhere is noise).
    wrap : bool, default False
        Put the probability on a line of its own.
    """
    if p is None or not np.isfinite(float(p)) or (below is not None and float(p) >= below):
        return label
    words = text("chart_probability", lang, label=label, p=fmt(float(p), kind="percent", lang=lang))
    if wrap and words.startswith(f"{label} "):
        words = f"{label}\n{words[len(label) + 1 :]}"
    return words
