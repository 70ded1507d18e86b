"""``socialens train suspicious``: fit the bot classifier on bots injected into real accounts.

There is no labelled bot data offline, so this trains on *synthetic injection*
(:mod:`socialens.analyses.suspicious.synthetic`): half of the real MovieLens-100K users with
bots of every level injected under one seed, then scores the other half of the users with bots
injected under another seed (different bots, different campaign) and reports precision and
recall among the top 1% of accounts. The model goes into the model registry as the default
'suspicious' model, which ``socialens analyze suspicious`` then uses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from socialens.progress import Progress
from socialens.training.request import TrainRequest, read_options, register_default

MODEL_NAME = "suspicious-logreg"
# Injected bots are nearly separable from the humans, so weights grow without bound as C does
# (C = 1000 gave duplicate_ratio a weight of 83): the grid stops at 100 so that no one feature
# swamps the score in a store unlike the training accounts.
C_GRID = (1.0, 10.0, 100.0)


def _strength(value: str) -> float | None:
    """``-o C=auto`` (chosen on validation) or a number."""
    return None if value == "auto" else float(value)


OPTIONS: dict[str, Callable[[str], Any]] = {"seed": int, "bots": int, "test_bots": int, "C": _strength, "name": str}


# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """``limit``: use only the first N MovieLens users (quick runs); the store is not read."""
    from socialens.errors import ConfigError

    options = read_options("suspicious", request.options, OPTIONS)
    if request.model not in (None, "logreg"):
        raise ConfigError(f"train suspicious: unknown model {request.model!r}; available: logreg")
    result = train_and_evaluate(
        seed=options.get("seed", 0),
        bots=options.get("bots", 30),
        test_bots=options.get("test_bots"),
        C=options.get("C"),
        limit=request.limit,
        progress=request.progress,
    )
    card = save_model(result, request.models_dir, options.get("name", MODEL_NAME))
    m = result["metrics"]
    return {
        "name": card.name,
        "version": card.version,
        "metrics": m,
        "summary": (
            f"{card.name} v{card.version}: precision@1% {m['precision']:.3f}, recall@1% {m['recall']:.3f}, "
            f"average precision {m['average_precision']:.3f} on {m['accounts']:,} held-out accounts "
            f"({m['bots']} injected bots; synthetic injection, not real bots)"
        ),
    }


def train_and_evaluate(
    *,
    seed: int,
    bots: int,
    test_bots: int | None,
    C: float | None,
    limit: int | None,
    progress: Progress,
) -> dict[str, Any]:
    """Train on one half of the users with seed ``seed``'s bots, test on the other half with seed + 1's.

    ``C=None`` picks the regularisation from :data:`C_GRID` on a validation injection into the
    training half (:func:`choose_c`); the test half is never looked at until the end."""
    import math

    from socialens.analyses.suspicious import synthetic
    from socialens.analyses.suspicious.evaluate import population_features, top_share_metrics
    from socialens.analyses.suspicious.score import BotClassifier

    progress.start("loading real accounts (MovieLens-100K)", None)
    users = list(range(1, limit + 1)) if limit is not None else None
    humans = synthetic.add_pgp_social_layer(synthetic.movielens_humans(users), seed)
    train_humans, test_humans = synthetic.split_humans(humans, seed)
    n_test = test_bots if test_bots is not None else max(3, math.ceil(0.01 * len(test_humans.accounts)))
    progress.start("injecting bots and computing features", 2)
    train_rows, train_labels = population_features(synthetic.inject_bots(train_humans, bots, seed))
    progress.advance()
    test_rows, test_labels = population_features(synthetic.inject_bots(test_humans, n_test, seed + 1))
    progress.advance()
    if C is None:
        progress.start("choosing the regularisation on a validation injection", None)
        C = choose_c(train_humans, seed, train_rows, train_labels)
    classifier = BotClassifier(C=C).fit(train_rows, train_labels)
    scores = classifier.predict_proba(test_rows)[:, 1].tolist()
    metrics = {**top_share_metrics(scores, test_labels), "accounts": len(test_rows), "bots": sum(test_labels)}
    return {
        "classifier": classifier,
        "metrics": metrics,
        "settings": {"seed": seed, "bots": bots, "test_bots": n_test, "C": C, "limit": limit},
        "social_layer": humans.social,
        "train_accounts": len(train_rows),
    }


def choose_c(
    train_humans: Any, seed: int, train_rows: list[dict[str, Any]], train_labels: list[int], bots: int = 6
) -> float:
    """The ``C`` of :data:`C_GRID` with the best mean average precision on two fresh injections
    (seeds ``seed + 100`` and ``+ 101``, other bots and campaigns) into the training half."""
    from socialens.analyses.suspicious import synthetic
    from socialens.analyses.suspicious.evaluate import population_features, top_share_metrics
    from socialens.analyses.suspicious.score import BotClassifier

    checks = [population_features(synthetic.inject_bots(train_humans, bots, seed + k)) for k in (100, 101)]

    def quality(c: float) -> float:
        model = BotClassifier(C=c).fit(train_rows, train_labels)
        return sum(top_share_metrics(model.predict_proba(r)[:, 1].tolist(), y)["average_precision"] for r, y in checks)

    return max(C_GRID, key=lambda c: (quality(c), -c))  # ties: the stronger regularisation


def save_model(result: dict[str, Any], models_dir: Path | None, name: str) -> Any:
    from socialens.analyses.suspicious.analyze import LANGUAGE, TASK
    from socialens.analyses.suspicious.score import BotClassifier

    split = "MovieLens-100K users halved by seed; train half + injected bots (seed), test half + bots (seed + 1)" + (
        "; follow layer from pgp-strong-2009" if result["social_layer"] else "; no follow layer"
    )
    return register_default(
        models_dir,
        name,
        result["classifier"].save,
        {
            "task": TASK,
            "language": LANGUAGE,
            "architecture": BotClassifier.registry_name,
            "split": split,
            "labels": ["human", "bot"],
            "metrics": result["metrics"],
            "settings": result["settings"],
            "evaluation": "synthetic bot injection into real accounts; no real bot labels were available",
        },
    )
