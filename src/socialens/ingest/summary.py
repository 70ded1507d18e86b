"""What an ingest reports: per file (``FileResult``) and per run (``IngestSummary``, its JSON form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialens.store import UpsertCounts


@dataclass(slots=True)
class FileResult:
    path: str
    format: str
    read: int = 0
    rejected: int = 0
    counts: dict[str, UpsertCounts] = field(default_factory=dict)
    error: str | None = None
    #: Posts whose text was cut to the text cap (``max_text_chars``).
    truncated: int = 0
    #: Interaction records that repeated another's key (same actor, kind, target and time)
    #: within a batch, so were stored as one: e.g. ratings without a timestamp.
    duplicates: int = 0
    #: Something the user should know that is not an error (e.g. "the file is empty").
    note: str | None = None
    #: How the file was read, for the ingest history (e.g. the reference of relative times).
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class IngestSummary:
    run_id: str
    files: list[FileResult]
    seconds: float
    rejects_path: str
    #: What the media pass found (``socialens.ingest.media_files.MediaSummary``), when it ran.
    media: Any = None

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

    @property
    def notes(self) -> list[str]:
        return [f"{f.path}: {f.note}" for f in self.files if f.note]

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
            "truncated": sum(f.truncated for f in self.files),
            "duplicates": sum(f.duplicates for f in self.files),
            "rejects_file": self.rejects_path if self.rejected else None,
            "errors": self.errors,
            "notes": self.notes,
            "files": [
                {
                    "path": f.path,
                    "format": f.format,
                    "read": f.read,
                    "rejected": f.rejected,
                    "truncated": f.truncated,
                    "duplicates": f.duplicates,
                    "error": f.error,
                    "note": f.note,
                }
                for f in self.files
            ],
            **({"media": self.media.as_dict()} if self.media is not None else {}),
        }
