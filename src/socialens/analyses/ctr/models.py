"""Click-through models as components: DIN, DeepFM, DCN-v2 and logistic regression on one input.

Every model takes ``X`` as ``(N, F + 2L)`` integer indices into one feature table (one column
per field, see ``socialens.datasets.ctr_features`` and ``socialens.analyses.ctr.history``),
ending in ``L = history`` earlier items and their ratings (``history=0``: fields only), and
``y`` as 0/1 clicks; ``predict_proba(X)`` gives each row's click probability as a 1-D array.
DeepFM and DCN-v2 read the fields only; DIN attends over the earlier items. The neural models
train with the generic trainer: they return a single logit, so the loss is binary
cross-entropy (passed to the trainer) and early stopping watches validation AUC.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, overload

import numpy as np

from socialens.component import Component, Persistent
from socialens.errors import TrainingError
from socialens.registry import register

if TYPE_CHECKING:
    import torch
    from torch import nn

    from socialens.training.config import TrainConfig

ARCHITECTURES = ("deepfm", "dcnv2", "logistic")


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); NaN when only one class is present."""
    from scipy.stats import rankdata

    labels = np.asarray(labels, dtype=bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def log_loss(labels: np.ndarray, probabilities: np.ndarray) -> float:
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))) if len(y) else float("nan")


