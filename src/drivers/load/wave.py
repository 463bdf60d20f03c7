"""How one wave's file maps onto the survey spec: the ``[[waves]]`` entry of client.toml.

Waves drift: a new export renames columns, an SPSS file has short names, a new
don't-know code appears, a wave is asked on a 1-5 scale. A :class:`Wave` says,
for one file, what differs from the spec; :func:`drivers.load_survey` applies it
(``load_survey(wave.file, spec, wave=wave)``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.errors import SpecError, closest

__all__ = ["WAVE_KEYS", "Wave", "check_keys", "slugify"]

#: The keys a ``[[waves]]`` entry accepts.
WAVE_KEYS = ("name", "file", "sheet", "rename", "na_codes", "scale", "decimal", "header_row")


def slugify(text: str) -> str:
    """A name that is safe as one folder or file name: letters, digits, ``_ . -``.

    No leading dot, no ``..``, no path separators; accents are dropped.

    Examples
    --------
    >>> slugify("Bakkerij \\"De Zon\\" B.V.")
    'Bakkerij_De_Zon_B.V.'
    >>> slugify("../../etc"), slugify("2024 Q1"), slugify("Café")
    ('etc', '2024_Q1', 'Cafe')
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_text)
    slug = re.sub(r"\.{2,}", "_", slug)
    slug = re.sub(r"_{2,}", "_", slug).strip("_").lstrip(".-_")
    if not slug:
        raise SpecError(
            f"The name {text!r} has no letters or digits to make a folder name from. "
            "Use a name with letters or digits, e.g. 'acme'."
        )
    return slug


def check_keys(raw: Mapping[str, Any], known: tuple[str, ...] | set[str], where: str) -> None:
    """Raise :class:`SpecError` naming every unknown key and the closest known one."""
    unknown = sorted(str(k) for k in set(raw) - set(known))
    if not unknown:
        return
    parts = []
    for key in unknown:
        hint = closest(key, known)
        parts.append(f"{key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    word = "key" if len(unknown) == 1 else "keys"
    raise SpecError(
        f"{where}: unknown {word} {', '.join(parts)}. Known keys: {', '.join(sorted(known))}."
    )


@dataclass(frozen=True, eq=False)
class Wave:
    """One survey wave: its name, its data file and how that file maps onto the spec.

    Parameters
    ----------
    name : str
        The wave as shown in reports (e.g. "2024", "voorjaar 2024").
    file : Path
        The data file.
    sheet : int or str, optional
        Excel sheet; required when the workbook has several sheets.
    rename : mapping, optional
        ``{"column in this file": "column in the spec"}``.
    na_codes : tuple of str
        Extra "don't know / not applicable" codes of this wave (on top of the spec's).
    scale : (low, high), optional
        The grade scale this wave was asked on; grades are rescaled linearly to the
        spec's scale and the rescaling is recorded in the quality report.
    decimal : {",", "."}, optional
        Decimal mark of a CSV file (detected when None).
    header_row : int
        Row that holds the column names (default 1).

    Attributes
    ----------
    slug : str
        ``name`` made safe for folder and file names (:func:`slugify`).

    Examples
    --------
    >>> w = Wave("voorjaar 2024", Path("w.csv"), rename={"Q1": "aanbeveling"})
    >>> w.slug, dict(w.rename)
    ('voorjaar_2024', {'Q1': 'aanbeveling'})
    """

    name: str
    file: Path
    sheet: int | str | None = None
    rename: Mapping[str, str] = field(default_factory=dict)
    na_codes: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    decimal: str | None = None
    header_row: int = 1
    slug: str = ""

    def __post_init__(self) -> None:
        where = f"wave {self.name!r}"
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "file", Path(self.file))
        if self.sheet is not None and (
            isinstance(self.sheet, bool) or not isinstance(self.sheet, int | str)
        ):
            raise SpecError(f"{where}: sheet must be a sheet name or index. Got {self.sheet!r}.")
        if not isinstance(self.rename, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in self.rename.items()
        ):
            raise SpecError(
                f"{where}: rename must map column names in the file to column names in the "
                f'spec, e.g. rename = {{ "Q1" = "aanbeveling" }}. Got {self.rename!r}.'
            )
        targets = list(self.rename.values())
        doubles = sorted({t for t in targets if targets.count(t) > 1})
        if doubles:
            raise SpecError(
                f"{where}: rename maps several columns onto {', '.join(map(repr, doubles))}; "
                "one column of the file per spec column."
            )
        object.__setattr__(self, "rename", dict(self.rename))
        if not isinstance(self.na_codes, list | tuple) or not all(
            isinstance(c, str | int | float) and not isinstance(c, bool) for c in self.na_codes
        ):
            raise SpecError(
                f'{where}: na_codes must be a list of codes, e.g. na_codes = ["weet niet meer"]. '
                f"Got {self.na_codes!r}."
            )
        object.__setattr__(self, "na_codes", tuple(_code(c) for c in self.na_codes))
        if self.scale is not None:
            scale = tuple(self.scale)
            if (
                len(scale) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in scale)
                or not scale[0] < scale[1]
            ):
                raise SpecError(
                    f"{where}: scale must be [low, high] with low < high, e.g. scale = [1, 5]. "
                    f"Got {self.scale!r}."
                )
            object.__setattr__(self, "scale", (scale[0], scale[1]))
        if self.decimal not in (None, ",", "."):
            raise SpecError(f"{where}: decimal must be ',' or '.'. Got {self.decimal!r}.")
        if (
            isinstance(self.header_row, bool)
            or not isinstance(self.header_row, int)
            or self.header_row < 1
        ):
            raise SpecError(
                f"{where}: header_row must be a row number >= 1. Got {self.header_row!r}."
            )
        object.__setattr__(self, "slug", self.slug or slugify(self.name))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Wave):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in (*WAVE_KEYS, "slug"))

    __hash__ = None  # type: ignore[assignment]


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
