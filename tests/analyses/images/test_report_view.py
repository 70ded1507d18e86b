"""The images view reads the selected posts only, and its data is what the report renders."""

from __future__ import annotations

from pathlib import Path

from socialens.pipeline import Selection
from socialens.report.sections import build_sections, build_views
from socialens.schema import Media
from socialens.store import Store
from socialens.store.media_queries import write_frames, write_media
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


def test_view_follows_the_selection_and_the_renderer_shows_it(store: Store, tmp_path: Path) -> None:
    ingest_corpus(store, tmp_path)
    posts = dict(rows(store, "SELECT id, created_at FROM posts"))
    write_media(store, [Media(id=f"m{p}", post=p, platform="twitter", kind="image", path=f"x/{p}.jpg") for p in posts])
    write_frames(
        store,
        [{"platform": "twitter", "media_id": f"m{p}", "frame_ms": 0, "post": p, "top_label": "tabby",
          "duplicate_cluster": "g1" if p in ("1", "2") else None, "ocr_text": "sale" if p == "1" else None}
         for p in posts],
    )  # fmt: skip
    everything = build_views(store, only=["images"])["images"]
    assert everything["stored"] == 6 and everything["frames"]["frames"] == 6
    assert everything["top_labels"] == [["tabby", 6]] and everything["duplicate_groups"][0]["posts"] == 2
    since = Selection(since="2024-02-01")  # posts 2, 3, 5, 6
    selected = build_views(store, since, only=["images"])["images"]
    assert selected["frames"]["frames"] == 4 and selected["frames"]["with_text"] == 0
    assert selected["duplicate_groups"][0]["posts"] == 1
    assert build_views(store, Selection(query="zzqqxx"), only=["images"]) == {}  # nothing selected: no section
    (section,) = build_sections(store, only=["images"])
    assert "tabby" in section.html and "Near-duplicate" in section.html
