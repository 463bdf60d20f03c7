"""The analysis of one client wave, computed once: :class:`Results`, saved and loaded.

:func:`drivers.analyse` computes every number a report shows and returns a frozen
:class:`Results`. Notebooks, charts, ``tables.xlsx`` and the deck all draw from it, so a
notebook and the deck can never disagree. ``results.save(folder)`` writes one parquet file
per table (``.npy`` for bootstrap draws) and ``results.json`` with the scalars and the
provenance (package version, SHA-256 of every input file, options, seed);
:func:`load_results` gives back an equal object without recomputing.

Results hold aggregates only: no respondent rows, ids or open answers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from drivers.errors import DriversError

__all__ = ["Results", "ResultsError", "load_results"]

#: Version of the saved layout; bumped when a saved folder can no longer be read.
FORMAT_VERSION = 1
_INDEX_FILE = "results.json"


class ResultsError(DriversError):
    """A saved results folder is missing, damaged or from an incompatible version."""


@dataclass(frozen=True, eq=False)
class Results:
    """Every number of one client wave's report, computed once by :func:`drivers.analyse`.

    Attributes
    ----------
    client, name : str
        Display name and the folder-safe name of the client.
    wave, previous_wave : str
        The wave reported on and the one before it (None for a first wave).
    waves : tuple of str
        Every wave of the client, oldest first (the trend covers all of them).
    language : str
        The client's language ("nl" or "en").
    weighted : bool
        Whether the survey has weights (then NPS figures are weighted, and the
        unweighted ones are kept beside them).
    options : dict
        The analysis options in force (``min_n``, ``privacy_floor``, bootstrap sizes,
        seed, methods, missing-data option, …).
    nps, nps_unweighted, nps_previous : NPSResult
        NPS of this wave (weighted where weights exist), unweighted, and of the wave before.
    nps_change : NPSDifference or None
        Previous wave → this wave, with CI and p-value.
    nps_waves : DataFrame
        One row per wave (all waves): weighted and unweighted NPS with CIs.
    nps_steps : DataFrame
        Change between consecutive waves with CI, p-value and significance.
    nps_total : DataFrame
        The NPS table of this wave (one row).
    segments : dict of str to DataFrame
        NPS per segment variable, small bases flagged, tiny groups suppressed.
    distribution : DataFrame
        The 0–10 score distribution of this wave.
    performance, performance_previous : DataFrame
        Touchpoint grades of this wave and the wave before.
    grade_trend : DataFrame
        Mean grade per touchpoint and wave (all waves), long format.
    grade_changes : DataFrame or None
        Weighted grade change per touchpoint, previous → this wave, with its test.
    drivers : DriverResult
        The headline key-driver result (Shapley / LMG, bootstrap CIs).
    driver_methods : dict of str to DriverResult
        Every configured method's result.
    drivers_previous : DriverResult or None
    methods : DataFrame
        Ranks of every touchpoint under each method, side by side.
    drivers_change : DataFrame or None
    nps_gain : DataFrame
        Expected NPS change on the whole customer base per +0.5 grade, per touchpoint,
        with CI: reach is built in (only those who answered improve).
    missing_sensitivity : MissingSensitivity or None
        Ranks under every missing-data option, when a touchpoint is conditional.
    importance_change : DataFrame or None
        Change in importance share since the previous wave, with CI and p-value.
    importance_waves : DataFrame
        Shapley importance per touchpoint and wave (all waves), long format: ``wave``,
        ``driver``, ``label``, ``importance``, ``share``, ``rank``, ``share_ci_low``,
        ``share_ci_high``, ``n``, ``r2``, ``bootstrap``. The wave reported on and the one
        before have bootstrap intervals; earlier waves are point estimates
        (``bootstrap`` False). A touchpoint left out of a wave has no row there.
    segment_importance : SegmentDrivers or None
        Importance shares per group of each segment variable, each group tested against
        the rest of the customers (bootstrap, Benjamini-Hochberg); groups below ``min_n``
        not analysed, below the privacy floor absent. None without segment variables.
    matrix, matrix_previous : PriorityMatrix
    simulations : dict of str to SimulationResult
        What-if per candidate touchpoint.
    attribution : ChangeAttribution or None
        The NPS change the changed grades would explain (with CI, and each touchpoint's
        share of it), beside the observed change.
    quality : dict of str to QualityReport
        Row accounting per wave.
    left_out : DataFrame
        Touchpoints left out of the driver analysis of this wave or the one before, with
        the reason (``absent``, ``too_few``, ``no_variance``); everything else runs.
    themes : dict or None
        Open answers coded with the client's codebook: ``impact`` (ThemeImpact: theme
        frequency per NPS group, NPS gap with CIs), ``quotes`` (scrubbed, above the privacy
        floor), ``shares`` (against the previous wave, with a test), ``coded_share``.
    warnings : DataFrame
        Every warning raised while computing: ``category``, ``message``.
    benchmarks : dict
        ``nps``: (label, value) of the sector's published NPS, named in the client's
        language (:meth:`nps_benchmark` names it in any language), ``nps_sector``: the
        sector of that figure (None: B2B overall), ``grades``: published
        top-performer grades per touchpoint, ``sector``: the client's sector,
        ``norms``: the sector :class:`~drivers.stats.pool.Norms` of the firm's benchmark
        store (None when there is no store), ``taxonomy``: the client's own touchpoint
        mapping to the standard vocabulary.
    provenance : dict
        Package version, SHA-256 of every input file, options, seed.
    """

    client: str
    name: str
    wave: str
    previous_wave: str | None
    waves: tuple[str, ...]
    language: str
    weighted: bool
    segment_names: tuple[str, ...]
    options: dict[str, Any]
    nps: Any
    nps_unweighted: Any
    nps_previous: Any
    nps_change: Any
    nps_waves: pd.DataFrame
    nps_steps: pd.DataFrame
    nps_total: pd.DataFrame
    segments: dict[str, pd.DataFrame]
    distribution: pd.DataFrame
    performance: pd.DataFrame
    performance_previous: pd.DataFrame | None
    grade_trend: pd.DataFrame
    grade_changes: pd.DataFrame | None
    drivers: Any
    driver_methods: dict[str, Any]
    drivers_previous: Any
    methods: pd.DataFrame
    method_agreement: pd.DataFrame
    drivers_change: pd.DataFrame | None
    nps_gain: pd.DataFrame
    missing_sensitivity: Any
    importance_change: pd.DataFrame | None
    matrix: Any
    matrix_previous: Any
    simulations: dict[str, Any]
    attribution: Any
    quality: dict[str, Any]
    left_out: pd.DataFrame
    themes: dict[str, Any] | None
    warnings: pd.DataFrame
    benchmarks: dict[str, Any]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    # last, with a default: results saved before it existed still load
    importance_waves: pd.DataFrame | None = None
    segment_importance: Any = None

    # -- derived ----------------------------------------------------------------------
    @property
    def title(self) -> str:
        return f"{self.client} · {self.wave}"

    @property
    def lang(self) -> str:
        return self.language

    @property
    def cutoffs(self):
        """The NPS cut-offs of the run (:class:`drivers.stats.nps.Cutoffs`)."""
        from drivers.stats.nps import Cutoffs

        return Cutoffs(
            promoter=int(self.options.get("promoters_from", 9)),
            detractor=int(self.options.get("detractors_to", 6)),
        )

    def label(self, key: str, lang: str | None = None) -> str:
        """Display label of a column (touchpoint, NPS) in ``lang`` (the client's by default)."""
        return self.labels.get(key, {}).get(lang or self.language, key)

    def in_language(self, lang: str) -> Results:
        """The same results with every label in ``lang``: an English deck, chart or
        notebook from a Dutch analysis (``write_deck(r.in_language("en"), folder)``).

        Nothing is recomputed: the touchpoint, theme and quadrant names in the tables are
        looked up again, the numbers stay as they are.

        Examples
        --------
        >>> import drivers as dr
        >>> from drivers import demo
        >>> r = dr.analyse(demo.client_config(), bootstrap=20, progress=False)
        >>> en = r.in_language("en")
        >>> en.language, en.performance.set_index("touchpoint").loc["levering", "label"]
        ('en', 'Delivery and logistics')
        >>> en.in_language("nl") == r
        True
        """
        from drivers.present._format import check_lang

        check_lang("Results.in_language", lang)
        if lang == self.language:
            return self
        names = {key: str(by_lang.get(lang, key)) for key, by_lang in self.labels.items()}
        impact = (self.themes or {}).get("impact")
        themes: dict[str, str] = {}
        if impact is not None and hasattr(impact, "label"):
            keys = impact.table["theme"] if "theme" in impact.table else []
            themes = {str(k): str(impact.label(k, lang)) for k in keys}
        relabel = _Relabel(names, themes, lang)
        changed = {
            f.name: relabel(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in ("labels", "provenance", "options", "language")
        }
        benchmarks = dict(changed["benchmarks"])
        if benchmarks.get("nps") is not None:
            benchmarks["nps"] = self.nps_benchmark(lang)
        changed["benchmarks"] = benchmarks
        return dataclasses.replace(self, language=lang, **changed)

    def nps_benchmark(self, lang: str | None = None) -> tuple[str, float] | None:
        """The published NPS benchmark line as ``(name, value)``, named in ``lang`` (the
        client's by default): "Benchmark wholesale, published" in English from Dutch
        results. None when no published figure applies."""
        found = self.benchmarks.get("nps")
        if found is None or "nps_sector" not in self.benchmarks:  # saved before the key
            return None if found is None else (found[0], float(found[1]))
        from drivers.present._format import nps_benchmark_label

        name = nps_benchmark_label(self.benchmarks["nps_sector"], lang or self.language)
        return name, float(found[1])

    def summary(self) -> str:
        nps = self.nps
        lines = [
            f"{self.title}",
            f"waves: {', '.join(self.waves)}",
            f"NPS {nps.nps:+.1f} [{nps.ci_low:+.1f}, {nps.ci_high:+.1f}], n = {nps.n}"
            + (" (weighted)" if self.weighted else ""),
            f"key drivers: {self.drivers.method}, R² = {self.drivers.r2:.3f}",
            f"warnings: {len(self.warnings)}",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<Results {self.title}>"

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Results):
            return NotImplemented
        return _equal(self, other)

    __hash__ = None  # type: ignore[assignment]

    # -- saving -----------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write the results to ``folder``: parquet tables, ``.npy`` draws, ``results.json``.

        Returns
        -------
        Path
            The folder.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        writer = _Writer(folder)
        tree = writer.dump(self, "results")
        index = {"format": FORMAT_VERSION, "results": tree}
        (folder / _INDEX_FILE).write_text(
            json.dumps(index, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        return folder


def load_results(folder: str | Path) -> Results:
    """Read results saved by :meth:`Results.save`, without recomputing anything.

    Parameters
    ----------
    folder : str or Path
        A results folder, e.g. ``reports/<client>/<wave>/results``, or the report
        folder that contains it.

    Returns
    -------
    Results
    """
    folder = Path(folder)
    if not (folder / _INDEX_FILE).is_file() and (folder / "results" / _INDEX_FILE).is_file():
        folder = folder / "results"
    index_file = folder / _INDEX_FILE
    if not index_file.is_file():
        raise ResultsError(
            f"No saved results in {folder}: {_INDEX_FILE} is missing. Run "
            "`drivers run CONFIG` (it saves them under reports/<client>/<wave>/results/), "
            "or compute them with dr.analyse(CONFIG)."
        )
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResultsError(f"{index_file} is damaged ({err}). Run `drivers run` again.") from None
    if index.get("format") != FORMAT_VERSION:
        raise ResultsError(
            f"{index_file} was written in format {index.get('format')!r}; this version of "
            f"drivers reads format {FORMAT_VERSION}. Run `drivers run` again."
        )
    try:
        return _Reader(folder).load(index["results"])
    except ResultsError:
        raise
    except Exception as err:  # a damaged table file: one clear message
        raise ResultsError(
            f"The saved results in {folder} could not be read ({type(err).__name__}: {err}). "
            "Run `drivers run` again."
        ) from None


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (provenance of the inputs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- serialisation ------------------------------------------------------------------------
class _Writer:
    """Turns a tree of dataclasses, tables and scalars into JSON plus table files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def _name(self, path: str, suffix: str) -> str:
        stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in path)
        name, i = f"{stem}{suffix}", 1
        while name in self.used:
            i += 1
            name = f"{stem}_{i}{suffix}"
        self.used.add(name)
        return name

    def dump(self, obj: Any, path: str) -> Any:
        if obj is None or isinstance(obj, bool | str):
            return obj
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, int | np.integer):
            return int(obj)
        if isinstance(obj, float | np.floating):
            value = float(obj)
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(obj, Path):
            return {"__path__": str(obj)}
        if isinstance(obj, pd.DataFrame):
            name = self._name(path, ".parquet")
            _write_frame(obj, self.folder / name)
            return {"__frame__": name}
        if isinstance(obj, pd.Series):
            name = self._name(path, ".parquet")
            column = "__series__"
            _write_frame(obj.to_frame(column), self.folder / name)
            label = obj.name
            return {"__series__": name, "name": self.dump(label, path + ".name")}
        if isinstance(obj, np.ndarray):
            name = self._name(path, ".npy")
            np.save(self.folder / name, obj, allow_pickle=False)
            return {"__array__": name}
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            cls = type(obj)
            return {
                "__dataclass__": f"{cls.__module__}:{cls.__qualname__}",
                "fields": {
                    f.name: self.dump(getattr(obj, f.name), f"{path}.{f.name}")
                    for f in dataclasses.fields(obj)
                },
            }
        if isinstance(obj, tuple):
            return {"__tuple__": [self.dump(v, f"{path}.{i}") for i, v in enumerate(obj)]}
        if isinstance(obj, list):
            return [self.dump(v, f"{path}.{i}") for i, v in enumerate(obj)]
        if isinstance(obj, dict) or hasattr(obj, "items"):
            items = list(obj.items())
            if not all(isinstance(k, str) for k, _ in items):
                raise ResultsError(f"Cannot save {path}: its keys are not all text.")
            # the key order is kept apart: results.json sorts its keys, and the order is
            # meaningful (the deck's what-if slides follow it)
            return {
                "__dict__": {k: self.dump(v, f"{path}.{k}") for k, v in items},
                "__order__": [k for k, _ in items],
            }
        raise ResultsError(f"Cannot save {path}: {type(obj).__name__} is not a saved type.")


class _Reader:
    def __init__(self, folder: Path):
        self.folder = folder

    def load(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.load(v) for v in node]
        if not isinstance(node, dict):
            return node
        if "__float__" in node:
            return float(node["__float__"])
        if "__path__" in node:
            return Path(node["__path__"])
        if "__frame__" in node:
            return _read_frame(self.folder / node["__frame__"])
        if "__series__" in node:
            series = _read_frame(self.folder / node["__series__"])["__series__"]
            series.name = self.load(node["name"])
            return series
        if "__array__" in node:
            return np.load(self.folder / node["__array__"], allow_pickle=False)
        if "__tuple__" in node:
            return tuple(self.load(v) for v in node["__tuple__"])
        if "__dict__" in node:
            values = node["__dict__"]
            order = node.get("__order__", list(values))  # saved before the order was kept
            return {k: self.load(values[k]) for k in order}
        if "__dataclass__" in node:
            module, _, qualname = node["__dataclass__"].partition(":")
            if not module.startswith("drivers."):
                raise ResultsError(f"Refusing to build {module}:{qualname} from saved results.")
            cls: Any = importlib.import_module(module)
            for part in qualname.split("."):
                cls = getattr(cls, part)
            values = {k: self.load(v) for k, v in node["fields"].items()}
            known = {f.name: f for f in dataclasses.fields(cls)}
            init = {k: v for k, v in values.items() if k in known and known[k].init}
            obj = cls(**init)
            for k, v in values.items():  # fields outside __init__ (init=False)
                if k in known and not known[k].init:
                    object.__setattr__(obj, k, v)
            return obj
        raise ResultsError(f"Unknown entry in saved results: {sorted(node)}.")


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Parquet with the index kept; object columns that parquet cannot type become JSON."""
    out = frame.copy()
    if not all(isinstance(c, str) for c in out.columns):
        raise ResultsError(f"Cannot save {path.name}: its column names are not all text.")
    encoded = []
    for col in out.columns:
        if out[col].dtype == object and _needs_json(out[col]):
            out[col] = out[col].map(lambda v: json.dumps(_jsonable(v), ensure_ascii=False))
            encoded.append(col)
    out.attrs = {}
    table_meta = {"drivers_json_columns": encoded}
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(out, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta[b"drivers"] = json.dumps(table_meta).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


def _read_frame(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {}).get(b"drivers", b"{}") or "{}")
    frame = table.to_pandas()
    for col in meta.get("drivers_json_columns", []):
        frame[col] = frame[col].map(lambda v: _from_json(json.loads(v))).astype(object)
    return frame


def _needs_json(column: pd.Series) -> bool:
    kinds = {type(v) for v in column if v is not None and not (isinstance(v, float) and v != v)}
    return len(kinds) > 1 or any(
        k in (list, tuple, dict) or issubclass(k, np.ndarray) for k in kinds
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return {"__list__": [_jsonable(v) for v in value.tolist()]}
    if isinstance(value, list | tuple):
        return {"__list__": [_jsonable(v) for v in value]}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "__list__" in value:
        return [_from_json(v) for v in value["__list__"]]
    if isinstance(value, dict) and "__float__" in value:
        return float(value["__float__"])
    return value


class _Relabel:
    """Copies of a results tree with the name columns of every table in another language.

    A table's ``label`` follows its ``theme``, else its ``touchpoint`` or ``driver`` key;
    ``touchpoint_label``, ``top_label`` and ``quadrant_label`` follow ``touchpoint``,
    ``top_driver`` and ``quadrant``; a segment table's total row says "Total" or
    "Totaal". Result objects are copied with the same fields.
    """

    def __init__(self, names: dict[str, str], themes: dict[str, str], lang: str) -> None:
        self.names, self.themes, self.lang = names, themes, lang

    def _frame(self, table: pd.DataFrame) -> pd.DataFrame:
        from drivers.stats.matrix import quadrant_label

        columns = set(table.columns)
        out = None

        def put(column: str, values: pd.Series) -> None:
            nonlocal out
            out = table.copy() if out is None else out
            out[column] = values.where(values.notna(), table[column]).astype(table[column].dtype)

        if "label" in columns:
            if "theme" in columns and self.themes:
                put("label", table["theme"].astype(str).map(self.themes))
            else:
                key = next((c for c in ("touchpoint", "driver") if c in columns), None)
                if key is not None:
                    put("label", table[key].map(self.names))
        for label, key in (("touchpoint_label", "touchpoint"), ("top_label", "top_driver")):
            if label in columns and key in columns:
                put(label, table[key].map(self.names))
        if "group" in columns:  # the total row of a segment table: "Totaal" / "Total"
            from drivers.stats.nps import _TOTAL

            totals = set(_TOTAL.values())
            rows = table["group"].isin(totals)
            if rows.any():
                for column in table.columns:
                    if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
                        cells = rows & table[column].isin(totals)
                        if cells.any():
                            put(column, table[column].mask(cells, _TOTAL[self.lang]))
        if "quadrant_label" in columns and "quadrant" in columns:
            shown = [
                quadrant_label(q, self.lang) if isinstance(q, str) else None
                for q in table["quadrant"]
            ]
            put("quadrant_label", pd.Series(shown, index=table.index, dtype=object))
        return table if out is None else out

    def __call__(self, value: Any, depth: int = 0) -> Any:
        if depth > 8:
            return value
        if isinstance(value, pd.DataFrame):
            return self._frame(value)
        if isinstance(value, Mapping):
            return type(value)({k: self(v, depth + 1) for k, v in value.items()})
        if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
            return type(value)(self(v, depth + 1) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            import copy

            new = copy.copy(value)
            for f in dataclasses.fields(value):
                if not hasattr(value, f.name):
                    continue
                before = getattr(value, f.name)
                after = self(before, depth + 1)
                if after is not before:
                    object.__setattr__(new, f.name, after)
            return new
        return value


def _equal(a: Any, b: Any) -> bool:
    """Deep equality of saved-type trees: tables by value and dtype, NaN equal to NaN,
    mappings in the same key order (it orders slides)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(a.keys()) == list(b.keys()) and all(_equal(a[k], b[k]) for k in a)
    numbers = (int, float, np.integer, np.floating)
    if isinstance(a, numbers) and isinstance(b, numbers):
        if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
            return bool(a) == bool(b) and type(a) is type(b)
        a, b = float(a), float(b)
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b) and list(a.index) == list(b.index)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, float):
        return (a == b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a):
        return all(_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
