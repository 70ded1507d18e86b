"""Ingest files into a store: read, map, edge-process, upsert in transactional batches."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO, Any

import orjson

from socialens.engine import Executor, LocalExecutor, default_executor
from socialens.errors import ConfigError, InputFileError, SocialensError, StoreError
from socialens.ingest.base import Importer
from socialens.ingest.batch_writer import BatchWriter
from socialens.ingest.chunks import ChunkResult, document_chunks, line_chunks, process_lines
from socialens.ingest.columnar import COLUMNAR_CHUNK_LINES, process_lines_columnar
from socialens.ingest.columnar import supports as supports_columnar
from socialens.ingest.edge import MAX_TEXT_CHARS, EdgeProcessor
from socialens.ingest.formats import detect_format, get_importer
from socialens.ingest.line_blocks import line_blocks
from socialens.ingest.readers import Source
from socialens.ingest.summary import FileResult, IngestSummary
from socialens.privacy import Pseudonymizer, key_fingerprint, public_fingerprint
from socialens.privacy.rejects import safe_reason, safe_reject
from socialens.store import Store

# Below this much input, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 8 << 20
# The columnar edge's fixed costs (Unicode classes, RE2 compilation) pay off from about here.
COLUMNAR_MIN_BYTES = 8 << 20
# A file whose first records are all rejected is in the wrong format, not merely dirty.
WRONG_FORMAT_AFTER = 50

ProgressCallback = Callable[[int], None]


def ingest(
    paths: Sequence[str | Path],
    store: Store,
    format: str = "auto",
    pseudonymizer: Pseudonymizer | None = None,
    rejects_path: str | Path | None = None,
    batch_size: int = 150_000,
    importer_settings: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    columnar: bool | None = None,
    max_text_chars: int | None = MAX_TEXT_CHARS,
) -> IngestSummary:
    """Ingest ``paths`` into ``store``; never raises for bad records, only for unusable setup.

    A file that cannot be read at all is reported in its ``FileResult.error``; what was read
    before a truncation stays committed. ``progress`` receives compressed bytes consumed.
    ``workers``: processes for parsing and edge processing (default one per core; 0 = in-process).
    ``columnar``: let DuckDB parse and edge-process formats that allow it (``ingest.columnar``);
    the store ends up the same either way. Default: for files of ``COLUMNAR_MIN_BYTES`` or more
    (below that its fixed costs, ~0.5 s, outweigh what it saves).
    ``max_text_chars``: longer post texts are cut to this length (None: no cap); the summary
    counts them.
    """
    if max_text_chars is not None and max_text_chars < 1:
        raise ConfigError(f"max_text_chars must be at least 1 (or None for no cap), not {max_text_chars}")
    if pseudonymizer is None:
        from socialens.privacy import load_or_create_key

        pseudonymizer = Pseudonymizer(load_or_create_key())
    check_key(store, pseudonymizer)
    run_id = uuid.uuid4().hex[:12]
    rejects = Path(rejects_path) if rejects_path else store.path.with_suffix(".rejects.jsonl")
    started = time.perf_counter()
    results: list[FileResult] = []
    executor = _executor_for(paths, workers)
    try:
        with open(rejects, "ab") as reject_file, store.bulk_writing(), _terminate_as_interrupt():
            for path in paths:
                settings = importer_settings or {}
                results.append(
                    _ingest_file(
                        Path(path),
                        store,
                        format,
                        pseudonymizer,
                        reject_file,
                        run_id,
                        batch_size,
                        settings,
                        progress,
                        executor,
                        columnar,
                        max_text_chars,
                    )
                )
    except IngestInterrupted as exc:
        exc.summary = IngestSummary(run_id, [*results, exc.file], time.perf_counter() - started, str(rejects))
        raise
    finally:
        executor.close()
        if rejects.exists() and rejects.stat().st_size == 0:
            rejects.unlink()
    return IngestSummary(run_id, results, time.perf_counter() - started, str(rejects))


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped an ingest. What was read before is committed (``summary`` says
    how much) and the ingest history marks the file ``interrupted``; the same ingest again
    completes it (records already stored come out unchanged)."""

    def __init__(self, file: FileResult) -> None:
        super().__init__(f"ingest of {file.path} interrupted")
        self.file = file
        self.summary: IngestSummary | None = None


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops an ingest as Ctrl-C does (where no one else handles SIGTERM): the batches
    read so far are committed, the workers stop, and the history says the file was not finished."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _executor_for(paths: Sequence[str | Path], workers: int | None) -> Executor:
    size = sum(Path(p).stat().st_size for p in paths if Path(p).is_file())
    if workers == 0 or (workers is None and size < PARALLEL_MIN_BYTES):
        return LocalExecutor()
    return default_executor(workers)


