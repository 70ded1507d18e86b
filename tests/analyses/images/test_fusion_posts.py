"""``socialens train fusion`` registers a late-fusion model; ``analyze images`` then labels each post
that has both text and an analysed picture with it (the path its evaluation went through)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socialens.analyses.fusion.train import run as train_fusion_model
from socialens.analyses.images.fusion_posts import FUSION_TASK, fuse_posts, load_fusion
from socialens.errors import ConfigError
from socialens.pipeline import run_tasks
from socialens.schema import Media
from socialens.store import Store
from socialens.store.media_queries import write_frames, write_media
from socialens.training.request import TrainRequest
from tests.conftest import rows
from tests.pipeline.corpus import ingest_corpus


def _pictures_for_posts(store: Store) -> None:
    """Frames as an earlier ``analyze images`` wrote them, for three posts of the corpus (their files
    gone since, so the run below only groups and fuses)."""
    posts = [p for (p,) in rows(store, "SELECT id FROM posts ORDER BY id LIMIT 3")]
    write_media(store, [Media(id=f"m{p}", post=p, platform="twitter", kind="image") for p in posts])
    features = np.random.default_rng(0).random((len(posts), 1280), dtype=np.float32)
    write_frames(
        store,
        [{"platform": "twitter", "media_id": f"m{p}", "frame_ms": 0, "post": p, "features": features[i].tolist(),
          "run_key": "k"} for i, p in enumerate(posts)],
    )  # fmt: skip


@pytest.mark.timeout(900)
def test_train_fusion_registers_a_model_that_images_applies_to_posts(store: Store, tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert fuse_posts(store, models)["fused"] == 0  # auto: nothing registered, nothing done
    trained = train_fusion_model(TrainRequest(options={}, models_dir=models, limit=20, epochs=3))
    assert trained["pairs"] == 120 and set(trained["metrics"]) == {"fusion", "text_only", "image_only"}
    assert trained["metrics"]["fusion"]["n"] == 24 and "CONSTRUCTED" in trained["summary"]
    loaded = load_fusion(models)
    assert loaded is not None and loaded[1].labels == trained["labels"] and "CONSTRUCTED" in loaded[1].split

    ingest_corpus(store, tmp_path)
    _pictures_for_posts(store)
    (result,) = run_tasks(store, ["images"], models_dir=models)
    assert result.data["fusion"]["fused"] == 3 and sum(result.data["fusion"]["labels"].values()) == 3
    labels = rows(store, "SELECT post_id, label FROM post_scores WHERE task = ?", [FUSION_TASK])
    assert len(labels) == 3 and {label for _, label in labels} <= set(trained["labels"])
    (skipped,) = run_tasks(store, ["images"], {"images": {"fusion": "none"}}, models_dir=models)
    assert "fusion" not in skipped.data


def test_train_fusion_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="known: keep, size, seed"):
        train_fusion_model(TrainRequest(options={"kep": "0.4"}, limit=20))
    with pytest.raises(ConfigError, match="at least 10 pairs"):
        train_fusion_model(TrainRequest(options={}, limit=3))
