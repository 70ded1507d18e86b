"""Videos as pure functions: probe, copy without metadata, find the cuts, take a key frame per shot.

Shots are found with PySceneDetect's content detector (PyAV decoding, no OpenCV window code);
each shot contributes the frame in its middle, which is less likely than its first frame to be
caught in a transition. Frames come back as clean RGB pictures with their time in the video.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.errors import MediaError, MissingExtraError

if TYPE_CHECKING:
    from PIL import Image

# Social video is short; a long file is sampled, never decoded without bound.
MAX_SHOTS = 64
# The mean change of hue, saturation and luma (0-255) that makes a cut. PySceneDetect's default,
# 27, misses cuts between shots of equal brightness that differ in colour only (green to navy
# scores 20); 18 finds those and gives the same shot counts on the real sample videos.
CUT_THRESHOLD = 18.0
# Stream and container tags that name places, devices or people (``location`` is the GPS
# position phones write into MP4/QuickTime files); all tags are dropped anyway when copying.
_EXTENSIONS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "webm", "gif": "gif", "avi": "avi"}


@dataclass(frozen=True, slots=True)
class VideoInfo:
    width: int
    height: int
    duration: float  # seconds
    fps: float


@dataclass(frozen=True, slots=True)
class Shot:
    start: float  # seconds
    end: float


@dataclass(frozen=True, slots=True)
class KeyFrame:
    ms: int  # where the frame is, in milliseconds from the start
    shot: Shot
    image: Image.Image


def _av() -> Any:
    try:
        import av
    except ImportError:
        raise MissingExtraError("av", "images") from None
    return av


def probe_video(path: Path) -> VideoInfo:
    """Size, length and frame rate of the first video stream; ``MediaError`` if there is none."""
    av = _av()
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(path, "no video stream")
            stream = container.streams.video[0]
            duration = _duration(container, stream)
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            return VideoInfo(stream.codec_context.width, stream.codec_context.height, duration, fps)
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(path, f"not a readable video ({type(exc).__name__})") from None


def _duration(container: Any, stream: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return float(container.duration or 0) / 1_000_000


def copy_without_metadata(source: Path, target_folder: Path, stem: str) -> Path:
    """Remux the audio and video streams into ``target_folder/stem.<ext>`` with no tags at all
    (no GPS ``location``, device, author or creation time); the streams are copied, not re-encoded."""
    av = _av()
    try:
        with av.open(str(source)) as src:
            extension = _EXTENSIONS.get(src.format.name, "mp4")
            target = target_folder / f"{stem}.{extension}"
            target_folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            with av.open(str(partial), "w", format=_output_format(extension)) as out:
                mapping = {
                    s.index: out.add_stream_from_template(s) for s in src.streams if s.type in ("video", "audio")
                }
                for stream in mapping.values():
                    stream.metadata.clear()
                for packet in src.demux(*[s for s in src.streams if s.index in mapping]):
                    if packet.dts is None:
                        continue
                    packet.stream = mapping[packet.stream.index]
                    out.mux(packet)
            partial.replace(target)
            return target
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(source, f"not a readable video ({type(exc).__name__}: {exc})") from None


def _output_format(extension: str) -> str:
    return {"mp4": "mp4", "webm": "webm", "gif": "gif", "avi": "avi"}[extension]


def find_shots(path: Path, threshold: float = CUT_THRESHOLD, min_shot_s: float = 0.5) -> list[Shot]:
    """The shots of a video, split at every cut the content detector finds (one shot if none)."""
    try:
        from scenedetect import ContentDetector, SceneManager
        from scenedetect.backends.pyav import VideoStreamAv
    except ImportError:
        raise MissingExtraError("scenedetect", "images") from None
    info = probe_video(path)
    min_frames = max(1, round(min_shot_s * (info.fps or 25)))
    try:
        # The PyAV backend directly: ``detect`` would fall back on OpenCV's decoder for odd files.
        video = VideoStreamAv(str(path))
        manager = SceneManager()
        manager.add_detector(ContentDetector(threshold=threshold, min_scene_len=min_frames))
        manager.detect_scenes(video=video)
        scenes = manager.get_scene_list(start_in_scene=True)
    except Exception as exc:  # scenedetect wraps decoder failures in its own types
        raise MediaError(path, f"cannot find shots ({type(exc).__name__}: {exc})") from None
    shots = [Shot(round(float(a.seconds), 3), round(float(b.seconds), 3)) for a, b in scenes]
    return shots or [Shot(0.0, info.duration)]


def key_frames(path: Path, max_shots: int = MAX_SHOTS) -> list[KeyFrame]:
    """One clean frame from the middle of each shot (at most ``max_shots``, evenly chosen)."""
    from socialens.media.images import clean_image

    shots = find_shots(path)
    if len(shots) > max_shots:
        step = len(shots) / max_shots
        shots = [shots[int(i * step)] for i in range(max_shots)]
    wanted = [(s.start + s.end) / 2 for s in shots]
    av = _av()
    frames: list[KeyFrame] = []
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            index = 0
            for frame in container.decode(stream):
                if index >= len(wanted):
                    break
                when = float(frame.time or 0.0)
                if when + 1e-6 >= wanted[index]:
                    frames.append(KeyFrame(round(when * 1000), shots[index], clean_image(frame.to_image())))
                    index += 1
                    while index < len(wanted) and wanted[index] <= when:  # shots shorter than a frame
                        index += 1
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(path, f"not a readable video ({type(exc).__name__})") from None
    return frames


def first_frame(path: Path) -> Image.Image:
    """The first decodable frame, as a clean picture (a video's perceptual hash is this frame's)."""
    from socialens.media.images import clean_image

    av = _av()
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                return clean_image(frame.to_image())
    except (av.error.FFmpegError, OSError, IndexError) as exc:
        raise MediaError(path, f"not a readable video ({type(exc).__name__})") from None
    raise MediaError(path, "no decodable frame")
