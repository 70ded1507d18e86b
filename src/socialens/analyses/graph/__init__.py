"""Moved to ``socialens.graph`` (three analyses and the datasets share it); this name keeps
imports written before working: ``socialens.analyses.graph.build`` is ``socialens.graph.build``."""

from __future__ import annotations

import sys
from importlib import import_module

for _name in ("base", "build", "export", "options", "summary"):
    sys.modules[f"{__name__}.{_name}"] = import_module(f"socialens.graph.{_name}")
