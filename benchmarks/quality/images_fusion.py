"""Issue 15: late fusion (text + image) against each modality alone, on a CONSTRUCTED pairing.

    nice -n 10 .venv/bin/python -m benchmarks.quality.images_fusion --size 112 --out fusion.json

No real image-text social data installs offline: each Fashion-MNIST test picture of six clothing
classes is paired with a real, degraded review of the matching product class
(``socialens.analyses.images.fusion.constructed_pairs``). Text: MiniLM (int8 ONNX) 384-d;
image: EfficientNet-lite0 1,280-d features at ``--size`` px; the same LateFusion head and
trainer for text only, image only and both, on one stratified 60/20/20 split (seed 42).
Floor: fusion beats the better single modality on the test part. Prints a RESULTS.md section.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import markdown_section, recording
from benchmarks.machine import describe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=112, help="picture size for the image features")
    parser.add_argument("--keep", type=float, default=0.5, help="share of review words kept")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    import torch
    from PIL import Image

    from socialens.analyses.images.fusion import constructed_pairs, embed_texts, picture_features, split, train_fusion

    torch.set_num_threads(args.threads)
    started, load_before = datetime.now(UTC), os.getloadavg()
    pairs = constructed_pairs(keep=args.keep)
    t = time.perf_counter()
    text = embed_texts(pairs.texts, threads=args.threads)
    text_s = time.perf_counter() - t
    t = time.perf_counter()
    pictures = [Image.fromarray(p).convert("RGB") for p in pairs.pictures]
    image = picture_features(pictures, size=args.size, threads=args.threads)
    image_s = time.perf_counter() - t
    parts = split(pairs.labels)
    results = {}
    for name, use_text, use_image in (
        ("text only", True, False),
        ("image only", False, True),
        ("late fusion", True, True),
    ):
        _, results[name] = train_fusion(text, image, pairs.labels, parts, use_text=use_text, use_image=use_image)
    best_single = max(results["text only"]["accuracy"], results["image only"]["accuracy"])
    report = {
        "started": started.isoformat(timespec="minutes"),
        "machine": describe(),
        "load": [round(x, 1) for x in (*load_before, *os.getloadavg())],
        "pairs": len(pairs.labels),
        "procedure": pairs.procedure,
        "size": args.size,
        "embed_seconds": {"text": round(text_s, 1), "image": round(image_s, 1)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "results": results,
        "floor_met": results["late fusion"]["accuracy"] > best_single,
        "margin": round(results["late fusion"]["accuracy"] - best_single, 4),
    }
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2))
    print(markdown(report, args))


def markdown(report: dict, args: argparse.Namespace) -> str:
    rows = [
        [name, f"{m['accuracy']:.4f}", f"{m['macro_f1']:.4f}", m["n"], m["best_epoch"]]
        for name, m in report["results"].items()
    ]
    return markdown_section(
        f"Issue 15, late fusion on a constructed pairing, {report['started']} UTC "
        f"(`nice -n 10 python -m benchmarks.quality.images_fusion --size {args.size} --keep {args.keep}`)",
        f"{report['machine']}; load average before/after {report['load']}; peak RSS {report['peak_rss_mb']} MB; "
        f"embedding {report['pairs']:,} texts took {report['embed_seconds']['text']} s, "
        f"{report['pairs']:,} pictures at {report['size']} px {report['embed_seconds']['image']} s. "
        f"{report['procedure']}",
        ["inputs", "test accuracy", "test macro-F1", "test n", "best epoch"],
        "lrrrr",
        rows,
        f"Floor (fusion beats the better single modality): {'met' if report['floor_met'] else 'NOT met'}, "
        f"by {report['margin']:+.4f} accuracy. The pairing is constructed, not observed social data.",
    )


if __name__ == "__main__":
    with recording(__spec__.name, "images", 15):
        main()
