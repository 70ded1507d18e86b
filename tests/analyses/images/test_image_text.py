"""Image text through the post-level runner: scored beside the post's own text, resumable, and
scored again when the pictures were analysed again."""

from __future__ import annotations

from pathlib import Path

from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.pipeline import run_tasks
from socialens.schema import Media
from socialens.store import Store
from socialens.store.media_queries import replace_frames, write_media
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


def _picture_text(store: Store, text: str) -> None:
    """What ``analyze images`` writes for post 4's picture (a frame with OCR text)."""
    frame = {"platform": "twitter", "media_id": "m4", "frame_ms": 0, "post": "4", "ocr_text": text, "ocr_lang": "en"}
    replace_frames(store, ["m4"], [frame])


def test_sentiment_scores_image_text_apart_and_again_after_a_new_analysis(store: Store, tmp_path: Path) -> None:
    models = tmp_path / "models"
    train_sentiment("en", "vader", registry_root=models)
    ingest_corpus(store, tmp_path)
    write_media(store, [Media(id="m4", post="4", platform="twitter", kind="image")])
    _picture_text(store, "I hate this, awful and terrible")

    (first,) = run_tasks(store, ["sentiment"], models_dir=models)
    assert first.data["image_text"]["scored"] == 1 and "pictures" in first.summary

    def image_label() -> list[tuple[str, str]]:
        return rows(store, "SELECT post_id, label FROM post_scores WHERE task = 'sentiment.image_text'")

    own = rows(store, "SELECT label FROM post_scores WHERE task = 'sentiment' AND post_id = '4'")
    assert image_label() == [("4", "negative")] and own == [("positive",)]  # "Merry christmas, happy holidays"
    (again,) = run_tasks(store, ["sentiment"], models_dir=models)
    assert again.rows == 0  # nothing new: resumable on the same run key
    _picture_text(store, "What a wonderful, lovely day")  # the picture analysed again, other text
    (third,) = run_tasks(store, ["sentiment"], models_dir=models)
    assert third.rows == 1 and image_label() == [("4", "positive")]
