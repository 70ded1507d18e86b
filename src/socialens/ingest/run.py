"""Ingest files into a store: read, map, edge-process, upsert in transactional batches."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import orjson

from socialens.errors import InputFileError, SocialensError, StoreError
from socialens.ingest.base import Importer
from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.formats import detect_format, get_importer
from socialens.ingest.readers import Reject, Source
from socialens.privacy import Pseudonymizer, key_fingerprint
from socialens.schema import Interaction, Post, Record, User
from socialens.store import Store, UpsertCounts

# A file whose first records are all rejected is in the wrong format, not merely dirty.
WRONG_FORMAT_AFTER = 50

ProgressCallback = Callable[[int], None]


@dataclass(slots=True)
class FileResult:
    path: str
    format: str
    read: int = 0
    rejected: int = 0
    counts: dict[str, UpsertCounts] = field(default_factory=dict)
    error: str | None = None


@dataclass(slots=True)
class IngestSummary:
    run_id: str
    files: list[FileResult]
    seconds: float
    rejects_path: str

    def _total(self, table: str, attr: str) -> int:
        return sum(getattr(f.counts.get(table, UpsertCounts()), attr) for f in self.files)

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    def as_dict(self) -> dict[str, Any]:
        tables = ("posts", "users", "interactions")
        posts = self._total("posts", "new") + self._total("posts", "updated") + self._total("posts", "unchanged")
        return {
            "run_id": self.run_id,
            "read": self.read,
            "rejected": self.rejected,
            "new": {t: self._total(t, "new") for t in tables},
            "updated": {t: self._total(t, "updated") for t in tables},
            "unchanged": {t: self._total(t, "unchanged") for t in tables},
            "seconds": round(self.seconds, 3),
            "posts_per_second": round(posts / self.seconds, 1) if self.seconds > 0 else None,
            "rejects_file": self.rejects_path if self.rejected else None,
            "errors": self.errors,
            "files": [
                {
                    "path": f.path,
                    "format": f.format,
                    "read": f.read,
                    "rejected": f.rejected,
                    "error": f.error,
                }
                for f in self.files
            ],
        }


class _Batch:
    def __init__(self) -> None:
        self.records: dict[type, list[Record]] = {Post: [], User: [], Interaction: []}
        self.size = 0

    def add(self, record: Record) -> None:
        self.records[type(record)].append(record)
        self.size += 1


def ingest(
    paths: Sequence[str | Path],
    store: Store,
    format: str = "auto",
    pseudonymizer: Pseudonymizer | None = None,
    rejects_path: str | Path | None = None,
    batch_size: int = 20_000,
    importer_settings: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest ``paths`` into ``store``; never raises for bad records, only for unusable setup.

    A file that cannot be read at all is reported in its ``FileResult.error``; what was read
    before a truncation stays committed. ``progress`` receives compressed bytes consumed.
    """
    if pseudonymizer is None:
        from socialens.privacy import load_or_create_key

        pseudonymizer = Pseudonymizer(load_or_create_key())
    _check_key(store, pseudonymizer)
    run_id = uuid.uuid4().hex[:12]
    rejects = Path(rejects_path) if rejects_path else store.path.with_suffix(".rejects.jsonl")
    started = time.perf_counter()
    results: list[FileResult] = []
    with open(rejects, "ab") as reject_file:
        for path in paths:
            results.append(
                _ingest_file(
                    Path(path),
                    store,
                    format,
                    pseudonymizer,
                    reject_file,
                    run_id,
                    batch_size,
                    importer_settings or {},
                    progress,
                )
            )
    if rejects.stat().st_size == 0:
        rejects.unlink()
    return IngestSummary(run_id, results, time.perf_counter() - started, str(rejects))


def _check_key(store: Store, pseudonymizer: Pseudonymizer) -> None:
    mode = "raw" if pseudonymizer.keep_identifiers else key_fingerprint(pseudonymizer.key)
    existing = store.get_meta("identity_mode")
    if existing is None:
        with store.transaction():
            store.set_meta("identity_mode", mode)
    elif existing != mode:
        what = "raw identifiers" if existing == "raw" else f"pseudonyms from key {existing}"
        raise StoreError(
            f"{store.path} holds {what}; this ingest would add "
            f"{'raw identifiers' if mode == 'raw' else 'pseudonyms from key ' + mode}. "
            "Use the same key (SOCIALENS_KEY or the key file) and setting, or another --store"
        )


def _ingest_file(
    path: Path,
    store: Store,
    format: str,
    pseudonymizer: Pseudonymizer,
    reject_file: IO[bytes],
    run_id: str,
    batch_size: int,
    settings: dict[str, Any],
    progress: ProgressCallback | None,
) -> FileResult:
    started = datetime.now()
    result = FileResult(str(path), format)
    try:
        source = Source(path)
        importer: Importer = detect_format(source) if format == "auto" else get_importer(format, **settings)
        if format == "auto" and settings:
            importer.set_params(**settings)
        result.format = importer.format_name
        _read_into_store(
            source,
            importer,
            store,
            pseudonymizer,
            reject_file,
            run_id,
            batch_size,
            result,
            progress,
        )
    except InputFileError as exc:
        result.error = str(exc)
    except SocialensError as exc:
        result.error = f"{path}: {exc}"
    with store.transaction():
        store.log_ingest(
            {
                "run_id": run_id,
                "source": str(path),
                "format": result.format,
                "started_at": started,
                "finished_at": datetime.now(),
                "status": "error" if result.error else "ok",
                "read": result.read,
                "new": sum(c.new for c in result.counts.values()),
                "updated": sum(c.updated for c in result.counts.values()),
                "unchanged": sum(c.unchanged for c in result.counts.values()),
                "rejected": result.rejected,
                "error": result.error,
            }
        )
    return result


def _read_into_store(
    source: Source,
    importer: Importer,
    store: Store,
    pseudonymizer: Pseudonymizer,
    reject_file: IO[bytes],
    run_id: str,
    batch_size: int,
    result: FileResult,
    progress: ProgressCallback | None,
) -> None:
    edge = EdgeProcessor(pseudonymizer, paired_hashtags=importer.paired_hashtags)
    batch = _Batch()
    reported = 0
    for item in importer.read(source):
        result.read += 1
        if isinstance(item, Reject):
            result.rejected += 1
            reject_file.write(orjson.dumps({"run_id": run_id, **_as_dict(item)}, option=orjson.OPT_APPEND_NEWLINE))
            if result.rejected == result.read == WRONG_FORMAT_AFTER:
                raise InputFileError(
                    source.path,
                    f"the first {WRONG_FORMAT_AFTER} records were all rejected as "
                    f"{importer.format_name} (e.g. line {item.line}: {item.reason}); wrong --format?",
                )
            continue
        for record in edge.process(item[1]):
            batch.add(record)
        if batch.size >= batch_size:
            _flush(store, batch, result, reject_file)
            batch = _Batch()
            if progress:
                progress(source.bytes_read - reported)
                reported = source.bytes_read
    _flush(store, batch, result, reject_file)
    if progress:
        progress(max(source.bytes_read - reported, 0))


def _as_dict(reject: Reject) -> dict[str, Any]:
    return {
        "source": reject.source,
        "line": reject.line,
        "field": reject.field,
        "reason": reject.reason,
        "excerpt": reject.excerpt,
    }


def _flush(store: Store, batch: _Batch, result: FileResult, reject_file: IO[bytes]) -> None:
    reject_file.flush()
    if batch.size == 0:
        return
    for table, counts in store.write_records(batch.records).items():
        result.counts.setdefault(table, UpsertCounts())
        result.counts[table] += counts
