"""The settings file a model folder is saved with, read back with its format checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_saved_meta(path: Path, form: str, what: str) -> dict[str, Any]:
    """The JSON object in ``path``; a ``ValueError`` naming the folder when its ``format`` is not
    ``form`` (``what`` says what the folder should hold, e.g. "sentiment.bigru_ensemble.v1 model")."""
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != form:
        raise ValueError(f"{path.parent}: not a saved {what} (format {meta.get('format')!r})")
    return meta
