"""Exported text classifiers: networks trained by a recipe and shipped as files, never fitted here
(``from_files(model, tokenizer)``; ``fit`` refuses with a coded error). The checks run on the real
shipped files of the repository's models distribution (the accurate English model's ONNX network
and tokenizer), rebuilt from the component's settings each time. Before ``text_classifier``, whose
verbs they share. Output: the class probabilities, rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.component import Component
from socialens.kinds import TextClassifier

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "src" / "socialens_models" / "sentiment-en-accurate"
FILES = (SHIPPED / "member-0" / "model.onnx", SHIPPED / "member-0" / "tokenizer.json")
SCORE_TEXTS = ["love the service", "hate the delay", "很满意", "太差", "", "😀"]


def matches(component: Component) -> bool:
    return isinstance(component, TextClassifier) and callable(getattr(type(component), "from_files", None))


def example(component: Component, tmp_path: Path) -> tuple[Any, Any]:
    assert all(path.is_file() for path in FILES), f"shipped files missing: {FILES}"
    return SCORE_TEXTS, []


def run(component: Any, texts: Any) -> list[Any]:
    import numpy as np

    loaded = type(component).from_files(*FILES, **component.get_params())
    scored = loaded.predict_proba(list(texts))
    return np.round(np.asarray(scored, dtype=float), 6).tolist()
