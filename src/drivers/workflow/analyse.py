"""``dr.analyse``: one client wave, every number of its report, computed once.

The orchestration here loads the waves named in ``client.toml`` and calls the public
functions of the statistics modules; it holds no formulas of its own. What it returns,
:class:`~drivers.workflow.results.Results`, is what the notebooks, charts, tables and the
deck draw from.
"""

from __future__ import annotations

import dataclasses
import warnings
from functools import cached_property
from pathlib import Path

import pandas as pd

from drivers.errors import AnalysisError, DriversWarning
from drivers.load.survey import Survey
from drivers.workflow.client import ClientConfig, load_client
from drivers.workflow.results import Results, sha256

__all__ = ["analyse"]

#: Bootstrap resamples per group (and per rest) of the importance by segment: the
#: client's ``bootstrap`` up to this cap (at least 20, the test's minimum), so six
#: segment variables stay cheap.
SEGMENT_BOOTSTRAP = 200
#: Above this many touchpoints the importance by segment uses relative weights (Johnson,
#: close to Shapley and fast at any size): an exact Shapley value per group, per rest and
#: per resample would take minutes (2 × groups × resamples of them).
SEGMENT_SHAPLEY_MAX = 12
#: Importance by segment of a larger wave runs on a seeded random subset of this many
#: respondents (the chart's note says so): on a million rows each group and its rest
#: would take minutes of bootstrap, for differences already sharp at this size.
SEGMENT_MAX_ROWS = 50_000


def analyse(
    config: ClientConfig | str | Path,
    wave: str | None = None,
    *,
    bootstrap: int | None = None,
    progress: bool = True,
) -> Results:
    """Analyse one wave of a client: every number its report shows, computed once.

    Parameters
    ----------
    config : ClientConfig or path to client.toml
        The client. A relative path is read from the current folder.
    wave : str, optional
        The wave to report on; the latest when None. Every wave up to it enters the
        trend; the one just before it is the comparison.
    bootstrap : int, optional
        Bootstrap resamples for the key-driver intervals; the config's option when None.
        The same number then serves notebooks, tables and deck.
    progress : bool, default True
        Progress bars for the long steps.

    Returns
    -------
    Results

    Notes
    -----
    The analysis uses one BLAS thread, so the same call gives the same numbers to the
    last bit on any machine (``OPENBLAS_NUM_THREADS`` or not).

    Examples
    --------
    >>> import drivers as dr
    >>> from drivers import demo
    >>> r = dr.analyse(demo.client_config(), bootstrap=20, progress=False)
    >>> r.wave, r.previous_wave, r.waves
    ('2024', '2023', ('2023', '2024'))
    >>> round(r.nps.nps) == round(r.nps_previous.nps + r.nps_change.difference)
    True
    """
    from threadpoolctl import threadpool_limits

    engine = _Compute(config, wave, bootstrap=bootstrap, progress=progress)
    # One BLAS thread, as in `drivers run`: threads split sums differently, and the last
    # bits of the bootstrap intervals with them; this way an analysis in a notebook
    # equals the saved one exactly, whatever the machine's BLAS settings.
    with (
        threadpool_limits(limits=1, user_api="blas"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always", DriversWarning)
        values = engine.collect()
    files = [Path(w.file) for w in engine.config.waves]
    values["warnings"] = _warning_table(caught, files)
    return Results(**values)


def _aggregate(quality):
    """The row accounting as it may leave the package: reasons, columns and counts; no cell
    values, row numbers or folders of the consultant's machine."""
    table = quality.table.drop(columns=["rows", "found"], errors="ignore")
    cells = quality.cells.drop(columns=["value", "rows"], errors="ignore")
    return dataclasses.replace(quality, table=table, cells=cells, source=Path(quality.source).name)


def _warning_table(caught: list[warnings.WarningMessage], files: list[Path]) -> pd.DataFrame:
    """The warnings of the analysis, once each, naming input files without their folder."""
    rows, seen = [], set()
    for w in caught:
        if not issubclass(w.category, DriversWarning):
            continue
        message = str(w.message)
        for file in files:
            message = message.replace(str(file.resolve()), file.name).replace(str(file), file.name)
        key = (w.category.__name__, message)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"category": key[0], "message": key[1]})
    return pd.DataFrame(rows, columns=["category", "message"]).astype(str)


