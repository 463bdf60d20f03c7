"""The benchmark store: every client's waves pooled as sufficient statistics.

``drivers pool add clients/acme/client.toml`` loads a wave through the package,
aggregates it (:func:`drivers.stats.pool.aggregate`, DuckDB or Spark) and stores the
sums in an embedded DuckDB file (default ``benchmarks/store.duckdb``) under the
client's sector, size and year. :func:`norms` reads them back as sector norms.

What the store holds, and what never
------------------------------------
Only sums per client × wave × segment value (see :mod:`drivers.stats.pool`): no
respondent rows, ids, open answers or row numbers, and no group below the privacy
floor (nor a group that the total minus the visible groups would give back). A client
wave below the floor is refused. Adding a wave that is already there replaces it.

Schema
------
``schema_migrations`` records the applied schema versions; opening a store applies
the missing migrations in order and refuses a store written by a newer version.

Sector, size and year
---------------------
The sector is the client's ``sector`` in client.toml. client.toml has no size or year,
so: the year is ``--year`` or else the first four-digit year in the wave name
(``"2024"``, ``"2024-Q2"``, ``"najaar 2023"``); the size is ``--size`` (free text such
as "mkb" or "groot") and is kept per client, so later adds need not repeat it.

Examples
--------
>>> import tempfile, pathlib
>>> from drivers import demo
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with Store(folder / "store.duckdb") as store:
...     added = add_client(demo.client_config(), store=store, size="mkb")
...     store.list()[["client", "wave", "sector", "year", "n"]].to_dict("records")
[{'client': 'demo', 'wave': '2024', 'sector': 'groothandel', 'year': 2024, 'n': 800}]
"""

from __future__ import annotations

import argparse
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from drivers.errors import DriversError, ParameterError, SpecError, check_option
from drivers.stats.pool import (
    ENGINES,
    MIN_CLIENTS,
    TOTAL,
    Norms,
    PoolStats,
    aggregate,
    compare_to_norm,
    compute_norms,
    empty_stats,
    standardise,
    suppress_stats,
)

__all__ = [
    "DEFAULT_STORE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Store",
    "StoreError",
    "add_client",
    "aggregate",
    "client_taxonomy",
    "compare_to_norm",
    "norms",
    "register",
    "respondent_table",
    "default_store",
    "sector_of",
    "STORE_ENV",
    "PRIVACY_FLOOR",
    "synthetic_respondents",
]

#: Where the store lives unless told otherwise (git-ignored, see DESIGN.md).
DEFAULT_STORE = Path("benchmarks") / "store.duckdb"
#: The store's own privacy floor: a client's lower ``privacy_floor`` option never lowers it.
PRIVACY_FLOOR = 5
#: Environment variable naming the store for notebooks run elsewhere (``drivers run``).
STORE_ENV = "DRIVERS_STORE"


def default_store() -> Path:
    """The store path: ``$DRIVERS_STORE`` when set, else ``benchmarks/store.duckdb``."""
    import os

    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def sector_of(results: Any) -> str | None:
    """The client's sector for a Results: its ``sector`` attribute, else the sector of
    its benchmarks (``sector`` in client.toml); None when it has none."""
    sector = getattr(results, "sector", None) or (
        (getattr(results, "benchmarks", None) or {}).get("sector")
    )
    return str(sector) if sector else None


class StoreError(DriversError):
    """The benchmark store cannot be opened, or refuses what it was given."""


_GROUP_SCORES = ", ".join(f"n_{k} BIGINT, w_{k} DOUBLE" for k in range(11))

