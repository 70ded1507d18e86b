"""socialens: social-media data in, answers out: offline, embedded, pseudonymised."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialens.schema import Interaction, Post, User

if TYPE_CHECKING:
    from socialens.api import Store

__all__ = ["Interaction", "Post", "Store", "User", "__version__", "predict"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy, so ``import socialens`` stays fast: the store (DuckDB) loads on first use.
    if name == "Store":
        from socialens.api import Store

        return Store
    raise AttributeError(f"module 'socialens' has no attribute {name!r}")


def predict(texts: list[str], task: str = "sentiment", lang: str | None = None) -> list[dict[str, object]]:
    """Score texts with the registered default models: label, probabilities, language, model.

    ``socialens train sentiment`` registers the models this uses.
    """
    from socialens.analyses.sentiment.predict import predict_sentiment
    from socialens.errors import ConfigError

    if task != "sentiment":
        raise ConfigError(f"cannot predict {task!r} yet; available: sentiment")
    return predict_sentiment(texts, lang=lang)
