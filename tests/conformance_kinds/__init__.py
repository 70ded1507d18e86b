"""Conformance inputs for each kind of component, one module per kind.

A module here defines ``matches(component) -> bool``, ``example(component, tmp_path) ->
(valid_input, empty_input)`` and ``run(component, input) -> list`` (the output in a comparable
form: plain lists, numbers rounded). ``matches`` tests what the component is: one of the
protocols of ``socialens.kinds`` or a base class, never its registry name.
``tests/test_conformance.py`` runs every registered component through the same checks with the
first kind that matches it, in ``ORDER``: kinds told apart by a base class come before the
protocols whose verbs they share (a click-through model has ``predict_proba`` too).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

ORDER = (
    "bursts",
    "emotion",
    "tabular",
    "users",
    "sequence",
    "topics",
    "images",
    "streaming_detectors",
    "graph_analysis",
    "exported_classifier",
    "text_classifier",
)


def kinds() -> list[ModuleType]:
    found = {info.name for info in pkgutil.iter_modules(__path__)}
    assert found == set(ORDER), f"add {sorted(found - set(ORDER))} to ORDER (or drop {sorted(set(ORDER) - found)})"
    return [importlib.import_module(f"{__name__}.{name}") for name in ORDER]
