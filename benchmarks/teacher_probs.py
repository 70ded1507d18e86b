"""Teacher class probabilities for ``distill_sentiment.py``, cached per language and teacher.

English: the fine-tuned MiniLM teacher (``train_sentiment_teacher.py``); its caches keep their
old names ``data/teacher-en-{train,valid,test,trump}.npy``. Chinese (or any other teacher folder):
a multilingual-e5-small model saved by ``E5FineTunedSentiment.save``; its caches are named
``data/teacher-zh-<tag>-<part>.npy`` with a tag from the folder's name and a hash of its files,
so an English cache is never read for Chinese and a retrained teacher never reuses stale numbers.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).parent / "data"
EN_TEACHER = DATA / "runs" / "minilm-en" / "model"


def is_default(lang: str, teacher: Path) -> bool:
    """The English MiniLM teacher whose caches have no tag in their names."""
    return lang == "en" and teacher.resolve() == EN_TEACHER.resolve()


@lru_cache(maxsize=8)  # hashing a ~90 MB teacher once per run is enough
def teacher_tag(lang: str, teacher: Path) -> str:
    """``minilm-en`` for the default English teacher; else the folder's name (its parent's name too
    when it is the usual ``.../<run>/model``) and 8 hex digits of a hash of its files."""
    if is_default(lang, teacher):
        return "minilm-en"
    folder = teacher.resolve()
    name = f"{folder.parent.name}-{folder.name}" if folder.name == "model" else folder.name
    digest = hashlib.sha1()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}-{digest.hexdigest()[:8]}"


def describe_teacher(lang: str) -> str:
    return "MiniLM teacher (fine-tuned)" if lang == "en" else "multilingual-e5-small teacher (fine-tuned)"


def load_teacher(lang: str, teacher: Path, threads: int) -> Any:
    """The saved teacher, set to score with ``threads`` torch threads."""
    import torch

    torch.set_num_threads(threads)
    if lang == "en":
        from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment

        return FineTunedMiniLMSentiment.load(teacher)
    from socialens.analyses.sentiment.e5_finetuned import E5FineTunedSentiment

    model = E5FineTunedSentiment.load(teacher)
    model.num_threads = threads  # its predict_proba sets torch's threads from this setting
    return model


def cache_path(lang: str, teacher: Path, part: str) -> Path:
    if is_default(lang, teacher):
        return DATA / f"teacher-en-{part}.npy"
    return DATA / f"teacher-{lang}-{teacher_tag(lang, teacher)}-{part}.npy"


def teacher_probabilities(lang: str, teacher: Path, part: str, texts: list[str], threads: int) -> np.ndarray:
    """The teacher's class probabilities for ``texts`` (``part`` names the cache), printing progress."""
    cache = cache_path(lang, teacher, part)
    if cache.exists():
        probs = np.load(cache)
        if len(probs) == len(texts):
            return probs
    model = load_teacher(lang, teacher, threads)
    chunk = 1024 if lang == "en" else 256  # e5 scores ~30-60 texts/s: report progress more often
    started, chunks, done = time.perf_counter(), [], 0
    for start in range(0, len(texts), chunk):
        chunks.append(model.predict_proba(texts[start : start + chunk]))
        done += len(chunks[-1])
        seconds = time.perf_counter() - started
        print(f"teacher {part}: {done}/{len(texts)} ({seconds:.0f} s, {done / seconds:.1f} texts/s)", flush=True)
    probs = np.concatenate(chunks) if chunks else np.zeros((0, len(model.labels)))
    DATA.mkdir(parents=True, exist_ok=True)
    np.save(cache, probs)
    return probs
