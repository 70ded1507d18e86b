"""``socialens train ctr``: a click-through model on MovieLens-100K, saved with its test metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.progress import NoProgress, Progress
from socialens.store import Store

# --option values are strings; these settings are parsed into numbers.
_INTS = (
    "embed_dim", "batch_size", "patience", "seed", "cross_layers", "low_rank", "max_iter", "num_threads",
    "history", "attention_hidden",
)  # fmt: skip
_FLOATS = ("lr", "dropout", "weight_decay", "C", "history_weight")


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
    """The store is not used: the model trains on the bundled MovieLens ratings."""
    from socialens.analyses.ctr.workflow import DEFAULT_MODEL, train_ctr

    architecture = model or DEFAULT_MODEL
    settings = _settings(options)
    if epochs is not None and architecture in ("din", "deepfm", "dcnv2"):
        settings["epochs"] = epochs
    bar = progress or NoProgress()
    bar.start(f"training ctr {architecture}", 1)
    card = train_ctr(architecture, limit=limit, settings=settings, models_dir=models_dir)
    bar.advance(1)
    m = card["metrics"]
    card["summary"] = (
        f"{card['name']} v{card['version']}: test AUC {m['test_auc']:.4f}, log loss {m['test_log_loss']:.4f} "
        f"on {m['n_test']:,} ratings ({m['fit_seconds']} s)"
    )
    return card


def _settings(options: dict[str, str]) -> dict[str, Any]:
    from socialens.errors import ConfigError

    settings: dict[str, Any] = {}
    for key, value in options.items():
        try:
            if key in _INTS:
                settings[key] = int(value)
            elif key in _FLOATS:
                settings[key] = float(value)
            elif key == "hidden":
                settings[key] = tuple(int(v) for v in value.split(",") if v.strip())
            else:
                known = ", ".join((*_INTS, *_FLOATS, "hidden"))
                raise ConfigError(f"--option {key}: unknown ctr setting; known: {known}")
        except ValueError:
            raise ConfigError(f"--option {key}={value!r}: not a number") from None
    return settings
