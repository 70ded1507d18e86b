"""The emotion recipe: ``socialens train emotion --lang en|zh --recipe production`` reproduces the
shipped emotion model (``emotion.stacked.v1``).

Stages (resumable, :mod:`socialens.recipes.runner`):

1. ``heads``: distant heads on the sentiment reference *training* split (29,757 English tweets /
   13,890 Chinese reviews): one per emotion on the lexicon's weak labels, one on the sentiment
   labels. No annotated text is among them (the reference sets were drawn from the validation and
   test splits).
2. ``stack``: the stacker on the annotated ``dev`` part of the reference set (500 English, 400
   Chinese posts), strength and class weighting chosen by 5-fold cross-validated macro-F1, one
   threshold per emotion from the out-of-fold scores (seed 42).
3. ``register``: scored once on the untouched ``test`` part (400 per language) beside the
   lexicon; registered; the language's default only when it beats the lexicon in macro-F1 and
   scores at least the current default (or with ``--make-default``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from socialens.analyses.emotion.lexicons import check_lang
from socialens.errors import ConfigError
from socialens.recipes.runner import Register, Stage, recipe_card, register_stage, run_stages

RECIPES = ("production",)
PRODUCTION: dict[str, dict[str, Any]] = {
    "en": {"head_features": "topics.WordLlama.v1", "embedder": "topics.MiniLM.v1"},
    "zh": {"head_features": "hash-char-1-3", "embedder": None},
}
# Expected seconds of each stage on the full data, one thread of the 2-core reference machine.
_SECONDS = {
    "en": {"heads": 40.0, "stack": 60.0, "register": 30.0},
    "zh": {"heads": 90.0, "stack": 20.0, "register": 10.0},
}


def train_emotion_recipe(
    lang: str,
    recipe: str = "production",
    work_dir: Path | None = None,
    registry_root: Path | None = None,
    limit: int | None = None,
    make_default: bool | None = None,
    say: Callable[[str], None] = print,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the recipe for ``lang`` in ``work_dir`` (resumable) and register the model; returns its
    card as a dict with ``default``, ``recipe`` and ``seconds``. ``limit`` keeps the first N
    distant texts (the tests run on a slice); ``settings`` override the component's."""
    import tempfile

    if recipe not in RECIPES:
        raise ConfigError(f"unknown emotion recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
    lang = check_lang(lang)
    work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix=f"socialens-emotion-{lang}-"))
    options = {**PRODUCTION[lang], **(settings or {})}
    say(f"emotion recipe {recipe} ({lang}) in {work_dir}")
    seconds = _SECONDS[lang]
    stages = [
        Stage("heads", lambda folder, _: _heads(lang, options, limit, folder), seconds["heads"]),
        Stage("stack", lambda folder, done: _stack(lang, options, folder), seconds["stack"]),
        register_stage(recipe, _register(lang, recipe, limit, registry_root, make_default), seconds["register"]),
    ]
    full = 29_757 if lang == "en" else 13_890
    return recipe_card(recipe, work_dir, run_stages(stages, work_dir, say=say, scale=min(1.0, (limit or full) / full)))


def _heads(lang: str, options: dict[str, Any], limit: int | None, folder: Path) -> dict[str, Any]:
    from socialens.analyses.emotion.stacked import StackedEmotion
    from socialens.datasets.sentiment import load_sentiment_split

    split = load_sentiment_split(lang)  # type: ignore[arg-type]
    texts, sentiment = split.train_texts[:limit], split.train_labels[:limit]
    model = StackedEmotion(lang=lang, **options)
    model.fit_heads(texts, sentiment)
    np.savez_compressed(folder / "heads.npz", coef=model.head_coef_, bias=model.head_bias_)
    return {"texts": len(texts), "n_sentiment": model.n_sentiment_, "data_hash": split.data_hash}


def _stack(lang: str, options: dict[str, Any], folder: Path) -> dict[str, Any]:
    import json

    from socialens.analyses.emotion.reference import load_reference
    from socialens.analyses.emotion.stacked import StackedEmotion

    heads = folder.parent / "heads"
    done = json.loads((heads / "done.json").read_text(encoding="utf-8"))
    model = StackedEmotion(lang=lang, **options)
    with np.load(heads / "heads.npz", allow_pickle=False) as saved:
        model.head_coef_, model.head_bias_ = saved["coef"], saved["bias"]
    model.n_sentiment_ = int(done["n_sentiment"])
    dev = load_reference(lang, "dev")
    model.fit(dev.texts, dev.labels)
    model.save(folder / "model")
    return {"architecture": model.registry_name, "dev_texts": len(dev.texts), "selection": model.selection_}


def _register(
    lang: str, recipe: str, limit: int | None, registry_root: Path | None, make_default: bool | None
) -> Register:
    def register(folder: Path, done: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        from socialens.analyses.emotion.stacked import StackedEmotion
        from socialens.analyses.emotion.workflow import register_emotion

        model = StackedEmotion.load(folder.parent / "stack" / "model")
        heads, stack = done["heads"], done["stack"]
        split = (
            f"Distant heads: the first {heads['texts']:,} texts of the sentiment reference training split (data "
            f"{heads['data_hash'][:12]}; lexicon weak labels + sentiment labels). Stacker: the {stack['dev_texts']} "
            "annotated dev posts of the emotion reference set (socialens/analyses/emotion/reference, "
            "drawn with seed 20261207 from the sentiment validation split), 5-fold CV selection, seed 42. "
            "Test: the 400 annotated test posts (from the sentiment test split), untouched until here."
            + (f" Limited run: {limit} distant texts." if limit else "")
        )
        return register_emotion(model, lang, f"emotion-{lang}-{recipe}", registry_root, make_default, split, extra)

    return register
