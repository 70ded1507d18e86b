"""The store's own copies of media files, beside the store file (``<store>.media/``).

A copy is named by the SHA-256 of the original file, so the same picture attached twice is
stored once, and it holds pixels (or audio/video streams) only: pictures are re-encoded from
their pixel data, videos are remuxed without container or stream tags. The originals, with
whatever EXIF or GPS data they carry, are read once and never referenced by the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from socialens.errors import MediaError
from socialens.media.hashing import perceptual_hash, sha256_file
from socialens.media.images import STORED_MAX_SIDE, encode_clean, fit_within, mime_type, open_image

_LOSSLESS = ("image/png", "image/gif", "image/bmp")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the store records about a file it copied: ``path`` is relative to the library."""

    path: str
    kind: str
    sha256: str
    size_bytes: int
    mime: str | None
    width: int
    height: int
    phash: str
    duration: float | None = None


class MediaLibrary:
    """A folder of clean, content-addressed media copies."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def beside(cls, store_path: Path) -> MediaLibrary:
        """The library of the store at ``store_path``: ``<store>.media/`` next to it."""
        return cls(store_path.with_suffix(".media"))

    def resolve(self, relative: str) -> Path:
        return self.root / relative

    def add(self, source: Path, kind_hint: str = "image") -> StoredFile:
        """Copy ``source`` in (once per content) and describe it; ``MediaError`` when it is neither
        a readable picture nor a readable video."""
        if not source.is_file():
            raise MediaError(source.name, "file not found")
        digest, size = sha256_file(source)
        try:
            return self._add_image(source, digest, size, kind_hint)
        except MediaError as as_image:
            try:
                return self._add_video(source, digest, size, kind_hint)
            except MediaError:
                if kind_hint == "image":
                    raise MediaError(source.name, as_image.reason) from None
                raise MediaError(source.name, "neither a readable image nor a readable video") from None

    def _add_image(self, source: Path, digest: str, size: int, kind_hint: str) -> StoredFile:
        image = open_image(source, name=source.name)
        mime = mime_type(image)
        animated = getattr(image, "n_frames", 1) > 1
        data, extension = encode_clean(fit_within(image, STORED_MAX_SIDE), lossless=mime in _LOSSLESS)
        relative = f"{digest[:2]}/{digest}.{extension}"
        target = self.resolve(relative)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        kind = "gif" if animated or mime == "image/gif" else "image"
        return StoredFile(relative, kind, digest, size, mime, image.width, image.height, perceptual_hash(image))

    def _add_video(self, source: Path, digest: str, size: int, kind_hint: str) -> StoredFile:
        from socialens.media.video import copy_without_metadata, first_frame, probe_video

        info = probe_video(source)
        folder = self.resolve(digest[:2])
        existing = next(folder.glob(f"{digest}.*"), None) if folder.exists() else None
        target = existing or copy_without_metadata(source, folder, digest)
        relative = f"{digest[:2]}/{target.name}"
        kind = "gif" if kind_hint == "gif" else "video"
        mime = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif"}.get(target.suffix.lstrip("."))
        frame = first_frame(target)
        return StoredFile(
            relative, kind, digest, size, mime, info.width, info.height, perceptual_hash(frame), info.duration
        )
