"""Registered, versioned component names (``"ingest.twitter_v2.v1"``).

A published name never changes what it does: a changed component gets ``.v2``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TypeVar

from socialens.component import Component
from socialens.errors import UnknownComponentError

C = TypeVar("C", bound=type[Component])

_REGISTRY: dict[str, type[Component]] = {}
# Modules whose import registers components; loaded on first look-up, not at import time.
# Besides these, every module under analyses/ and models/ whose source uses ``@register(``.
_PROVIDERS = ("socialens.ingest.formats",)
_PROVIDER_FOLDERS = ("analyses", "models")


def register(name: str) -> Callable[[C], C]:
    """Class decorator: ``@register("ingest.reddit.v1")``."""

    def decorate(cls: C) -> C:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"registry name {name!r} is taken by {existing.__qualname__}")
        cls.registry_name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def _provider_modules() -> list[str]:
    from pathlib import Path

    root = Path(__file__).parent
    found = [
        ".".join(("socialens", *path.relative_to(root).with_suffix("").parts))
        for folder in _PROVIDER_FOLDERS
        for path in sorted((root / folder).rglob("*.py"))
        if "@register(" in path.read_text(encoding="utf-8")
    ]
    return [*_PROVIDERS, *found]


def _load_providers() -> None:
    global _LOADED
    if _LOADED:
        return
    for module in _provider_modules():
        import_module(module)
    _LOADED = True


_LOADED = False


def components(prefix: str = "") -> dict[str, type[Component]]:
    """Every registered component whose name starts with ``prefix``, by name."""
    _load_providers()
    return {name: cls for name, cls in sorted(_REGISTRY.items()) if name.startswith(prefix)}


def get(name: str) -> type[Component]:
    _load_providers()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownComponentError(
            f"no component named {name!r}; registered: {', '.join(sorted(_REGISTRY))}"
        ) from None
