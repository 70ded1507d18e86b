"""Store-wide statistics for ``socialens stats``."""

from __future__ import annotations

from typing import Any

from socialens.store.duckdb_store import Store
from socialens.store.migrations import KEYS


def store_stats(store: Store) -> dict[str, Any]:
    from socialens.store.model_pins import store_pins

    con = store.con
    counts = {table: store.count(table) for table in KEYS}
    span = store.one("SELECT min(created_at), max(created_at) FROM posts") or (None, None)
    platforms = con.execute(
        "SELECT platform, count(*) FROM posts GROUP BY platform ORDER BY count(*) DESC, platform"
    ).fetchall()
    languages = con.execute(
        "SELECT coalesce(lang, 'und'), count(*) FROM posts GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
    ).fetchall()
    kinds = con.execute("SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY 2 DESC, 1").fetchall()
    ingests = store.one(
        "SELECT count(DISTINCT run_id), coalesce(sum(read), 0), coalesce(sum(rejected), 0), max(finished_at) "
        "FROM ingests"
    ) or (0, 0, 0, None)
    return {
        "models": models_used(store),
        "model_pins": store_pins(store),
        "store": str(store.path),
        "schema_version": store.schema_version(),
        "identity_mode": store.get_meta("identity_mode"),
        "counts": counts,
        "first_post": span[0],
        "last_post": span[1],
        "platforms": dict(platforms),
        "languages": dict(languages),
        "interaction_kinds": dict(kinds),
        "ingest_runs": int(ingests[0]),
        "records_read": int(ingests[1]),
        "records_rejected": int(ingests[2]),
        "last_ingest": ingests[3],
    }


def models_used(store: Store) -> dict[str, dict[str, int]]:
    """Which model versions produced the store's per-post results: ``{task: {model: posts}}``
    (``"sentiment-en v1 (shipped)"``, a user's ``"sentiment-en-bigru v3"``); posts no model could
    score are not counted."""
    rows = store.con.execute(
        "SELECT task, model, count(*) FROM post_scores WHERE model IS NOT NULL "
        "GROUP BY task, model ORDER BY task, count(*) DESC, model"
    ).fetchall()
    used: dict[str, dict[str, int]] = {}
    for task, model, count in rows:
        used.setdefault(task, {})[model] = int(count)
    return used