#: (version, description, statements). Append; never edit an applied migration.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "clients, waves and their sufficient statistics",
        (
            "CREATE TABLE clients (client VARCHAR PRIMARY KEY, sector VARCHAR, size VARCHAR)",
            "CREATE TABLE waves (client VARCHAR, wave VARCHAR, year INTEGER, sector VARCHAR, "
            "size VARCHAR, n BIGINT, engine VARCHAR, privacy_floor INTEGER, added_at TIMESTAMP, "
            "PRIMARY KEY (client, wave))",
            "CREATE TABLE groups (client VARCHAR, wave VARCHAR, segment VARCHAR, "
            f"segment_value VARCHAR, n BIGINT, n_nps BIGINT, w DOUBLE, w2 DOUBLE, {_GROUP_SCORES})",
            "CREATE TABLE touchpoints (client VARCHAR, wave VARCHAR, segment VARCHAR, "
            "segment_value VARCHAR, touchpoint VARCHAR, n BIGINT, w DOUBLE, w2 DOUBLE, "
            "sum DOUBLE, sumsq DOUBLE)",
            "CREATE TABLE pairs (client VARCHAR, wave VARCHAR, segment VARCHAR, "
            "segment_value VARCHAR, a VARCHAR, b VARCHAR, n BIGINT, w DOUBLE, sum_a DOUBLE, "
            "sum_b DOUBLE, sumsq_a DOUBLE, sumsq_b DOUBLE, sum_ab DOUBLE)",
        ),
    ),
    (
        2,
        "standard flag per stored touchpoint (client-only touchpoints are never pooled)",
        ("ALTER TABLE touchpoints ADD COLUMN standard BOOLEAN DEFAULT FALSE",),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
_STAT_TABLES = ("groups", "touchpoints", "pairs")


class Store:
    """An embedded DuckDB file of sufficient statistics; a context manager.

    Parameters
    ----------
    path : str or Path, default ``benchmarks/store.duckdb``
        Created (with its folder) when missing.
    read_only : bool, default False
        Open without writing (no migrations are applied then).
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(
                f"No benchmark store at {self.path}. Add clients first: drivers pool add CONFIG."
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as err:
            raise StoreError(f"Cannot open the benchmark store {self.path}: {err}") from None
        self.read_only = read_only
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            if not self.read_only:
                self._con.execute("CHECKPOINT")
            self._con.close()
            self._con = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, version={self.version})"

    @property
    def con(self):
        if self._con is None:
            raise StoreError(f"The benchmark store {self.path} is closed.")
        return self._con

    # -- schema ----------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The schema version of the file (0 for an empty file)."""
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()[0]
        if not exists:
            return 0
        found = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        return int(found or 0)

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"The benchmark store {self.path} has schema version {current}; this version of "
                f"drivers knows up to {SCHEMA_VERSION}. Update drivers to use it."
            )
        if current == SCHEMA_VERSION or self.read_only:
            return
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "description VARCHAR, applied_at TIMESTAMP)"
            )
            for version, description, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    con.execute(statement)
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [version, description, datetime.now(UTC).replace(tzinfo=None)],
                )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise

    def migrations(self) -> pd.DataFrame:
        """The applied migrations: ``version``, ``description``, ``applied_at``."""
        return self.con.execute("SELECT * FROM schema_migrations ORDER BY version").df()

    # -- content ---------------------------------------------------------------------
    def add(
        self,
        stats: PoolStats,
        *,
        sector: str,
        year: int | dict[tuple[str, str], int],
        size: str | None = None,
        privacy_floor: int = 5,
    ) -> pd.DataFrame:
        """Store the statistics of one or more client waves, replacing those already there.

        Parameters
        ----------
        stats : PoolStats
            From :func:`~drivers.stats.pool.aggregate`; suppressed again here with
            ``privacy_floor`` (a no-op when ``aggregate`` used the same floor).
        sector : str
            The clients' sector (a dict ``{client: sector}`` for several clients).
        year : int or dict
            The waves' year, or ``{(client, wave): year}``.
        size : str, optional
            The clients' size; None keeps what the store has.
        privacy_floor : int, default 5

        Returns
        -------
        DataFrame
            The waves stored (as :meth:`list` shows them).

        Raises
        ------
        StoreError
            A client wave below the privacy floor (nothing is stored then), or no sector.
        """
        if self.read_only:
            raise StoreError(f"The benchmark store {self.path} is open read-only.")
        privacy_floor = max(int(privacy_floor), PRIVACY_FLOOR)
        totals = stats.groups[stats.groups["segment"] == TOTAL]
        small = totals[totals["n"] < privacy_floor]
        if len(small):
            listed = ", ".join(
                f"{c} wave {w} (n = {n})"
                for c, w, n in small[["client", "wave", "n"]].itertuples(index=False)
            )
            raise StoreError(
                f"Refused: {listed} has fewer than {privacy_floor} respondents, the privacy "
                "floor; the store never holds a group that small."
            )
        safe = suppress_stats(stats, privacy_floor)
        totals = safe.groups[safe.groups["segment"] == TOTAL]
        if totals.empty:
            raise StoreError(
                f"Refused: nothing to store; every client wave is below the privacy floor of "
                f"{privacy_floor} respondents."
            )
        if not sector:
            raise StoreError(
                'Refused: no sector. Set sector = "..." in the client\'s client.toml; norms are per sector.'
            )
        waves = totals[["client", "wave", "n"]].copy()
        if isinstance(sector, dict):
            missing = sorted(set(waves["client"]) - {c for c, v in sector.items() if v})
            if missing:
                raise StoreError(
                    f"Refused: no sector for {', '.join(missing)}; norms are per sector."
                )
            waves["sector"] = waves["client"].map(sector)
        else:
            waves["sector"] = sector
        years = year if isinstance(year, dict) else {}
        waves["year"] = [
            int(years[(c, w)]) if years else int(year)
            for c, w in zip(waves["client"], waves["wave"], strict=True)
        ]
        tps = safe.touchpoints.copy()
        from drivers.stats.pool import standard_touchpoints

        tps["standard"] = tps["touchpoint"].isin(standard_touchpoints())
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for client in waves["client"].unique():
                old = con.execute("SELECT size FROM clients WHERE client = ?", [client]).fetchone()
                kept = size if size is not None else (old[0] if old else None)
                con.execute("DELETE FROM clients WHERE client = ?", [client])
                client_sector = waves.loc[waves["client"] == client, "sector"].iloc[0]
                con.execute("INSERT INTO clients VALUES (?, ?, ?)", [client, client_sector, kept])
            keys = waves[["client", "wave"]]
            con.register("incoming_keys", keys)
            for table in ("waves", *_STAT_TABLES):
                con.execute(
                    f"DELETE FROM {table} USING incoming_keys k "
                    f"WHERE {table}.client = k.client AND {table}.wave = k.wave"
                )
            con.unregister("incoming_keys")
            now = datetime.now(UTC).replace(tzinfo=None)
            sizes = dict(con.execute("SELECT client, size FROM clients").fetchall())
            rows = waves.assign(
                size=waves["client"].map(sizes),
                engine=safe.engine,
                privacy_floor=privacy_floor,
                added_at=now,
            )[
                [
                    "client",
                    "wave",
                    "year",
                    "sector",
                    "size",
                    "n",
                    "engine",
                    "privacy_floor",
                    "added_at",
                ]
            ]
            for name, frame in (
                ("waves", rows),
                ("groups", safe.groups),
                ("touchpoints", tps),
                ("pairs", safe.pairs),
            ):
                con.register("incoming", frame)
                columns = ", ".join(frame.columns)
                con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
                con.unregister("incoming")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return self.list().merge(keys, on=["client", "wave"])

    def remove(self, client: str, wave: str | None = None) -> int:
        """Remove a client (all its waves) or one wave; returns the number of waves removed."""
        if self.read_only:
            raise StoreError(f"The benchmark store {self.path} is open read-only.")
        where, args = "client = ?", [client]
        if wave is not None:
            where, args = "client = ? AND wave = ?", [client, str(wave)]
        found = self.con.execute(f"SELECT count(*) FROM waves WHERE {where}", args).fetchone()[0]
        if not found:
            known = self.list()
            what = f"client {client!r}" + (f" wave {wave!r}" if wave is not None else "")
            listed = ", ".join(sorted(set(known["client"]))) or "(empty)"
            raise StoreError(f"No {what} in the benchmark store {self.path}; clients: {listed}.")
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("waves", *_STAT_TABLES):
                con.execute(f"DELETE FROM {table} WHERE {where}", args)
            con.execute("DELETE FROM clients WHERE client NOT IN (SELECT client FROM waves)")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return int(found)

    def list(self) -> pd.DataFrame:
        """The stored waves: ``client``, ``wave``, ``sector``, ``size``, ``year``, ``n``, ..."""
        return self.con.execute(
            "SELECT client, wave, sector, size, year, n, engine, privacy_floor, added_at "
            "FROM waves ORDER BY client, year, wave"
        ).df()

    def table(self, name: str) -> pd.DataFrame:
        """One stored table as a DataFrame (``waves``, ``groups``, ``touchpoints``, ``pairs``, ...)."""
        check_option(
            "Store.table", "name", name, ("clients", "waves", *_STAT_TABLES, "schema_migrations")
        )
        return self.con.execute(f"SELECT * FROM {name}").df()

    def norms(
        self, *, sector: str | None = None, year: int | None = None, min_clients: int = MIN_CLIENTS
    ) -> Norms:
        """Norms from this store (see :func:`norms`)."""
        con = self.con
        total = f"segment = '{TOTAL}'"
        waves = con.execute("SELECT client, wave, year, sector, size FROM waves").df()
        groups = con.execute(f"SELECT * FROM groups WHERE {total}").df()
        tps = con.execute(f"SELECT * FROM touchpoints WHERE {total} AND standard").df()
        pairs = con.execute(f"SELECT * FROM pairs WHERE {total}").df()
        return compute_norms(
            groups,
            tps,
            pairs,
            waves,
            sector=sector,
            year=year,
            min_clients=min_clients,
            store=f"benchmark store {self.path.name}",
        )


