"""Per-client configuration: ``clients/<name>/client.toml``.

One folder per client, one file that says everything a run needs: the client's
name and language, its sector (for the benchmark), the survey spec, the waves in
order with their files, brand colour and optional PowerPoint template, and the
analysis options. Adding a wave to the file and running again is all a new wave
takes.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from drivers.errors import SpecError, closest
from drivers.load.spec import SurveySpec
from drivers.load.wave import WAVE_KEYS, Wave, check_keys, slugify

__all__ = ["ClientConfig", "Options", "Wave", "load_client", "scaffold_client", "slugify"]

_TOP_KEYS = (
    "name",
    "client",
    "language",
    "sector",
    "brand",
    "template",
    "spec",
    "waves",
    "options",
)
_LINES = ("mean", "median")
_BRAND = re.compile(r"#[0-9A-Fa-f]{6}")


def _allowed_methods() -> tuple[str, ...]:
    from drivers.stats.methods import METHODS

    return tuple(METHODS)


def _allowed_missing() -> tuple[str, ...]:
    from drivers.stats.methods import MISSING

    return tuple(MISSING)


@dataclass(frozen=True)
class Options:
    """Analysis options of a client run, checked when built.

    Raises
    ------
    SpecError
        A value of the wrong type or outside its range, naming the option and the fix.
    """

    min_n: int = 30
    privacy_floor: int = 5
    bootstrap: int = 500
    methods: tuple[str, ...] = ("shapley", "relative_weights", "beta", "logit")
    missing: str = "dummy"
    lines: str = "mean"
    segments: tuple[str, ...] | None = None
    simulate_top: int = 3
    simulate_bootstrap: int = 100
    seed: int = 0
    promoters_from: int = 9
    detractors_to: int = 6

    def __post_init__(self) -> None:
        _whole("min_n", self.min_n, 1, "the smallest segment reported without a flag, e.g. 30")
        _whole(
            "privacy_floor",
            self.privacy_floor,
            3,
            "segments smaller than this are suppressed; below 3 single answers can be "
            "traced back to a respondent, so 3 is the lowest allowed (default 5)",
        )
        _whole("bootstrap", self.bootstrap, 0, "the number of bootstrap resamples, e.g. 500")
        _whole("simulate_top", self.simulate_top, 0, "how many touchpoints to simulate, e.g. 3")
        _whole(
            "simulate_bootstrap", self.simulate_bootstrap, 0, "resamples per simulation, e.g. 100"
        )
        _whole("seed", self.seed, 0, "any whole number >= 0, e.g. 0")
        _whole("promoters_from", self.promoters_from, 1, "the lowest promoter answer, e.g. 9")
        _whole("detractors_to", self.detractors_to, 0, "the highest detractor answer, e.g. 6")
        if not self.detractors_to < self.promoters_from <= 10:
            raise SpecError(
                f"[options] the NPS cut-offs need detractors_to < promoters_from <= 10 "
                f"(the usual NPS: promoters_from = 9, detractors_to = 6). Got "
                f"promoters_from = {self.promoters_from}, detractors_to = {self.detractors_to}."
            )
        methods = self.methods
        if isinstance(methods, str) or not isinstance(methods, list | tuple) or not methods:
            raise SpecError(
                f"[options] methods must be a list of method names, e.g. "
                f'methods = ["shapley", "beta"]. Got {methods!r} instead.'
            )
        allowed = _allowed_methods()
        for method in methods:
            _choice("methods", method, allowed)
        object.__setattr__(self, "methods", tuple(methods))
        _choice("missing", self.missing, _allowed_missing())
        _choice("lines", self.lines, _LINES)
        if self.segments is not None:
            if isinstance(self.segments, str) or not all(isinstance(s, str) for s in self.segments):
                raise SpecError(
                    f"[options] segments must be a list of segment columns, e.g. "
                    f'segments = ["regio"]. Got {self.segments!r} instead.'
                )
            object.__setattr__(self, "segments", tuple(self.segments))

    @property
    def cutoffs(self):
        """The NPS cut-offs of this client (:class:`drivers.stats.nps.Cutoffs`)."""
        from drivers.stats.nps import Cutoffs

        return Cutoffs(promoter=self.promoters_from, detractor=self.detractors_to)


def _whole(key: str, value: object, low: int, meaning: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(
            f"[options] {key} must be a whole number >= {low} ({meaning}). Got {value!r} instead."
        )


def _choice(key: str, value: object, allowed: tuple[str, ...]) -> None:
    if isinstance(value, str) and value in allowed:
        return
    hint = closest(str(value), allowed)
    more = f" Did you mean {hint!r}?" if hint else ""
    raise SpecError(
        f"[options] {key} must be one of {', '.join(repr(a) for a in allowed)}. "
        f"Got {value!r} instead.{more}"
    )


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client run needs; paths are resolved against the config's folder.

    ``name`` is the client's name made safe for folder names (:func:`slugify`);
    :attr:`display_name` keeps the text as written.
    """

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
    title: str = ""

    def wave(self, name: str | None = None) -> Wave:
        """A wave by name (or slug); the latest when None."""
        if name is None:
            return self.waves[-1]
        for w in self.waves:
            if w.name == str(name):
                return w
        for w in self.waves:
            if w.slug == str(name):
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

    def load(self, name: str | None = None, *, strict: bool = False, warn: bool = True):
        """Load one wave's file with its mapping (rename, na_codes, scale, ...).

        Same as ``load_survey(wave.file, config.spec, wave=wave)``. ``warn=False`` keeps the
        data-quality warnings quiet (they stay in ``survey.quality``): for a notebook that
        reloads a wave whose warnings the run's results and notebook 01 already report.
        """
        import warnings

        from drivers.errors import DriversWarning
        from drivers.load.io import load_survey

        wave = self.wave(name)
        with warnings.catch_warnings():
            if not warn:
                warnings.simplefilter("ignore", DriversWarning)
            survey = load_survey(wave.file, self.spec, wave=wave, strict=strict)
        self._check_wave_column(survey, wave)
        return survey

    def _check_wave_column(self, survey, wave: Wave) -> None:
        """A file whose wave column names another wave of this client is the wrong file
        (wave 2024 pointing at the 2023 export): refuse it rather than report it as 2024."""
        from drivers.errors import DataError
        from drivers.load.quality import _as_text

        column = self.spec.wave
        if not column or column not in survey.data:
            return
        said = {_as_text(v) for v in survey.data[column].dropna().unique()} - {""}
        others = {w.name for w in self.waves} - {wave.name}
        if len(said) == 1 and (value := next(iter(said))) in others:
            raise DataError(
                f"{wave.file.name}, the file of wave {wave.name!r}, says {value!r} in its "
                f"wave column {column!r}: that is another wave of this client. Check the "
                f"file of wave {wave.name!r} in client.toml (or its wave column)."
            )

    @property
    def display_name(self) -> str:
        return self.client or self.title or self.spec.name or self.name

    def replace(self, **changes: Any) -> ClientConfig:
        return replace(self, **changes)


