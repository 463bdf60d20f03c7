"""One wave of one client, analysed: the object the notebooks and ``drivers run`` share.

:class:`Analysis` loads the wave (and the one before it) from a client config and
computes each result once, on first use: NPS with CI and benchmark, segments,
touchpoint performance, key drivers with bootstrap CIs, the priority matrix, what-if
simulations and the wave comparison. :func:`write_report` writes the charts (PNG +
SVG), ``tables.xlsx`` and the PowerPoint deck of a wave into a folder.

Everything that leaves the package here is aggregated: no respondent-level rows, and
segments below the privacy floor are suppressed.
"""

from __future__ import annotations

import warnings
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from drivers.errors import DriversWarning
from drivers.load.io import load_survey
from drivers.load.survey import Survey
from drivers.workflow.client import ClientConfig, load_client

__all__ = ["Analysis", "write_report"]


class Analysis:
    """The analysis of one wave of a client; results are computed once, when first used.

    Parameters
    ----------
    config : ClientConfig or path to client.toml
    wave : str, optional
        The wave to analyse; the latest when None.
    bootstrap : int, optional
        Bootstrap resamples for the driver CIs (default: the config's option).
    progress : bool
        Progress bars for the long steps.

    Examples
    --------
    >>> from drivers import demo
    >>> a = Analysis(demo.client_config(), bootstrap=50, progress=False)
    >>> a.wave, a.previous_wave
    ('2024', '2023')
    >>> round(a.nps.nps) == round(a.nps_previous.nps + a.nps_change.difference)
    True
    """

    def __init__(
        self,
        config: ClientConfig | str | Path,
        wave: str | None = None,
        *,
        bootstrap: int | None = None,
        progress: bool = True,
    ):
        self.config = config if isinstance(config, ClientConfig) else load_client(config)
        current = self.config.wave(wave)
        previous = self.config.previous(current.name)
        self.wave = current.name
        self.previous_wave = previous.name if previous else None
        self.options = self.config.options
        self.bootstrap = self.options.bootstrap if bootstrap is None else int(bootstrap)
        self.progress = progress
        self.lang = self.config.language

    # -- data --------------------------------------------------------------------------
    def _load(self, name: str) -> Survey:
        w = self.config.wave(name)
        return load_survey(w.file, self.config.spec, sheet=w.sheet)

    @cached_property
    def survey(self) -> Survey:
        """The respondents of this wave."""
        return self._load(self.wave)

    @cached_property
    def previous_survey(self) -> Survey | None:
        """The respondents of the wave before, or None."""
        return self._load(self.previous_wave) if self.previous_wave else None

    @property
    def spec(self):
        return self.config.spec

    @property
    def segments(self) -> list[str]:
        """The segment columns reported on."""
        chosen = self.options.segments
        return list(chosen if chosen is not None else self.spec.segments)

    @property
    def title(self) -> str:
        return f"{self.config.display_name} · {self.wave}"

    # -- NPS ---------------------------------------------------------------------------
    @cached_property
    def nps(self):
        """NPSResult of this wave (weighted when the spec has a weight)."""
        from drivers.stats.nps import nps

        return nps(self.survey.nps_scores, self.survey.weights)

    @cached_property
    def nps_previous(self):
        from drivers.stats.nps import nps

        s = self.previous_survey
        return nps(s.nps_scores, s.weights) if s is not None else None

    @cached_property
    def nps_change(self):
        """NPSDifference previous → this wave, or None for a first wave."""
        from drivers.stats.nps import compare_nps

        return compare_nps(self.nps_previous, self.nps) if self.nps_previous else None

    @cached_property
    def nps_benchmark(self) -> tuple[str, float] | None:
        """(label, value) of the sector's published NPS benchmark, or None."""
        return _nps_benchmark(self.config.sector, self.lang)

    def nps_by(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """NPS per segment, small bases flagged and tiny ones suppressed.

        A suppressed group loses its numbers and its name as well (in B2B the name of a
        segment of three respondents can point at the companies): the suppressed groups of
        a segment become one row labelled "overig (n < 5)" / "other (n < 5)".
        """
        from drivers.stats.nps import nps_table

        table = nps_table(
            self.survey,
            by=by,
            min_n=self.options.min_n,
            privacy_floor=self.options.privacy_floor,
            lang=self.lang,
        )
        keys = [] if by is None else [by] if isinstance(by, str) else list(by)
        return _hide_suppressed(table, keys, self.options.privacy_floor, self.lang)

    @cached_property
    def nps_waves(self) -> pd.DataFrame:
        """One NPS row per wave, oldest first."""
        from drivers.stats.nps import nps_table

        rows = []
        for name, survey in ((self.previous_wave, self.previous_survey), (self.wave, self.survey)):
            if survey is None:
                continue
            table = nps_table(
                survey,
                min_n=self.options.min_n,
                privacy_floor=self.options.privacy_floor,
                lang=self.lang,
            )
            rows.append(table.assign(group=name))
        return pd.concat(rows, ignore_index=True)

    @cached_property
    def distribution(self) -> pd.DataFrame:
        from drivers.stats.nps import score_distribution

        return score_distribution(self.survey.nps_scores, self.survey.weights)

    # -- touchpoints -------------------------------------------------------------------
    @cached_property
    def performance(self) -> pd.DataFrame:
        """Touchpoint grades of this wave."""
        from drivers.stats.nps import touchpoint_performance

        return touchpoint_performance(
            self.survey,
            min_n=self.options.min_n,
            privacy_floor=self.options.privacy_floor,
            lang=self.lang,
        )

    @cached_property
    def performance_previous(self) -> pd.DataFrame | None:
        from drivers.stats.nps import touchpoint_performance

        if self.previous_survey is None:
            return None
        return touchpoint_performance(
            self.previous_survey,
            min_n=self.options.min_n,
            privacy_floor=self.options.privacy_floor,
            lang=self.lang,
        )

    @cached_property
    def grade_benchmarks(self) -> dict[str, float]:
        """Top performers' published grade per touchpoint key, where the seeds give one."""
        return _grade_benchmarks(self.spec.touchpoint_keys)

    @cached_property
    def grade_changes(self) -> pd.DataFrame | None:
        """Mean grade per touchpoint, previous → this wave, with Welch's t test."""
        if self.previous_survey is None:
            return None
        from scipy import stats

        rows = []
        for key in self.spec.touchpoint_keys:
            a = self.previous_survey.data[key].dropna().to_numpy()
            b = self.survey.data[key].dropna().to_numpy()
            if min(len(a), len(b)) < self.options.privacy_floor:
                continue
            test = stats.ttest_ind(b, a, equal_var=False)
            rows.append(
                {
                    "touchpoint": key,
                    "label": self.spec.label(key, self.lang),
                    "before": a.mean(),
                    "after": b.mean(),
                    "change": b.mean() - a.mean(),
                    "p_value": float(test.pvalue),
                    "significant": bool(test.pvalue < 0.05),
                    "n_before": len(a),
                    "n_after": len(b),
                    "wave_before": self.previous_wave,
                    "wave_after": self.wave,
                }
            )
        return pd.DataFrame(rows)

    # -- key drivers -------------------------------------------------------------------
    def key_drivers(
        self, method: str = "shapley", *, bootstrap: int | None = None, survey: Survey | None = None
    ):
        """Key drivers of this wave by ``method`` (cached per method)."""
        from drivers.stats.importance import key_drivers

        survey = survey or self.survey
        boot = self.bootstrap if bootstrap is None else bootstrap
        key = (method, boot, id(survey))
        cache = self.__dict__.setdefault("_drivers_cache", {})
        if key not in cache:
            with warnings.catch_warnings():
                # The n.v.t. share is reported in the data-quality notebook.
                warnings.simplefilter("ignore", DriversWarning)
                missing = self.options.missing
                if missing == "pairwise" and method not in (
                    "shapley",
                    "relative_weights",
                    "correlation",
                ):
                    missing = "impute"  # the model-based methods need complete rows
                cache[key] = key_drivers(
                    survey,
                    method=method,
                    missing=missing,
                    bootstrap=boot if method in ("shapley", "relative_weights") else 0,
                    seed=self.options.seed,
                    progress=self.progress,
                    labels=self.spec.labels(self.lang),
                )
        return cache[key]

    @cached_property
    def drivers(self):
        """Shapley (LMG) key drivers with bootstrap CIs: the headline result."""
        return self.key_drivers("shapley")

    @cached_property
    def drivers_previous(self):
        if self.previous_survey is None:
            return None
        return self.key_drivers("shapley", survey=self.previous_survey)

    @cached_property
    def methods(self) -> pd.DataFrame:
        """Rank of every touchpoint under each configured method, side by side."""
        frames = []
        for method in self.options.methods:
            table = self.key_drivers(method).table
            table = table[~table.get("indicator", pd.Series(False, index=table.index)).astype(bool)]
            frames.append(table.set_index("driver")[["share", "rank"]].add_prefix(f"{method}_"))
        out = pd.concat(frames, axis=1)
        out.insert(0, "label", [self.spec.label(k, self.lang) for k in out.index])
        return out.reset_index().rename(columns={"index": "driver"})

    @cached_property
    def drivers_change(self) -> pd.DataFrame | None:
        from drivers.stats.importance import compare_drivers

        if self.drivers_previous is None:
            return None
        return compare_drivers(
            [self.drivers_previous, self.drivers], names=[self.previous_wave, self.wave]
        )

    # -- matrix and what-if ------------------------------------------------------------
    @cached_property
    def matrix(self):
        """Priority matrix of the Shapley importances against the mean grades."""
        from drivers.stats.matrix import priority_matrix

        return priority_matrix(
            self.drivers,
            self.performance,
            lines=self.options.lines,
            survey=self.survey,
            lang=self.lang,
            seed=self.options.seed,
        )

    @cached_property
    def matrix_previous(self):
        from drivers.stats.matrix import priority_matrix

        if self.drivers_previous is None:
            return None
        return priority_matrix(
            self.drivers_previous,
            self.performance_previous,
            lines=self.options.lines,
            survey=self.previous_survey,
            lang=self.lang,
            seed=self.options.seed,
        )

    @cached_property
    def candidates(self) -> list[str]:
        """Touchpoints to simulate: 'improve first' ones by importance, then the top drivers."""
        table = self.matrix.table.sort_values("importance", ascending=False)
        first = list(table.loc[table["quadrant"] == "improve", "touchpoint"])
        rest = [t for t in table["touchpoint"] if t not in first]
        return (first + rest)[: self.options.simulate_top]

    @cached_property
    def simulations(self) -> dict:
        """What-if per candidate: to the published benchmark grade where one exists,
        else half a grade point up."""
        from drivers.stats.simulate import simulate

        out = {}
        for key in self.candidates:
            target = self.grade_benchmarks.get(key)
            mean = float(self.performance.set_index("touchpoint").loc[key, "mean"])
            change = "benchmark" if target is not None and target > mean else 0.5
            out[key] = simulate(
                self.survey,
                changes={key: change},
                bootstrap=self.options.simulate_bootstrap,
                seed=self.options.seed,
                progress=self.progress,
                benchmark=self.grade_benchmarks or None,
            )
        return out

    # -- words -------------------------------------------------------------------------
    def findings(self, lang: str | None = None) -> str:
        """All findings of the wave as Markdown, in the client's language by default."""
        from drivers.present.narrate import findings

        lang = lang or self.lang
        top = next(iter(self.simulations.values()), None)
        return findings(
            nps=self.nps,
            drivers=self.drivers,
            matrix=self.matrix,
            simulation=top,
            lang=lang,
            performance=self.performance,
            benchmark=self.grade_benchmarks or None,
            nps_benchmark=self.nps_benchmark,
            previous=self.nps_previous,
            survey=self.survey,
        )

    def methods_note(self) -> str:
        """Consultant-facing line on how the numbers were made."""
        weighted = "gewogen" if self.spec.weight else "ongewogen"
        if self.lang == "en":
            weighted = "weighted" if self.spec.weight else "unweighted"
        return (
            f"n = {self.drivers.n} · Shapley (LMG) · R² = {self.drivers.r2:.2f} · "
            f"{weighted} · n.v.t.: {self.options.missing} · bootstrap {self.bootstrap}"
        )

    def bases_note(self) -> str:
        """Which segments are small (flagged) or tiny (suppressed), in words."""
        small, hidden = [], []
        for seg in self.segments:
            table = self.nps_by(seg).iloc[1:]
            hidden += [f"{seg} = {g}" for g in table.loc[table["suppressed"], "group"]]
            small += [
                f"{seg} = {g}"
                for g in table.loc[table["small_base"] & ~table["suppressed"], "group"]
            ]
        nl = self.lang == "nl"
        lines = []
        if small:
            lines.append(
                (
                    "Kleine basis (n < {m}, voorzichtig lezen): "
                    if nl
                    else "Small base (n < {m}, read with care): "
                ).format(m=self.options.min_n)
                + ", ".join(small)
                + "."
            )
        if hidden:
            lines.append(
                ("Onderdrukt (n < {f}): " if nl else "Suppressed (n < {f}): ").format(
                    f=self.options.privacy_floor
                )
                + ", ".join(hidden)
                + "."
            )
        if not lines:
            lines.append(
                "Alle segmenten zijn groot genoeg." if nl else "Every segment is large enough."
            )
        return "\n\n".join(lines)

    def methods_agreement(self) -> str:
        """Where the driver methods agree and disagree, in plain words (Kendall's tau)."""
        from scipy.stats import kendalltau

        table = self.methods
        ranks = {m: table[f"{m}_rank"].to_numpy() for m in self.options.methods}
        base = ranks.get("shapley", next(iter(ranks.values())))
        nl = self.lang == "nl"
        top = {m: table.loc[np.argmin(r), "label"] for m, r in ranks.items()}
        agree = [m for m, t in top.items() if t == top.get("shapley", t)]
        lines = []
        head = top.get("shapley", next(iter(top.values())))
        if len(agree) == len(top):
            lines.append(
                f"Alle {len(top)} methoden zetten **{head}** bovenaan."
                if nl
                else f"All {len(top)} methods put **{head}** first."
            )
        else:
            other = ", ".join(f"{m}: {t}" for m, t in top.items() if t != head)
            lines.append(
                f"Shapley zet **{head}** bovenaan; niet alle methoden zijn het eens ({other})."
                if nl
                else f"Shapley puts **{head}** first; not every method agrees ({other})."
            )
        taus = []
        for m, r in ranks.items():
            if r is base:
                continue
            tau = kendalltau(base, r).statistic
            taus.append(f"{m} {tau:.2f}".replace(".", ",") if nl else f"{m} {tau:.2f}")
        if taus:
            lines.append(
                (
                    "Overeenstemming van de volgorde met Shapley (Kendall's tau, 1 = gelijk): "
                    if nl
                    else "Agreement of the order with Shapley (Kendall's tau, 1 = identical): "
                )
                + "; ".join(taus)
                + "."
            )
        lines.append(
            "Shapley en relative weights verdelen R² eerlijk over samenhangende "
            "touchpoints; gestandaardiseerde beta's kunnen bij sterke samenhang een "
            "touchpoint onderschatten, en de logit-methode kijkt alleen naar de grens "
            "promoter/detractor. Verschillen in de middenmoot zijn daarom normaal; de "
            "top en de staart tellen."
            if nl
            else "Shapley and relative weights share R² fairly among correlated touchpoints; "
            "standardized betas can understate a touchpoint when touchpoints overlap, and "
            "the logit method looks only at the promoter / detractor boundary. Differences "
            "in the middle ranks are therefore normal; the top and the tail are what count."
        )
        return "\n\n".join(lines)

    @cached_property
    def change_explained(self) -> pd.DataFrame | None:
        """NPS change each touchpoint's observed grade change accounts for on its own.

        Every touchpoint's mean grade change is applied to the previous wave's
        respondents through the respondent-level model of :func:`drivers.stats.simulate`;
        the sum over touchpoints is set against the observed NPS change.
        """
        if self.previous_survey is None:
            return None
        from drivers.stats.simulate import simulate

        rows = []
        changes = self.grade_changes.set_index("touchpoint")
        for key, row in changes.iterrows():
            sim = simulate(
                self.previous_survey,
                changes={key: float(row["change"])},
                bootstrap=0,
                seed=self.options.seed,
                progress=False,
            )
            rows.append(
                {
                    "touchpoint": key,
                    "label": row["label"],
                    "grade_change": row["change"],
                    "significant": row["significant"],
                    "nps_change": float(sim.nps_change),
                }
            )
        out = pd.DataFrame(rows).sort_values("nps_change", ascending=False, key=abs)
        return out.reset_index(drop=True)

    def change_note(self) -> str:
        """The observed NPS change set against what the touchpoint changes explain."""
        nl = self.lang == "nl"
        explained = float(self.change_explained["nps_change"].sum())
        observed = float(self.nps_change.difference)
        top = self.change_explained.iloc[0]
        fmt = (lambda x: f"{x:+.1f}".replace(".", ",")) if nl else (lambda x: f"{x:+.1f}")
        if nl:
            return (
                f"De NPS veranderde met {fmt(observed)} punten; de veranderde "
                f"touchpoint-cijfers verklaren samen naar verwachting {fmt(explained)} "
                f"punten. De grootste bijdrage komt van **{top['label']}** "
                f"({fmt(top['nps_change'])}). Dit is een modelberekening, geen bewijs "
                "van oorzaak en gevolg."
            )
        return (
            f"The NPS changed by {fmt(observed)} points; the changed touchpoint grades "
            f"together are expected to account for {fmt(explained)} points. The largest "
            f"contribution is **{top['label']}** ({fmt(top['nps_change'])}). This is a "
            "model calculation, not proof of cause and effect."
        )

    # -- tables ------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every aggregated table of the report, ready for Excel (no respondent rows)."""
        from drivers.stats.nps import nps_table

        out = {
            "nps": nps_table(
                self.survey,
                min_n=self.options.min_n,
                privacy_floor=self.options.privacy_floor,
                lang=self.lang,
            ),
            "nps_waves": self.nps_waves,
            "distribution": self.distribution,
            "touchpoints": self.performance,
        }
        for seg in self.segments:
            out[f"nps_{seg}"] = self.nps_by(seg)
        out["drivers"] = self.drivers.table
        out["methods"] = self.methods
        out["matrix"] = self.matrix.table
        if self.simulations:
            out["what_if"] = pd.concat(
                [s.table.assign(touchpoint=k) for k, s in self.simulations.items()],
                ignore_index=True,
            )
        if self.grade_changes is not None:
            out["grade_changes"] = self.grade_changes
            out["driver_changes"] = self.drivers_change
        out["quality"] = self.survey.quality.table.assign(
            rows=lambda t: t["rows"].map(lambda r: ", ".join(map(str, r)))
        )
        return out


def write_report(
    config: ClientConfig | str | Path,
    *,
    wave: str | None = None,
    out: str | Path,
    bootstrap: int | None = None,
    progress: bool = True,
    analysis: Analysis | None = None,
) -> Path:
    """Write charts (PNG + SVG), ``tables.xlsx`` and the deck of one wave into ``out``."""
    import matplotlib.pyplot as plt

    from drivers.present import charts
    from drivers.present.deck import Deck

    a = analysis or Analysis(config, wave, bootstrap=bootstrap, progress=progress)
    out = Path(out)
    (out / "charts").mkdir(parents=True, exist_ok=True)
    lang = a.lang
    if a.config.brand:
        from drivers.present.palette import set_brand

        set_brand(a.config.brand)

    figures = {
        "nps_waves": lambda: charts.nps_bar(a.nps_waves, lang=lang, benchmark=a.nps_benchmark),
        "nps_distribution": lambda: charts.score_distribution(a.distribution, lang=lang, n=a.nps.n),
        "touchpoint_grades": lambda: charts.touchpoint_grades(
            a.performance, lang=lang, benchmark=a.grade_benchmarks or None
        ),
        "key_drivers": lambda: charts.driver_importance(a.drivers, lang=lang),
        "priority_matrix": lambda: charts.priority_matrix(a.matrix, lang=lang),
    }
    for seg in a.segments:
        figures[f"nps_{seg}"] = lambda seg=seg: charts.nps_bar(
            a.nps_by(seg), lang=lang, benchmark=a.nps_benchmark, title=f"NPS · {seg}"
        )
    if a.grade_changes is not None and len(a.grade_changes):
        figures["grade_changes"] = lambda: charts.wave_change(a.grade_changes, lang=lang)
        figures["matrix_movement"] = lambda: charts.matrix_movement(
            a.matrix_previous, a.matrix, lang=lang, wave_before=a.previous_wave, wave_after=a.wave
        )
    for name, draw in figures.items():
        with charts.use_style():
            ax = draw()
            charts.save(ax.figure, out / "charts" / name)
            plt.close(ax.figure)

    tables = a.tables()
    with pd.ExcelWriter(out / "tables.xlsx", engine="openpyxl") as xl:
        for name, table in tables.items():
            _excel_safe(table).to_excel(xl, sheet_name=name[:31], index=False)
    _fix_xlsx_dates(out / "tables.xlsx")

    deck = Deck(
        a.config.template,
        lang=lang,
        brand=a.config.brand,
        privacy_floor=a.options.privacy_floor,
        title=a.title,
    )
    deck.add_title(
        a.config.display_name,
        ("Klantonderzoek" if lang == "nl" else "Customer survey") + f" {a.wave}",
    )
    findings = a.findings()
    deck.add_text(
        "Belangrijkste bevindingen" if lang == "nl" else "Key findings",
        _bullets(findings),
        notes=findings,
    )
    from drivers.present.narrate import (
        narrate_drivers,
        narrate_matrix,
        narrate_nps,
        narrate_simulation,
    )

    deck.add_nps_chart(
        a.nps_waves,
        notes=narrate_nps(a.nps, lang=lang, benchmark=a.nps_benchmark, previous=a.nps_previous),
        min_n=a.options.min_n,
    )
    for seg in a.segments:
        deck.add_nps_chart(a.nps_by(seg), title=f"NPS · {seg}", min_n=a.options.min_n)
    deck.add_grades_chart(a.performance, scale=tuple(a.spec.scale))
    deck.add_driver_chart(
        a.drivers,
        footnote=a.methods_note(),
        notes=narrate_drivers(a.drivers, lang=lang, performance=a.performance, survey=a.survey),
    )
    deck.add_matrix_chart(
        a.matrix,
        drivers_result=a.drivers,
        footnote=a.methods_note(),
        notes=narrate_matrix(a.matrix, lang=lang),
    )
    for key, sim in a.simulations.items():
        title, table = what_if_table(sim, a.spec.label(key, lang), lang)
        deck.add_table(
            table,
            title=title,
            notes=narrate_simulation(sim, lang=lang),
            footnote=a.methods_note().split(" · ")[0]
            + " · "
            + (
                "ordinaal logitmodel, bootstrap-BI"
                if lang == "nl"
                else "ordinal logit model, bootstrap CI"
            ),
        )
    deck.save(out / f"{a.config.name}_{a.wave}.pptx")
    return out


def what_if_table(sim, label: str, lang: str) -> tuple[str, pd.DataFrame]:
    """Slide title and a readable table (now / after / change / CI) of a simulation."""
    from drivers.present._format import fmt_number, fmt_percent, fmt_signed

    change = sim.changes.iloc[0]
    nl = lang == "nl"
    if change["kind"] == "to":
        how = (
            f"{fmt_number(change['mean_before'], 1, lang)} → {fmt_number(change['value'], 1, lang)}"
        )
        if change.get("source") == "benchmark":
            how += " (benchmark topperformers)" if nl else " (top-performer benchmark)"
    else:
        how = f"{fmt_signed(change['shift'], lang, decimals=1)} " + ("punt" if nl else "point")
    title = ("Wat als " if nl else "What if ") + f"{label} {how}?"
    names = {"nps": "NPS", "promoters": "Promoters", "detractors": "Detractors"}
    rows = []
    for rec in sim.table.itertuples(index=False):
        if rec.measure == "nps":
            fmt = lambda x: fmt_signed(x, lang, decimals=1)  # noqa: E731
        else:
            fmt = lambda x: fmt_percent(x, lang, decimals=1)  # noqa: E731
        rows.append(
            {
                "": names.get(rec.measure, rec.measure),
                "Nu" if nl else "Now": fmt(rec.before),
                "Daarna" if nl else "After": fmt(rec.after),
                "Verschil" if nl else "Change": fmt(rec.change),
                "95%-BI" if nl else "95% CI": f"{fmt(rec.ci_low)} … {fmt(rec.ci_high)}",
            }
        )
    return title, pd.DataFrame(rows)


def _hide_suppressed(table: pd.DataFrame, keys: list[str], floor: int, lang: str) -> pd.DataFrame:
    """Suppressed segment rows merged into one neutral "overig (n < floor)" row."""
    if not keys or "suppressed" not in table:
        return table
    hidden = np.array(table["suppressed"].astype(bool), dtype=bool)
    hidden[0] = False  # the total row
    if not hidden.any():
        return table
    label = ("overig" if lang == "nl" else "other") + f" (n < {floor})"
    row = table[hidden].iloc[[0]].copy()
    row[["group", *keys]] = label
    return pd.concat([table[~hidden], row], ignore_index=True)


def _bullets(markdown: str, limit: int = 6) -> str:
    """The first sentences of each finding as slide bullets."""
    lines = [ln.strip() for ln in markdown.splitlines() if ln.strip() and not ln.startswith("#")]
    bullets = []
    for line in lines:
        text = line.lstrip("-* ").strip().replace("**", "")
        first = text.split(". ")[0].rstrip(".") + "."
        bullets.append(f"- {first}")
        if len(bullets) == limit:
            break
    return "\n".join(bullets)


def _excel_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers stay numbers; lists and objects become text."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
            )
    return out


def _fix_xlsx_dates(path: Path) -> None:
    """Fixed document dates so two runs give the same workbook contents."""
    import datetime

    import openpyxl

    book = openpyxl.load_workbook(path)
    fixed = datetime.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "drivers"
    book.save(path)


def _nps_benchmark(sector: str | None, lang: str) -> tuple[str, float] | None:
    from drivers.stats.benchmark import nps_benchmark

    return nps_benchmark(sector)


def _grade_benchmarks(keys) -> dict[str, float]:
    """Top performers' published grades (the what-if target), for these touchpoints."""
    from drivers.stats.benchmark import grade_benchmarks

    published = grade_benchmarks("top_performers")
    return {k: v for k, v in published.items() if k in set(keys)}
