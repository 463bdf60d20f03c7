"""Exceptions and warnings of the drivers toolkit: one family, one place.

Every error raised at a public boundary is a :class:`DriversError`. Messages name
the file, the column, the rows, what was found, what was expected and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "DriversError",
    "DataError",
    "EmptyFileError",
    "FileFormatError",
    "EncodingError",
    "ColumnNotFoundError",
    "InvalidValueError",
    "SpecError",
    "ParameterError",
    "AnalysisError",
    "DriversWarning",
    "SmallBaseWarning",
    "MissingTouchpointWarning",
    "CollinearityWarning",
    "SmallSampleWarning",
    "ExcludedRowsWarning",
    "DataQualityWarning",
    "check_option",
    "closest",
    "format_rows",
]


class DriversError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class DataError(DriversError):
    """A data file or frame cannot be used as it is."""


class EmptyFileError(DataError):
    """The file has no data rows (empty, or a header only)."""


class FileFormatError(DataError):
    """The file is not in a format the toolkit reads, or is damaged."""


class EncodingError(DataError):
    """The file's text encoding cannot be recognised."""


class ColumnNotFoundError(DataError, KeyError):
    """A column named in the spec or call is not in the data."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InvalidValueError(DataError):
    """Values in the data break the spec (raised in ``strict`` mode)."""


class SpecError(DriversError):
    """The survey spec (TOML) is incomplete or inconsistent."""


class ParameterError(DriversError, ValueError):
    """A function was called with an option it does not know."""


class AnalysisError(DriversError):
    """An analysis cannot run on this data (too few rows, no variance, ...)."""


class DriversWarning(UserWarning):
    """Base class of the toolkit's warnings."""


class SmallBaseWarning(DriversWarning):
    """A result rests on fewer respondents than the configured minimum."""


class MissingTouchpointWarning(DriversWarning):
    """A touchpoint was not answered by many respondents (n.v.t.)."""


class CollinearityWarning(DriversWarning):
    """Drivers are (nearly) linearly dependent; importances are less stable."""


class SmallSampleWarning(DriversWarning):
    """Fewer observations than advisable for the number of drivers."""


class ExcludedRowsWarning(DriversWarning):
    """Rows were excluded from the data; see ``Survey.quality``."""


class DataQualityWarning(DriversWarning):
    """Loading changed or doubts data: cells set to missing, an absent touchpoint, a
    suspect scale. The message gives the fix (e.g. the ``na_codes = [...]`` line)."""


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The candidate most like ``name`` (case-insensitive), or None."""
    candidates = list(candidates)
    lowered = {str(c).lower(): str(c) for c in candidates}
    match = difflib.get_close_matches(str(name).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def format_rows(rows: Sequence[int], limit: int = 5, total: int | None = None) -> str:
    """'rows 3, 8, 12 and 40 more' for messages (row numbers as in the file).

    ``total`` is the number of rows in all when ``rows`` holds only examples.
    """
    rows = list(rows)
    total = len(rows) if total is None else max(total, len(rows))
    shown = ", ".join(str(r) for r in rows[:limit])
    word = "row" if total == 1 else "rows"
    more = f" and {total - min(limit, len(rows))} more" if total > min(limit, len(rows)) else ""
    return f"{word} {shown}{more}"


def check_option(func: str, parameter: str, value: object, allowed: Iterable[object]) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``allowed``.

    One template for every option check in the package::

        The 'method' parameter of key_drivers must be one of {...}. Got 'x' instead.
    """
    allowed = list(allowed)
    try:
        if value in allowed:
            return
    except (TypeError, ValueError):  # e.g. a DataFrame, whose == gives no single truth
        pass
    listed = ", ".join(repr(a) for a in allowed)
    shown = repr(value)
    short = len(shown) <= 80  # a DataFrame or long list is named by its type
    hint = closest(str(value), [str(a) for a in allowed]) if short else None
    shown = shown if short else f"a {type(value).__name__}"
    suggestion = f" Did you mean {hint!r}?" if hint else ""
    raise ParameterError(
        f"The {parameter!r} parameter of {func} must be one of {{{listed}}}. "
        f"Got {shown} instead.{suggestion}"
    )
