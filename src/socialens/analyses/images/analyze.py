"""``socialens analyze images``: labels, features, text, groups and an optional NSFW score per picture.

Every stored attachment (``media`` rows with a clean copy in the store's media library) is
turned into frames: a still picture is one frame (``frame_ms = 0``), a video or animated GIF
gives one key frame per shot with its time. Each frame gets EfficientNet-lite0 features and
ImageNet labels, the text OCR reads in it (scrubbed and pseudonymised like post text), and with
``nsfw=true`` a NudeNet score; results go to ``media_frames``. Then, over all frames in the
store: near-duplicate/meme groups by pHash and visual clusters over the features. The text in
a post's pictures is scored for sentiment (``post_scores`` task ``sentiment.image_text``) and,
when ``analyze topics`` has fitted a model, assigned a topic (``topic.image_text``).

Options (``-o key=value``): ``ocr`` (true), ``nsfw`` (false), ``max_distance`` (10 bits),
``clusters`` (visual clusters; default about sqrt(frames / 2)), ``batch_size`` (32),
``threads`` (2), ``reanalyse`` (false: only media not analysed yet), ``classifier`` (a model
trained with ``train image-classifier``, or ``default``: each post's pictures get its class,
``post_scores`` task ``image_class``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.errors import ConfigError, MediaError, SocialensError
from socialens.progress import NoProgress, Progress
from socialens.schema import Media
from socialens.store import Store

if TYPE_CHECKING:
    from PIL import Image

TASK = "images"
MODEL = "images.efficientnet_lite0.v1"
_DEFAULTS = {
    "ocr": "true",
    "nsfw": "false",
    "max_distance": "10",
    "clusters": "",
    "batch_size": "32",
    "threads": "2",
    "reanalyse": "false",
    "classifier": "",
}
# Pictures handled per store write: bounded memory whatever the library's size.
_CHUNK = 64


@dataclass
class ImageSettings:
    ocr: bool = True
    nsfw: bool = False
    max_distance: int = 10
    clusters: int | None = None
    batch_size: int = 32
    threads: int = 2
    reanalyse: bool = False
    classifier: str = ""

    @classmethod
    def from_options(cls, options: dict[str, str]) -> ImageSettings:
        unknown = sorted(set(options) - set(_DEFAULTS))
        if unknown:
            raise ConfigError(f"unknown option(s) for images: {unknown}; known: {sorted(_DEFAULTS)}")
        merged = {**_DEFAULTS, **options}
        try:
            return cls(
                ocr=_flag(merged["ocr"]),
                nsfw=_flag(merged["nsfw"]),
                max_distance=int(merged["max_distance"]),
                clusters=int(merged["clusters"]) if merged["clusters"] else None,
                batch_size=int(merged["batch_size"]),
                threads=int(merged["threads"]),
                reanalyse=_flag(merged["reanalyse"]),
                classifier=merged["classifier"],
            )
        except ValueError as exc:
            raise ConfigError(f"images options: {exc}") from None


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError(f"expected true or false, got {value!r}")
    return lowered in ("true", "1", "yes")


@dataclass(slots=True)
class Frame:
    media: Media
    ms: int
    picture: Image.Image
    phash: str | None


@dataclass
class _Counts:
    media: int = 0
    frames: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)


def analyze_images(
    store: Store,
    settings: ImageSettings | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Analyse the store's stored media; returns counts, top labels and what the text scores did."""
    from socialens.analyses.images.image_text import score_image_texts, text_scrubber
    from socialens.media.library import MediaLibrary
    from socialens.store.media_queries import analysed_media_ids, frame_summary, read_media, top_labels

    settings = settings or ImageSettings()
    bar = progress or NoProgress()
    media = read_media(store, only_stored=True)
    if not settings.reanalyse:
        done = analysed_media_ids(store)
        media = [m for m in media if m.id not in done]
    stages = _stages(settings)
    scrub = text_scrubber(store)
    library = MediaLibrary.beside(store.path)
    counts = _Counts()
    bar.start("analysing pictures", len(media))
    for start in range(0, len(media), _CHUNK):
        chunk = media[start : start + _CHUNK]
        _analyse_chunk(store, chunk, library, stages, scrub, counts)
        bar.advance(len(chunk))
    bar.start("grouping pictures", None)
    groups = group_frames(store, settings)
    _note_failures(store, counts.failed)
    texts = score_image_texts(store, models_dir) if settings.ocr else {"skipped": "ocr=false"}
    classes = _classify(store, models_dir, settings.classifier)
    summary = frame_summary(store)
    return {
        "analysed_media": counts.media,
        "new_frames": counts.frames,
        "failed": len(counts.failed),
        **summary,
        **groups,
        "top_labels": top_labels(store, 10),
        "image_text": texts,
        **({"image_class": classes} if classes else {}),
        "summary": (
            f"analysed {counts.media:,} media ({counts.frames:,} frames, {len(counts.failed):,} unreadable); "
            f"store: {summary['frames']:,} frames, {summary['with_text']:,} with text, "
            f"{groups['duplicate_groups']:,} near-duplicate groups, {groups['visual_clusters']:,} visual clusters"
        ),
    }


