"""The report's images section: attachments, labels, text in pictures, near-duplicate groups."""

from __future__ import annotations

from socialens.report.sections import Section, report_section
from socialens.store import Store

_TEXT_SAMPLE = 160


@report_section("images", order=50)
def images_section(store: Store) -> Section | None:
    from socialens.report.html import stat_grid, table
    from socialens.store.media_queries import duplicate_groups, frame_summary, media_counts, top_labels, visual_groups

    counts = media_counts(store)
    if not counts.get("stored") and not any(v for k, v in counts.items() if k != "stored"):
        return None
    stats = [(kind, n, "attachments") for kind, n in counts.items() if kind != "stored"]
    stats.append(("stored copies", counts["stored"], "without EXIF/GPS"))
    summary = frame_summary(store)
    if not summary["frames"]:
        note = '<p class="note">Run <code>socialens analyze images</code> for labels, text and duplicates.</p>'
        return Section(title="Images", html=stat_grid(stats) + note)
    stats += [
        ("frames analysed", summary["frames"], f"{summary['video_frames']:,} from videos"),
        ("with text", summary["with_text"], "OCR"),
    ]
    if summary["nsfw_scored"]:
        stats.append(("NSFW ≥ 0.5", summary["nsfw_flagged"], f"of {summary['nsfw_scored']:,} scored"))
    parts = [
        stat_grid(stats),
        "<h3>Most common labels</h3>",
        table(["Label", "Frames"], top_labels(store), numeric=(1,)),
    ]
    groups = duplicate_groups(store)
    if groups:
        rows = [
            (g["pictures"], g["posts"], g["label"], _short(g["text"]), g["first"], g["last"], g["group"])
            for g in groups
        ]
        parts += [
            "<h3>Near-duplicate and meme groups</h3>",
            table(["Pictures", "Posts", "Label", "Text in picture", "First", "Last", "pHash"], rows, (0, 1), text=3),
        ]
    visual = visual_groups(store)
    if len(visual) > 1:
        clusters = [(v["cluster"], v["frames"], ", ".join(v["labels"])) for v in visual]
        parts += ["<h3>Visual clusters</h3>", table(["Cluster", "Frames", "Common labels"], clusters, numeric=(1,))]
    note = (
        '<p class="note">Labels: EfficientNet-lite0 ImageNet classes (1,000 everyday objects; not trained on '
        "social-media pictures). Groups join pictures whose perceptual hashes differ in at most a few bits. "
        "Text in pictures is scrubbed and pseudonymised like post text.</p>"
    )
    return Section(title="Images", html="".join(parts) + note)


def _short(text: str | None) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= _TEXT_SAMPLE else flat[: _TEXT_SAMPLE - 1] + "…"
