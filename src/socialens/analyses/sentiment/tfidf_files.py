"""A fitted TF-IDF + logistic regression as plain files, not a pickle.

Pickles run code when loaded and break across scikit-learn versions, so a model that ships
(or travels between machines) is written as ``tfidf.json`` (settings, labels, one vocabulary per
vectorizer, terms in column order) and ``tfidf.npz`` (idf weights, coefficients, intercepts;
float16 when asked: the test metric is measured again before a model ships). Loading rebuilds
the same scikit-learn objects with the vocabulary fixed, so ``transform`` gives the same columns.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

FORMAT = "socialens.tfidf_lr/1"
SETTINGS = "tfidf.json.gz"
ARRAYS = "tfidf.npz"


def save_tfidf(component: Any, directory: Path, float16: bool = False) -> None:
    """Write a fitted ``TfidfLogisticRegression`` into ``directory``."""
    import numpy as np

    dtype = np.float16 if float16 else np.float32
    vectorizers = _parts(component.vectorizer_)
    meta = {
        "format": FORMAT,
        "settings": component.get_params(),
        "labels": list(component.labels_),
        "classes": [int(c) for c in component.model_.classes_],
        "vectorizers": [{"name": name, "params": _vectorizer_params(v), "terms": _terms(v)} for name, v in vectorizers],
    }
    with gzip.open(directory / SETTINGS, "wt", encoding="utf-8") as handle:
        json.dump(meta, handle, ensure_ascii=False)
    arrays = {f"idf_{i}": v.idf_.astype(dtype) for i, (_, v) in enumerate(vectorizers)}
    arrays["coef"] = component.model_.coef_.astype(dtype)
    arrays["intercept"] = component.model_.intercept_.astype(np.float32)
    np.savez_compressed(directory / ARRAYS, **arrays)


def load_tfidf(cls: type, directory: Path) -> Any:
    """The component :func:`save_tfidf` wrote, ready to predict."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    with gzip.open(directory / SETTINGS, "rt", encoding="utf-8") as handle:
        meta = json.load(handle)
    if meta.get("format") != FORMAT:
        raise ValueError(f"{directory}: not a saved TF-IDF model (format {meta.get('format')!r})")
    arrays = np.load(directory / ARRAYS, allow_pickle=False)
    parts = []
    for i, spec in enumerate(meta["vectorizers"]):
        params = dict(spec["params"], dtype=np.float32)
        params["ngram_range"] = tuple(params["ngram_range"])
        vectorizer = TfidfVectorizer(**params, vocabulary={t: j for j, t in enumerate(spec["terms"])})
        vectorizer.idf_ = arrays[f"idf_{i}"].astype(np.float64)
        vectorizer._validate_vocabulary()  # sets vocabulary_ as fit would
        parts.append((spec["name"], vectorizer))
    model = LogisticRegression()
    model.coef_ = arrays["coef"].astype(np.float64)
    model.intercept_ = arrays["intercept"].astype(np.float64)
    model.classes_ = np.asarray(meta["classes"])
    component = cls(**meta["settings"])
    component.vectorizer_ = parts[0][1] if len(parts) == 1 and parts[0][0] == "" else FeatureUnion(parts)
    component.model_ = model
    component.labels_ = tuple(meta["labels"])
    return component


def _parts(vectorizer: Any) -> list[tuple[str, Any]]:
    return list(vectorizer.transformer_list) if hasattr(vectorizer, "transformer_list") else [("", vectorizer)]


def _vectorizer_params(vectorizer: Any) -> dict[str, Any]:
    keep = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "norm", "use_idf", "smooth_idf", "token_pattern")
    params = vectorizer.get_params()
    return {k: list(params[k]) if k == "ngram_range" else params[k] for k in keep}


def _terms(vectorizer: Any) -> list[str]:
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return terms
