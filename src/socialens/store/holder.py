"""Who holds a store open for writing, told to the next process that finds it busy.

DuckDB's file lock only says "locked"; a long-lived holder (``socialens serve``) writes a small
note beside the store, so a CLI write gets "store is busy: ... held by socialens serve at URL
(pid N)" instead of a bare lock error. A note whose process is gone is ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson


def holder_path(store: Path) -> Path:
    return store.with_name(store.name + ".holder.json")


def write_holder(store: Path, description: str) -> Path:
    path = holder_path(store)
    path.write_bytes(orjson.dumps({"pid": os.getpid(), "holder": description}))
    return path


def clear_holder(store: Path) -> None:
    path = holder_path(store)
    try:
        if orjson.loads(path.read_bytes()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, orjson.JSONDecodeError):
        pass


def read_holder(store: Path) -> str | None:
    """``"socialens serve at http://... (pid N)"`` when a live process left a note, else None."""
    try:
        note = orjson.loads(holder_path(store).read_bytes())
        pid = int(note["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    return f"{note['holder']} (pid {pid})"
