"""Erasure: forget accounts, by raw handle, raw id or pseudonym.

What goes: the account's posts and reposts of them (their content), their attachments
(``media`` rows, what image analysis found in them, and the store's copies of the files, unless
another post still uses the same file), its interactions in both directions (likes, replies,
reposts, quotes, mentions and follows, by and of it), its post and user scores, its user row,
its lines in the rejects file. What is redacted, not
recomputed: its handle in other posts' mention lists (removed), its pseudonym (or readable
handle) in other posts' text, titles, URLs, media URLs, alt text and text read in their pictures,
other posts' links to its deleted
posts (emptied), and every analysis result and alert that names it or its posts (the name
replaced by ``[forgotten]``). Figures those analyses computed with the account (influence,
communities, trends) keep their values until the analyses run again. Models learned from the
store's posts (adapted to it by ``socialens adapt``, or topic models fitted on it by ``socialens
analyze topics``) are unpinned or unrecorded and deleted from the registry
(:mod:`socialens.privacy.store_models`): adapt or fit again to learn from what is left. Topic
assignments of the remaining posts stay (they are about remaining posts); the topics' representative
posts lose the forgotten ones and their keywords the words no remaining post holds
(:mod:`socialens.privacy.topic_results`).

All store changes happen in one transaction, with an ingest-history entry that records the
erasure and its counts but not whom it erased.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from socialens.privacy.pseudonyms import Pseudonymizer
from socialens.store import Store
from socialens.store import erasure as q

_PSEUDONYM_LENGTH = 18  # "u_" or "h_" and 16 hex digits


@dataclass(slots=True)
class ErasureResult:
    requested: int
    accounts: int
    not_found: int
    deleted: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)
    rejects_removed: int = 0
    models_removed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "accounts": self.accounts,
            "not_found": self.not_found,
            "deleted": self.deleted,
            "redacted": self.redacted,
            "rejects_lines_removed": self.rejects_removed,
            "adapted_models_removed": [m for m in self.models_removed if "refit" not in m],
            "fitted_models_removed": [m for m in self.models_removed if "refit" in m],
            "derived_results": "redacted, not recomputed: run the analyses again to recompute them",
            "seconds": round(self.seconds, 3),
        }


def candidates(
    names: list[str], platforms: list[str], pseudo: Pseudonymizer
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every (platform, id) and (platform, handle) a user-given name could be stored as.

    ``platform:name`` limits a name to one platform; ``u_...``/``h_...`` are taken as pseudonyms.
    """
    ids: list[tuple[str, str]] = []
    handles: list[tuple[str, str]] = []
    for name in (n.strip() for n in names):
        prefix, sep, rest = name.partition(":")
        where = [prefix] if sep and prefix in platforms else platforms
        value = rest if sep and prefix in platforms else name
        if len(value) == _PSEUDONYM_LENGTH and value[:2] in ("u_", "h_"):
            target = ids if value.startswith("u_") else handles
            target.extend((p, value) for p in where)
            continue
        for platform in where:
            ids.append((platform, str(pseudo.user(platform, value))))
            handle = pseudo.handle(platform, value)
            if handle:
                handles.append((platform, handle))
    return ids, handles