def _classify(store: Store, models_dir: Path | None, name: str) -> dict[str, Any] | None:
    if not name:
        return None
    from socialens.analyses.images.classifier import classify_posts

    return classify_posts(store, models_dir, name)


def _stages(settings: ImageSettings) -> dict[str, Any]:
    from socialens.analyses.images.nsfw import NsfwScorer
    from socialens.analyses.images.ocr import TextReader
    from socialens.analyses.images.tagger import ImageTagger

    return {
        "tagger": ImageTagger(batch_size=settings.batch_size, threads=settings.threads),
        "reader": TextReader(threads=settings.threads) if settings.ocr else None,
        "nsfw": NsfwScorer(threads=settings.threads) if settings.nsfw else None,
    }


def frames_of(media: Media, path: Path) -> list[Frame]:
    """A still picture as one frame; a video (or GIF clip) as one key frame per shot."""
    from socialens.media.hashing import perceptual_hash
    from socialens.media.images import clean_image, open_image

    if path.suffix.lower() in (".mp4", ".webm", ".avi", ".mov") or media.kind == "video":
        from socialens.media.video import key_frames

        return [Frame(media, k.ms, k.image, perceptual_hash(k.image)) for k in key_frames(path)]
    picture = clean_image(open_image(path, name=media.path))
    return [Frame(media, 0, picture, media.phash or perceptual_hash(picture))]


def _analyse_chunk(
    store: Store,
    chunk: list[Media],
    library: Any,
    stages: dict[str, Any],
    scrub: Callable[[str, str], str],
    counts: _Counts,
) -> None:
    from socialens.store.media_queries import clear_frames, write_frames

    frames: list[Frame] = []
    for media in chunk:
        try:
            frames.extend(frames_of(media, library.resolve(media.path or "")))
            counts.media += 1
        except MediaError as exc:
            counts.failed.append({"media": media.id, "path": media.path, "reason": exc.reason})
    pictures = [f.picture for f in frames]
    tags = stages["tagger"].transform(pictures)
    texts = stages["reader"].transform(pictures) if stages["reader"] else None
    nsfw = stages["nsfw"].transform(pictures) if stages["nsfw"] else None
    rows = []
    for i, frame in enumerate(frames):
        best = tags.labels[i][0] if tags.labels[i] else (None, None)
        text = texts[i] if texts else None
        rows.append(
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
                "ocr_text": scrub(frame.media.platform, text.text) if text and text.text else None,
                "ocr_lang": text.lang if text else None,
                "nsfw": nsfw[i] if nsfw else None,
                "model": MODEL,
            }
        )
    clear_frames(store, [m.id for m in chunk])
    write_frames(store, rows)
    counts.frames += len(rows)


def _labels_json(labels: list[tuple[str, float]]) -> str:
    import orjson

    return orjson.dumps([{"label": name, "p": p} for name, p in labels]).decode()


def group_frames(store: Store, settings: ImageSettings) -> dict[str, int]:
    """Near-duplicate groups and visual clusters over every frame in the store."""
    from socialens.analyses.images.clusters import DuplicateClusters, VisualClusters
    from socialens.store.media_queries import read_frame_vectors, set_frame_groups

    keys = read_frame_vectors(store)
    duplicate = DuplicateClusters(max_distance=settings.max_distance).fit_predict(keys["phash"])
    visual = VisualClusters(n_clusters=settings.clusters).fit_predict(keys["features"])
    set_frame_groups(store, keys, duplicate, visual)
    return {
        "duplicate_groups": len({d for d in duplicate if d}),
        "in_duplicate_groups": sum(1 for d in duplicate if d),
        "visual_clusters": len(set(visual)),
    }


def _note_failures(store: Store, failed: list[dict[str, Any]]) -> None:
    """Unreadable stored copies go to the store's rejects file, like ingest's bad records."""
    if not failed:
        return
    import orjson

    with open(store.path.with_suffix(".rejects.jsonl"), "ab") as rejects:
        for item in failed:
            row = {"source": f"media:{item['media']}", "line": 0, "field": "path", "reason": f"E120 {item['reason']}"}
            rejects.write(orjson.dumps({**row, "excerpt": item["path"] or ""}, option=orjson.OPT_APPEND_NEWLINE))


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``socialens analyze images``."""
    settings = ImageSettings.from_options(options)
    try:
        return analyze_images(store, settings, models_dir, progress)
    except ImportError as exc:  # an optional package missing below the components' own checks
        raise SocialensError(
            f"analyze images needs the images extra: pip install 'socialens[images]' ({exc})"
        ) from None
