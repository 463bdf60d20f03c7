"""PowerPoint decks with native, editable charts (python-pptx).

The package splits the deck into three parts:

* :mod:`~drivers.present.deck.core`: the :class:`Deck` (slides, layout, text, tables,
  notes, footnotes, save);
* :mod:`~drivers.present.deck.charts`: the chart builders (NPS, grades, drivers, matrix);
* :mod:`~drivers.present.deck.ooxml`: the raw-XML pieces python-pptx has no API for.

``from drivers.present.deck import Deck`` is the public entry point.
"""

from drivers.present.deck.core import CHART_KINDS, FIXED_DATE, TEMPLATE, Deck

__all__ = ["Deck", "CHART_KINDS", "FIXED_DATE", "TEMPLATE"]
