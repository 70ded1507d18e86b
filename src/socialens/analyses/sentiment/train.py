"""``socialens train sentiment``: fit a model on the language's reference split, score the
held-out test split, register it (the default only when it scores at least the current one)."""

from __future__ import annotations

from typing import Any

from socialens.training.request import TrainRequest

# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """The model card (``seconds`` and ``default`` added); the store and ``options`` are not used."""
    from socialens.analyses.sentiment.workflow import train_sentiment
    from socialens.registry import resolve

    model, lang = request.model or "bigru", request.lang
    resolve(model, "sentiment")  # an unknown name fails before any work is announced
    request.progress.start(f"training {model} ({lang})", None)
    settings = {"epochs": request.epochs} if request.epochs is not None else {}
    return train_sentiment(
        lang,
        model,
        limit=request.limit,
        settings=settings,
        registry_root=request.models_dir,
        make_default=request.make_default or None,
    )


def describe(card: dict[str, Any]) -> str:
    """The line ``socialens train sentiment`` shows for a trained model's card."""
    m = card["metrics"]
    return (
        f"{card['name']} v{card['version']}: accuracy {m['accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f}, "
        f"ECE {m['ece']:.3f} on {m['n']:,} test texts ({card['seconds']} s)"
        + (
            "; now the default"
            if card.get("default")
            else "; a variant, used when named (--model accurate)"
            if card.get("recipe") == "accurate"
            else "; not the default (the current one scores higher)"
        )
    )
