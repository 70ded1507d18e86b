"""``socialens train sequence``: next-item models on the store's interactions, into the model registry.

Options (``--option KEY=VALUE``): ``platform`` and ``kinds`` (comma-separated) select the
interactions; ``max_len``, ``batch_size``, ``lr``, ``hidden_size``, ``n_layers``, ``dropout``,
``weight_decay``, ``schedule`` (constant / cosine), ``exclude_seen`` (true / false), ``ema``
(decay of the weight average that is validated and kept; 0 = off),
``patience``, ``seed``, ``max_cpu_seconds`` (per member) tune training; ``members=N`` trains N
models seeded ``seed``, ``seed + 1``, ... and saves them as one seed ensemble that scores with
their averaged probabilities (``sequence-<model>-xN``; 1 = a single model). The default is
3 members for ``sasrec`` (chosen on validation; ~3x the training time of one model) and 1 for
the others. ``--model`` is ``sasrec`` (default), ``gru4rec`` or ``lstm4rec``; ``--epochs`` caps
the epochs (early stopping on validation NDCG@10 may stop sooner); ``--limit N`` keeps the
first N users (a quick run). The training run's options (epochs, batch_size, lr, weight_decay,
schedule, ema, patience, max_cpu_seconds) become the recommender's one ``train`` setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialens.errors import ConfigError, TrainingError
from socialens.store import Store
from socialens.training.config import fold_train_settings
from socialens.training.request import TrainRequest, numbers, read_options, register_default

TASK = "sequence"
LANGUAGE = "any"  # behaviour models are language-independent; the registry keys defaults by language
_INT_OPTIONS = ("max_len", "batch_size", "hidden_size", "n_layers", "patience", "seed", "members")
_FLOAT_OPTIONS = ("lr", "max_cpu_seconds", "dropout", "weight_decay", "ema")
_SCHEDULES = ("constant", "cosine")
# Seeds averaged by default: 3 SASRecs, where the gain on validation levels off (docs/behaviour.md);
# the recurrent models were not measured as seed ensembles, so they train one model.
DEFAULT_MEMBERS = {"sasrec": 3}


def model_settings(model: str | None, epochs: int | None, options: Mapping[str, str]) -> dict[str, Any]:
    """Recommender settings from the command line; a malformed number is a ConfigError."""
    settings: dict[str, Any] = {"architecture": model or "sasrec"}
    if settings["architecture"] in DEFAULT_MEMBERS:
        settings["members"] = DEFAULT_MEMBERS[settings["architecture"]]
    if epochs is not None:
        settings["epochs"] = epochs
    kinds = numbers(_INT_OPTIONS, _FLOAT_OPTIONS)
    settings.update(read_options(TASK, options, kinds, strict=False))  # platform, kinds: the data's
    if "schedule" in options:
        if options["schedule"] not in _SCHEDULES:
            raise ConfigError(f"--option schedule={options['schedule']!r}: choose one of {', '.join(_SCHEDULES)}")
        settings["schedule"] = options["schedule"]
    if "exclude_seen" in options:
        flag = options["exclude_seen"].strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            raise ConfigError(f"--option exclude_seen={options['exclude_seen']!r}: expected true or false")
        settings["exclude_seen"] = flag in ("true", "1", "yes")
    return fold_train_settings(settings)  # epochs, lr, batch_size...: the training run, ``train``


def load_split(store: Store, options: Mapping[str, str], limit: int | None = None) -> tuple[Any, Any, str]:
    """Sequences, their leave-one-out split and a fingerprint of the log they came from."""
    from socialens.analyses.sequence.data import build_sequences, leave_one_out
    from socialens.store.behaviour_queries import read_interaction_log
    from socialens.training.model_registry import fingerprint

    kinds = [k.strip() for k in options.get("kinds", "").split(",") if k.strip()] or None
    log = read_interaction_log(store, options.get("platform"), kinds)
    if limit is not None:
        keep = sorted({actor for actor, _, _ in log})[:limit]
        wanted = set(keep)
        log = [row for row in log if row[0] in wanted]
    seqs = build_sequences(log)
    split = leave_one_out(seqs)
    if len(split.test.targets) == 0:
        raise TrainingError(
            f"no user in the store has 3 or more interactions with posts ({len(log):,} interactions read); "
            "sequence models need time-ordered histories (ingest a click or rating log with --record interaction)"
        )
    return seqs, split, fingerprint(log)


def run(request: TrainRequest) -> dict[str, Any]:
    """Train on ``request.store``'s interactions, score on the held-out last interactions, save to
    the registry as the default."""
    from socialens.analyses.sequence.evaluate import PROTOCOL, evaluate_model, evaluate_popular, validation_ndcg
    from socialens.analyses.sequence.recommender import NextItemRecommender

    store, options = request.store, request.options
    settings = model_settings(request.model, request.epochs, options)
    seqs, split, data_hash = load_split(store, options, request.limit)
    recommender = NextItemRecommender(**settings)
    recommender.fit_split(seqs, split, request.progress, validate=lambda m: validation_ndcg(m, split.valid))
    metrics = {
        "test": evaluate_model(recommender, split.test),
        "most_popular": evaluate_popular(split, seqs.n_items),
        **_training_metrics(recommender, split),
    }
    members = len(recommender.histories_)
    name = f"sequence-{recommender.architecture}" + (f"-x{members}" if members > 1 else "")
    card = register_default(
        request.models_dir,
        name,
        recommender.state(),
        {
            "task": TASK,
            "language": LANGUAGE,
            "architecture": f"{NextItemRecommender.registry_name}/{recommender.architecture}",
            "data_hash": data_hash,
            "split": PROTOCOL,
            "labels": recommender.actions_[1:],
            "metrics": metrics,
            "settings": recommender.get_params(),
            "platform": options.get("platform"),
            "users": len(seqs.users),
            "items": seqs.n_items - 1,
            "epochs": [
                {**row, "seed": recommender.seed + i} for i, h in enumerate(recommender.histories_) for row in h.history
            ],
        },
    )
    if not store.read_only:
        _record(store, card.to_dict(), metrics)
    return _result(card.to_dict(), metrics, len(seqs.users), seqs.n_items - 1)


def _training_metrics(recommender: Any, split: Any) -> dict[str, Any]:
    """Validation score, epochs and time of training; an ensemble's are summed over its members
    (each member's own are under ``members``) and its validation score is the ensemble's."""
    from socialens.analyses.sequence.ensemble import summarise
    from socialens.analyses.sequence.evaluate import validation_ndcg

    histories = recommender.histories_
    if len(histories) == 1:
        h = histories[0]
        return {
            "valid_ndcg@10": h.best_metric,
            "best_epoch": h.best_epoch,
            "epochs_run": h.epochs_run,
            "seconds_per_epoch": round(h.seconds_per_epoch, 3),
            "train_seconds": round(h.seconds, 3),
            "cpu_seconds_per_epoch": round(h.cpu_seconds_per_epoch, 3),
            "train_cpu_seconds": round(h.cpu_seconds, 3),
        }
    summary = summarise(histories, [recommender.seed + i for i in range(len(histories))])
    epochs = max(1, summary["epochs_run"])
    return {
        "valid_ndcg@10": validation_ndcg(recommender, split.valid),
        **summary,
        "seconds_per_epoch": round(summary["train_seconds"] / epochs, 3),
        "cpu_seconds_per_epoch": round(summary["train_cpu_seconds"] / epochs, 3),
    }


def _record(store: Store, card: dict[str, Any], metrics: dict[str, Any]) -> None:
    """Keep the latest evaluation of each architecture in the store, for the report."""
    from socialens.store.results import read_results, write_results

    kept = dict(read_results(store, TASK))
    kept[card["name"]] = {"version": card["version"], "metrics": metrics, "protocol": card["split"]}
    write_results(store, TASK, sorted(kept.items()))


def _result(card: dict[str, Any], metrics: dict[str, Any], users: int, items: int) -> dict[str, Any]:
    ex, pop = metrics["test"]["seen_excluded"], metrics["most_popular"]["seen_excluded"]
    summary = (
        f"{card['name']} v{card['version']}: test NDCG@10 {ex['ndcg@10']:.4f}, HR@10 {ex['hr@10']:.4f}, "
        f"MRR@10 {ex['mrr@10']:.4f} (seen items excluded; most-popular NDCG@10 {pop['ndcg@10']:.4f}) "
        f"on {users:,} users x {items:,} items, {metrics['epochs_run']} epochs at {metrics['seconds_per_epoch']} s"
    )
    if "members" in metrics:
        summary += f" ({len(metrics['members'])} seeds averaged, {metrics['train_cpu_seconds']:.0f} CPU s in all)"
    return {**card, "protocol": card["split"], "summary": summary}
