"""Conformance inputs for each kind of component, one module per kind.

A module here defines ``matches(component) -> bool``, ``example(component, tmp_path) ->
(valid_input, empty_input)`` and ``run(component, input) -> list`` (the output in a comparable
form: plain lists, numbers rounded). ``tests/test_conformance.py`` runs every registered
component through the same checks with the first kind that matches it.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def kinds() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    ]
