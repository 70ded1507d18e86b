"""RecBole 1.2.1 SASRec / GRU4Rec on a given atomic .inter file; prints one JSON object.

Run with this folder's own environment (setup.sh): ``.venv/bin/python run.py --model SASRec
--data DIR --dataset NAME --epochs N [--max-seconds S]``. ``DIR/NAME/NAME.inter`` holds
``user_id:token item_id:token timestamp:float``; socialens's benchmark writes it from its own
split, with each user's position as the timestamp, so both sides see identical sequences.

The split is RecBole's ``LS: valid_and_test`` with ``order: TO``, full ranking. Training runs
epoch by epoch with RecBole's own ``_train_epoch``; after each epoch the validation NDCG@10
(seen items excluded) picks the best weights, and the test cases are scored with the same
rank definition as socialens (ties count against the model), with the user's earlier items
excluded and not. RecBole's own ``evaluate`` (seen items included) is reported as a check.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import time
from collections import defaultdict

import numpy as np
import torch

SETTINGS = {
    # DATA.md: SASRec hidden 64, 2 layers, 2 heads, CE loss, batch 256, lr 1e-3, seed 2020.
    "SASRec": {
        "hidden_size": 64,
        "inner_size": 256,
        "n_layers": 2,
        "n_heads": 2,
        "hidden_dropout_prob": 0.5,
        "attn_dropout_prob": 0.5,
        "loss_type": "CE",
        "train_batch_size": 256,
        "learning_rate": 1e-3,
    },
    # RecBole defaults, batch 2048.
    "GRU4Rec": {"loss_type": "CE", "train_batch_size": 2048},
}


class BudgetSpent(Exception):
    """The training CPU budget ran out."""


def _config(model: str, data: str, dataset: str) -> dict:
    return {
        "data_path": data,
        "USER_ID_FIELD": "user_id",
        "ITEM_ID_FIELD": "item_id",
        "TIME_FIELD": "timestamp",
        "load_col": {"inter": ["user_id", "item_id", "timestamp"]},
        "MAX_ITEM_LIST_LENGTH": 50,
        "eval_args": {"split": {"LS": "valid_and_test"}, "order": "TO", "mode": "full", "group_by": "user"},
        "train_neg_sample_args": None,
        "metrics": ["Hit", "NDCG", "MRR"],
        "topk": [10],
        "valid_metric": "NDCG@10",
        "eval_batch_size": 1024,
        "seed": 2020,
        "reproducibility": True,
        "device": "cpu",
        "use_gpu": False,
        "show_progress": False,
        "checkpoint_dir": f"{data}/saved",
        "log_wandb": False,
        **SETTINGS[model],
    }


def _sequences(path: str) -> dict[str, list[str]]:
    """Each user's items in timestamp order, read from the .inter file."""
    rows: dict[str, list[tuple[float, str]]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            user, item, ts = line.rstrip("\n").split("\t")
            rows[user].append((float(ts), item))
    return {u: [i for _, i in sorted(r)] for u, r in rows.items()}


def _seen(dataset, sequences: dict[str, list[str]], drop_last: int) -> dict[int, torch.Tensor]:
    """Internal item ids of each user's history before the case (all but the last ``drop_last``)."""
    seen = {}
    for user, items in sequences.items():
        uid = int(dataset.token2id("user_id", user))
        history = items[:-drop_last]
        seen[uid] = torch.as_tensor(dataset.token2id("item_id", history), dtype=torch.int64)
    return seen


def _ranks(model, loader, seen: dict[int, torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each case's answer with the user's history included and excluded."""
    included, excluded = [], []
    model.eval()
    with torch.no_grad():
        for interaction, _, _, positive_i in loader:
            scores = model.full_sort_predict(interaction).view(len(positive_i), -1).double()
            scores[:, 0] = -np.inf
            rows = torch.arange(len(positive_i))
            target = scores[rows, positive_i].clone()
            included.append((scores >= target[:, None]).sum(1).numpy())
            for r, uid in enumerate(interaction["user_id"].tolist()):
                scores[r, seen[uid]] = -np.inf
            scores[rows, positive_i] = target
            excluded.append((scores >= target[:, None]).sum(1).numpy())
    return np.concatenate(included), np.concatenate(excluded)


def _metrics(ranks: np.ndarray, k: int = 10) -> dict[str, float]:
    hit = ranks <= k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1.0 / np.log2(ranks + 1.0), 0.0).mean()),
        f"mrr@{k}": float(np.where(hit, 1.0 / ranks, 0.0).mean()),
        "n": int(ranks.size),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(SETTINGS), required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--max-cpu-seconds", type=float, default=float("inf"))
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import get_model, get_trainer, init_seed

    config = Config(model=args.model, dataset=args.dataset, config_dict=_config(args.model, args.data, args.dataset))
    init_seed(config["seed"], config["reproducibility"])
    torch.set_num_threads(args.threads)
    dataset = create_dataset(config)
    train_data, valid_data, test_data = data_preparation(config, dataset)
    init_seed(config["seed"] + config["local_rank"], config["reproducibility"])
    model = get_model(config["model"])(config, train_data._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)
    sequences = _sequences(f"{args.data}/{args.dataset}/{args.dataset}.inter")
    seen_valid, seen_test = _seen(dataset, sequences, 2), _seen(dataset, sequences, 1)

    epochs, best, best_state, train_seconds, train_cpu = [], -1.0, None, 0.0, 0.0
    for epoch in range(args.epochs):
        started, cpu_started = time.perf_counter(), time.process_time()
        batches = [0]

        def budgeted(interaction, batches=batches, spent=train_cpu, cpu_started=cpu_started):
            # The budget may end inside an epoch: the batch is dropped before its update.
            if spent + time.process_time() - cpu_started >= args.max_cpu_seconds:
                raise BudgetSpent
            batches[0] += 1
            return model.calculate_loss(interaction)

        try:
            loss = trainer._train_epoch(train_data, epoch, loss_func=budgeted)
        except BudgetSpent:
            loss = float("nan")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        train_seconds += seconds
        train_cpu += cpu
        valid = _metrics(_ranks(model, valid_data, seen_valid)[1])["ndcg@10"]
        loss = float(loss if np.isscalar(loss) else sum(loss))
        done = batches[0] / len(train_data)  # share of the epoch trained
        epochs.append({"epoch": epoch + 1, "share": round(done, 3), "loss": loss, "seconds": round(seconds, 3),
                       "cpu_seconds": round(cpu, 3), "valid_ndcg@10": valid})  # fmt: skip
        if valid > best:
            best, best_state = valid, copy.deepcopy(model.state_dict())
        if done < 1 or train_cpu >= args.max_cpu_seconds:  # CPU time: fair when other work shares the cores
            break
    model.load_state_dict(best_state)
    included, excluded = _ranks(model, test_data, seen_test)
    native = trainer.evaluate(test_data, load_best_model=False, show_progress=False)
    print(
        json.dumps(
            {
                "model": args.model,
                "settings": SETTINGS[args.model],
                "epochs_run": round(sum(e["share"] for e in epochs), 3),
                "best_epoch": 1 + max(range(len(epochs)), key=lambda i: epochs[i]["valid_ndcg@10"]),
                "train_seconds": round(train_seconds, 3),
                "seconds_per_epoch": round(train_seconds / max(1e-9, sum(e["share"] for e in epochs)), 3),
                "train_cpu_seconds": round(train_cpu, 3),
                "cpu_seconds_per_epoch": round(train_cpu / max(1e-9, sum(e["share"] for e in epochs)), 3),
                "test": {"seen_excluded": _metrics(excluded), "seen_included": _metrics(included)},
                "recbole_native_test": {k: float(v) for k, v in dict(native).items()},
                "epochs": epochs,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "n_users": int(dataset.user_num - 1),
                "n_items": int(dataset.item_num - 1),
            }
        )
    )


if __name__ == "__main__":
    main()
