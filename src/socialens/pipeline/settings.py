"""One settings parser for every face: CLI ``-o KEY=VALUE`` strings, ``socialens.toml``
``[tasks.NAME]`` values, Python keyword arguments and (later) REST JSON bodies.

A task's settings are a dataclass whose field annotations say what each value may be
(``int``, ``float``, ``bool``, ``str``, ``Literal[...]`` choices, or ``X | None``); strings
are converted, typed values are checked, and a wrong key or value is a ``ConfigError`` that
names the task, the key, where the value came from and what is allowed.

>>> from dataclasses import dataclass
>>> from typing import Literal
>>> @dataclass(frozen=True)
... class Example:
...     method: Literal["leiden", "louvain"] = "leiden"
...     seed: int = 0
>>> parse_settings(Example, {"seed": "3"}, task="demo")
Example(method='leiden', seed=3)
>>> parse_settings(Example, {"method": "spectral"}, task="demo")
Traceback (most recent call last):
socialens.errors.ConfigError: [E401] demo setting method='spectral' (-o): expected one of leiden, louvain
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, Union

from socialens.errors import ConfigError

S = TypeVar("S")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_FILTERS = ("since", "until", "platform", "lang", "author", "query")
_NUMBERS = {int: "int (a whole number)", float: "float (a number)"}


def parse_settings(cls: type[S], values: Mapping[str, Any], task: str, source: str = "-o") -> S:
    """``cls`` built from its defaults overridden by ``values`` (strings or typed values)."""
    if not values:
        return cls()
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(names))
    filters = [key for key in unknown if key in _FILTERS]
    if filters:
        flags = ", ".join(f"--{key}" for key in filters)
        raise ConfigError(f"{task}: {', '.join(filters)} is a filter of the selection, not a setting: use {flags}")
    if unknown:
        allowed = ", ".join(names) or "none"
        raise ConfigError(f"{task} has no option {', '.join(map(repr, unknown))} ({source}); its settings: {allowed}")
    converted = {
        key: _convert(value, hints[key], f"{task} setting {key}={value!r} ({source})") for key, value in values.items()
    }
    return cls(**converted)


def merge_settings(cls: type[S], task: str, *layers: tuple[Mapping[str, Any], str]) -> S:
    """Settings from several sources, later ones winning: ``(values, source name)`` pairs."""
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for values, source in layers:
        for key, value in values.items():
            merged[key] = value
            sources[key] = source
    # Each value is checked against the source it came from, so the error names it.
    by_source: dict[str, dict[str, Any]] = {}
    for key, value in merged.items():
        by_source.setdefault(sources[key], {})[key] = value
    typed: dict[str, Any] = {}
    for source, values in by_source.items():
        parsed = parse_settings(cls, values, task, source)
        typed.update({key: getattr(parsed, key) for key in values})
    return cls(**typed) if typed else cls()


def settings_dict(settings: Any) -> dict[str, Any]:
    """Settings as plain JSON values (the form stored with each result and sent by the API)."""
    return {f.name: _plain(getattr(settings, f.name)) for f in dataclasses.fields(settings)}


def describe_settings(cls: type) -> list[tuple[str, str, Any]]:
    """``(name, type, default)`` of each setting, for help texts and error messages."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else None
        out.append((f.name, _type_name(hints[f.name]), default))
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _convert(value: Any, kind: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        # an optional setting left to the task: "auto" (e.g. the number of topics) reads as none
        if value is None or (isinstance(value, str) and value.lower() in ("", "none", "null", "auto")):
            return None
        return _convert(value, options[0], where)
    if origin is Literal:
        choices = typing.get_args(kind)
        text = value if not isinstance(value, str) else value.strip()
        for choice in choices:
            if text == choice or (isinstance(text, str) and text == str(choice)):
                return choice
        raise ConfigError(f"{where}: expected one of {', '.join(map(str, choices))}")
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        inner = typing.get_args(kind)[0]
        return tuple(_convert(i.strip() if isinstance(i, str) else i, inner, where) for i in items if i != "")
    return _scalar(value, kind, where)


def _scalar(value: Any, kind: Any, where: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in (*_TRUE, *_FALSE):
            return value.strip().lower() in _TRUE
        raise ConfigError(f"{where}: expected true or false")
    if kind in (int, float):
        # bool is an int subclass, but ``seed = true`` is a mistake, not 1.
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConfigError(f"{where}: expected {_NUMBERS[kind]}")
        try:
            number = kind(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise ConfigError(f"{where}: expected {_NUMBERS[kind]}") from None
        if kind is int and isinstance(number, float):
            if not number.is_integer():
                raise ConfigError(f"{where}: expected {_NUMBERS[kind]}")
            number = int(number)
        return kind(number)
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text")
        return value
    raise TypeError(f"settings of type {kind!r} are not supported")


def _type_name(kind: Any) -> str:
    origin = typing.get_origin(kind)
    if origin is Literal:
        return " | ".join(map(str, typing.get_args(kind)))
    if origin in (Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(kind))
    return getattr(kind, "__name__", str(kind))
