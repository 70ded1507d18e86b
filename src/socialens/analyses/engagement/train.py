"""``socialens train engagement``: retweet/favourite level from text, time and history, on the
bundled tweets; ``--model`` picks the text encoder (minilm, hashing, none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import Progress
from socialens.store import Store

_INTS = ("text_dims", "max_iter", "max_leaf_nodes", "min_samples_leaf", "seed")
_FLOATS = ("learning_rate",)


# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(
    store: Store | None,
    *,
    options: dict[str, str],
    models_dir: Path | None = None,
    progress: Progress | None = None,
    model: str | None = None,
    epochs: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The store is not used; ``epochs`` does not apply (boosted trees, ``--option max_iter=N``)."""
    from socialens.analyses.engagement.workflow import train_engagement

    card = train_engagement(model or "minilm", limit=limit, settings=_settings(options), models_dir=models_dir)
    test, base = card["metrics"]["test"], card["metrics"]["test_baseline"]
    card["summary"] = (
        f"{card['name']} v{card['version']} on the newest {card['metrics']['n_test']:,} tweets: "
        f"favourites Spearman {test['favourites_spearman']:.3f} (time+history {base['favourites_spearman']:.3f}), "
        f"top-decile AUC {test['favourites_top10_auc']:.3f} ({base['favourites_top10_auc']:.3f}); "
        f"retweets Spearman {test['retweets_spearman']:.3f} ({base['retweets_spearman']:.3f})"
    )
    return card


def _settings(options: dict[str, str]) -> dict[str, Any]:
    from socialens.errors import ConfigError

    settings: dict[str, Any] = {}
    for key, value in options.items():
        if key not in (*_INTS, *_FLOATS):
            raise ConfigError(f"--option {key}: unknown engagement setting; known: {', '.join((*_INTS, *_FLOATS))}")
        try:
            settings[key] = int(value) if key in _INTS else float(value)
        except ValueError:
            raise ConfigError(f"--option {key}={value!r}: not a number") from None
    return settings
