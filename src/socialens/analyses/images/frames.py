"""The worker side of ``analyze images``: attachments -> frames -> labels, features, text, NSFW score.

A worker gets a :class:`MediaBatch` (the Media records and where their clean copies are, no
store) and builds its models once (:class:`ImageStages`, a picklable recipe the engine calls
once per worker). A still picture is one frame (``frame_ms = 0``); a video or an animated clip
gives one key frame per shot with its time. OCR text comes back as read: the task scrubs and
pseudonymises it before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.errors import MediaError
from socialens.pipeline.runners import AnalysedMedia, MediaBatch
from socialens.schema import Media

if TYPE_CHECKING:
    from PIL import Image

MODEL = "images.efficientnet_lite0.v1"
_VIDEO_SUFFIXES = (".mp4", ".webm", ".avi", ".mov")


@dataclass(frozen=True, slots=True)
class ImageStages:
    """The per-worker recipe: which models a worker loads (once) to analyse pictures."""

    ocr: bool = True
    nsfw: bool = False
    batch_size: int = 32
    threads: int = 2

    def __call__(self) -> dict[str, Any]:
        from socialens.analyses.images.nsfw import NsfwScorer
        from socialens.analyses.images.ocr import TextReader
        from socialens.analyses.images.tagger import ImageTagger

        return {
            "tagger": ImageTagger(batch_size=self.batch_size, threads=self.threads),
            "reader": TextReader(threads=self.threads) if self.ocr else None,
            "nsfw": NsfwScorer(threads=self.threads) if self.nsfw else None,
        }


@dataclass(slots=True)
class Frame:
    media: Media
    ms: int
    picture: Image.Image
    phash: str | None


def frames_of(media: Media, path: Path) -> list[Frame]:
    """A still picture as one frame; a video (or GIF clip) as one key frame per shot."""
    from socialens.media.hashing import perceptual_hash
    from socialens.media.images import clean_image, open_image

    if path.suffix.lower() in _VIDEO_SUFFIXES or media.kind == "video":
        from socialens.media.video import key_frames

        return [Frame(media, k.ms, k.image, perceptual_hash(k.image)) for k in key_frames(path)]
    picture = clean_image(open_image(path, name=media.path))
    return [Frame(media, 0, picture, media.phash or perceptual_hash(picture))]


def analyse_batch(stages: dict[str, Any], batch: MediaBatch) -> AnalysedMedia:
    """Every frame of the batch through the worker's models."""
    out = AnalysedMedia([m.id for m in batch.media])
    frames: list[Frame] = []
    for media, path in zip(batch.media, batch.paths, strict=True):
        try:
            frames.extend(frames_of(media, Path(path)))
        except MediaError as exc:
            out.failed.append({"media": media.id, "path": media.path, "reason": exc.reason})
    if not frames:
        return out
    pictures = [f.picture for f in frames]
    tags = stages["tagger"].transform(pictures)
    texts = stages["reader"].transform(pictures) if stages["reader"] else None
    nsfw = stages["nsfw"].transform(pictures) if stages["nsfw"] else None
    for i, frame in enumerate(frames):
        best = tags.labels[i][0] if tags.labels[i] else (None, None)
        text = texts[i] if texts else None
        out.rows.append(
            {
                "platform": frame.media.platform,
                "media_id": frame.media.id,
                "frame_ms": frame.ms,
                "post": frame.media.post,
                "phash": frame.phash,
                "labels": _labels_json(tags.labels[i]),
                "top_label": best[0],
                "top_score": best[1],
                "features": tags.features[i].tolist(),
                "ocr_text": text.text if text and text.text else None,
                "ocr_lang": text.lang if text else None,
                "nsfw": nsfw[i] if nsfw else None,
                "model": MODEL,
            }
        )
    return out


def _labels_json(labels: list[tuple[str, float]]) -> str:
    import orjson

    return orjson.dumps([{"label": name, "p": p} for name, p in labels]).decode()