def norms(
    store: str | Path | Store = DEFAULT_STORE,
    sector: str | None = None,
    year: int | None = None,
    *,
    min_clients: int = MIN_CLIENTS,
) -> Norms:
    """Sector norms from the benchmark store, the published figures where it has none.

    Parameters
    ----------
    store : path or Store, default ``benchmarks/store.duckdb``
        A missing file gives the published figures only.
    sector : str, optional
        A sector key (``"groothandel"``); None: all clients and every sector.
    year : int, optional
        Waves of that year; None: every client's latest wave.
    min_clients : int, default 5
        Figures from fewer clients are suppressed.

    Returns
    -------
    drivers.stats.pool.Norms
        ``.nps``, ``.grades``, ``.top_performers``, ``.best_in_class``,
        ``.importance``: tidy tables with ``n_clients``, ``n`` and ``source``.
    """
    if isinstance(store, Store):
        return store.norms(sector=sector, year=year, min_clients=min_clients)
    path = Path(store)
    if not path.exists():
        nothing = empty_stats()
        waves = pd.DataFrame(columns=["client", "wave", "year", "sector", "size"])
        return compute_norms(
            nothing.groups,
            nothing.touchpoints,
            nothing.pairs,
            waves,
            sector=sector,
            year=year,
            min_clients=min_clients,
            store=f"{path} (missing)",
        )
    with Store(path, read_only=True) as opened:
        return opened.norms(sector=sector, year=year, min_clients=min_clients)