def _check(x: Any, y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    x = np.asarray(x, dtype=np.int64)
    if x.ndim != 2:
        raise ValueError(f"X must be (rows, fields) feature indices, got shape {x.shape}")
    if y is None:
        return x, None
    labels = np.asarray(y, dtype=np.float32)
    if len(labels) != len(x):
        raise ValueError(f"{len(x)} rows but {len(labels)} labels")
    return x, labels


class NeuralCtr(Component, Persistent):
    """Shared fitting and scoring of the factorisation networks; subclasses build the network."""

    state_file = "model.pkl"  # the name registry folders written before ``Persistent`` use

    # The training run's settings under ``train`` (a TrainConfig, or a dict of its fields over these).
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {
        "epochs": 12, "batch_size": 1024, "lr": 2e-3, "weight_decay": 1e-5, "patience": 2, "eval_batch_size": 8192,
    }  # fmt: skip

    def __init__(
        self,
        embed_dim: int = 32,
        hidden: tuple[int, ...] = (256, 128),
        dropout: float = 0.3,
        train: TrainConfig | dict[str, Any] | None = None,
        seed: int = 42,
        history: int = 0,
    ) -> None:
        self.embed_dim = embed_dim
        self.hidden = hidden
        self.dropout = dropout
        self.train = train
        self.seed = seed
        self.history = history

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A pickle written before ``train`` was one setting (``epochs``, ``lr``... flat) loads the same."""
        from socialens.training.config import fold_train_settings

        self.__dict__.update(fold_train_settings(state))

    def train_config(self) -> TrainConfig:
        """The settings of the training run: ``train`` over ``TRAIN_DEFAULTS``, seeded by ``seed``."""
        from socialens.training.config import component_train_config

        return component_train_config(self)

    def build(self, num_features: int, num_fields: int) -> nn.Module:
        raise NotImplementedError

    def fit(self, X: Any, y: Any, valid: tuple[Any, Any] | None = None, num_features: int | None = None) -> NeuralCtr:
        """Train on ``(X, y)``; early stopping on ``valid`` (default: a seeded tenth of ``X``)."""
        import torch

        from socialens.training.trainer import Trainer

        x, labels = _check(X, y)
        assert labels is not None
        if valid is None:
            x, labels, vx, vy = self._hold_out(x, labels)
        else:
            vx, vy = _check(*valid)  # type: ignore[assignment]
        if len(x) == 0 or vy is None or len(vx) == 0:
            raise TrainingError("click-through training needs at least one training and one validation row")
        self.num_features_ = int(num_features or max(x.max(), vx.max()) + 1)
        config = self.train_config()
        torch.set_num_threads(config.num_threads)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = self.build(self.num_features_, x.shape[1] - 2 * self.history)
        train_collate, valid_collate = _collate(x, labels, self.history), _collate(vx, vy, self.history)
        self.training_ = Trainer(config).fit(
            model,
            _Indexed(len(x), train_collate),
            _Indexed(len(vx), valid_collate),
            collate_fn=_dispatch,
            loss_fn=binary_cross_entropy,
            metric_fn=_valid_auc,
            progress=False,
        )
        self.model_ = model.eval()
        return self

    def _hold_out(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        order = np.random.default_rng(self.seed).permutation(len(x))
        cut = max(1, len(x) // 10)
        return x[order[cut:]], y[order[cut:]], x[order[:cut]], y[order[:cut]]

    def predict_proba(self, X: Any, batch_size: int = 8192) -> np.ndarray:
        """Click probability of each row, ``(N,)`` in [0, 1]."""
        import torch

        x, _ = _check(X) if len(X) else (np.zeros((0, 1), dtype=np.int64), None)
        if len(x) == 0:
            return np.zeros(0, dtype=np.float64)
        if x.max() >= self.num_features_:
            raise ValueError(f"feature index {x.max()} is outside the table of {self.num_features_} features")
        out = []
        with torch.inference_mode():
            for start in range(0, len(x), batch_size):
                logits = self.model_(_columns(torch.from_numpy(x[start : start + batch_size]), self.history))
                out.append(torch.sigmoid(logits.squeeze(-1)).double().numpy())
        return np.concatenate(out)


@register("ctr.deepfm.v1")
class DeepFMCtr(NeuralCtr):
    """DeepFM click-through model (``socialens.models.deepfm``)."""

    def build(self, num_features: int, num_fields: int) -> nn.Module:
        from socialens.models.deepfm import DeepFM, DeepFMConfig

        return DeepFM(DeepFMConfig(num_features, num_fields, self.embed_dim, tuple(self.hidden), self.dropout))


@register("ctr.dcnv2.v1")
class DCNv2Ctr(NeuralCtr):
    """DCN-v2 click-through model (``socialens.models.dcnv2``), cross layers beside an MLP."""

    def __init__(self, cross_layers: int = 3, low_rank: int | None = None, **settings: Any) -> None:
        super().__init__(**settings)
        self.cross_layers = cross_layers
        self.low_rank = low_rank

    @classmethod
    def _param_names(cls) -> list[str]:
        return ["cross_layers", "low_rank", *NeuralCtr._param_names()]

    def build(self, num_features: int, num_fields: int) -> nn.Module:
        from socialens.models.dcnv2 import DCNv2, DCNv2Config

        config = DCNv2Config(
            num_features, num_fields, self.embed_dim, self.cross_layers, tuple(self.hidden), self.dropout, self.low_rank
        )
        return DCNv2(config)


@register("ctr.din.v1")
class DINCtr(NeuralCtr):
    """DIN click-through model (``socialens.models.din``): the last ``history`` earlier items,
    attention-pooled against the candidate, beside the fields in a DeepFM head. Rows without
    earlier items (or ``history=0``) get a zero interest vector."""

    def __init__(self, attention_hidden: int = 64, **settings: Any) -> None:
        super().__init__(**settings)
        self.attention_hidden = attention_hidden

    @classmethod
    def _param_names(cls) -> list[str]:
        return ["attention_hidden", *NeuralCtr._param_names()]

    def build(self, num_features: int, num_fields: int) -> nn.Module:
        from socialens.models.din import DIN, DINConfig

        config = DINConfig(
            num_features, num_fields, self.embed_dim, tuple(self.hidden), self.dropout, self.attention_hidden
        )
        return DIN(config)


@register("ctr.logistic.v1")
class LogisticCtr(Component, Persistent):
    """Logistic regression on the one-hot fields. ``crosses=True`` adds crossed one-hot features
    (pairs seen in training only) for the first field (user) with every later field from
    ``cross_from`` on (genres, for the ctr fields), and for the second (item) with fields 2-4
    (age, gender, occupation): a user's taste per genre, an item's appeal per audience.
    With ``history`` L > 0 the rows end in L earlier items and their ratings (see
    ``socialens.analyses.ctr.history``): they become one multi-hot block per rating, each row's
    entries ``history_weight / sqrt(its earlier items)``. ``C`` is the inverse L2 strength."""

    state_file = "model.pkl"  # the name registry folders written before ``Persistent`` use

    def __init__(
        self,
        C: float = 1.0,
        crosses: bool = False,
        cross_from: int = 7,
        max_iter: int = 1000,
        history: int = 0,
        history_weight: float = 1.0,
    ) -> None:
        self.C = C
        self.crosses = crosses
        self.cross_from = cross_from
        self.max_iter = max_iter
        self.history = history
        self.history_weight = history_weight

    def fit(self, X: Any, y: Any, valid: tuple[Any, Any] | None = None, num_features: int | None = None) -> LogisticCtr:
        from sklearn.linear_model import LogisticRegression

        x, labels = _check(X, y)
        if len(x) == 0 or labels is None or len(set(labels.tolist())) < 2:
            raise TrainingError("logistic regression needs training rows of both classes")
        self.num_features_ = int(num_features or x.max() + 1)
        if self.crosses:
            self.cross_vocab_ = np.unique(_cross_keys(self._fields(x), self.num_features_, self.cross_from))
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear")
        self.model_.fit(self._design(x), labels.astype(int))
        return self

    def _fields(self, x: np.ndarray) -> np.ndarray:
        return x[:, : x.shape[1] - 2 * self.history]

    def _design(self, x: np.ndarray) -> Any:
        from scipy import sparse

        fields = self._fields(x)
        blocks = [_one_hot(fields, self.num_features_)]
        if self.crosses:
            blocks.append(self._crossed(fields))
        if self.history:
            blocks.append(self._multi_hot(x[:, fields.shape[1] :]))
        return sparse.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]

    def _crossed(self, fields: np.ndarray) -> Any:
        from scipy import sparse

        keys = _cross_keys(fields, self.num_features_, self.cross_from)  # (N, P)
        if keys.size == 0 or len(self.cross_vocab_) == 0:
            return sparse.csr_matrix((len(fields), 0))
        at = np.searchsorted(self.cross_vocab_, keys).clip(0, len(self.cross_vocab_) - 1)
        seen = self.cross_vocab_[at] == keys
        return sparse.csr_matrix(
            (np.ones(int(seen.sum())), (np.repeat(np.arange(len(fields)), keys.shape[1])[seen.ravel()], at[seen])),
            shape=(len(fields), len(self.cross_vocab_)),
        )

    def _multi_hot(self, tail: np.ndarray) -> Any:
        """Earlier items as ``(N, 5 * num_features)``: the block of the rating each got."""
        from scipy import sparse

        items, ratings = tail[:, : self.history], tail[:, self.history :]
        present = ratings > 0
        weight = self.history_weight / np.sqrt(np.maximum(present.sum(axis=1, keepdims=True), 1))
        rows = np.broadcast_to(np.arange(len(tail))[:, None], items.shape)[present]
        columns = (ratings[present] - 1) * self.num_features_ + items[present]
        values = np.broadcast_to(weight, items.shape)[present]
        return sparse.csr_matrix((values, (rows, columns)), shape=(len(tail), 5 * self.num_features_))

    def predict_proba(self, X: Any) -> np.ndarray:
        if not len(X):
            return np.zeros(0, dtype=np.float64)
        x, _ = _check(X)
        return np.asarray(self.model_.predict_proba(self._design(x))[:, 1], dtype=np.float64)


def _one_hot(fields: np.ndarray, num_features: int) -> Any:
    from scipy import sparse

    rows = np.repeat(np.arange(len(fields)), fields.shape[1])
    return sparse.csr_matrix(
        (np.ones(fields.size), (rows, fields.ravel())), shape=(len(fields), num_features), dtype=np.float64
    )


def _cross_keys(x: np.ndarray, num_features: int, cross_from: int) -> np.ndarray:
    """One int64 key per crossed pair of fields ``(a, b)``: ``a * num_features + b``, ``(N, P)``."""
    fields = x.shape[1]
    pairs = [(0, j) for j in range(min(cross_from, fields), fields)] + [(1, j) for j in range(2, min(5, fields))]
    if not pairs:
        return np.zeros((len(x), 0), dtype=np.int64)
    left, right = (np.array(side) for side in zip(*pairs, strict=True))
    return x[:, left] * num_features + x[:, right]


# -- the trainer's data contract, without copying rows into Python lists --------------------
class _Indexed(Sequence[tuple[int, Any]]):
    """A sequence of row numbers whose batches are gathered from tensors by ``collate``."""

    def __init__(self, n: int, collate: Any) -> None:
        self.n, self.collate = n, collate

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> tuple[int, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, Any]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [(j, self.collate) for j in range(self.n)[i]]
        return i, self.collate


def _columns(x: torch.Tensor, history: int) -> dict[str, torch.Tensor]:
    """A batch's parts: ``features`` (B, F) and, with ``history`` L > 0, ``history`` and ``flags`` (B, L)."""
    if history == 0:
        return {"features": x}
    fields = x.shape[1] - 2 * history
    return {"features": x[:, :fields], "history": x[:, fields : fields + history], "flags": x[:, fields + history :]}


def _collate(x: np.ndarray, y: np.ndarray, history: int) -> Any:
    import torch

    features, labels = torch.from_numpy(x), torch.from_numpy(y)

    def gather(rows: list[int]) -> dict[str, torch.Tensor]:
        index = torch.tensor(rows, dtype=torch.long)
        return {**_columns(features[index], history), "labels": labels[index]}

    return gather


def _dispatch(items: list[tuple[int, Any]]) -> dict[str, Any]:
    return dict(items[0][1]([i for i, _ in items]))


def binary_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(logits.squeeze(-1), labels.float())


def _valid_auc(model: nn.Module, loader: Any) -> float:
    from socialens.training.evaluation import predict

    logits, labels = predict(model, loader)
    return auc(labels.numpy(), logits.squeeze(-1).numpy())
