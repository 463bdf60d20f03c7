"""How presentation code names a key-driver method and reads what its importance is.

Charts, deck and narration read the method registry :data:`drivers.stats.methods.METHODS`
through these functions, at call time, and keep no table of methods of their own: a new
record in the registry (with its ``label_key`` in the catalogs) shows up everywhere.

Examples
--------
>>> from drivers.present._methods import method_name, sums_to_r2
>>> method_name("shapley", "en")
'Shapley value (LMG)'
>>> sums_to_r2("beta")
False
"""

from __future__ import annotations

from typing import Any

from drivers.present._format import TEXT, text
from drivers.stats import methods as _registry

__all__ = ["method_keys", "method_name", "method_record", "sums_to_r2"]


def method_keys() -> list[str]:
    """The method keys of the registry, in its order."""
    return list(_registry.METHODS)


def method_record(key: Any) -> _registry.Method | None:
    """The registry record of ``key``; None for a name outside the registry."""
    if not isinstance(key, str):
        return None
    return _registry.METHODS.get(key)


def method_name(key: Any, lang: str) -> str:
    """Display name of a method (its record's ``label_key``); another name stays as given."""
    record = method_record(key)
    if record is None or record.label_key not in TEXT:
        return str(key)
    return text(record.label_key, lang)


def sums_to_r2(key: Any) -> bool:
    """True when the method's importances are parts of R² (shown as shares, in percent)."""
    record = method_record(key)
    return record is not None and record.sums_to_r2
