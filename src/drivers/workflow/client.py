"""Per-client configuration: ``clients/<name>/client.toml``.

One folder per client, one file that says everything a run needs: the client's
name and language, its sector (for the benchmark), the survey spec, the waves in
order with their files, brand colour and optional PowerPoint template, and the
analysis options. Adding a wave to the file and running again is all a new wave
takes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from drivers.errors import SpecError, closest
from drivers.load.spec import SurveySpec

__all__ = ["ClientConfig", "Options", "Wave", "load_client", "scaffold_client"]


@dataclass(frozen=True)
class Wave:
    """One survey wave: its name (e.g. "2024") and its data file."""

    name: str
    file: Path
    sheet: int | str = 0


@dataclass(frozen=True)
class Options:
    """Analysis options of a client run."""

    min_n: int = 30
    privacy_floor: int = 5
    bootstrap: int = 500
    methods: tuple[str, ...] = ("shapley", "relative_weights", "beta", "logit")
    missing: str = "pairwise"
    lines: str = "mean"
    segments: tuple[str, ...] | None = None
    simulate_top: int = 3
    simulate_bootstrap: int = 100
    seed: int = 0


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client run needs; paths are resolved against the config's folder."""

    name: str
    spec: SurveySpec
    waves: tuple[Wave, ...]
    client: str = ""
    language: str = "nl"
    sector: str | None = None
    brand: str | None = None
    template: Path | None = None
    options: Options = field(default_factory=Options)
    path: Path | None = None

    def wave(self, name: str | None = None) -> Wave:
        """A wave by name; the latest when None."""
        if name is None:
            return self.waves[-1]
        for w in self.waves:
            if w.name == str(name):
                return w
        names = [w.name for w in self.waves]
        hint = closest(str(name), names)
        more = f" Did you mean {hint!r}?" if hint else ""
        raise SpecError(
            f"{self.path or 'client config'}: no wave {name!r}; waves: {', '.join(names)}.{more}"
        )

    def previous(self, name: str | None = None) -> Wave | None:
        """The wave before ``name`` (before the latest when None), or None."""
        current = self.wave(name)
        index = [w.name for w in self.waves].index(current.name)
        return self.waves[index - 1] if index > 0 else None

    @property
    def display_name(self) -> str:
        return self.client or self.spec.name or self.name

    def replace(self, **changes: Any) -> ClientConfig:
        return replace(self, **changes)


def load_client(path: str | Path) -> ClientConfig:
    """Read ``client.toml``.

    Examples
    --------
    >>> from drivers import demo
    >>> config = load_client(demo.client_config())
    >>> config.name, [w.name for w in config.waves], config.sector
    ('demo', ['2023', '2024'], 'groothandel')
    """
    path = Path(path)
    if path.is_dir():
        path = path / "client.toml"
    if not path.is_file():
        raise SpecError(f"Client config {path} does not exist. Create one with `drivers new NAME`.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path} is not valid TOML: {err}.") from None
    return _from_dict(raw, path)


def _from_dict(raw: dict[str, Any], path: Path) -> ClientConfig:
    folder = path.parent
    known = {
        "name",
        "client",
        "language",
        "sector",
        "brand",
        "template",
        "spec",
        "waves",
        "options",
        "survey",
        "touchpoints",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        hints = [
            f"{u!r}" + (f" (did you mean {closest(u, known)!r}?)" if closest(u, known) else "")
            for u in unknown
        ]
        raise SpecError(f"{path}: unknown key(s) {', '.join(hints)}.")
    spec_ref = raw.get("spec")
    if isinstance(spec_ref, str):
        spec = SurveySpec.from_toml(_resolve(folder, spec_ref, path, "spec"))
    elif isinstance(spec_ref, dict):
        spec = SurveySpec.from_dict(spec_ref, source=f"{path} [spec]")
    else:
        raise SpecError(
            f"{path}: 'spec' is missing: give the survey spec file, e.g. spec = \"survey.toml\"."
        )
    waves = []
    for i, item in enumerate(raw.get("waves", []), start=1):
        if "name" not in item or "file" not in item:
            raise SpecError(
                f"{path}: wave {i} needs a name and a file, e.g. "
                '{ name = "2024", file = "wave_2024.csv" }.'
            )
        waves.append(
            Wave(
                name=str(item["name"]),
                file=_resolve(folder, item["file"], path, f"wave {item['name']}"),
                sheet=item.get("sheet", 0),
            )
        )
    if not waves:
        raise SpecError(f"{path}: no waves. Add [[waves]] with name and file, oldest first.")
    names = [w.name for w in waves]
    if len(set(names)) != len(names):
        raise SpecError(f"{path}: wave names must be unique; got {', '.join(names)}.")
    opt_raw = dict(raw.get("options", {}))
    opt_known = {f.name for f in fields(Options)}
    bad = sorted(set(opt_raw) - opt_known)
    if bad:
        raise SpecError(
            f"{path}: unknown option(s) {', '.join(bad)}; known: {', '.join(sorted(opt_known))}."
        )
    for key in ("methods", "segments"):
        if key in opt_raw and opt_raw[key] is not None:
            opt_raw[key] = tuple(opt_raw[key])
    language = raw.get("language", spec.language)
    template = raw.get("template") or None
    return ClientConfig(
        name=str(raw.get("name", folder.name)),
        spec=spec.replace(language=language),
        waves=tuple(waves),
        client=str(raw.get("client", "")),
        language=language,
        sector=raw.get("sector"),
        brand=raw.get("brand"),
        template=_resolve(folder, template, path, "template") if template else None,
        options=Options(**opt_raw),
        path=path,
    )


def _resolve(folder: Path, ref: str, path: Path, what: str) -> Path:
    file = Path(ref)
    file = file if file.is_absolute() else (folder / file)
    if not file.exists():
        raise SpecError(
            f"{path}: the {what} file {file} does not exist. Put it in {folder} or fix the path."
        )
    return file


CLIENT_TEMPLATE = """\
# drivers client configuration. Paths are relative to this folder.
name = "{name}"
client = "{client}"          # shown on the title slide
language = "nl"              # nl or en: labels, narration, charts
sector = "groothandel"       # benchmark sector (see drivers.stats.benchmark())
# brand = "#1F4E79"          # client brand colour for charts
# template = "template.pptx" # client PowerPoint template (its layouts and theme)
spec = "survey.toml"         # the survey spec: which column is what

# The waves, oldest first. A new wave: add it here and run `drivers run` again.
[[waves]]
name = "2023"
file = "wave_2023.csv"

[[waves]]
name = "2024"
file = "wave_2024.csv"

[options]
min_n = 30                   # flag segments below this many respondents
privacy_floor = 5            # suppress segments below this many respondents
bootstrap = 500              # bootstrap resamples for driver CIs
methods = ["shapley", "relative_weights", "beta", "logit"]
lines = "mean"               # priority-matrix lines: mean or median
"""


def scaffold_client(name: str, root: str | Path = "clients") -> Path:
    """Create ``clients/NAME/`` with a commented client.toml, the demo spec and data."""
    import shutil

    from drivers import demo

    folder = Path(root) / name
    if folder.exists() and any(folder.iterdir()):
        raise SpecError(f"{folder} already exists and is not empty; choose another name.")
    folder.mkdir(parents=True, exist_ok=True)
    source = demo.demo_dir()
    for file in ("survey.toml", "wave_2023.csv", "wave_2024.csv"):
        shutil.copy(source / file, folder / file)
    (folder / "client.toml").write_text(
        CLIENT_TEMPLATE.format(name=name, client=name.replace("_", " ").title()), encoding="utf-8"
    )
    return folder
