"""``socialens analyze suspicious``: a bot-likeness score per account, in ``user_scores`` task 'suspicious'.

The score is the trained model's P(bot) when one is in the model registry (``socialens train
suspicious``; ``-o model=none`` turns it off), else the heuristic :class:`BehaviourScore`.
Details keep both, the features and the reasons, so a flag can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialens.pipeline.task import Task, TaskResult

if TYPE_CHECKING:
    from socialens.pipeline.context import Context

TASK = "suspicious"
LANGUAGE = "any"  # behaviour, not text: one model for every language


@dataclass(frozen=True, slots=True)
class SuspiciousSettings:
    model: str = "auto"  # auto (the trained default if any), none (the heuristic), or a model name
    threshold: float = 0.5  # score at or above which an account is labelled suspicious


class SuspiciousTask(Task):
    name = TASK
    kind = "account"
    Settings = SuspiciousSettings
    requires = ("posts", "interactions")
    assigns = ("user_scores.suspicious",)

    def run(self, ctx: Context) -> TaskResult:
        from socialens.analyses.suspicious.features import behaviour_features
        from socialens.analyses.suspicious.score import BehaviourScore
        from socialens.pipeline.runners import score_accounts

        ctx.progress.start("computing behavioural features", None)
        rows = behaviour_features(ctx.store)
        classifier, model_name = load_model(self.settings.model, ctx.models_dir)
        out = score_rows(rows, classifier, self.settings.threshold)
        scorer = model_name or BehaviourScore.registry_name
        written = score_accounts(ctx, TASK, out, model=scorer)
        flagged = sum(r["label"] == "suspicious" for r in out)
        from socialens.analyses.adequacy import MIN_ACCOUNTS_SUSPICIOUS, thin_activity, too_few_accounts, with_caveats

        described = f"model {model_name}" if model_name else "the heuristic score"
        caveats = too_few_accounts(len(out), MIN_ACCOUNTS_SUSPICIOUS, "bot-likeness rankings")
        caveats += thin_activity([int(r["events"]) for r in rows])
        summary = f"scored {written:,} accounts with {described}: {flagged:,} at or above {self.settings.threshold}"
        data = {
            "task": TASK,
            "users": written,
            "suspicious": flagged,
            "scorer": scorer,
            "caveats": caveats,
            "summary": with_caveats(summary, caveats),
        }
        return self.result(data, rows=written)


def score_rows(rows: list[dict[str, Any]], classifier: Any, threshold: float) -> list[dict[str, Any]]:
    """``user_scores`` rows: the model's P(bot) when there is a model, else the heuristic score,
    with both, the features and the reasons in the details."""
    from socialens.analyses.suspicious.features import FEATURES
    from socialens.analyses.suspicious.score import BehaviourScore

    heuristic = BehaviourScore().fit(rows)
    h_scores = heuristic.score(rows)
    probabilities = classifier.predict_proba(rows)[:, 1].tolist() if classifier is not None and rows else None
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
    return out


def load_model(choice: str, models_dir: Path | None) -> tuple[Any, str | None]:
    """(classifier, 'name vN') for ``choice``: 'none', 'auto' (the default model if there is one),
    or a registered model name (an error when missing)."""

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
    return BotClassifier.load(card.path or registry.path(card.name, card.version)), f"{card.name} v{card.version}"