# --------------------------------------------------------------------------- clients


def client_taxonomy(config: Any) -> dict[str, str]:
    """The client's own touchpoint mapping: ``taxonomy = { key = "standard" }`` in its spec.

    Read from the raw TOML of the survey spec that client.toml names (``spec = "..."``)
    or holds (``[spec]``); an empty dict when there is none.
    """
    path = getattr(config, "path", None)
    if path is None:
        return {}
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    spec = raw.get("spec")
    if isinstance(spec, str):
        file = Path(spec) if Path(spec).is_absolute() else Path(path).parent / spec
        spec = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    if not isinstance(spec, dict):
        return {}
    found = spec.get("taxonomy", spec.get("survey", {}).get("taxonomy", {}))
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise SpecError(
            f"{path}: 'taxonomy' must be a table of client key = \"standard touchpoint\"."
        )
    return {str(k): str(v) for k, v in found.items()}


def _year(wave: str) -> int | None:
    found = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", str(wave))
    return int(found.group(0)) if found else None


def respondent_table(
    survey: Any, client: str, wave: str, mapping: dict[str, str | None]
) -> pd.DataFrame:
    """The columns a pool needs, nothing else: client, wave, segments, nps, grades, weight.

    Touchpoints are named by their standard touchpoint where the taxonomy maps them.
    Ids, open answers and row numbers are left behind here.
    """
    spec = survey.spec
    data = survey.data
    out = pd.DataFrame(
        {"client": client, "wave": str(wave), "nps": data[spec.nps].to_numpy(dtype=float)}
    )
    for segment in spec.segments:
        out[f"segment:{segment}"] = data[segment].astype("string").to_numpy()
    for key in spec.touchpoint_keys:
        out[mapping.get(key) or key] = data[key].to_numpy(dtype=float)
    out["weight"] = data[spec.weight].to_numpy(dtype=float) if spec.weight else 1.0
    return out


