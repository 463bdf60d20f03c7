"""The key-driver methods: one frozen record per method, the one place that describes them.

:func:`drivers.stats.importance.key_drivers` reads this registry for its option checks
(which methods exist, which accept ``missing="pairwise"``, which support weights) and for
its dispatch (the fitter ``_fit_<key>`` and, for a ``"core"`` bootstrap, the batch function
``_<key>_batch`` in :mod:`drivers.stats.importance`). Adding a method is one record here
plus its fitter there.

Statistics hold no display text: ``label_key`` names the entry of the display-text catalog
(``drivers.present``) that shows the method's name.

Examples
--------
>>> from drivers.stats import methods
>>> methods.method("shapley").measure
'r2_part'
>>> [key for key, m in methods.METHODS.items() if m.pairwise]
['shapley', 'relative_weights', 'correlation']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drivers.errors import ParameterError, check_option

__all__ = ["MEASURES", "METHODS", "MISSING", "BOOTSTRAP_KINDS", "Method", "method"]

#: What a method's importance is.
MEASURES: tuple[str, ...] = ("r2_part", "beta", "r", "ame", "permutation", "penalty_reward")
#: The ways to treat not-applicable (NaN) driver grades.
MISSING: tuple[str, ...] = ("dummy", "listwise", "pairwise", "impute")
#: How a method is bootstrapped: from resampled correlation matrices ("core"), by
#: refitting per resample ("refit"), or not at all (None).
BOOTSTRAP_KINDS: tuple[str | None, ...] = ("core", "refit", None)

Measure = Literal["r2_part", "beta", "r", "ame", "permutation", "penalty_reward"]
BootstrapKind = Literal["core", "refit"] | None


@dataclass(frozen=True)
class Method:
    """One key-driver method.

    Attributes
    ----------
    key : str
        The value of ``key_drivers(method=...)``.
    label_key : str
        Key of the method's display name in the text catalog (``method_<key>``).
    measure : {"r2_part", "beta", "r", "ame", "permutation", "penalty_reward"}
        What the importance is: a part of R² (sums to R²), a standardised coefficient,
        a correlation, an average marginal effect, a permutation importance, or the
        penalty-reward impact range.
    weights : bool
        Survey weights are supported.
    pairwise : bool
        ``missing="pairwise"`` is supported (the method needs a correlation matrix only).
    bootstrap : {"core", "refit", None}
        How bootstrap intervals are computed.
    missing : tuple of str
        The ``missing=`` options the method accepts.
    """

    key: str
    label_key: str
    measure: Measure
    weights: bool = True
    pairwise: bool = False
    bootstrap: BootstrapKind = "refit"
    missing: tuple[str, ...] = ("dummy", "listwise", "impute")

    def __post_init__(self) -> None:
        check_option(f"Method({self.key!r})", "measure", self.measure, MEASURES)
        check_option(f"Method({self.key!r})", "bootstrap", self.bootstrap, BOOTSTRAP_KINDS)
        for option in self.missing:
            check_option(f"Method({self.key!r})", "missing", option, MISSING)
        if self.pairwise != ("pairwise" in self.missing):
            raise ParameterError(f"Method({self.key!r}): pairwise and missing disagree.")

    @property
    def sums_to_r2(self) -> bool:
        """True when the importances add up to the model's R² (Shapley, relative weights)."""
        return self.measure == "r2_part"


def _correlation_based(key: str, measure: Measure) -> Method:
    return Method(
        key=key,
        label_key=f"method_{key}",
        measure=measure,
        pairwise=True,
        bootstrap="core",
        missing=MISSING,
    )


_RECORDS = (
    _correlation_based("shapley", "r2_part"),
    _correlation_based("relative_weights", "r2_part"),
    # beta fits complete rows (HC3 standard errors) but bootstraps from correlation matrices
    Method("beta", "method_beta", "beta", bootstrap="core"),
    _correlation_based("correlation", "r"),
    Method("logit", "method_logit", "ame"),
    Method("forest", "method_forest", "permutation"),
    Method("penalty_reward", "method_penalty_reward", "penalty_reward"),
)

#: Method key -> :class:`Method`, in the order the docs present them.
METHODS: dict[str, Method] = {m.key: m for m in _RECORDS}


def method(key: str) -> Method:
    """The record of one method; an unknown key raises :class:`~drivers.errors.ParameterError`.

    Examples
    --------
    >>> method("logit").bootstrap
    'refit'
    >>> method("shapely")
    Traceback (most recent call last):
    ...
    drivers.errors.ParameterError: The 'method' parameter of method must be one of {'shapley', 'relative_weights', 'beta', 'correlation', 'logit', 'forest', 'penalty_reward'}. Got 'shapely' instead. Did you mean 'shapley'?
    """
    check_option("method", "method", key, list(METHODS))
    return METHODS[key]
