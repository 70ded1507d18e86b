"""Erasure reaches the topics ``analyze topics`` wrote into the store (``analysis_results`` of task
``topics``, and the labels in ``topics_over_time``): a forgotten post's text is dropped from its
topic's representative posts (its id is already ``[forgotten]``, see ``store.erasure.redact_results``),
and a keyword no remaining post holds (a word only the forgotten account used) is dropped from the
keywords and the label. Each remaining post keeps its topic: the assignments are about it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialens.store.duckdb_store import Store

REDACTED = "[forgotten]"
TASKS = ("topics", "topics_over_time")


def redact_topic_results(store: Store) -> int:
    """Redact the store's topic results as the module docstring says; returns the items changed."""
    rows = store.con.execute(
        "SELECT task, item, payload FROM analysis_results WHERE task IN (?, ?)", list(TASKS)
    ).fetchall()
    items = [(task, item, json.loads(payload)) for task, item, payload in rows if payload]
    words = {w for task, _, p in items if task == "topics" for w in p.get("keywords") or []}
    gone = _words_no_post_holds(store, words)
    labels: dict[str, str] = {}
    changed = []
    for task, item, payload in items:
        if task != "topics":
            continue
        before = json.dumps(payload, sort_keys=True)
        ids = payload.get("representative_ids") or []
        if REDACTED in ids:
            keep = [n for n, i in enumerate(ids) if i != REDACTED]
            for field in ("representative_ids", "representative_texts", "representative"):
                values = payload.get(field)
                if isinstance(values, list) and len(values) == len(ids):
                    payload[field] = [values[n] for n in keep]
        keywords = payload.get("keywords") or []
        if any(w in gone for w in keywords):
            from socialens.analyses.topics.model import make_label

            payload["keywords"] = [w for w in keywords if w not in gone]
            payload["label"] = labels[item] = make_label(payload["keywords"], int(payload.get("id", item)))
        if json.dumps(payload, sort_keys=True) != before:
            changed.append((task, item, payload))
    for task, item, payload in items:
        if task == "topics_over_time" and item in labels:
            changed.append((task, item, {**payload, "label": labels[item]}))
    for task, item, payload in changed:
        store.con.execute(
            "UPDATE analysis_results SET payload = ? WHERE task = ? AND item = ?", [json.dumps(payload), task, item]
        )
    return len(changed)


def _words_no_post_holds(store: Store, words: set[str]) -> set[str]:
    """The ``words`` that no post of the store holds any more (case-insensitive; a Latin word as a
    whole word, so ``art`` in ``start`` does not keep it; other scripts as a substring)."""
    import re

    if not words:
        return set()
    patterns = [
        (w, f"(^|[^a-z0-9_]){re.escape(w.lower())}($|[^a-z0-9_])" if re.fullmatch(r"[\w#@'.-]+", w, re.ASCII) else "")
        for w in sorted(words)
    ]
    table = {"w": [w for w, _ in patterns], "pattern": [p for _, p in patterns]}
    import pyarrow as pa

    store.con.register("_topic_words", pa.table(table))
    try:
        rows = store.con.execute(
            "SELECT w FROM _topic_words t WHERE NOT EXISTS (SELECT 1 FROM posts WHERE CASE WHEN t.pattern = '' "
            "THEN contains(lower(posts.text), lower(t.w)) ELSE regexp_matches(lower(posts.text), t.pattern) END)"
        ).fetchall()
    finally:
        store.con.unregister("_topic_words")
    return {w for (w,) in rows}