def add_client(
    config: Any,
    *,
    wave: str | None = None,
    store: str | Path | Store = DEFAULT_STORE,
    engine: str = "duckdb",
    size: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Load one wave of a client, aggregate it and put it in the store (replacing it).

    Parameters
    ----------
    config : ClientConfig or path to client.toml
    wave : str, optional
        Default the latest wave.
    store : path or Store
    engine : {"duckdb", "spark"}
    size : str, optional
        The client's size class; kept from an earlier add when None.
    year : int, optional
        Default: the year in the wave name.

    Returns
    -------
    DataFrame
        The stored wave as :meth:`Store.list` shows it.
    """
    from drivers.workflow.client import ClientConfig, load_client

    check_option("add_client", "engine", engine, ENGINES)
    config = config if isinstance(config, ClientConfig) else load_client(config)
    chosen = config.wave(wave)
    year = year if year is not None else _year(chosen.name)
    if year is None:
        raise ParameterError(
            f"add_client: wave {chosen.name!r} of {config.name} names no year; give it with "
            "--year (e.g. --year 2024)."
        )
    if not config.sector:
        raise StoreError(
            f'Refused: {config.path or config.name} has no sector; set sector = "..." in '
            "client.toml (norms are per sector)."
        )
    mapping = standardise(
        config.spec.touchpoint_keys, client_taxonomy(config), source=str(config.path or config.name)
    )
    survey = config.load(chosen.name)
    floor = max(config.options.privacy_floor, PRIVACY_FLOOR)
    if survey.n < floor:
        raise StoreError(
            f"Refused: {config.name} wave {chosen.name} has {survey.n} respondents, fewer than "
            f"the privacy floor of {floor}; the store never holds a group that small."
        )
    table = respondent_table(survey, config.name, chosen.name, mapping)
    segments = [c for c in table.columns if c.startswith("segment:")]
    touchpoints = [mapping.get(k) or k for k in config.spec.touchpoint_keys]
    if engine == "spark":
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.getActiveSession() or SparkSession.builder.master("local[2]").getOrCreate()
        )
        table = spark.createDataFrame(table)
    stats = aggregate(
        table, touchpoints=touchpoints, segments=segments, engine=engine, privacy_floor=floor
    )
    stats = _rename_segments(stats)
    if isinstance(store, Store):
        return store.add(stats, sector=config.sector, year=year, size=size, privacy_floor=floor)
    with Store(store) as opened:
        return opened.add(stats, sector=config.sector, year=year, size=size, privacy_floor=floor)


def _rename_segments(stats: PoolStats) -> PoolStats:
    def strip(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(segment=frame["segment"].str.removeprefix("segment:"))

    return PoolStats(
        strip(stats.groups),
        strip(stats.touchpoints),
        strip(stats.pairs),
        privacy_floor=stats.privacy_floor,
        suppressed=stats.suppressed,
        engine=stats.engine,
    )


# --------------------------------------------------------------------------- command line


def _add(args: argparse.Namespace) -> int:
    stored = add_client(
        args.config,
        wave=args.wave,
        store=args.store,
        engine=args.engine,
        size=args.size,
        year=args.year,
    )
    for row in stored.itertuples(index=False):
        print(
            f"Stored {row.client} wave {row.wave} ({row.sector}, {row.year}, size {row.size or '-'}): "
            f"{row.n} respondents as sufficient statistics in {args.store}."
        )
    return 0


def _remove(args: argparse.Namespace) -> int:
    with Store(args.store) as store:
        removed = store.remove(args.client, args.wave)
    print(f"Removed {removed} wave(s) of {args.client} from {args.store}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    if not Path(args.store).exists():
        print(f"No benchmark store at {args.store} yet. Add a client: drivers pool add CONFIG.")
        return 0
    with Store(args.store, read_only=True) as store:
        table = store.list()
    if table.empty:
        print(f"{args.store}: empty.")
        return 0
    shown = table[["client", "wave", "sector", "size", "year", "n", "engine"]]
    print(shown.to_string(index=False))
    clients = table["client"].nunique()
    print(f"\n{clients} clients, {len(table)} waves, {int(table['n'].sum())} respondents pooled.")
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``drivers pool add|remove|list`` to the CLI's subparsers; returns the parser."""
    pool = subparsers.add_parser("pool", help="pool client waves into the benchmark store")
    actions = pool.add_subparsers(dest="pool_command", required=True)
    # the store `drivers run` reads: $DRIVERS_STORE when set
    store_help = f"the store file (default ${STORE_ENV} or {DEFAULT_STORE})"
    store = str(default_store())
    p = actions.add_parser("add", help="aggregate a client's wave into the store (replaces it)")
    p.add_argument("config", help="clients/NAME/client.toml")
    p.add_argument("--wave", help="wave to add (default: the latest)")
    p.add_argument("--store", default=store, help=store_help)
    p.add_argument("--engine", default="duckdb", choices=list(ENGINES), help="aggregation engine")
    p.add_argument("--size", help="the client's size class (kept for later adds)")
    p.add_argument("--year", type=int, help="the wave's year (default: from the wave name)")
    p.set_defaults(func=_add)
    p = actions.add_parser("remove", help="remove a client, or one wave, from the store")
    p.add_argument("client", help="the client's name as `drivers pool list` shows it")
    p.add_argument("--wave", help="only this wave")
    p.add_argument("--store", default=store, help=store_help)
    p.set_defaults(func=_remove)
    p = actions.add_parser("list", help="list the pooled client waves")
    p.add_argument("--store", default=store, help=store_help)
    p.set_defaults(func=_list)
    return pool


def synthetic_respondents(
    n_clients: int = 20,
    n_waves: int = 2,
    n_per_wave: int = 400,
    *,
    seed: int = 0,
    touchpoints: tuple[str, ...] = (
        "accountmanager",
        "levering",
        "facturatie",
        "klantenservice",
        "klachtafhandeling",
        "productkwaliteit",
        "prijs_kwaliteit",
    ),
    sectors: tuple[str, ...] = ("groothandel", "industrie", "ict"),
) -> pd.DataFrame:
    """Generated respondents of many fictional clients, for tests and benchmarks.

    Columns ``client``, ``wave``, ``sector``, ``segment`` (customer size), ``nps``
    (0-10), the touchpoint grades (1-10; some n.v.t. = NaN, complaint handling mostly)
    and ``weight`` (mean 1 per client wave). Clients differ in level, so norms and
    top performers have something to find.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n = n_clients * n_waves * n_per_wave
    client = np.repeat(np.arange(n_clients), n_waves * n_per_wave)
    wave = np.tile(np.repeat(np.arange(n_waves), n_per_wave), n_clients)
    level = rng.normal(0, 0.6, n_clients)[client]
    p = len(touchpoints)
    common = rng.normal(0, 1, n)[:, None]
    grades = 7.2 + level[:, None] + 0.8 * common + rng.normal(0, 0.9, (n, p))
    grades = np.clip(np.round(grades), 1, 10)
    beta = np.linspace(0.5, 0.1, p)
    latent = (grades - 7.2) @ beta + rng.normal(0, 1.0, n)
    nps = np.clip(np.round(7.5 + 0.9 * latent), 0, 10)
    answered = rng.random((n, p)) > 0.05
    if "klachtafhandeling" in touchpoints:
        answered[:, touchpoints.index("klachtafhandeling")] = rng.random(n) < 0.3
    grades = np.where(answered, grades, np.nan)
    weight = rng.uniform(0.5, 1.5, n)
    frame = pd.DataFrame(
        {
            "client": pd.Categorical([f"client_{c:03d}" for c in range(n_clients)])[client],
            "wave": (2020 + wave).astype(str),
            "sector": np.asarray(sectors)[np.arange(n_clients) % len(sectors)][client],
            "segment": np.asarray(["klein", "middel", "groot"])[rng.integers(0, 3, n)],
            "nps": nps,
        }
    )
    for i, name in enumerate(touchpoints):
        frame[name] = grades[:, i]
    frame["weight"] = (
        weight / pd.Series(weight).groupby([client, wave]).transform("mean").to_numpy()
    )
    frame["client"] = frame["client"].astype(str)
    return frame
