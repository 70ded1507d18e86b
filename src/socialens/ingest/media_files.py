"""The media pass of an ingest: attachments of the posts just read -> ``media`` rows and clean copies.

It reads each input again with the same importer (the posts pass is untouched and keeps its
speed), maps attachments with :mod:`socialens.ingest.attachments`, and looks for each file:
inside the export (an X archive's ``data/tweets_media/``, a Mastodon archive's
``media_attachments/``) and in ``--media-dir`` (files a user downloaded, found by name, by
``<post id>-<name>`` or by Bluesky CID). A file found is copied into the store's media library
without metadata (:mod:`socialens.media.library`); a file expected but missing or unreadable is
a rejects entry (source, item, field, reason, the pseudonymised URL), never a crash.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from socialens.errors import InputFileError, MediaError, SocialensError
from socialens.ingest.attachments import Attachment, local_names, map_media
from socialens.ingest.readers import Source
from socialens.media.library import MediaLibrary
from socialens.privacy import Pseudonymizer
from socialens.progress import NoProgress, Progress
from socialens.schema import Media, Post
from socialens.store import Store
from socialens.store.media_queries import write_media

if TYPE_CHECKING:
    from socialens.ingest.summary import IngestSummary

# Formats whose files are read for attachments by default (archives carry their media files).
ARCHIVE_FORMATS = ("twitter-archive", "mastodon")
# A --media-dir is indexed by file name once; a tree larger than this is refused, not walked forever.
MAX_INDEXED_FILES = 500_000
_BATCH = 200


@dataclass(slots=True)
class MediaSummary:
    attachments: int = 0
    stored: int = 0
    missing: int = 0
    unreadable: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    library: str = ""
    rejects_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "attachments": self.attachments,
            "stored": self.stored,
            "missing": self.missing,
            "unreadable": self.unreadable,
            "by_kind": self.by_kind,
            "seconds": round(self.seconds, 3),
            "library": self.library,
            "rejects_file": self.rejects_file,
        }


class FileFinder:
    """Where a downloaded copy of an attachment is: archive folders first, then ``media_dir``."""

    def __init__(self, media_dir: Path | None) -> None:
        self.media_dir = media_dir
        self._by_name: dict[str, Path] = {}
        if media_dir is not None:
            if not media_dir.is_dir():
                raise InputFileError(media_dir, "--media-dir is not a folder")
            for count, path in enumerate(p for p in media_dir.rglob("*") if p.is_file()):
                if count >= MAX_INDEXED_FILES:
                    raise InputFileError(media_dir, f"more than {MAX_INDEXED_FILES:,} files; point at a smaller folder")
                self._by_name.setdefault(path.name, path)
                self._by_name.setdefault(path.stem, path)  # a Bluesky blob saved as <cid>.jpg

    def find(self, names: Sequence[str], folders: Sequence[Path]) -> Path | None:
        for folder in folders:
            root = folder.resolve()
            for name in names:
                candidate = folder / name
                # An archive-relative path from the data must not climb out of the archive.
                if candidate.is_file() and root in candidate.resolve().parents:
                    return candidate
        return next((self._by_name[n] for n in names if n in self._by_name), None)


def ingest_with_media(
    paths: Sequence[Path],
    store: Store,
    *,
    pseudonymizer: Pseudonymizer,
    format: str = "auto",
    media: bool | None = None,
    media_dir: Path | None = None,
    rejects_path: Path | None = None,
    importer_settings: dict[str, Any] | None = None,
    media_progress: Progress | None = None,
    **ingest_options: Any,
) -> IngestSummary:
    """An ingest as users ask for it: the posts pass (:func:`socialens.ingest.run.ingest`, which
    takes ``ingest_options``), then the media pass, whose summary lands in ``summary.media``.

    ``media``: None reads attachments of archives (and of any format with ``media_dir``), True
    of every format, False skips the media pass. The CLI and the Python API both call this."""
    from socialens.ingest.run import ingest

    summary = ingest(
        paths,
        store,
        format=format,
        pseudonymizer=pseudonymizer,
        rejects_path=rejects_path,
        importer_settings=importer_settings,
        **ingest_options,
    )
    if media is not False:
        summary.media = ingest_media(
            [Path(p) for p in paths],
            store,
            pseudonymizer=pseudonymizer,
            format=format,
            media_dir=media_dir,
            rejects_path=rejects_path,
            importer_settings=importer_settings,
            progress=media_progress,
            all_formats=bool(media),
        )
    return summary


def ingest_media(
    paths: Sequence[Path],
    store: Store,
    *,
    pseudonymizer: Pseudonymizer,
    format: str = "auto",
    media_dir: Path | None = None,
    rejects_path: Path | None = None,
    importer_settings: dict[str, Any] | None = None,
    progress: Progress | None = None,
    all_formats: bool = False,
) -> MediaSummary:
    """Map, find, copy and record the attachments of the posts in ``paths``.

    Archives are read for attachments always, other formats with ``media_dir`` or ``all_formats``."""
    started = time.perf_counter()
    library = MediaLibrary.beside(store.path)
    summary = MediaSummary(library=str(library.root))
    finder = FileFinder(media_dir)
    rejects = rejects_path or store.path.with_suffix(".rejects.jsonl")
    bar = progress or NoProgress()
    with open(rejects, "ab") as reject_file:
        for path in paths:
            importer_format, folders = _archive_folders(Path(path), format, importer_settings)
            wanted = all_formats or media_dir is not None or importer_format in ARCHIVE_FORMATS
            if importer_format is None or not wanted:
                continue
            bar.start(f"media of {Path(path).name}", None)
            context = _Context(store, library, finder, folders, pseudonymizer, reject_file, summary, bar)
            context.expect_files = media_dir is not None or importer_format in ARCHIVE_FORMATS
            from socialens.ingest.formats import get_importer  # formats imports every ingest module

            importer = get_importer(importer_format, **(importer_settings or {}))
            context.read(Path(path), importer)
    if rejects.exists() and rejects.stat().st_size == 0:
        rejects.unlink()
    if summary.missing or summary.unreadable:
        summary.rejects_file = str(rejects)
    summary.seconds = time.perf_counter() - started
    return summary


def _archive_folders(path: Path, format: str, settings: dict[str, Any] | None) -> tuple[str | None, list[Path]]:
    """The importer's format for ``path`` and the folders inside the export that hold media files."""
    from socialens.ingest.formats import detect_format

    try:
        source = Source(path)
        if not source.head(1):
            return None, []
        name = detect_format(source).format_name if format == "auto" else format
    except SocialensError:
        return None, []  # the posts pass has already reported the file
    folder = path.parent
    if name == "twitter-archive":
        return name, [folder / "tweets_media", folder]
    return name, [folder]