def load_client(path: str | Path) -> ClientConfig:
    """Read ``client.toml``.

    Every key is checked: an unknown key (at the top, in ``[[waves]]`` or
    ``[options]``) or a value of the wrong type is a :class:`~drivers.errors.SpecError`
    naming the file, the key and the fix.

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
    check_keys(raw, _TOP_KEYS, str(path))
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
    items = raw.get("waves", [])
    if not isinstance(items, list):
        raise SpecError(f"{path}: waves must be [[waves]] tables with name and file.")
    for i, item in enumerate(items, start=1):
        where = f"{path}, [[waves]] {i}"
        if not isinstance(item, dict):
            raise SpecError(f"{where}: expected a table with name and file. Got {item!r}.")
        check_keys(item, WAVE_KEYS, where)
        if "name" not in item or "file" not in item:
            raise SpecError(
                f"{where}: a wave needs a name and a file, e.g. "
                '{ name = "2024", file = "wave_2024.csv" }.'
            )
        if not isinstance(item["name"], str | int) or isinstance(item["name"], bool):
            raise SpecError(
                f'{where}: name must be text, e.g. name = "2024". Got {item["name"]!r}.'
            )
        if not isinstance(item["file"], str):
            raise SpecError(f"{where}: file must be a path (text). Got {item['file']!r}.")
        name = str(item["name"])
        rename = item.get("rename", {})
        if isinstance(rename, dict):
            spec_columns = set(spec.columns)
            for source, target in rename.items():
                if isinstance(target, str) and target not in spec_columns:
                    hint = closest(target, spec_columns)
                    more = f" Did you mean {hint!r}?" if hint else ""
                    raise SpecError(
                        f"{where}: rename maps {source!r} to {target!r}, which is no column of "
                        f"the spec.{more} The right-hand side names the spec's column."
                    )
        try:
            wave = Wave(
                name=name,
                file=_resolve(folder, item["file"], path, f"wave {name}"),
                sheet=item.get("sheet"),
                rename=rename,
                na_codes=item.get("na_codes", ()),
                scale=item.get("scale"),
                decimal=item.get("decimal"),
                header_row=item.get("header_row", 1),
            )
        except SpecError as err:
            raise SpecError(f"{where}: {err}") from None
        waves.append(wave)
    if not waves:
        raise SpecError(f"{path}: no waves. Add [[waves]] with name and file, oldest first.")
    names = [w.name for w in waves]
    if len(set(names)) != len(names):
        raise SpecError(f"{path}: wave names must be unique; got {', '.join(names)}.")
    by_file: dict[Path, str] = {}
    for w in waves:  # two waves on one file: a copied [[waves]] entry whose file stayed
        if w.file.resolve() in by_file and w.sheet is None:
            raise SpecError(
                f"{path}: waves {by_file[w.file.resolve()]!r} and {w.name!r} both read "
                f"{w.file.name}. Give each wave its own file (or sheet)."
            )
        by_file.setdefault(w.file.resolve(), w.name)
    slugs = [w.slug for w in waves]
    if len(set(slugs)) != len(slugs):
        raise SpecError(
            f"{path}: wave names {', '.join(map(repr, names))} give the same folder names "
            f"({', '.join(slugs)}); make them differ in letters or digits."
        )
    opt_raw = raw.get("options", {})
    if not isinstance(opt_raw, dict):
        raise SpecError(f"{path}: [options] must be a table. Got {opt_raw!r}.")
    check_keys(opt_raw, tuple(f.name for f in fields(Options)), f"{path}, [options]")
    opt_raw = dict(opt_raw)
    try:
        options = Options(**opt_raw)
    except SpecError as err:
        raise SpecError(f"{path}: {err}") from None
    if options.segments is not None:
        for seg in options.segments:
            if seg not in spec.segments:
                hint = closest(seg, spec.segments)
                more = f" Did you mean {hint!r}?" if hint else ""
                raise SpecError(
                    f"{path}: [options] segments names {seg!r}, which is no segment of the "
                    f"spec (segments: {', '.join(spec.segments) or 'none'}).{more}"
                )
    language = raw.get("language", spec.language)
    if language not in ("nl", "en"):
        raise SpecError(f"{path}: language must be 'nl' or 'en'. Got {language!r} instead.")
    brand = raw.get("brand")
    if brand is not None and (not isinstance(brand, str) or not _BRAND.fullmatch(brand)):
        raise SpecError(
            f'{path}: brand must be a colour written #RRGGBB, e.g. brand = "#1F4E79". '
            f"Got {brand!r} instead."
        )
    template = raw.get("template") or None
    if template is not None:
        if not isinstance(template, str) or not template.lower().endswith(".pptx"):
            raise SpecError(
                f"{path}: template must be a PowerPoint .pptx file (save a .potx as .pptx in "
                f"PowerPoint). Got {template!r} instead."
            )
        template = _resolve(folder, template, path, "template")
    raw_name = raw.get("name", folder.name)
    if not isinstance(raw_name, str | int) or isinstance(raw_name, bool):
        raise SpecError(f'{path}: name must be text, e.g. name = "acme". Got {raw_name!r}.')
    for key in ("client", "sector"):
        if key in raw and not isinstance(raw[key], str):
            raise SpecError(f"{path}: {key} must be text. Got {raw[key]!r} instead.")
    return ClientConfig(
        name=slugify(str(raw_name)),
        spec=spec.replace(language=language),
        waves=tuple(waves),
        client=str(raw.get("client", "")),
        language=language,
        sector=raw.get("sector"),
        brand=brand,
        template=template,
        options=options,
        path=path,
        title=str(raw_name),
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
name = {name}
client = {client}          # shown on the title slide
language = "nl"              # nl or en: labels, narration, charts
sector = "groothandel"       # benchmark sector (see drivers.stats.benchmark())
# brand = "#1F4E79"          # client brand colour for charts (#RRGGBB)
# template = "template.pptx" # client PowerPoint template (its layouts and theme)
spec = "survey.toml"         # the survey spec: which column is what

# The waves, oldest first. A new wave: add it here and run `drivers run` again.
# Per wave, when its file differs from the spec:
#   sheet = "Data"                          Excel sheet (required with several sheets)
#   rename = {{ "Q1" = "aanbeveling" }}       column in this file = column in the spec
#   na_codes = ["weet niet meer"]           extra don't-know codes of this wave
#   scale = [1, 5]                          grades asked on another scale (rescaled)
#   decimal = ","                           decimal mark of a CSV file
#   header_row = 2                          row with the column names
[[waves]]
name = "2023"
file = "wave_2023.csv"

[[waves]]
name = "2024"
file = "wave_2024.csv"

[options]
min_n = 30                   # flag segments below this many respondents
privacy_floor = 5            # suppress segments below this many respondents (>= 3)
bootstrap = 500              # bootstrap resamples for driver CIs
methods = ["shapley", "relative_weights", "beta", "logit"]
lines = "mean"               # priority-matrix lines: mean or median
# promoters_from = 9         # NPS cut-offs: promoters answer 9-10 ...
# detractors_to = 6          # ... and detractors 0-6 (change only if the client does)
"""


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string: quotes, backslashes and control
    # characters are escaped the same way.
    return json.dumps(str(text), ensure_ascii=False)


