"""``analyze images`` end to end on a real store: labels, text, groups, key frames, report."""

from __future__ import annotations

import orjson
import pytest

from socialens.pipeline import run_task
from socialens.report.sections import build_sections, build_views
from socialens.store import Store
from tests.conftest import rows


def _frames(store: Store) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for post, ms, top, labels, text, dup, nsfw in rows(
        store,
        """SELECT post, frame_ms, top_label, labels, ocr_text, duplicate_cluster, nsfw
           FROM media_frames ORDER BY post, frame_ms""",
    ):
        names = [x["label"] for x in orjson.loads(labels)]
        out.setdefault(post, []).append({"ms": ms, "top": top, "labels": names, "text": text, "dup": dup, "nsfw": nsfw})
    return out


# OCR, NudeNet and EfficientNet on six frames: about a minute on a quiet machine, many on a shared one.
@pytest.mark.timeout(1200)
def test_analyze_images_end_to_end(picture_store: Store) -> None:
    store = picture_store
    result = run_task(store, "images", nsfw=True).data
    assert result["analysed_media"] == 5 and result["failed"] == 0
    frames = _frames(store)
    assert {"Egyptian cat", "tabby", "tiger cat"} & set(frames["2001"][0]["labels"][:3])
    assert frames["2003"][0]["top"] in ("espresso", "cup", "coffee mug")
    # the re-posted, re-compressed cat joins the original; the coffee is alone
    assert frames["2001"][0]["dup"] and frames["2001"][0]["dup"] == frames["2002"][0]["dup"]
    assert frames["2003"][0]["dup"] is None
    # the video: one key frame from the middle of each of its two 1.5 s shots
    times = [int(str(f["ms"])) for f in frames["2005"]]
    assert len(times) == 2 and abs(times[0] - 750) <= 80 and abs(times[1] - 2250) <= 80
    text = str(frames["2004"][0]["text"])
    assert "Hello" in text and "mail" in text
    assert "alice@example.org" not in text and "alice_smith" not in text and "[email]" in text and "@h_" in text
    assert all(isinstance(f["nsfw"], float) and f["nsfw"] < 0.5 for fs in frames.values() for f in fs)
    assert result["frames"] == 6 and result["with_text"] >= 1 and result["duplicate_groups"] >= 1
    assert "alice" not in orjson.dumps(result).decode()


@pytest.mark.timeout(900)
def test_second_run_only_analyses_new_media_and_report_section(picture_store: Store) -> None:
    run_task(picture_store, "images", ocr=False)
    again = run_task(picture_store, "images", ocr=False).data
    assert again["analysed_media"] == 0 and again["frames"] == 6
    view = build_views(picture_store, only=["images"])["images"]
    assert view["frames"]["frames"] == 6 and view["stored"] == 5 and view["top_labels"]
    (section,) = build_sections(picture_store, only=["images"])
    assert "Most common labels" in section.html and "Near-duplicate" in section.html
    assert "espresso" in section.html or "cup" in section.html


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_local_and_process_engines_write_the_same_frames(picture_store: Store) -> None:
    from socialens.pipeline import run_tasks

    def frames() -> list[tuple[object, ...]]:
        return rows(
            picture_store,
            "SELECT media_id, frame_ms, top_label, round(top_score, 4), phash, duplicate_cluster FROM media_frames "
            "ORDER BY ALL",
        )

    run_tasks(picture_store, ["images"], {"images": {"ocr": False}}, engine="local")
    local = frames()
    picture_store.con.execute("DELETE FROM media_frames")
    run_tasks(picture_store, ["images"], {"images": {"ocr": False, "batch_size": 2}}, engine="process")
    assert frames() == local and len(local) == 6
