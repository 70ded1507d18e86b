"""The report's images section: attachments, labels, text in pictures, near-duplicate groups.

A view (:func:`images_view`, JSON-able data over the selected posts, what the REST API serves)
and its HTML renderer (:func:`render_images`), joined by ``report_view``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialens.pipeline.selection import Selection
from socialens.report.sections import Section, report_view
from socialens.store import Store

_TEXT_SAMPLE = 160


@dataclass(frozen=True, slots=True)
class ImagesView:
    attachments: dict[str, int]  # by kind
    stored: int  # clean copies (no EXIF/GPS) in the media library
    frames: dict[str, int] = field(default_factory=dict)  # frames, with_text, video_frames, nsfw_*
    top_labels: list[tuple[str, int]] = field(default_factory=list)
    duplicate_groups: list[dict[str, Any]] = field(default_factory=list)
    visual_clusters: list[dict[str, Any]] = field(default_factory=list)
    image_text_scores: dict[str, dict[str, int]] = field(default_factory=dict)  # task -> label -> posts


def images_view(store: Store, selection: Selection | None = None) -> ImagesView | None:
    """What the selected posts' pictures hold; None when they have no attachments."""
    from socialens.store import scores
    from socialens.store.media_queries import duplicate_groups, frame_summary, media_counts, top_labels, visual_groups

    counts = media_counts(store)
    stored = counts.pop("stored", 0)
    if not stored and not any(counts.values()):
        return None
    summary = frame_summary(store)
    if not summary["frames"]:
        return ImagesView(counts, stored, summary)
    texts = {task: dict(scores.label_counts(store, task)) for task in ("sentiment.image_text", "topic.image_text")}
    return ImagesView(
        counts,
        stored,
        summary,
        top_labels(store),
        duplicate_groups(store),
        visual_groups(store),
        {task: {str(k): int(v) for k, v in found.items()} for task, found in texts.items() if found},
    )


@report_view("images", images_view, order=50)
def render_images(view: ImagesView) -> Section:
    from socialens.report.html import stat_grid, table

    stats = [(kind, n, "attachments") for kind, n in view.attachments.items()]
    stats.append(("stored copies", view.stored, "without EXIF/GPS"))
    if not view.frames.get("frames"):
        note = '<p class="note">Run <code>socialens analyze images</code> for labels, text and duplicates.</p>'
        return Section(title="Images", html=stat_grid(stats) + note)
    frames = view.frames
    stats += [
        ("frames analysed", frames["frames"], f"{frames['video_frames']:,} from videos"),
        ("with text", frames["with_text"], "OCR"),
    ]
    if frames["nsfw_scored"]:
        stats.append(("NSFW ≥ 0.5", frames["nsfw_flagged"], f"of {frames['nsfw_scored']:,} scored"))
    parts = [stat_grid(stats), "<h3>Most common labels</h3>", table(["Label", "Frames"], view.top_labels, numeric=(1,))]
    if view.duplicate_groups:
        rows = [
            (g["pictures"], g["posts"], g["label"], _short(g["text"]), g["first"], g["last"], g["group"])
            for g in view.duplicate_groups
        ]
        parts += [
            "<h3>Near-duplicate and meme groups</h3>",
            table(["Pictures", "Posts", "Label", "Text in picture", "First", "Last", "pHash"], rows, (0, 1), text=3),
        ]
    if len(view.visual_clusters) > 1:
        clusters = [(v["cluster"], v["frames"], ", ".join(v["labels"])) for v in view.visual_clusters]
        parts += ["<h3>Visual clusters</h3>", table(["Cluster", "Frames", "Common labels"], clusters, numeric=(1,))]
    for task, labels in view.image_text_scores.items():
        title = "Sentiment of image text" if task.startswith("sentiment") else "Topics of image text"
        parts += [f"<h3>{title}</h3>", table(["Label", "Posts"], sorted(labels.items()), numeric=(1,))]
    note = (
        '<p class="note">Labels: EfficientNet-lite0 ImageNet classes (1,000 everyday objects; not trained on '
        "social-media pictures). Groups join pictures whose perceptual hashes differ in at most a few bits. "
        "Text in pictures is scrubbed and pseudonymised like post text; its sentiment and topics "
        "(<code>sentiment.image_text</code>, <code>topic.image_text</code>) are kept apart from the posts' own.</p>"
    )
    return Section(title="Images", html="".join(parts) + note)


def _short(text: str | None) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= _TEXT_SAMPLE else flat[: _TEXT_SAMPLE - 1] + "…"
