"""The watch checkpoint: detector state, the source position and recently processed ids, in one file.

Written after every processed batch and before the batch is acknowledged, atomically (a
temporary file renamed over the old one), so a crash leaves either the old or the new
checkpoint, never half of one. What was processed but not checkpointed is read again on
restart; what was checkpointed but not acknowledged comes back as pending and is skipped by
its id, so nothing is counted twice.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError

STATE_VERSION = 1


class RecentIds:
    """The last ``capacity`` ids, for duplicate detection in bounded memory."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._order: deque[str] = deque()
        self._ids: set[str] = set()

    def __contains__(self, ident: object) -> bool:
        return ident in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ident: str) -> None:
        if ident in self._ids:
            return
        self._order.append(ident)
        self._ids.add(ident)
        if len(self._order) > self.capacity:
            self._ids.discard(self._order.popleft())


@dataclass
class WatchState:
    source: str
    detectors: list[Any]
    position: Any = None
    seen: RecentIds = field(default_factory=RecentIds)
    counts: Counter[str] = field(default_factory=Counter)
    topics: Any = None
    version: int = STATE_VERSION


def default_state_path(source: str, store: Path | None) -> Path:
    """Next to the store when there is one, else next to a watched file, else in the working folder."""
    if store is not None:
        return store.with_suffix(".watch.pkl")
    if source not in ("stdin", "-") and not source.startswith("redis://"):
        return Path(source).with_suffix(".watch.pkl")
    return Path("socialens.watch.pkl")


def save_state(path: Path, state: WatchState) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as out:
        pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def load_state(path: Path, source: str) -> WatchState | None:
    """The checkpoint at ``path``, or None when there is none. A checkpoint of another source is refused."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as handle:
            state = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise ConfigError(f"watch state {path} cannot be read ({exc}); delete it to start afresh") from None
    if not isinstance(state, WatchState) or state.version != STATE_VERSION:
        raise ConfigError(f"watch state {path} is not a checkpoint of this version; delete it to start afresh")
    if state.source != source:
        raise ConfigError(
            f"watch state {path} belongs to source {state.source!r}, not {source!r}; pass another --state"
        )
    return state
