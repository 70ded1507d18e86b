"""How each task trains, declared in one place: ``socialens train TASK`` and ``Store.train`` call
:func:`train`, which knows no task by name.

* :data:`TRAINERS`: task -> the module that trains its model, explicit and lazy (imported when
  that task is trained). The module has ``run(request: TrainRequest) -> dict`` (the model card
  or a result with a ``summary``; :mod:`socialens.training.request`), ``USES_STORE`` (``False``
  when it trains on packaged data, so no store is opened as a side effect) and, optionally,
  ``describe(result) -> str`` (the line a terminal shows).
* :data:`RECIPES`: task -> the staged, resumable pipeline that produces its shipped model
  (``--recipe quick|production``) and the function that describes the card it returns.

Evaluating a registered model again is declared beside its task in
:data:`socialens.analyses.evaluation.EVALUATORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError
from socialens.progress import Progress
from socialens.training.request import TrainRequest

TRAINERS: dict[str, str] = {
    "sentiment": "socialens.analyses.sentiment.train",
    "ctr": "socialens.analyses.ctr.train",
    "emotion": "socialens.analyses.emotion.train",
    "engagement": "socialens.analyses.engagement.train",
    "fusion": "socialens.analyses.fusion.train",
    "images": "socialens.analyses.images.train",
    "sequence": "socialens.analyses.sequence.train",
    "suspicious": "socialens.analyses.suspicious.train",
}
#: Other names a task is trained under.
ALIASES = {"image-classifier": "images"}
#: task -> (``"module:function"`` of the recipe, ``"module:function"`` describing its card).
RECIPES: dict[str, tuple[str, str]] = {
    "sentiment": ("socialens.recipes.sentiment:train_sentiment_recipe", "socialens.analyses.sentiment.train:describe"),
    "emotion": ("socialens.recipes.emotion:train_emotion_recipe", "socialens.training.catalogue:describe_emotion_card"),
}


@dataclass(frozen=True, slots=True)
class Trained:
    """A training run's outcome: ``data`` (the card or the task's result, what ``--json`` prints)
    and ``summary`` (the line a terminal shows; ``None``: show the data)."""

    data: dict[str, Any]
    summary: str | None


def trainable() -> tuple[str, ...]:
    """The names ``socialens train`` accepts, as its messages list them."""
    return ("sentiment", *ALIASES, *sorted(t for t in TRAINERS if t != "sentiment"))


def train(
    task: str,
    request: TrainRequest,
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
    store: Any = None,
) -> Trained:
    """Train ``task``'s model as ``request`` says and register it (see the module text).
    ``say`` receives a recipe's stage lines; ``store`` is an open store for tasks that read one
    (otherwise ``request.store`` is opened, only for them)."""
    if request.recipe is not None:
        return _train_recipe(task, request, say or (lambda line: None))
    module = _trainer(ALIASES.get(task, task))
    uses_store = getattr(module, "USES_STORE", True)
    opened = _open_store(request.store) if uses_store and store is None else nullcontext(store)
    with opened as db:
        result: dict[str, Any] = module.run(replace(request, store=db, progress=progress or request.progress))
    describe = getattr(module, "describe", None)
    return Trained(result, describe(result) if describe is not None else result.get("summary"))


def _trainer(task: str) -> Any:
    if task in TRAINERS:
        return import_module(TRAINERS[task])
    available = ", ".join(trainable())
    if task.isidentifier() and find_spec(f"socialens.analyses.{task}") is not None:
        raise ConfigError(f"task {task!r} has no train step; available: {available}")
    raise ConfigError(f"unknown task {task!r}; available: {available}")


def _open_store(path: Path | None) -> Any:
    from socialens.config import load_config
    from socialens.store import Store

    return Store(path or load_config(None).store)


def _train_recipe(task: str, request: TrainRequest, say: Callable[[str], None]) -> Trained:
    if task not in RECIPES:
        raise ConfigError(f"--recipe is for {' and '.join(RECIPES)}; {task} has no recipes yet")
    recipe, describe = (_function(path) for path in RECIPES[task])
    card = recipe(
        request.lang,
        request.recipe,
        request.work_dir,
        request.models_dir,
        limit=request.limit,
        make_default=request.make_default or None,
        say=say,
        **({"settings": dict(request.options)} if request.options else {}),  # -o KEY=VALUE
    )
    return Trained(card, describe(card))


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    function: Callable[..., Any] = getattr(import_module(module), name)
    return function


def describe_emotion_card(card: dict[str, Any]) -> str:
    """The line ``socialens train emotion --recipe ...`` shows for the card it registered."""
    model, lexicon = card["metrics"]["reference"], card["metrics"]["lexicon"]
    return (
        f"{card['name']} v{card['version']}: macro-F1 {model['macro_f1']:.3f} (lexicon {lexicon['macro_f1']:.3f}), "
        f"micro-F1 {model['micro_f1']:.3f} (lexicon {lexicon['micro_f1']:.3f}) on {model['n']} annotated test "
        f"posts; {model['labels_per_text']:.2f} emotions a post (annotator {model['annotated_labels_per_text']:.2f}); "
        + ("now the default" if card["default"] else f"not the default: {card['default_reason']}")
    )


def model_cards(models_dir: Path | None = None) -> list[Any]:
    """Every model ``socialens models list`` shows: the registered ones, then the shipped ones."""
    from socialens.training.model_registry import ModelRegistry
    from socialens.training.shipped import shipped_cards

    return ModelRegistry(models_dir, shipped=False).list() + shipped_cards()


# Where each task's cards keep their headline test metric: (label, path into ``metrics``).
HEADLINES = (
    ("macro-F1", ("macro_f1",)),
    ("AUC", ("test_auc",)),
    ("NDCG@10", ("test", "seen_excluded", "ndcg@10")),
    ("annotated macro-F1", ("reference", "macro_f1")),  # emotion: the annotated test posts
    ("weak micro-F1", ("weak", "micro_f1")),
)


def headline_metric(metrics: dict[str, Any]) -> str:
    """A card's main test metric as "label value", or "" when it has none of the known ones."""
    for label, path in HEADLINES:
        value: Any = metrics
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, float):
            return f"{label} {value:.3f}"
    return ""