def scaffold_client(name: str, root: str | Path = "clients") -> Path:
    """Create ``clients/<slug>/``: a commented client.toml, the demo spec and data, and
    the client's own copy of the notebook suite (``notebooks/``).

    ``name`` is written to client.toml as typed; the folder is its :func:`slugify`
    form. A name that would leave ``root`` (``../x``, ``/abs/path``) is refused.
    """
    from drivers import demo
    from drivers.workflow.run import notebook_dir

    text = str(name)
    if (
        not text.strip()
        or Path(text).is_absolute()
        or text.startswith(("/", "\\", "~"))
        or re.match(r"^[A-Za-z]:", text)
        or any(part in ("..", ".") for part in re.split(r"[/\\]", text))
        or "/" in text
        or "\\" in text
    ):
        raise SpecError(
            f"drivers new: {text!r} is not a client name: it would place the client outside "
            f"{root}/ (a path, '..' or '/'). Give a plain name such as 'acme' or "
            "'van_dijk_2024'; the folder is made inside clients/."
        )
    folder = Path(root) / slugify(text)
    if folder.exists() and any(folder.iterdir()):
        raise SpecError(f"{folder} already exists and is not empty; choose another name.")
    notebooks = notebook_dir()
    folder.mkdir(parents=True, exist_ok=True)
    source = demo.demo_dir()
    for file in ("survey.toml", "themes.toml", "wave_2023.csv", "wave_2024.csv"):
        shutil.copy(source / file, folder / file)
    (folder / "notebooks").mkdir(exist_ok=True)
    import nbformat

    from drivers.workflow.run import localise_notebook

    for notebook in sorted(notebooks.glob("*.ipynb")):  # prose in the template's language
        node = localise_notebook(nbformat.read(notebook, as_version=4), "nl")
        nbformat.write(node, folder / "notebooks" / notebook.name)
    client = text if text != slugify(text) else text.replace("_", " ").title()
    (folder / "client.toml").write_text(
        CLIENT_TEMPLATE.format(name=_toml_string(text), client=_toml_string(client)),
        encoding="utf-8",
    )
    return folder