@dataclass
class _Context:
    store: Store
    library: MediaLibrary
    finder: FileFinder
    folders: list[Path]
    pseudonymizer: Pseudonymizer
    reject_file: IO[bytes]
    summary: MediaSummary
    bar: Progress
    expect_files: bool = False
    pending: list[Media] = field(default_factory=list)

    def read(self, path: Path, importer: Any) -> None:
        try:
            for item in importer.read(Source(path)):
                if isinstance(item, tuple):
                    raw, records = item
                    for post in (r for r in records if isinstance(r, Post) and r.media):
                        self.post(post, raw.data, str(path), raw.line)
                if len(self.pending) >= _BATCH:
                    self.flush()
        except InputFileError:
            pass  # a damaged file: the posts pass reported it; keep what was mapped before
        self.flush()

    def post(self, post: Post, raw: Any, source: str, line: int) -> None:
        for media, attachment in map_media(post, raw, self.pseudonymizer):
            self.summary.attachments += 1
            self.summary.by_kind[media.kind] = self.summary.by_kind.get(media.kind, 0) + 1
            self._store_file(post, media, attachment, source, line)
            self.pending.append(media)
        self.bar.advance(1)

    def _store_file(self, post: Post, media: Media, attachment: Attachment, source: str, line: int) -> None:
        found = self.finder.find(local_names(post, attachment), self.folders)
        field_name = f"media[{media.position}]"
        if found is None:
            if self.expect_files and (media.url or attachment.cid):
                self.summary.missing += 1
                self._reject(source, line, field_name, "E120 media file not found in the export or --media-dir", media)
            return
        try:
            stored = self.library.add(found, media.kind)
        except MediaError as exc:
            self.summary.unreadable += 1
            self._reject(source, line, field_name, f"E120 {exc.reason}", media)
            return
        self.summary.stored += 1
        media.path, media.sha256, media.size_bytes = stored.path, stored.sha256, stored.size_bytes
        media.mime = stored.mime or media.mime
        media.width, media.height, media.phash = stored.width, stored.height, stored.phash
        media.duration = stored.duration if stored.duration is not None else media.duration
        media.kind = stored.kind if media.kind != "gif" else "gif"

    def _reject(self, source: str, line: int, field_name: str, reason: str, media: Media) -> None:
        row = {
            "source": source,
            "line": line,
            "field": field_name,
            "reason": reason,
            "excerpt": media.url or "",  # already pseudonymised
        }
        self.reject_file.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))

    def flush(self) -> None:
        if self.pending:
            write_media(self.store, self.pending)
            self.pending = []
