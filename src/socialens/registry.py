"""Registered, versioned component names (``"ingest.twitter_v2.v1"``), looked up lazily.

The names and the ``"module:Class"`` each stands for are an explicit table
(``socialens.registrations``): listing or checking names imports nothing, and ``get(name)``
imports only that component's module, so a core-only install runs ``ingest`` without the
extras an analysis needs. A component whose extra is missing raises ``MissingExtraError``
with the install hint. ``@register`` stays on the classes: it names them, and it lets code
outside the package (a plugin, a test) register a component at run time.

Registered names are lower snake case, ``family.name.vN``. Aliases (``registrations.ALIASES``)
stand for a registered name: a family's short names and the names published before.

>>> "ingest.reddit.v1" in names("ingest.")
True
>>> resolve("tfidf", "sentiment")
'sentiment.tfidf_lr.v1'
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, TypeVar

from socialens.component import Component
from socialens.errors import MissingExtraError, UnknownComponentError
from socialens.registrations import ALIASES, COMPONENTS, Registration

C = TypeVar("C", bound=type[Component])

# Every class whose ``@register`` ran in this process: the table's, once imported, and any
# registered at run time from outside the table.
_REGISTERED: dict[str, type[Component]] = {}


def register(name: str) -> Callable[[C], C]:
    """Class decorator: ``@register("ingest.reddit.v1")``.

    A name in the table must be registered by the class the table names, so the two cannot drift.
    """

    def decorate(cls: C) -> C:
        listed = COMPONENTS.get(name)
        target = f"{cls.__module__}:{cls.__qualname__}"
        if listed is not None and listed.target != target:
            raise ValueError(
                f"registry name {name!r} is listed as {listed.target} in socialens.registrations, not {target}"
            )
        existing = _REGISTERED.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"registry name {name!r} is taken by {existing.__qualname__}")
        cls.registry_name = name
        _REGISTERED[name] = cls
        return cls

    return decorate


def canonical(name: str) -> str:
    """The registered name an alias stands for; any other name as it is."""
    return ALIASES.get(name, name)


def short_names(family: str) -> list[str]:
    """The short names a family's components can be asked for by (``"tfidf"`` for ``sentiment``)."""
    prefix = f"{family}."
    return [alias.removeprefix(prefix) for alias in ALIASES if alias.startswith(prefix) and not _versioned(alias)]


def resolve(name: str, family: str) -> str:
    """The registered name ``name`` means in ``family``: a full or old name, or a short one.

    >>> resolve("sentiment.vader.v1", "sentiment"), resolve("bigru", "emotion")
    ('sentiment.vader.v1', 'emotion.bigru.v1')
    """
    for candidate in (name, f"{family}.{name}"):
        full = canonical(candidate)
        if full.startswith(f"{family}.") and full in {*COMPONENTS, *_REGISTERED}:
            return full
    raise UnknownComponentError(
        f"unknown {family} model {name!r}; choose one of {', '.join(short_names(family) or names(f'{family}.'))}"
    )


def _versioned(name: str) -> bool:
    version = name.rsplit(".", 1)[-1]
    return version.startswith("v") and version[1:].isdigit()


def names(prefix: str = "") -> list[str]:
    """Every registered name that starts with ``prefix``, sorted; imports nothing."""
    return sorted(name for name in {*COMPONENTS, *_REGISTERED} if name.startswith(prefix))


def registration(name: str) -> Registration:
    """Where ``name`` (or the name it is an alias of) lives and the extra it needs, without importing it."""
    name = canonical(name)
    if name in COMPONENTS:
        return COMPONENTS[name]
    if name in _REGISTERED:
        cls = _REGISTERED[name]
        return Registration(f"{cls.__module__}:{cls.__qualname__}")
    raise UnknownComponentError(f"no component named {name!r}; registered: {', '.join(names())}")


def load(target: str, extra: str | None = None) -> Any:
    """The object ``"module:attribute"`` names, importing its module now.

    A module that cannot import because a third-party package is missing raises
    ``MissingExtraError`` naming ``extra``; with no ``extra`` (a core component) the import
    error is a bug and propagates as it is.
    """
    module_name, _, attribute = target.partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if extra is None or not missing or missing == "socialens":
            raise
        raise MissingExtraError(missing, extra) from exc
    return getattr(module, attribute)


def get(name: str) -> type[Component]:
    """The component class registered as ``name`` (or an alias), importing its module if it is not yet loaded."""
    name = canonical(name)
    if name in _REGISTERED:
        return _REGISTERED[name]
    entry = registration(name)
    cls: type[Component] = load(entry.target, entry.extra)
    return cls


def components(prefix: str = "") -> dict[str, type[Component]]:
    """Every registered component whose name starts with ``prefix``, by name (imports their modules).

    Raises ``MissingExtraError`` if one of them needs an extra that is not installed: ask for a
    narrower ``prefix`` (``components("ingest.")`` needs only the core install).
    """
    return {name: get(name) for name in names(prefix)}
