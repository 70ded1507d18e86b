"""``socialens analyze images``: labels, features, text, groups and an optional NSFW score per picture.

The task reads the stored attachments of the selected posts (``media`` rows with a clean copy
in the store's media library) and hands them to the media runner
(:func:`socialens.pipeline.runners.analyse_media`), which maps :mod:`.frames` over the executor:
each frame (a still picture, or one key frame per shot of a video) gets EfficientNet-lite0
features and ImageNet labels, the text OCR reads in it (scrubbed and pseudonymised here, like
post text, before it is written) and, with ``nsfw=true``, a NudeNet score; rows go to
``media_frames``. Then, over every frame in the store: near-duplicate/meme groups by pHash and
visual clusters over the features. With ``classifier`` set, a model trained with ``socialens
train image-classifier`` labels each post's pictures (``post_scores`` task ``image_class``); with
a late-fusion model registered (``socialens train fusion``), posts with both text and a picture
get its label (``post_scores`` task ``fusion``).

The text read in pictures is *image text*: ``analyze sentiment`` and ``analyze topics`` score it
beside the posts' own text, under ``sentiment.image_text`` and ``topic.image_text``
(``socialens run images sentiment topics`` runs them in that order).

Settings (``-o key=value``): ``ocr`` (true), ``nsfw`` (false), ``max_distance`` (10 bits),
``clusters`` (visual clusters; default about sqrt(frames / 2)), ``batch_size`` (16 pictures per
batch sent to a worker), ``threads`` (2 per worker), ``reanalyse`` (false: only media not
analysed with these settings), ``classifier`` (a model name, or ``default``), ``fusion``
(``auto``: the default fusion model when one is registered; ``none``; or a model name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from socialens.analyses.images.frames import MODEL, ImageStages, analyse_batch
from socialens.errors import ConfigError, SocialensError
from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from socialens.pipeline.context import Context
    from socialens.store import Store

TASK = "images"


@dataclass(frozen=True, slots=True)
class ImagesSettings:
    ocr: bool = True
    nsfw: bool = False
    max_distance: int = 10  # pHash bits two near-duplicates may differ in
    clusters: int | None = None  # visual clusters; None: about sqrt(frames / 2)
    batch_size: int = 16  # pictures per batch sent to a worker
    threads: int = 2  # ONNX Runtime threads per worker
    reanalyse: bool = False
    classifier: str = ""  # a registered image classifier, "default", or "" for none
    fusion: str = "auto"  # "auto": the default fusion model if one is registered; "none"; or a name

    def __post_init__(self) -> None:
        for name in ("batch_size", "threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"images setting {name}={getattr(self, name)}: must be at least 1")
        if not 0 <= self.max_distance <= 64:
            raise ConfigError(f"images setting max_distance={self.max_distance}: must be 0 to 64 (bits of a pHash)")
        if self.clusters is not None and self.clusters < 1:
            raise ConfigError(f"images setting clusters={self.clusters}: must be at least 1 (or auto)")


class ImagesTask(Task):
    name = TASK
    kind = "media"
    Settings = ImagesSettings
    requires = ("posts",)
    uses = ("media",)
    assigns = ("media_frames", "post_scores.image_class", "post_scores.fusion")
    volatile: ClassVar[tuple[str, ...]] = ("batch_size", "threads", "reanalyse", "max_distance", "clusters")

    def frame_key(self) -> str:
        """What decides a frame's row: the models and the per-frame settings (not the grouping)."""
        import hashlib

        return hashlib.sha256(f"{MODEL};ocr={self.settings.ocr};nsfw={self.settings.nsfw}".encode()).hexdigest()[:16]

    def run(self, ctx: Context) -> TaskResult:
        from socialens.pipeline.runners import analyse_media
        from socialens.store.media_queries import clear_run_keys, frame_summary, top_labels

        s = self.settings
        key = self.frame_key()
        if s.reanalyse:
            clear_run_keys(ctx.store)
        stages = ImageStages(ocr=s.ocr, nsfw=s.nsfw, batch_size=s.batch_size, threads=s.threads)
        try:
            media, frames, failed = analyse_media(
                ctx, key, stages, analyse_batch, frame_cleaner(ctx.store), s.batch_size
            )
        except ImportError as exc:  # an optional package missing below the components' own checks
            raise missing_extra(exc) from None
        note_failures(ctx.store, failed)
        ctx.progress.start("grouping pictures", None)
        groups = group_frames(ctx.store, s.max_distance, s.clusters)
        summary = frame_summary(ctx.store)
        data: dict[str, Any] = {
            "analysed_media": media,
            "new_frames": frames,
            "failed": len(failed),
            **summary,
            **groups,
            "top_labels": [{"label": label, "frames": n} for label, n in top_labels(ctx.store, 10)],
            "model": MODEL,
        }
        if s.classifier and summary["frames"]:
            from socialens.analyses.images.classifier import classify_posts

            data["image_class"] = classify_posts(ctx.store, ctx.models_dir, s.classifier)
        if s.fusion != "none" and summary["frames"]:
            from socialens.analyses.images.fusion_posts import fuse_posts

            data["fusion"] = fuse_posts(ctx.store, ctx.models_dir, s.fusion)
        data["summary"] = (
            f"analysed {media:,} media ({frames:,} frames, {len(failed):,} unreadable); "
            f"selection: {summary['frames']:,} frames, {summary['with_text']:,} with text, "
            f"{groups['duplicate_groups']:,} near-duplicate groups, {groups['visual_clusters']:,} visual clusters"
        )
        return self.result(data, rows=frames)


def frame_cleaner(store: Store) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A frame row with its OCR text scrubbed and pseudonymised like post text."""
    from socialens.analyses.images.image_text import text_scrubber

    scrub = text_scrubber(store)

    def clean(row: dict[str, Any]) -> dict[str, Any]:
        text = row.get("ocr_text")
        return {**row, "ocr_text": scrub(row["platform"], text) if text else None}

    return clean


def group_frames(store: Store, max_distance: int = 10, clusters: int | None = None) -> dict[str, int]:
    """Near-duplicate groups and visual clusters over every frame in the store."""
    from socialens.store.media_queries import read_frame_vectors, set_frame_groups

    keys = read_frame_vectors(store)
    if not keys["media_id"]:
        return {"duplicate_groups": 0, "in_duplicate_groups": 0, "visual_clusters": 0}
    from socialens.analyses.images.clusters import DuplicateClusters, VisualClusters

    duplicate = DuplicateClusters(max_distance=max_distance).fit_predict(keys["phash"])
    visual = VisualClusters(n_clusters=clusters).fit_predict(keys["features"])
    set_frame_groups(store, keys, duplicate, visual)
    return {
        "duplicate_groups": len({d for d in duplicate if d}),
        "in_duplicate_groups": sum(1 for d in duplicate if d),
        "visual_clusters": len(set(visual)),
    }


def note_failures(store: Store, failed: list[dict[str, Any]]) -> None:
    """Unreadable stored copies go to the store's rejects file, like ingest's bad records."""
    if not failed:
        return
    import orjson

    with open(store.path.with_suffix(".rejects.jsonl"), "ab") as rejects:
        for item in failed:
            row = {"source": f"media:{item['media']}", "line": 0, "field": "path", "reason": f"E120 {item['reason']}"}
            rejects.write(orjson.dumps({**row, "excerpt": item["path"] or ""}, option=orjson.OPT_APPEND_NEWLINE))


def missing_extra(exc: ImportError) -> SocialensError:
    return SocialensError(f"analyze images needs the images extra: pip install 'socialens[images]' ({exc})")
