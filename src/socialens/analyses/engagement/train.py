"""``socialens train engagement``: retweet/favourite level from text, time and history, on the
bundled tweets; ``--model`` picks the text encoder (minilm, hashing, none)."""

from __future__ import annotations

from typing import Any

from socialens.training.request import TrainRequest, numbers, read_options

_INTS = ("text_dims", "max_iter", "max_leaf_nodes", "min_samples_leaf", "seed")
_FLOATS = ("learning_rate",)

# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """The store is not used; ``epochs`` does not apply (boosted trees, ``--option max_iter=N``)."""
    from socialens.analyses.engagement.workflow import train_engagement

    settings = read_options("engagement", request.options, numbers(_INTS, _FLOATS))
    model = request.model or "minilm"
    card = train_engagement(model, limit=request.limit, settings=settings, models_dir=request.models_dir)
    test, base = card["metrics"]["test"], card["metrics"]["test_baseline"]
    card["summary"] = (
        f"{card['name']} v{card['version']} on the newest {card['metrics']['n_test']:,} tweets: "
        f"favourites Spearman {test['favourites_spearman']:.3f} (time+history {base['favourites_spearman']:.3f}), "
        f"top-decile AUC {test['favourites_top10_auc']:.3f} ({base['favourites_top10_auc']:.3f}); "
        f"retweets Spearman {test['retweets_spearman']:.3f} ({base['retweets_spearman']:.3f})"
    )
    return card
