"""``socialens analyze profiles``: one profile per account, written to ``user_scores`` task 'profile'.

Label: the account's top interest; score: its activity events; details: the whole profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "profile"


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    from socialens.analyses.profiles.build import build_profiles
    from socialens.errors import ConfigError
    from socialens.store.results import write_user_scores

    unknown = sorted(set(options) - {"interests"})
    if unknown:
        raise ConfigError(f"analyze profiles: unknown option(s) {unknown}; known: interests")
    bar = progress or NoProgress()
    bar.start("building user profiles", None)
    profiles = build_profiles(store, interests=int(options.get("interests", 5)))
    rows = [
        {
            "platform": p["platform"],
            "user_id": p["user_id"],
            "label": p["interests"][0]["label"] if p["interests"] else None,
            "score": float(p["events"]),
            "details": p,
        }
        for p in profiles
    ]
    bar.start("writing profiles", len(rows))
    written = write_user_scores(store, TASK, rows, model="profiles.v1")
    bar.advance(len(rows))
    return {"task": TASK, "users": written, "summary": f"profiled {written:,} accounts (user_scores task '{TASK}')"}
