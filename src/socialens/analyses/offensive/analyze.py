"""``socialens analyze offensive``: hatesonar scores for every post, written to ``post_scores``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    from socialens.analyses.offensive.score import analyze_offensive

    bar = progress or NoProgress()
    bar.start("scoring offensive language", store.count("posts"))
    return analyze_offensive(store, progress=bar.advance)
