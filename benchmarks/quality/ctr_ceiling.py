"""How much signal is left for a click-through network to find on MovieLens-100K (issue 5)?

The floor asks a network to beat logistic regression by 0.02 test AUC on the reference split
(``socialens.datasets.ctr_features``: rating >= 4 = click, per-user time split). This script
measures the collaborative signal the networks could add over logistic regression: a biased
matrix factorisation of the training ratings (explicit 1-5 ratings, which carry more than the
clicks; truncated SVD of the bias residuals), alone and stacked with the logistic regression
on the same input as the networks (a two-feature logistic stacker fit on the validation part,
test scored once). If even that stack stays far from LR + 0.02, no network reading the same
data is likely to reach it.

    OMP_NUM_THREADS=1 python -m benchmarks.quality.ctr_ceiling
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.harness import recording

RANKS = (10, 20, 40)


def biases(
    users: np.ndarray, items: np.ndarray, ratings: np.ndarray, shape: tuple[int, int]
) -> tuple[float, np.ndarray, np.ndarray]:
    """Global mean and shrunk user and item biases (10 rounds of alternating means)."""
    mu = float(ratings.mean())
    bu, bi = np.zeros(shape[0]), np.zeros(shape[1])
    for _ in range(10):
        bi = np.bincount(items, ratings - mu - bu[users], len(bi)) / (np.bincount(items, minlength=len(bi)) + 10)
        bu = np.bincount(users, ratings - mu - bi[items], len(bu)) / (np.bincount(users, minlength=len(bu)) + 5)
    return mu, bu, bi


def main() -> None:
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import svds
    from sklearn.linear_model import LogisticRegression

    from benchmarks.machine import describe
    from socialens.analyses.ctr.data import load_history_split, load_ratings
    from socialens.analyses.ctr.models import auc
    from socialens.analyses.ctr.workflow import make_model
    from socialens.datasets.ctr_features import load_movielens_columns, split_per_user_by_time

    columns, labels, seconds = load_movielens_columns()
    users, items = columns["user"].astype(np.int64), columns["item"].astype(np.int64)
    part = split_per_user_by_time(users, seconds, items)
    ratings = load_ratings().astype(np.float64)
    train, valid, test = (np.flatnonzero(part == k) for k in range(3))
    mu, bu, bi = biases(users[train], items[train], ratings[train], (users.max() + 1, items.max() + 1))
    residual = ratings[train] - mu - bu[users[train]] - bi[items[train]]
    matrix = csr_matrix((residual, (users[train], items[train])), shape=(len(bu), len(bi)))
    factors = {k: svds(matrix, k=k, random_state=0) for k in RANKS}

    def predicted(rows: np.ndarray, k: int) -> np.ndarray:
        base = mu + bu[users[rows]] + bi[items[rows]]
        if k == 0:
            return base
        u, s, vt = factors[k]
        return base + np.einsum("ij,ij->i", u[users[rows]] * s, vt.T[items[rows]])

    split = load_history_split(50)
    assert (split.valid_y == labels[valid]).all() and (split.test_y == labels[test]).all()
    started = time.perf_counter()
    lr = make_model("logistic", {"C": 0.3, "history_weight": 0.3}).fit(split.train_x, split.train_y)
    fit_s = time.perf_counter() - started
    pv, pt = lr.predict_proba(split.valid_x), lr.predict_proba(split.test_x)
    lr_test = auc(split.test_y, pt)
    rows = [
        ("logistic regression, same input as the networks (C 0.3, history weight 0.3)", auc(split.valid_y, pv), lr_test)
    ]
    rows.append(
        (
            "rating biases alone (global + user + item)",
            auc(labels[valid], predicted(valid, 0)),
            auc(labels[test], predicted(test, 0)),
        )
    )
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    for k in RANKS:
        rows.append(
            (
                f"biased SVD of the ratings, rank {k}",
                auc(labels[valid], predicted(valid, k)),
                auc(labels[test], predicted(test, k)),
            )
        )
    for k in RANKS:
        stack = LogisticRegression().fit(np.c_[logit(pv), predicted(valid, k)], split.valid_y)
        p = stack.predict_proba(np.c_[logit(pt), predicted(test, k)])[:, 1]
        rows.append(
            (f"stack: logistic regression + SVD rank {k} (fit on validation)", float("nan"), auc(split.test_y, p))
        )
    print(f"Machine: {describe()}\n")
    print(
        f"MovieLens-100K, rating >= 4 = click, reference per-user time split ({split.data_hash}); "
        f"LR fit {fit_s:.0f} s.\n"
    )
    print("| model | valid AUC | test AUC | test AUC - LR |")
    print("|---|---:|---:|---:|")
    for name, v, t in rows:
        shown = "" if np.isnan(v) else f"{v:.4f}"
        print(f"| {name} | {shown} | {t:.4f} | {t - lr_test:+.4f} |")
    print(f"\nFloor for a network: test AUC >= {lr_test + 0.02:.4f} (LR + 0.02).")


if __name__ == "__main__":
    with recording(__spec__.name, "ctr", 5):
        main()
