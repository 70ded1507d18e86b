"""Late fusion against its single modalities over several trainer seeds, on the path posts take.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.quality.fusion_seeds [--limit 300] [--seeds 42 0 1 2 3]

The data are those of ``socialens train fusion --limit N``: the CONSTRUCTED pairing of Fashion-MNIST
pictures with real clothing reviews whose text is degraded (class words removed, each other word
kept with p=0.5; pairing seed 42), N pairs per class, pictures featurised at 224 px (the size
``analyze images`` uses), split 60/20/20 stratified (random_state 42). Only the trainer's seed
changes between rows: since the shared trainer's fits no longer depend on what trained before
them, each row is reproducible on its own. Fusion is scored through ``predict_fusion``, the
function ``analyze images`` applies to posts. Floor (issue 15): fusion beats the better single
modality.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.harness import Run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=300, help="pairs per class")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 0, 1, 2, 3])
    args = parser.parse_args()
    from PIL import Image

    import socialens.analyses.images.fusion as fusion
    from socialens.analyses.fusion.train import _per_class
    from socialens.analyses.images.fashion import classification_metrics
    from socialens.analyses.images.fusion_posts import predict_fusion

    split_text = f"constructed pairing (seed 42), {args.limit} pairs per class, 60/20/20 stratified, random_state 42"
    run = Run("benchmarks.quality.fusion_seeds", "images", 15, seed=42, split=split_text, packages=("torch",))
    pairs = fusion.constructed_pairs(seed=42, keep=0.5)
    chosen = _per_class(pairs.labels, args.limit, 42)
    labels = pairs.labels[chosen]
    text = fusion.embed_texts([pairs.texts[i] for i in chosen])
    pictures = [Image.fromarray(pairs.pictures[i]).convert("RGB") for i in chosen]
    image = fusion.picture_features(pictures, size=224)
    parts = fusion.split(labels, 42)
    test = parts[2]
    rows: list[dict[str, float]] = []
    for seed in args.seeds:
        fusion.SEED = seed  # the trainer's seed only; the split above is fixed
        row: dict[str, float] = {}
        for name, use_text, use_image in (
            ("text_only", True, False),
            ("image_only", False, True),
            ("fusion", True, True),
        ):
            model, metrics = fusion.train_fusion(text, image, labels, parts, use_text=use_text, use_image=use_image)
            if name == "fusion":
                metrics = classification_metrics(
                    labels[test], predict_fusion(model, text[test], image[test]).argmax(-1)
                )
            row[name] = round(float(metrics["accuracy"]), 4)
        rows.append(row)
        print(f"trainer seed {seed}: {row}", flush=True)
    table = np.array([[r["text_only"], r["image_only"], r["fusion"]] for r in rows])
    gap = table[:, 2] - np.maximum(table[:, 0], table[:, 1])
    met = bool(gap.mean() > 0 and (gap > 0).all())
    notes = (
        f"fusion - best single modality: mean {gap.mean():+.4f} (sd {gap.std(ddof=1) if len(gap) > 1 else 0:.4f}) over "
        f"{len(rows)} trainer seeds {args.seeds}; fusion ahead in {(gap > 0).sum()} of {len(rows)}; "
        f"test n = {len(test)}."
    )
    print(notes)
    run.record(
        {
            "fusion_accuracy_mean": round(float(table[:, 2].mean()), 4),
            "per_seed": dict(zip(map(str, args.seeds), rows, strict=True)),
        },
        {
            "image only": {"accuracy_mean": round(float(table[:, 1].mean()), 4)},
            "text only": {"accuracy_mean": round(float(table[:, 0].mean()), 4)},
        },
        notes=notes,
        floor={"text": "fusion beats the better single modality", "met": met},
    )


if __name__ == "__main__":
    main()
