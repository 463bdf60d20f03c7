"""Write the default 16:9 deck template, src/drivers/data/template_16x9.pptx.

python-pptx's built-in template is 4:3 (10 × 7.5 in). This script widens it once to
13.333 × 7.5 in, moving and stretching the placeholders of the master and every layout,
sets the house colours and font in the theme, and saves it with fixed dates so that a
rerun gives the same file. The Deck opens the result when no client template is given.

Run from the repository root::

    PYTHONPATH=src python tools/make_template.py
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches

from drivers.present import palette
from drivers.present.deck import ooxml

OUT = Path(__file__).resolve().parents[1] / "src" / "drivers" / "data" / "template_16x9.pptx"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
FONT = "Calibri"  # Office's default; Carlito renders with the same metrics on Linux

COLOURS = {
    "dk1": palette.TEXT,
    "lt1": "#FFFFFF",
    "dk2": palette.DEFAULT_BRAND,
    "lt2": palette.GRID,
    "accent1": palette.DEFAULT_BRAND,
    "accent2": palette.PROMOTER,
    "accent3": palette.DETRACTOR,
    "accent4": palette.PASSIVE,
    "accent5": palette.QUADRANT_COLOURS["overkill"],
    "accent6": palette.MUTED,
    "hlink": palette.DEFAULT_BRAND,
    "folHlink": palette.MUTED,
}


def widen(prs) -> None:
    """4:3 -> 16:9: scale horizontal offsets and widths of the master and layouts."""
    factor_x = WIDTH / prs.slide_width
    factor_y = HEIGHT / prs.slide_height
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    for part in (prs.slide_master, *prs.slide_layouts):
        for element in part.element.iter(qn("a:off"), qn("a:ext")):
            for attribute, factor in (("x", factor_x), ("cx", factor_x)):
                if element.get(attribute) is not None:
                    element.set(attribute, str(int(int(element.get(attribute)) * factor)))
            for attribute in ("y", "cy"):
                if element.get(attribute) is not None and factor_y != 1:
                    element.set(attribute, str(int(int(element.get(attribute)) * factor_y)))


def build() -> bytes:
    prs = Presentation()
    widen(prs)
    ooxml.theme(prs, colours=COLOURS, font=FONT)
    props = prs.core_properties
    fixed = dt.datetime(2000, 1, 1)
    props.author = props.last_modified_by = "drivers"
    props.title = "drivers 16:9"
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return ooxml.reproducible_zip(buffer.getvalue())


def main() -> Path:
    OUT.write_bytes(build())
    return OUT


if __name__ == "__main__":
    print(main())
