"""The graph settings every graph command and analysis shares: kinds and a time window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from socialens.errors import ConfigError

if TYPE_CHECKING:
    from socialens.graph.build import InteractionGraph
    from socialens.store import Store


def parse_when(value: str | None, name: str) -> datetime | None:
    """An ISO date or time (``2024-05-01``, ``2024-05-01T12:00``), UTC unless it names a zone.

    >>> parse_when("2024-05-01", "since").isoformat()
    '2024-05-01T00:00:00+00:00'
    """
    if value is None or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name} {value!r}: expected an ISO date such as 2024-05-01 or 2024-05-01T12:00") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def number(options: Mapping[str, str], key: str, default: float) -> float:
    """``options[key]`` as a number, or ``default``; a malformed one is a ConfigError naming it."""
    raw = options.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"option {key}={raw!r}: expected a number") from None


def graph_from_options(store: Store, options: Mapping[str, str]) -> InteractionGraph:
    """Build the graph that ``kind``, ``since`` and ``until`` options ask for (``-o kind=reply,mention``)."""
    from socialens.graph.build import build_graph

    return build_graph(
        store,
        kinds=options.get("kind") or options.get("kinds"),
        since=parse_when(options.get("since"), "since"),
        until=parse_when(options.get("until"), "until"),
    )