def check_key(store: Store, pseudonymizer: Pseudonymizer) -> None:
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
    _check_public(store, pseudonymizer)


def _check_public(store: Store, pseudonymizer: Pseudonymizer) -> None:
    """One list of public accounts per store: an account readable in some rows and pseudonymised
    in others would be two accounts to every analysis."""
    public = public_fingerprint(pseudonymizer)
    existing = store.get_meta("public_accounts")
    if existing is None:
        holds = store.one("SELECT count(*) FROM users")
        if public and holds and holds[0]:
            raise StoreError(
                f"{store.path} was built without public accounts; [privacy] public_accounts applies to new stores "
                "(ingest again into another --store)"
            )
        with store.transaction():
            store.set_meta("public_accounts", public)
    elif existing != public:
        raise StoreError(
            f"{store.path} was built with public accounts [{existing}], this ingest has [{public}]; "
            "use the same [privacy] public_accounts, or another --store"
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
    executor: Executor,
    columnar: bool | None = None,
    max_text_chars: int | None = MAX_TEXT_CHARS,
) -> FileResult:
    started = datetime.now()
    result = FileResult(str(path), format)
    # In the history from the start: a run killed before the end (SIGKILL, power loss) stays
    # there as "incomplete"; Ctrl-C and SIGTERM mark it "interrupted" below.
    with store.transaction():
        store.log_ingest(
            {"run_id": run_id, "source": str(path), "format": format, "started_at": started, "status": "incomplete"}
        )
    try:
        source = Source(path)
        if not source.head().strip():
            # Nothing to read is not an error, whatever the format; but the user should know.
            result.format = format if format != "auto" else "empty"
            result.note = "the file is empty" if source.size else "the file is empty (0 bytes)"
        else:
            importer: Importer = detect_format(source) if format == "auto" else get_importer(format, **settings)
            if format == "auto" and settings:
                importer = get_importer(importer.format_name, **settings)
            result.format = importer.format_name
            edge = EdgeProcessor(pseudonymizer, paired_hashtags=importer.paired_hashtags, max_text_chars=max_text_chars)
            try:
                _read_into_store(
                    source, importer, edge, store, reject_file, run_id, batch_size, result, progress, executor, columnar
                )
            finally:
                result.details.update(importer.details())
    except InputFileError as exc:
        result.error = str(exc)
    except SocialensError as exc:
        result.error = f"{path}: {exc}"
    except KeyboardInterrupt as exc:
        _log_outcome(store, run_id, started, result, "interrupted")
        raise IngestInterrupted(result) from exc
    _log_outcome(store, run_id, started, result, "error" if result.error else "ok")
    return result


def _log_outcome(store: Store, run_id: str, started: datetime, result: FileResult, status: str) -> None:
    details = {**result.details, "truncated": result.truncated, "duplicates": result.duplicates}
    if result.note:
        details["note"] = result.note
    with store.transaction():
        store.update_ingest(
            {"run_id": run_id, "source": result.path, "started_at": started},
            {
                "format": result.format,
                "finished_at": datetime.now(),
                "status": status,
                "read": result.read,
                "new": sum(c.new for c in result.counts.values()),
                "updated": sum(c.updated for c in result.counts.values()),
                "unchanged": sum(c.unchanged for c in result.counts.values()),
                "rejected": result.rejected,
                "error": result.error,
                "details": orjson.dumps(details).decode(),
            },
        )


