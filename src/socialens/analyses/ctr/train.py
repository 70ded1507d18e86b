"""``socialens train ctr``: a click-through model on MovieLens-100K, saved with its test metrics."""

from __future__ import annotations

from typing import Any

from socialens.training.request import TrainRequest, int_list, numbers, read_options

# --option values are strings; these settings are parsed into numbers.
_INTS = (
    "embed_dim", "batch_size", "patience", "seed", "cross_layers", "low_rank", "max_iter", "num_threads",
    "history", "attention_hidden",
)  # fmt: skip
_FLOATS = ("lr", "dropout", "weight_decay", "C", "history_weight")
_KINDS = {**numbers(_INTS, _FLOATS), "hidden": int_list}

# Trained on packaged data: `socialens train` opens no store for it.
USES_STORE = False


def run(request: TrainRequest) -> dict[str, Any]:
    """The store is not used: the model trains on the bundled MovieLens ratings."""
    from socialens.analyses.ctr.workflow import DEFAULT_MODEL, train_ctr

    architecture = request.model or DEFAULT_MODEL
    settings = read_options("ctr", request.options, _KINDS)
    if request.epochs is not None and architecture in ("din", "deepfm", "dcnv2"):
        settings["epochs"] = request.epochs
    request.progress.start(f"training ctr {architecture}", 1)
    card = train_ctr(architecture, limit=request.limit, settings=settings, models_dir=request.models_dir)
    request.progress.advance(1)
    m = card["metrics"]
    card["summary"] = (
        f"{card['name']} v{card['version']}: test AUC {m['test_auc']:.4f}, log loss {m['test_log_loss']:.4f} "
        f"on {m['n_test']:,} ratings ({m['fit_seconds']} s)"
    )
    return card
