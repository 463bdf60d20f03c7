"""The validated survey: clean rows, the spec that describes them, and their accounting."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drivers.errors import ParameterError, closest
from drivers.load.quality import QualityReport
from drivers.load.spec import SurveySpec

__all__ = ["Survey"]


@dataclass(frozen=True)
class Survey:
    """A survey ready for analysis.

    Attributes
    ----------
    data : DataFrame
        The rows used. Index: the row number in the source file (with a ``wave``
        level when several files were loaded). NPS and touchpoint columns are
        float64 with NaN for n.v.t.; segments and ids are text.
    spec : SurveySpec
    quality : QualityReport
        Rows read = rows used + rows excluded, with reasons.
    source : str
        The file(s) read.

    Examples
    --------
    >>> from drivers import demo
    >>> survey = demo.load(2024)
    >>> survey.n == survey.quality.rows_used
    True
    """

    data: pd.DataFrame
    spec: SurveySpec
    quality: QualityReport
    source: str = ""

    @property
    def n(self) -> int:
        """Number of respondents used."""
        return int(len(self.data))

    @property
    def nps_scores(self) -> pd.Series:
        """The 0-10 recommendation answers."""
        return self.data[self.spec.nps]

    @property
    def weights(self) -> pd.Series | None:
        """The survey weights, or None when the spec has no weight column."""
        return self.data[self.spec.weight] if self.spec.weight else None

    @property
    def grades(self) -> pd.DataFrame:
        """The touchpoint grades (NaN = n.v.t.)."""
        return self.data[list(self.spec.touchpoint_keys)]

    @property
    def waves(self) -> list[str]:
        """The waves present, in order of appearance."""
        if not self.spec.wave or self.spec.wave not in self.data:
            return []
        return list(dict.fromkeys(self.data[self.spec.wave].dropna().astype(str)))

    def wave(self, name: str | int) -> Survey:
        """The respondents of one wave."""
        name = str(name)
        waves = self.waves
        if name not in waves:
            hint = closest(name, waves)
            more = f" Did you mean {hint!r}?" if hint else ""
            raise ParameterError(
                f"No wave {name!r} in {self.source}; waves: {', '.join(waves) or '(none)'}.{more}"
            )
        keep = self.data[self.spec.wave].astype(str) == name
        data = self.data.loc[keep]
        if isinstance(data.index, pd.MultiIndex):
            data = data.droplevel(0)
        return Survey(data=data, spec=self.spec, quality=self.quality, source=self.source)

    def subset(self, mask: pd.Series) -> Survey:
        """The respondents where ``mask`` is true (e.g. one segment)."""
        return Survey(
            data=self.data.loc[mask], spec=self.spec, quality=self.quality, source=self.source
        )

    def label(self, column: str, lang: str | None = None) -> str:
        """Display label of a column (see :meth:`SurveySpec.label`)."""
        return self.spec.label(column, lang)

    def __repr__(self) -> str:
        waves = f", waves {', '.join(self.waves)}" if self.waves else ""
        return (
            f"Survey({self.n} respondents, {len(self.spec.touchpoints)} touchpoints{waves}; "
            f"{self.quality.rows_excluded} of {self.quality.rows_read} rows excluded)"
        )

    def _repr_html_(self) -> str:
        return f"<p>{self!r}</p>" + self.quality._repr_html_()