def _read_into_store(
    source: Source,
    importer: Importer,
    edge: EdgeProcessor,
    store: Store,
    reject_file: IO[bytes],
    run_id: str,
    batch_size: int,
    result: FileResult,
    progress: ProgressCallback | None,
    executor: Executor,
    columnar: bool | None = None,
) -> None:
    chunks: Iterator[ChunkResult]
    if columnar is None:
        columnar = source.size >= COLUMNAR_MIN_BYTES
    if importer.line_delimited(source) and columnar and supports_columnar(importer):
        blocks = partial(process_lines_columnar, importer, edge, str(source.path))
        parts = getattr(executor, "workers", 1)
        chunks = chain.from_iterable(executor.imap(blocks, line_blocks(source, COLUMNAR_CHUNK_LINES, parts)))
    elif importer.line_delimited(source):
        work = partial(process_lines, importer, edge, str(source.path))
        chunks = executor.imap(work, line_chunks(source))
    else:
        chunks = document_chunks(source, importer, edge)
    pending: list[ChunkResult] = []
    pending_posts = reported = 0
    with BatchWriter(store, result) as writer:
        try:
            for chunk in chunks:
                _note_rejects(chunk, result, reject_file, run_id, importer, source, edge.pseudonymizer)
                pending.append(chunk)
                pending_posts += max(chunk.posts, chunk.read - len(chunk.rejects))
                if pending_posts >= batch_size:
                    reject_file.flush()  # a batch's rejects are on disk before its rows commit
                    writer.submit(pending)
                    pending, pending_posts = [], 0
                # by the bytes of the chunk's own lines where it says (the columnar edge's blocks)
                position = reported + chunk.bytes_read if chunk.bytes_read else source.bytes_read
                if progress and position > reported:
                    progress(position - reported)
                    reported = position
        except (InputFileError, KeyboardInterrupt):
            # A truncated or corrupt file, or Ctrl-C: what was read before is good; keep it.
            reject_file.flush()
            writer.submit(pending)
            raise
        if result.read and result.rejected == result.read:
            raise InputFileError(
                source.path,
                f"all {result.read} records were rejected as {importer.format_name}"
                f"{_first_reason(pending, edge.pseudonymizer)}; {_format_hint(source, importer)}",
            )
        reject_file.flush()
        writer.submit(pending)
    if result.read == 0:
        _nothing_read(source, importer, result)
    if progress:
        progress(max(source.bytes_read - reported, 0))


def _note_rejects(
    chunk: ChunkResult,
    result: FileResult,
    reject_file: IO[bytes],
    run_id: str,
    importer: Importer,
    source: Source,
    pseudonymizer: Pseudonymizer,
) -> None:
    result.read += chunk.read
    result.rejected += len(chunk.rejects)
    for reject in chunk.rejects:
        # as safe as the store: values masked, reasons scrubbed (``privacy.rejects``)
        line = {"run_id": run_id, **safe_reject(reject, pseudonymizer)}
        reject_file.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
    result.truncated += chunk.truncated
    if result.rejected == result.read >= WRONG_FORMAT_AFTER:
        raise InputFileError(
            source.path,
            f"the first {result.read} records were all rejected as {importer.format_name}"
            f"{_first_reason([chunk], pseudonymizer)}; {_format_hint(source, importer)}",
        )


def _nothing_read(source: Source, importer: Importer, result: FileResult) -> None:
    """A file with content but no item of its format: a page without results (say so), or
    another format's data (an error)."""
    try:
        found: str | None = detect_format(source).format_name
    except (SocialensError, OSError):
        found = None
    if found == importer.format_name:
        result.note = "the file holds no posts or accounts (an empty response page?)"
        return
    hint = f"wrong --format? it looks like {found}: use --format {found} (or auto)" if found else "wrong --format?"
    raise InputFileError(source.path, f"nothing in the file is {importer.format_name} data; {hint}")


def _first_reason(chunks: list[ChunkResult], pseudonymizer: Pseudonymizer) -> str:
    first = next((reject for chunk in chunks for reject in chunk.rejects), None)
    if first is None:
        return ""
    field = f" field '{first.field}':" if first.field else ""
    reason = first.reason if pseudonymizer.keep_identifiers else safe_reason(first.reason)
    return f" (e.g. line {first.line}:{field} {reason})"


def _format_hint(source: Source, importer: Importer) -> str:
    """What to do about a file none of whose records are ``importer``'s format."""
    try:
        found = detect_format(source).format_name
    except (SocialensError, OSError):
        return "wrong --format?"
    if found == importer.format_name:
        return "is the file damaged?"
    return f"wrong --format? it looks like {found}: use --format {found} (or auto)"
