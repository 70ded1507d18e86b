"""``socialens analyze suspicious``: a bot-likeness score per account, in ``user_scores`` task 'suspicious'.

The score is the trained model's P(bot) when one is in the model registry (``socialens train
suspicious``; ``-o model=none`` turns it off), else the heuristic :class:`BehaviourScore`.
Details keep both, the features and the reasons, so a flag can be checked by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

TASK = "suspicious"
LANGUAGE = "any"  # behaviour, not text: one model for every language


def run(
    store: Store, *, options: dict[str, str], models_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    from socialens.analyses.suspicious.features import FEATURES, behaviour_features
    from socialens.analyses.suspicious.score import BehaviourScore
    from socialens.errors import ConfigError
    from socialens.store.results import write_user_scores

    unknown = sorted(set(options) - {"model", "threshold"})
    if unknown:
        raise ConfigError(f"analyze suspicious: unknown option(s) {unknown}; known: model, threshold")
    threshold = float(options.get("threshold", 0.5))
    bar = progress or NoProgress()
    bar.start("computing behavioural features", None)
    rows = behaviour_features(store)
    heuristic = BehaviourScore().fit(rows)
    h_scores = heuristic.score(rows)
    classifier, model_name = load_model(options.get("model", "auto"), models_dir)
    probabilities = classifier.predict_proba(rows)[:, 1].tolist() if classifier is not None and rows else None
    bar.start("scoring accounts", len(rows))
    out = []
    for i, row in enumerate(rows):
        score = round(probabilities[i], 6) if probabilities is not None else h_scores[i]
        details = {
            "features": {f: row[f] for f in FEATURES},
            "heuristic": h_scores[i],
            "model_probability": None if probabilities is None else round(probabilities[i], 6),
            "reasons": heuristic.reasons(row),
            "events": row["events"],
        }
        label = "suspicious" if score >= threshold else "normal"
        out.append({"platform": row["platform"], "user_id": row["user_id"], "label": label, "score": score,
                    "details": details})  # fmt: skip
        bar.advance()
    written = write_user_scores(store, TASK, out, model=model_name or BehaviourScore.registry_name)
    flagged = sum(r["label"] == "suspicious" for r in out)
    scorer = f"model {model_name}" if model_name else "the heuristic score"
    return {
        "task": TASK,
        "users": written,
        "suspicious": flagged,
        "scorer": model_name or BehaviourScore.registry_name,
        "summary": f"scored {written:,} accounts with {scorer}: {flagged:,} at or above {threshold}",
    }


def load_model(choice: str, models_dir: Path | None) -> tuple[Any, str | None]:
    """(classifier, 'name vN') for ``choice``: 'none', 'auto' (the default model if there is one),
    or a registered model name (an error when missing)."""
    import json

    from socialens.analyses.suspicious.score import BotClassifier
    from socialens.errors import ModelNotFoundError
    from socialens.training.model_registry import ModelRegistry

    if choice == "none":
        return None, None
    registry = ModelRegistry(models_dir)
    try:
        card = registry.default(TASK, LANGUAGE) if choice == "auto" else registry.load_card(choice)
    except ModelNotFoundError:
        if choice == "auto":
            return None, None
        raise
    from socialens.errors import ModelCardError

    path = (card.path or registry.path(card.name, card.version)) / "model.json"
    if not path.is_file():
        raise ModelCardError(f"{path}: missing; the folder is not a bot model (train one: socialens train suspicious)")
    state = json.loads(path.read_text(encoding="utf-8"))
    return BotClassifier.from_state(state), f"{card.name} v{card.version}"
