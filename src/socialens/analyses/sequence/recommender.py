"""``sequence.next_item.v1``: a next-item (and next-action) model over users' interaction sequences.

The architecture is a stage chosen by name (``gru4rec``, ``lstm4rec``, ``sasrec``; one file
each under ``socialens.models``); this component owns the item and action vocabularies,
training and scoring, so the three are trained, evaluated and saved the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from socialens.analyses.sequence.data import Sequences, Split, build_sequences, pad_histories, training_windows
from socialens.analyses.sequence.ensemble import average_scores, member_seeds
from socialens.component import Component
from socialens.errors import ConfigError, TrainingError
from socialens.progress import Progress
from socialens.registry import register

if TYPE_CHECKING:
    from socialens.training.config import TrainConfig

ARCHITECTURES = ("gru4rec", "lstm4rec", "sasrec")
# Per-architecture defaults where ``None`` is given: RecBole's layers and dropout, so settings
# compare; SASRec's learning rate is the one that scored best on MovieLens-100K's validation
# cases (docs/behaviour.md lists the settings tried).
_DEFAULTS: dict[str, dict[str, Any]] = {
    "sasrec": {"n_layers": 2, "dropout": 0.5, "lr": 3e-3},
    "gru4rec": {"n_layers": 1, "dropout": 0.3, "lr": 1e-3},
    "lstm4rec": {"n_layers": 1, "dropout": 0.3, "lr": 1e-3},
}
SCORE_BATCH = 256


@register("sequence.next_item.v1")
class NextItemRecommender(Component):
    """Learns from users' time-ordered item sequences which item (and action) comes next.

    ``fit(sequences, actions=None)`` trains on every transition of the given sequences;
    ``recommend(histories, k)`` returns the ``k`` best new items per history as
    ``(item, probability)``. ``members=N`` trains N models seeded ``seed``, ``seed + 1``, ...
    and scores with their averaged probabilities (a seed ensemble; 1 = one model).
    Learned state: ``models_`` (the members), ``model_`` (the first), ``items_``, ``actions_``,
    ``histories_`` (one per member) and ``history_`` (the first member's).
    """

    # The training run's settings under ``train`` (a TrainConfig, or a dict of its fields over
    # these and the architecture's learning rate): RecBole's plain Adam (no clipping, no warmup)
    # at a constant rate.
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {
        "epochs": 100, "batch_size": 32, "patience": 10, "max_grad_norm": 0.0, "schedule": "constant",
    }  # fmt: skip

    def __init__(
        self,
        architecture: str = "sasrec",
        hidden_size: int = 64,
        n_layers: int | None = None,
        n_heads: int = 2,
        dropout: float | None = None,
        max_len: int = 50,
        train: TrainConfig | dict[str, Any] | None = None,
        seed: int = 2020,
        action_head: bool = True,
        exclude_seen: bool = True,
        members: int = 1,
    ) -> None:
        self.architecture = architecture
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.n_heads = n_heads
        self.dropout = dropout
        self.max_len = max_len
        self.train = train
        self.seed = seed
        self.action_head = action_head
        self.exclude_seen = exclude_seen
        self.members = members

    def train_config(self, seed: int | None = None) -> TrainConfig:
        """The settings of a member's training run: ``train`` over ``TRAIN_DEFAULTS`` and the
        architecture's own learning rate, seeded by ``seed`` (default: the component's)."""
        from socialens.training.config import train_setting

        lr = _DEFAULTS.get(self.architecture, {}).get("lr", 1e-3)
        return train_setting(self.train, **self.TRAIN_DEFAULTS, lr=lr).replace(seed=self.seed if seed is None else seed)

    @property
    def model_(self) -> Any:
        """The first member: the single model of ``seed``."""
        return self.models_[0]

    @property
    def history_(self) -> Any:
        """The first member's training history."""
        return self.histories_[0]

    # -- training ---------------------------------------------------------------------------
    def fit(self, sequences: Sequence[Sequence[str]], actions: Sequence[Sequence[str]] | None = None) -> Self:
        """Train on every transition of ``sequences`` (item ids in time order) for ``epochs``."""
        rows = [
            (str(u), item, kind)
            for u, seq in enumerate(sequences)
            for item, kind in zip(seq, actions[u] if actions is not None else ["item"] * len(seq), strict=True)
        ]
        seqs = build_sequences(rows)
        self._train(seqs, seqs.item_seqs, seqs.action_seqs, None, None)
        return self

    def fit_split(
        self,
        seqs: Sequences,
        split: Split,
        progress: Progress | None = None,
        validate: Callable[[NextItemRecommender], float] | None = None,
    ) -> Self:
        """Train on a split's training part, keeping the epoch that ``validate`` scores best."""
        check = (lambda: validate(self)) if validate is not None else None
        self._train(seqs, split.train_items, split.train_actions, check, progress)
        return self

    def _train(
        self,
        seqs: Sequences,
        items: list[np.ndarray],
        actions: list[np.ndarray],
        validate: Callable[[], float] | None,
        progress: Progress | None,
    ) -> None:
        from socialens.analyses.sequence.training import WindowBatches, WindowObjective
        from socialens.training.trainer import Trainer

        seeds = member_seeds(self.seed, self.members)
        self.items_, self.actions_ = list(seqs.items), list(seqs.actions)
        self.item_index_ = dict(seqs.item_index)
        batches = WindowBatches(training_windows(items, actions, self.max_len))
        if not batches.indices:
            raise TrainingError("no training sequences: every user needs at least two interactions")
        trained, self.histories_ = [], []
        for number, seed in enumerate(seeds, 1):

            def build() -> Any:
                model = self._build()  # under the trainer's seed: the member's weights depend on it alone
                self.models_ = [model]  # validation during a member's training scores that member alone
                return WindowObjective(model, self.exclude_seen)

            if progress is not None:
                member = f" member {number}/{len(seeds)} (seed {seed})" if len(seeds) > 1 else ""
                progress.start(f"training {self.architecture}{member}", self.train_config(seed).epochs)
            result = Trainer(self.train_config(seed)).fit(
                build,
                batches.indices,
                collate_fn=batches,
                metric_fn=(lambda model, loader: validate()) if validate is not None else None,
                on_epoch=(lambda record: progress.advance(1)) if progress is not None else None,
                progress=False,
            )
            self.histories_.append(result)
            trained.append(self.models_[0])
        self.models_ = trained

    def _build(self) -> Any:
        if self.architecture not in ARCHITECTURES:
            raise ConfigError(f"unknown architecture {self.architecture!r}; choose one of {', '.join(ARCHITECTURES)}")
        defaults = _DEFAULTS[self.architecture]
        layers = self.n_layers if self.n_layers is not None else defaults["n_layers"]
        dropout = self.dropout if self.dropout is not None else defaults["dropout"]
        n_items = len(self.items_)
        n_actions = len(self.actions_) if self.action_head else 0
        if self.architecture == "sasrec":
            from socialens.models.sasrec import SASRec, SASRecConfig

            return SASRec(
                SASRecConfig(
                    n_items,
                    n_actions,
                    self.max_len,
                    self.hidden_size,
                    layers,
                    self.n_heads,
                    4 * self.hidden_size,
                    dropout,
                )
            )
        if self.architecture == "gru4rec":
            from socialens.models.gru4rec import GRU4Rec, GRU4RecConfig

            return GRU4Rec(GRU4RecConfig(n_items, n_actions, self.hidden_size, 2 * self.hidden_size, layers, dropout))
        from socialens.models.lstm4rec import LSTM4Rec, LSTM4RecConfig

        return LSTM4Rec(LSTM4RecConfig(n_items, n_actions, self.hidden_size, 2 * self.hidden_size, layers, dropout))

    # -- scoring ----------------------------------------------------------------------------
    def score_indices(
        self, histories: Sequence[np.ndarray], action_histories: Sequence[np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Next-item logits ``(B, n_items)`` (padding column at -inf) and next-action
        probabilities ``(B, n_actions)`` (None without an action head) of index histories.
        An ensemble's logits are the log of its members' averaged probabilities, its action
        probabilities their mean."""
        scored = [self._score_member(m, histories, action_histories) for m in self.models_]
        items = average_scores([s for s, _ in scored])
        actions = [a for _, a in scored if a is not None]
        return items, (np.mean(actions, axis=0) if len(actions) > 1 else actions[0] if actions else None)

    def _score_member(
        self, model: Any, histories: Sequence[np.ndarray], action_histories: Sequence[np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        import torch

        model.eval()
        item_parts, action_parts = [], []
        with torch.inference_mode():
            for start in range(0, len(histories), SCORE_BATCH):
                items = torch.from_numpy(pad_histories(histories[start : start + SCORE_BATCH], self.max_len))
                acts = None
                if action_histories is not None:
                    acts = torch.from_numpy(pad_histories(action_histories[start : start + SCORE_BATCH], self.max_len))
                last = model(items, acts)[:, -1, :]  # (B, H)
                logits = last @ model.item_emb.weight.T  # (B, N)
                logits[:, 0] = float("-inf")
                item_parts.append(logits.numpy())
                if model.action_head is not None:
                    action_parts.append(torch.softmax(model.action_head(last), dim=-1).numpy())
        n = len(self.items_)
        scores = np.concatenate(item_parts) if item_parts else np.zeros((0, n), np.float32)
        return scores, (np.concatenate(action_parts) if action_parts else None)

    def to_indices(self, history: Sequence[str]) -> np.ndarray:
        """Item indices of a history of item ids; items the model never saw are skipped."""
        return np.asarray([self.item_index_[i] for i in history if i in self.item_index_], dtype=np.int64)

    def recommend(
        self, histories: Sequence[Sequence[str]], k: int = 10, exclude_seen: bool = True
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` most likely next items of each history, ``(item id, probability)``, best first."""
        from socialens.evaluate.ranking import top_k

        if not histories:
            return []
        indexed = [self.to_indices(h) for h in histories]
        logits, _ = self.score_indices(indexed)
        probs = _softmax(logits)
        best = top_k(logits, k, exclude=[h.tolist() for h in indexed] if exclude_seen else None)
        return [[(self.items_[j], round(float(probs[r, j]), 6)) for j in row if j] for r, row in enumerate(best)]

    # -- saving -----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Weights, vocabularies and settings: what the model registry stores (``torch.load``-safe).
        An ensemble keeps its first member under ``weights`` and the others under ``more_weights``."""
        from socialens.training.config import saved_settings

        state = {
            "weights": self.model_.state_dict(),
            "items": self.items_,
            "actions": self.actions_,
            "settings": saved_settings(self),
        }
        if len(self.models_) > 1:
            state["more_weights"] = [m.state_dict() for m in self.models_[1:]]
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> NextItemRecommender:
        """The recommender ``state`` saved; one saved before ``train`` was one setting (``epochs``,
        ``lr``... flat, ``lr=None`` for the architecture's) loads the same."""
        self = cls(**settings_from_saved(state["settings"]))
        self.items_, self.actions_ = list(state["items"]), list(state["actions"])
        self.item_index_ = {item: i for i, item in enumerate(self.items_) if i}
        self.models_ = []
        for weights in [state["weights"], *state.get("more_weights", [])]:
            model = self._build()
            model.load_state_dict(weights)
            model.eval()
            self.models_.append(model)
        return self


def settings_from_saved(settings: dict[str, Any]) -> dict[str, Any]:
    """Saved settings as the recommender takes them: run settings written flat fold into ``train``."""
    from socialens.training.config import fold_train_settings

    flat = {k: v for k, v in settings.items() if not (k == "lr" and v is None)}  # None: the architecture's
    return fold_train_settings(flat)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)
