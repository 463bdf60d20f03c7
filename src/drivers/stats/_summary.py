"""One summary mechanism and read-only tables for every result object of ``drivers.stats``.

A result class lists what it shows in :meth:`Summarised._summary_parts` (header lines,
tables, notes); :class:`Summarised` turns that into ``summary()`` (plain text), ``__str__``,
``_repr_html_`` (Jupyter) and a one-line ``__repr__`` built from ``_repr_fields``, in the
manner of linearmodels' ``_SummaryStr``.

:func:`read_only` makes the named DataFrame / Series / ndarray fields of a frozen dataclass
read-only: the field keeps its own copy, ``result.table`` returns a fresh copy each time
(so ``result.table.loc[0, "x"] = 1`` changes only that copy), and arrays are stored with
``writeable=False``. With copy-on-write pandas, marking the underlying numpy arrays
non-writeable would not stop ``.loc`` assignment (pandas copies the block and writes into
the same DataFrame object), hence copies.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

__all__ = ["Summarised", "SummaryParts", "read_only"]


@dataclass
class SummaryParts:
    """What a result shows: header lines, then tables, then notes.

    ``float_format`` formats the tables' floats (None: pandas' default). With a
    ``notes_title`` the notes are shown as a list under that title.
    """

    header: list[str]
    tables: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notes_title: str | None = None
    float_format: Callable[[float], str] | None = None


class Summarised:
    """Mixin: ``summary()``, ``__str__``, ``__repr__`` and ``_repr_html_`` from one place.

    Subclasses implement ``_summary_parts()`` and set ``_repr_fields`` (the attributes
    shown by ``repr``, e.g. ``("method", "n", "r2")``).
    """

    _repr_fields: ClassVar[tuple[str, ...]] = ()

    # Every subclass defines ``_summary_parts() -> SummaryParts``; the mixin holds no default.

    def summary(self) -> str:
        """Plain-text summary: header, table(s), notes."""
        parts = self._summary_parts()
        lines = list(parts.header)
        float_format = parts.float_format
        with pd.option_context("display.width", 200, "display.max_columns", 40):
            for table in parts.tables:
                lines += ["", table.to_string(index=False, float_format=float_format)]
        if parts.notes and parts.notes_title:
            lines += ["", parts.notes_title, *[f"- {note}" for note in parts.notes]]
        elif parts.notes:
            lines += ["", *parts.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_items(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._repr_fields}

    def __repr__(self) -> str:
        shown = []
        for name, value in self._repr_items().items():
            if isinstance(value, float | np.floating):
                shown.append(f"{name}={float(value):.4g}")
            else:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_html_(self) -> str:
        parts = self._summary_parts()
        float_format = parts.float_format
        header = "<br>".join(html.escape(line) for line in parts.header)
        tables = "".join(
            table.to_html(index=False, border=0, float_format=float_format)
            for table in parts.tables
        )
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in parts.notes)
        if notes:
            title = f"<p>{html.escape(parts.notes_title)}</p>" if parts.notes_title else ""
            notes = f"{title}<ul>{notes}</ul>"
        return f"<div><p>{header}</p>{tables}{notes}</div>"


class _ReadOnlyField:
    """Data descriptor: stores a private copy, hands out copies (frames) or read-only arrays."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            value = instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None
        if isinstance(value, pd.DataFrame | pd.Series):
            return value.copy()
        if isinstance(value, np.ndarray) and value.flags.writeable:  # e.g. after unpickling
            value = value.view()
            value.flags.writeable = False
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # reached only through object.__setattr__ (the frozen dataclass __init__)
        if isinstance(value, pd.DataFrame | pd.Series):
            value = value.copy()
        elif isinstance(value, np.ndarray):
            value = value.copy()
            value.flags.writeable = False
        instance.__dict__[self.name] = value


def read_only(*names: str):
    """Class decorator (above ``@dataclass``): make the fields ``names`` read-only."""

    def decorate(cls: type) -> type:
        for name in names:
            setattr(cls, name, _ReadOnlyField(name))
        return cls

    return decorate