class _Compute:
    """Loads the waves and calls the statistics; each result once, on first use."""

    def __init__(self, config, wave, *, bootstrap, progress):
        self.config = config if isinstance(config, ClientConfig) else load_client(config)
        current = self.config.wave(wave)
        previous = self.config.previous(current.name)
        self.wave = current.name
        self.previous_wave = previous.name if previous else None
        names = [w.name for w in self.config.waves]
        self.wave_names = tuple(names[: names.index(current.name) + 1])
        self.options = self.config.options
        self.bootstrap = self.options.bootstrap if bootstrap is None else int(bootstrap)
        self.progress = progress
        self.lang = self.config.language
        self._surveys: dict[str, Survey] = {}

    # -- data --------------------------------------------------------------------------
    def load(self, name: str) -> Survey:
        if name not in self._surveys:
            self._surveys[name] = self.config.load(name)
        return self._surveys[name]

    @property
    def survey(self) -> Survey:
        return self.load(self.wave)

    @property
    def previous_survey(self) -> Survey | None:
        return self.load(self.previous_wave) if self.previous_wave else None

    @property
    def spec(self):
        return self.config.spec

    @property
    def segments(self) -> list[str]:
        chosen = self.options.segments
        return list(chosen if chosen is not None else self.spec.segments)

    @property
    def cutoffs(self):
        return self.options.cutoffs

    def _table_options(self) -> dict:
        return {
            "min_n": self.options.min_n,
            "privacy_floor": self.options.privacy_floor,
            "lang": self.lang,
        }

    # -- NPS ---------------------------------------------------------------------------
    def nps_of(self, survey: Survey, weighted: bool = True):
        from drivers.stats.nps import nps

        return nps(survey.nps_scores, survey.weights if weighted else None, cutoffs=self.cutoffs)

    @cached_property
    def nps_waves(self) -> pd.DataFrame:
        """One row per wave, oldest first: weighted and unweighted NPS."""
        from drivers.stats.nps import nps_table

        rows = []
        for name in self.wave_names:
            survey = self.load(name)
            table = nps_table(survey, cutoffs=self.cutoffs, **self._table_options())
            table = table.iloc[[0]].copy()
            plain = self.nps_of(survey, weighted=False)
            table["group"] = name
            table.insert(0, "wave", name)
            table["nps_unweighted"] = plain.nps
            table["ci_low_unweighted"] = plain.ci_low
            table["ci_high_unweighted"] = plain.ci_high
            table["weighted"] = survey.weights is not None
            rows.append(table)
        return pd.concat(rows, ignore_index=True)

    @cached_property
    def nps_steps(self) -> pd.DataFrame:
        """NPS change between consecutive waves, with CI and p-value."""
        from drivers.stats.nps import compare_nps

        rows = []
        for before, after in zip(self.wave_names[:-1], self.wave_names[1:], strict=True):
            diff = compare_nps(self.nps_of(self.load(before)), self.nps_of(self.load(after)))
            rows.append(
                {
                    "wave_before": before,
                    "wave_after": after,
                    "difference": diff.difference,
                    "ci_low": diff.ci_low,
                    "ci_high": diff.ci_high,
                    "p_value": diff.p_value,
                    "significant": bool(diff.p_value < 1 - diff.level),
                }
            )
        columns = ["wave_before", "wave_after", "difference", "ci_low", "ci_high", "p_value"]
        return pd.DataFrame(rows, columns=[*columns, "significant"])

    def segment_table(self, by: str) -> pd.DataFrame:
        from drivers.stats.nps import nps_table, suppress_segments

        table = nps_table(self.survey, by=by, cutoffs=self.cutoffs, **self._table_options())
        return suppress_segments(
            table, by=by, privacy_floor=self.options.privacy_floor, lang=self.lang
        )

    # -- touchpoints -------------------------------------------------------------------
    def performance_of(self, survey: Survey) -> pd.DataFrame:
        from drivers.stats.nps import touchpoint_performance

        return touchpoint_performance(survey, **self._table_options())

    @cached_property
    def grade_trend(self) -> pd.DataFrame:
        frames = []
        for name in self.wave_names:
            table = self.performance_of(self.load(name))
            frames.append(table.assign(wave=name))
        out = pd.concat(frames, ignore_index=True)
        return out[["wave", *[c for c in out.columns if c != "wave"]]]

    @cached_property
    def grade_changes(self) -> pd.DataFrame | None:
        """Weighted mean grade per touchpoint, previous → this wave, with its test."""
        if self.previous_survey is None:
            return None
        from drivers.stats.nps import compare_grades

        table = compare_grades(
            self.previous_survey, self.survey, privacy_floor=self.options.privacy_floor
        )
        table["label"] = [self.spec.label(k, self.lang) for k in table["touchpoint"]]
        return table.assign(wave_before=self.previous_wave, wave_after=self.wave)

    # -- key drivers -------------------------------------------------------------------
    def usable(self, survey: Survey) -> list[str]:
        """The touchpoints this wave's driver analysis can use (see :attr:`left_out`)."""
        left = {row["touchpoint"] for row in self.left_out_of(survey)}
        return [k for k in self.spec.touchpoint_keys if k not in left]

    def left_out_of(self, survey: Survey) -> list[dict]:
        """Touchpoints left out of a wave's driver analysis, each with its reason: absent
        from the questionnaire, too few answers, or no variance. Everything else runs."""
        data = survey.data
        floor = max(int(self.options.privacy_floor), 10)
        rows = []
        for key in self.spec.touchpoint_keys:
            grades = data[key].dropna() if key in data else pd.Series(dtype=float)
            if key in survey.quality.absent or key not in data:
                reason = "absent"
            elif len(grades) < floor:
                reason = "too_few"
            elif grades.nunique() < 2:
                reason = "no_variance"
            else:
                continue
            rows.append({"touchpoint": key, "reason": reason, "n": int(len(grades))})
        return rows

    @cached_property
    def left_out(self) -> pd.DataFrame:
        rows = []
        for name in self.wave_names[-2:]:
            for row in self.left_out_of(self.load(name)):
                rows.append(
                    {"wave": name, **row, "label": self.spec.label(row["touchpoint"], self.lang)}
                )
        columns = ["wave", "touchpoint", "reason", "n", "label"]
        return pd.DataFrame(rows, columns=columns)

    def shapley_missing(self, survey: Survey) -> str:
        """``dummy`` (grade + 'answered' as one group), unless the exact grouped Shapley
        would exceed its column limit: then ``pairwise``, with a warning that says so."""
        from drivers.errors import DriversWarning
        from drivers.stats._shapley import GROUP_MAX_COLUMNS
        from drivers.stats.importance import DUMMY_BELOW

        usable = self.usable(survey)
        rated = survey.data[survey.data[self.spec.nps].notna()]
        conditional = [k for k in usable if rated[k].notna().mean() < DUMMY_BELOW]
        if conditional and len(usable) + len(conditional) > GROUP_MAX_COLUMNS:
            warnings.warn(
                f"{len(usable)} touchpoints and {len(conditional)} answered by fewer than "
                f"{DUMMY_BELOW:.0%} exceed the {GROUP_MAX_COLUMNS} columns of the exact grouped "
                "Shapley value: n.v.t. is handled pairwise for Shapley.",
                DriversWarning,
                stacklevel=2,
            )
            return "pairwise"
        return "dummy"

    def key_drivers(self, method: str, survey: Survey, *, bootstrap: int | None = None):
        from drivers.stats.importance import key_drivers
        from drivers.stats.methods import method as method_info

        missing = self.options.missing
        if missing == "dummy" and method == "shapley":
            missing = self.shapley_missing(survey)
        if missing == "pairwise" and not method_info(method).pairwise:
            missing = "impute"  # the model-based methods need complete rows
        return key_drivers(
            survey,
            drivers=self.usable(survey),
            method=method,
            missing=missing,
            bootstrap=(self.bootstrap if bootstrap is None else bootstrap)
            if method in ("shapley", "relative_weights")
            else 0,
            seed=self.options.seed,
            cutoffs=self.cutoffs,
            progress=self.progress,
            labels=self.spec.labels(self.lang),
        )

    @cached_property
    def driver_methods(self) -> dict:
        methods = list(dict.fromkeys(["shapley", *self.options.methods]))
        return {m: self.key_drivers(m, self.survey) for m in methods}

    @cached_property
    def drivers_previous(self):
        if self.previous_survey is None:
            return None
        return self.key_drivers("shapley", self.previous_survey)

    @cached_property
    def importance_waves(self) -> pd.DataFrame:
        """Shapley importance per touchpoint in every wave, oldest first.

        The wave reported on and the one before it reuse their bootstrapped results (with
        intervals); earlier waves are point estimates without a bootstrap, to keep the run
        cheap (``bootstrap`` says which). A touchpoint left out of a wave has no row there.
        """
        from drivers.errors import DriversError

        frames = []
        for name in self.wave_names:
            if name == self.wave:
                result, resampled = self.driver_methods["shapley"], self.bootstrap > 0
            elif name == self.previous_wave:
                result, resampled = self.drivers_previous, self.bootstrap > 0
            else:
                try:
                    result = self.key_drivers("shapley", self.load(name), bootstrap=0)
                except DriversError as err:  # an early wave too thin for a model: a gap
                    warnings.warn(
                        f"Wave {name}: no driver analysis ({err})", DriversWarning, stacklevel=2
                    )
                    continue
                resampled = False
            table = result.table
            if "indicator" in table:
                table = table[~table["indicator"].astype(bool)]
            out = table[["driver", "importance", "share", "rank"]].copy()
            for column in ("share_ci_low", "share_ci_high"):
                out[column] = table[column] if resampled and column in table else float("nan")
            out.insert(0, "wave", name)
            out.insert(2, "label", [self.spec.label(k, self.lang) for k in out["driver"]])
            frames.append(out.assign(n=int(result.n), r2=float(result.r2), bootstrap=resampled))
        columns = ["wave", "driver", "label", "importance", "share", "rank"]
        columns += ["share_ci_low", "share_ci_high", "n", "r2", "bootstrap"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    @cached_property
    def methods(self) -> pd.DataFrame:
        frames = []
        for method, result in self.driver_methods.items():
            table = result.table
            if "indicator" in table:
                table = table[~table["indicator"].astype(bool)]
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
            [self.drivers_previous, self.driver_methods["shapley"]],
            names=[self.previous_wave, self.wave],
        )

    @cached_property
    def nps_gain(self) -> pd.DataFrame:
        """Expected NPS change on the whole base per +0.5 grade, reach built in."""
        from drivers.stats.gain import nps_gain

        table = nps_gain(
            self.survey,
            self.driver_methods["shapley"],
            bootstrap=self.options.simulate_bootstrap,
            seed=self.options.seed,
            cutoffs=self.cutoffs,
        )
        table.insert(1, "label", [self.spec.label(k, self.lang) for k in table["driver"]])
        return table

    @cached_property
    def missing_sensitivity(self):
        """Ranks under every missing-data option, when some touchpoint is conditional."""
        from drivers.stats.sensitivity import missing_sensitivity

        if not self.driver_methods["shapley"].table.get("conditional", pd.Series()).any():
            return None
        return missing_sensitivity(self.survey, drivers=self.usable(self.survey))

    @cached_property
    def importance_change(self) -> pd.DataFrame | None:
        """Change in importance share per touchpoint since the previous wave, with a test."""
        from drivers.stats.sensitivity import compare_importance

        if self.drivers_previous is None or not self.bootstrap:
            return None  # the test of the change needs each wave's bootstrap draws
        table = compare_importance(self.drivers_previous, self.driver_methods["shapley"])
        table.insert(1, "label", [self.spec.label(k, self.lang) for k in table["driver"]])
        return table

    @cached_property
    def segment_importance(self):
        """Importance shares per segment group, each tested against the rest of the
        customers (Benjamini-Hochberg over touchpoints × groups); groups below ``min_n``
        are not analysed and those below the privacy floor never appear."""
        from drivers.stats.segments import compare_segments

        if not self.segments:
            return None
        survey = self.survey
        usable = self.usable(survey)
        method = "shapley" if len(usable) <= SEGMENT_SHAPLEY_MAX else "relative_weights"
        # pairwise for the relative weights: the missing-data fallback of a questionnaire
        # this size, and no delta-method errors per group (the test uses the bootstrap)
        missing = self.shapley_missing(survey) if method == "shapley" else "pairwise"
        try:
            return compare_segments(
                survey,
                by=self.segments,
                drivers=usable,
                method=method,
                missing=missing,
                bootstrap=max(20, min(self.bootstrap, SEGMENT_BOOTSTRAP)),
                seed=self.options.seed,
                min_n=self.options.min_n,
                privacy_floor=self.options.privacy_floor,
                labels=self.spec.labels(self.lang),
                max_rows=SEGMENT_MAX_ROWS,
            )
        except AnalysisError as err:
            warnings.warn(
                f"Importance by segment could not be computed: {err}",
                DriversWarning,
                stacklevel=2,
            )
            return None

    # -- matrix and what-if ------------------------------------------------------------
    def matrix_of(self, drivers, performance, survey):
        from drivers.stats.matrix import priority_matrix

        return priority_matrix(
            drivers,
            performance,
            lines=self.options.lines,
            survey=survey,
            lang=self.lang,
            seed=self.options.seed,
        )

    @cached_property
    def matrix(self):
        return self.matrix_of(
            self.driver_methods["shapley"], self.performance_of(self.survey), self.survey
        )

    @cached_property
    def matrix_previous(self):
        if self.drivers_previous is None:
            return None
        return self.matrix_of(
            self.drivers_previous,
            self.performance_of(self.previous_survey),
            self.previous_survey,
        )

    @cached_property
    def grade_benchmarks(self) -> dict[str, float]:
        from drivers.stats.benchmark import grade_benchmarks

        published = grade_benchmarks("top_performers")
        keys = set(self.spec.touchpoint_keys)
        return {k: v for k, v in published.items() if k in keys}

    @property
    def taxonomy(self) -> dict[str, str]:
        """The client's own touchpoint mapping to the standard vocabulary (survey.toml)."""
        if self.norms is None:
            return {}
        from drivers.workflow.pool import client_taxonomy

        return client_taxonomy(self.config)

    @cached_property
    def norms(self):
        """The sector norms of the firm's benchmark store (``$DRIVERS_STORE`` or
        ``benchmarks/store.duckdb``), None when there is no store. Cells resting on fewer
        than 5 clients come back suppressed, with the published figures in their place."""
        from drivers.workflow.pool import default_store, norms

        path = default_store()
        if not path.is_file():
            return None
        return norms(path, sector=self.config.sector or None)

    @cached_property
    def simulations(self) -> dict:
        """What-if per candidate: to the published benchmark grade where one exists and
        is above today's mean, else half a grade point up."""
        from drivers.stats.simulate import simulate

        table = self.matrix.table.sort_values("importance", ascending=False)
        first = list(table.loc[table["quadrant"] == "improve", "touchpoint"])
        rest = [t for t in table["touchpoint"] if t not in first]
        candidates = (first + rest)[: self.options.simulate_top]
        means = self.performance_of(self.survey).set_index("touchpoint")["mean"]
        out = {}
        for key in candidates:
            target = self.grade_benchmarks.get(key)
            change = "benchmark" if target is not None and target > float(means[key]) else 0.5
            out[key] = simulate(
                self.survey,
                changes={key: change},
                drivers=self.usable(self.survey),
                bootstrap=self.options.simulate_bootstrap,
                seed=self.options.seed,
                progress=self.progress,
                benchmark=self.grade_benchmarks or None,
                cutoffs=self.cutoffs,
            )
        return out

    @cached_property
    def attribution(self):
        """The NPS change the changed grades would explain, beside the observed change."""
        if self.previous_survey is None:
            return None
        from drivers.stats.simulate import attribute_change

        usable = set(self.usable(self.previous_survey)) & set(self.usable(self.survey))
        return attribute_change(
            self.previous_survey,
            self.survey,
            drivers=[k for k in self.spec.touchpoint_keys if k in usable],
            bootstrap=self.options.simulate_bootstrap,
            seed=self.options.seed,
            cutoffs=self.cutoffs,
        )

    @cached_property
    def themes(self) -> dict | None:
        """Open answers coded with the client's codebook (``themes.toml`` beside
        ``client.toml``) and tied to the NPS: aggregates and scrubbed quotes only."""
        from drivers.stats.themes import (
            compare_theme_shares,
            theme_impact,
            theme_quotes,
            themes,
        )
        from drivers.workflow.themes_cli import codebook_path

        book = codebook_path(self.config) if self.config.path is not None else None
        if not self.spec.open_answers or book is None:
            return None
        coded = themes(self.survey, book)
        impact = theme_impact(
            coded,
            self.survey,
            bootstrap=self.options.simulate_bootstrap,
            seed=self.options.seed,
            privacy_floor=self.options.privacy_floor,
            min_n=self.options.min_n,
            cutoffs=self.cutoffs,
        )
        quotes = theme_quotes(
            coded,
            n=3,
            data=self.survey,
            segments=self.segments,
            privacy_floor=self.options.privacy_floor,
            lang=self.lang,
            seed=self.options.seed,
        )
        shares = None
        if (
            self.previous_survey is not None
            and self.spec.open_answers[0] in self.previous_survey.data
        ):
            shares = compare_theme_shares(
                themes(self.previous_survey, book),
                coded,
                previous_weights=self.previous_survey.weights,
                current_weights=self.survey.weights,
                privacy_floor=self.options.privacy_floor,
            )
        return {
            "impact": impact,
            "quotes": quotes,
            "shares": shares,
            "coded_share": float(coded.coded_share),
        }

    @cached_property
    def _published_nps(self) -> tuple[str | None, float] | None:
        """The published NPS benchmark: (its sector, None for B2B overall; value)."""
        from drivers.stats.benchmark import nps_benchmark

        found = nps_benchmark(self.config.sector)
        if found is None:
            return None
        label, value = found
        return (None if label == "Benchmark B2B" else self.config.sector), value

    @property
    def nps_benchmark_sector(self) -> str | None:
        """The sector whose published NPS is the benchmark line; None: B2B overall."""
        return self._published_nps[0] if self._published_nps else None

    @property
    def nps_benchmark(self) -> tuple[str, float] | None:
        """The published NPS benchmark line (the sector's, else B2B overall), named in the
        report's language."""
        from drivers.present._format import nps_benchmark_label

        if self._published_nps is None:
            return None
        sector, value = self._published_nps
        return nps_benchmark_label(sector, self.lang), value

    # -- everything --------------------------------------------------------------------
    def provenance(self) -> dict:
        import drivers

        files = {}
        if self.config.path is not None:
            files["client.toml"] = sha256(self.config.path)
        spec_file = getattr(self.config, "spec_path", None)
        if spec_file:
            files[Path(spec_file).name] = sha256(spec_file)
        for name in self.wave_names:
            w = self.config.wave(name)
            files[f"wave {name}: {Path(w.file).name}"] = sha256(w.file)
        if self.config.template is not None:
            files["template"] = sha256(self.config.template)
        return {
            "package": "drivers",
            "version": drivers.__version__,
            "inputs_sha256": files,
            "bootstrap": self.bootstrap,
            "seed": self.options.seed,
        }

    def collect(self) -> dict:
        from concurrent.futures import ThreadPoolExecutor

        from drivers.stats.agreement import method_agreement
        from drivers.stats.nps import compare_nps, nps_table, score_distribution

        # The three model-refitting steps are independent and spend their time in numpy
        # (which releases the GIL): on two cores they run side by side, after what they
        # share has been computed once.
        for shared in ("driver_methods", "drivers_previous", "matrix", "grade_changes"):
            getattr(self, shared)
        for name in self.wave_names:
            self.usable(self.load(name))
        with ThreadPoolExecutor(2) as pool:
            for running in [
                pool.submit(getattr, self, step)
                for step in ("attribution", "simulations", "nps_gain", "segment_importance")
            ]:
                running.result()

        survey = self.survey
        nps_now = self.nps_of(survey)
        previous = self.previous_survey
        nps_before = self.nps_of(previous) if previous is not None else None
        labels = {
            key: {lang: str(self.spec.label(key, lang)) for lang in ("nl", "en")}
            for key in (self.spec.nps, *self.spec.touchpoint_keys)
        }
        options = dataclasses.asdict(self.options)
        options["bootstrap"] = self.bootstrap
        options["scale"] = tuple(self.spec.scale)
        return {
            "client": self.config.display_name,
            "name": self.config.name,
            "wave": self.wave,
            "previous_wave": self.previous_wave,
            "waves": self.wave_names,
            "language": self.lang,
            "weighted": survey.weights is not None,
            "segment_names": tuple(self.segments),
            "options": options,
            "nps": nps_now,
            "nps_unweighted": self.nps_of(survey, weighted=False),
            "nps_previous": nps_before,
            "nps_change": compare_nps(nps_before, nps_now) if nps_before is not None else None,
            "nps_waves": self.nps_waves,
            "nps_steps": self.nps_steps,
            "nps_total": nps_table(survey, cutoffs=self.cutoffs, **self._table_options()),
            "segments": {seg: self.segment_table(seg) for seg in self.segments},
            "distribution": score_distribution(
                survey.nps_scores, survey.weights, cutoffs=self.cutoffs
            ),
            "performance": self.performance_of(survey),
            "performance_previous": self.performance_of(previous) if previous else None,
            "grade_trend": self.grade_trend,
            "grade_changes": self.grade_changes,
            "drivers": self.driver_methods["shapley"],
            "driver_methods": self.driver_methods,
            "drivers_previous": self.drivers_previous,
            "methods": self.methods,
            "method_agreement": method_agreement(self.driver_methods),
            "drivers_change": self.drivers_change,
            "nps_gain": self.nps_gain,
            "missing_sensitivity": self.missing_sensitivity,
            "importance_change": self.importance_change,
            "importance_waves": self.importance_waves,
            "segment_importance": self.segment_importance,
            "matrix": self.matrix,
            "matrix_previous": self.matrix_previous,
            "simulations": self.simulations,
            "attribution": self.attribution,
            "quality": {name: _aggregate(self.load(name).quality) for name in self.wave_names},
            "left_out": self.left_out,
            "themes": self.themes,
            "benchmarks": {
                "nps": self.nps_benchmark,
                "nps_sector": self.nps_benchmark_sector,
                "grades": self.grade_benchmarks,
                "sector": self.config.sector,
                "norms": self.norms,
                "taxonomy": self.taxonomy,
            },
            "labels": labels,
            "provenance": self.provenance(),
        }
