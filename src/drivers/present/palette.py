"""The house palette of the drivers charts.

One place for colours: the three NPS classes, the four priority-matrix quadrants,
text and rule colours, and the client's brand colour (configurable with
:func:`set_brand` for the deck, per chart with ``brand=``).

Examples
--------
>>> from drivers import palette
>>> palette.PROMOTER
'#2E9E5B'
>>> palette.brand("#E30613")
'#E30613'
"""

from __future__ import annotations

from matplotlib.colors import is_color_like

from drivers.errors import ParameterError

__all__ = [
    "DETRACTOR",
    "PASSIVE",
    "PROMOTER",
    "TEXT",
    "MUTED",
    "RULE",
    "GRID",
    "BEFORE",
    "DEFAULT_BRAND",
    "CATEGORY_COLOURS",
    "QUADRANT_COLOURS",
    "set_brand",
    "get_brand",
    "brand",
    "text_colour_on",
]

#: Detractors (0-6): a clear but not alarming red.
DETRACTOR = "#D7263D"
#: Passives (7-8): neutral grey, dark enough to see on white, light enough for dark text.
PASSIVE = "#B8BDC4"
#: Promoters (9-10): green.
PROMOTER = "#2E9E5B"
#: Body text: a very dark blue-grey (softer than black on a projector).
TEXT = "#222B36"
#: Secondary text: footnotes, n, axis notes.
MUTED = "#6B7480"
#: Reference lines (quadrant lines, zero lines).
RULE = "#5A6270"
#: Grid lines.
GRID = "#E3E6EA"
#: "Before" in wave comparisons.
BEFORE = "#9AA1AA"
#: Default brand colour: a deep blue, used when the client's colour is not set.
DEFAULT_BRAND = "#1F4E79"

CATEGORY_COLOURS = {"detractor": DETRACTOR, "passive": PASSIVE, "promoter": PROMOTER}

QUADRANT_COLOURS = {
    "improve": "#C8102E",  # strong red: act here first
    "maintain": "#2E9E5B",  # green: keep it up
    "monitor": "#8A9099",  # grey: watch
    "overkill": "#6F8FB8",  # muted blue: maybe over-invested
}

_brand = DEFAULT_BRAND


def _check_colour(func: str, colour: object) -> str:
    if not isinstance(colour, str) or not is_color_like(colour):
        raise ParameterError(
            f"The 'colour' parameter of {func} must be a matplotlib colour such as "
            f"'#E30613' or 'tab:blue'. Got {colour!r} instead."
        )
    return colour


def set_brand(colour: str | None) -> str:
    """Set the client's brand colour used from now on where no ``brand=`` is given.

    The deck (:class:`drivers.present.deck.Deck`) falls back to it; the matplotlib charts
    of :mod:`drivers.present.charts` do not: they take ``brand=`` per chart and otherwise
    use :data:`DEFAULT_BRAND`, so one chart never depends on what was set before it.

    Parameters
    ----------
    colour : str or None
        Any matplotlib colour (``"#E30613"``); None restores the default deep blue.

    Returns
    -------
    str
        The brand colour now in use.
    """
    global _brand
    _brand = DEFAULT_BRAND if colour is None else _check_colour("set_brand", colour)
    return _brand


def get_brand() -> str:
    """The brand colour in use (see :func:`set_brand`)."""
    return _brand


def brand(colour: str | None = None) -> str:
    """``colour`` if given (checked), else the brand colour in use."""
    return get_brand() if colour is None else _check_colour("brand", colour)


def text_colour_on(background: str) -> str:
    """White or dark text, whichever reads better on ``background``."""
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(background)
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return TEXT if luminance > 0.55 else "white"
