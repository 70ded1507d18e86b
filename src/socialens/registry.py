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
_PROVIDERS = (
    "socialens.ingest.formats",
    "socialens.analyses.sentiment.baselines",
    "socialens.analyses.sentiment.bigru",
    "socialens.analyses.sentiment.finetuned",
    "socialens.analyses.offensive.hatesonar",
)


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


def _load_providers() -> None:
    for module in _PROVIDERS:
        import_module(module)


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