def forget(
    store: Store,
    names: list[str],
    pseudo: Pseudonymizer,
    rejects: Path | None = None,
    models_dir: Path | None = None,
) -> ErasureResult:
    """Forget the accounts ``names`` designate (see the module docstring); unknown names are counted.
    ``models_dir`` is the registry whose models learned from this store (adapted to it, topic models
    fitted on it) are removed (default: the user's registry)."""
    from socialens.privacy.store_models import remove_store_models
    from socialens.privacy.topic_results import redact_topic_results

    started = time.perf_counter()
    ids, handles = candidates(names, q.platforms(store), pseudo)
    found_ids, found_handles = q.known_accounts(store, ids, handles)
    resolved = _resolved(names, found_ids, found_handles, q.platforms(store), pseudo)
    result = ErasureResult(requested=len(names), accounts=resolved, not_found=len(names) - resolved)
    tokens = {i for _, i in found_ids} | {h for _, h in found_handles}
    with store.transaction() as con:
        con.register("_forget_users", q.pairs_table(found_ids, "id"))
        con.register("_forget_handles", q.pairs_table(found_handles, "handle"))
        try:
            media_paths = q.forgotten_media_paths(store)
            result.deleted = q.delete_accounts(store)
            files = q.unreferenced_paths(store, media_paths)
            posts = set(q.forgotten_post_ids(store))
            result.redacted = {"links": q.unlink_posts(store), "posts": q.redact_posts(store, found_handles, tokens)}
            result.redacted.update(q.redact_results(store, tokens | posts))
            if posts:
                result.redacted["topic_results"] = redact_topic_results(store)
        finally:
            con.unregister("_forget_users")
            con.unregister("_forget_handles")
        store.log_ingest(_history_entry(result))
    result.deleted["media_files"] = remove_media_files(store, files)
    if resolved:
        result.models_removed = remove_store_models(store, models_dir)
    result.seconds = time.perf_counter() - started
    if rejects is not None and rejects.exists():
        # Rejects are masked now, but files written by older versions (or with --keep-identifiers)
        # hold raw excerpts: the names as given are looked for too.
        raw = {n.strip().lstrip("@").partition(":")[2] if ":" in n and not n.startswith("did:") else n for n in names}
        result.rejects_removed = remove_reject_lines(rejects, tokens | {r.strip().lstrip("@") for r in raw})
    return result


def remove_media_files(store: Store, relative_paths: list[str]) -> int:
    """Delete the store's clean copies of the forgotten attachments (after the commit: a failed
    erasure leaves the files its rows still point to)."""
    from socialens.media.library import MediaLibrary

    library = MediaLibrary.beside(store.path)
    removed = 0
    for relative in relative_paths:
        path = library.resolve(relative)
        if path.is_file() and library.root.resolve() in path.resolve().parents:
            path.unlink()
            removed += 1
    return removed


def _resolved(
    names: list[str],
    found_ids: set[tuple[str, str]],
    found_handles: set[tuple[str, str]],
    platforms: list[str],
    pseudo: Pseudonymizer,
) -> int:
    """How many of ``names`` matched something in the store."""
    count = 0
    for name in names:
        one_ids, one_handles = candidates([name], platforms, pseudo)
        if set(one_ids) & found_ids or set(one_handles) & found_handles:
            count += 1
    return count


def _history_entry(result: ErasureResult) -> dict[str, Any]:
    deleted = ", ".join(f"{n} {t}" for t, n in result.deleted.items())
    now = datetime.now()
    return {
        "run_id": uuid.uuid4().hex[:12],
        # what happened, never to whom
        "source": f"socialens forget: {result.accounts} account(s); deleted {deleted}",
        "format": "erasure",
        "started_at": now,
        "finished_at": now,
        "status": "ok",
        "read": result.requested,
        "new": 0,
        "updated": sum(result.redacted.values()),
        "unchanged": 0,
        "rejected": 0,
        "error": None,
    }


def remove_reject_lines(path: Path, tokens: set[str]) -> int:
    """Drop the lines of a rejects file that name any of ``tokens``; the file is replaced whole."""
    import re

    parts = sorted({re.escape(t) for t in tokens if t}, key=len, reverse=True)
    if not parts:
        return 0
    pattern = re.compile(f"(?<![0-9A-Za-z_])(?:{'|'.join(parts)})(?![0-9A-Za-z_])", re.IGNORECASE)
    kept: list[bytes] = []
    removed = 0
    with open(path, "rb") as handle:
        for line in handle:
            if pattern.search(line.decode("utf-8", errors="replace")):
                removed += 1
            else:
                kept.append(line)
    if removed:
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(b"".join(kept))
        os.replace(partial, path)
    return removed
