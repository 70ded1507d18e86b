"""Interaction logs as per-user item sequences, the leave-one-out split, and model batches.

Items and action kinds become indices from 1 (0 pads). The split is leave-one-out by time,
as RecBole's ``LS: valid_and_test`` with ``order: TO``: each user's last interaction is the
test case, the second last the validation case, the rest training. A user with fewer than
three interactions is only trained on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

PAD = 0


@dataclass
class Sequences:
    """Per-user item and action index sequences, in time order, with their vocabularies."""

    users: list[str]
    items: list[str]  # items[i] is the id of item index i; items[0] == "" pads
    actions: list[str]  # the same for action kinds
    item_seqs: list[np.ndarray]
    action_seqs: list[np.ndarray]
    item_index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.item_index = {item: i for i, item in enumerate(self.items) if i}

    @property
    def n_items(self) -> int:
        return len(self.items)


def build_sequences(log: Iterable[tuple[str, str, str]]) -> Sequences:
    """Sequences from ``(actor, item, kind)`` rows already grouped by actor and ordered by time."""
    rows = list(log)
    items = ["", *sorted({item for _, item, _ in rows})]
    actions = ["", *sorted({kind for _, _, kind in rows})]
    item_index = {item: i for i, item in enumerate(items)}
    action_index = {kind: i for i, kind in enumerate(actions)}
    users: list[str] = []
    item_seqs: list[list[int]] = []
    action_seqs: list[list[int]] = []
    for actor, item, kind in rows:
        if not users or users[-1] != actor:
            users.append(actor)
            item_seqs.append([])
            action_seqs.append([])
        item_seqs[-1].append(item_index[item])
        action_seqs[-1].append(action_index[kind])
    return Sequences(
        users,
        items,
        actions,
        [np.asarray(s, dtype=np.int64) for s in item_seqs],
        [np.asarray(s, dtype=np.int64) for s in action_seqs],
    )


@dataclass
class Cases:
    """Evaluation cases: the history before each target (item and action indices)."""

    users: list[int]
    histories: list[np.ndarray]
    action_histories: list[np.ndarray]
    targets: np.ndarray
    target_actions: np.ndarray


@dataclass
class Split:
    train_items: list[np.ndarray]
    train_actions: list[np.ndarray]
    valid: Cases
    test: Cases


def leave_one_out(seqs: Sequences) -> Split:
    """Last interaction of each user for test, second last for validation, the rest for training."""
    train_items, train_actions = [], []
    valid = Cases([], [], [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    test = Cases([], [], [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    v_targets: list[int] = []
    v_actions: list[int] = []
    t_targets: list[int] = []
    t_actions: list[int] = []
    for u, (items, actions) in enumerate(zip(seqs.item_seqs, seqs.action_seqs, strict=True)):
        if len(items) < 3:
            train_items.append(items)
            train_actions.append(actions)
            continue
        train_items.append(items[:-2])
        train_actions.append(actions[:-2])
        for cases, targets, target_actions, end in (
            (valid, v_targets, v_actions, -2),
            (test, t_targets, t_actions, -1),
        ):
            cases.users.append(u)
            cases.histories.append(items[:end])
            cases.action_histories.append(actions[:end])
            targets.append(int(items[end]))
            target_actions.append(int(actions[end]))
    valid.targets, valid.target_actions = np.asarray(v_targets, np.int64), np.asarray(v_actions, np.int64)
    test.targets, test.target_actions = np.asarray(t_targets, np.int64), np.asarray(t_actions, np.int64)
    return Split(train_items, train_actions, valid, test)


@dataclass
class Windows:
    """Training windows ``(W, T)``: inputs, next-item targets, next-action targets, loss mask."""

    items: np.ndarray
    actions: np.ndarray
    targets: np.ndarray
    target_actions: np.ndarray
    mask: np.ndarray

    def __len__(self) -> int:
        return len(self.items)


def training_windows(
    items: Sequence[np.ndarray], actions: Sequence[np.ndarray], max_len: int, stride: int | None = None
) -> Windows:
    """Cut each training sequence into left-padded windows of ``max_len`` inputs.

    A window predicts the next item at every position. Windows step back by half their
    length and the loss covers each target once, in the window where it has the most
    context, so every target sees at least ``max_len // 2`` earlier items (when it has them).
    """
    stride = stride or max(1, max_len // 2)
    rows: list[tuple[np.ndarray, ...]] = []
    for seq, acts in zip(items, actions, strict=True):
        end, covered = len(seq), len(seq)  # targets at positions >= covered are done
        while end >= 2:
            start = max(0, end - max_len - 1)
            positions = np.arange(start + 1, end)  # positions of this window's targets
            rows.append(
                (
                    seq[start : end - 1],
                    acts[start : end - 1],
                    seq[start + 1 : end],
                    acts[start + 1 : end],
                    positions < covered,
                )
            )
            covered = start + 1
            if start == 0:
                break
            end -= stride
    return Windows(*(_left_pad([r[i] for r in rows], max_len) for i in range(5)))


def _left_pad(arrays: Sequence[np.ndarray], length: int) -> np.ndarray:
    dtype = arrays[0].dtype if arrays else np.int64
    out = np.zeros((len(arrays), length), dtype=dtype)
    for row, a in enumerate(arrays):
        a = a[-length:]
        if len(a):
            out[row, length - len(a) :] = a
    return out


def pad_histories(histories: Sequence[np.ndarray], max_len: int) -> np.ndarray:
    """The last ``max_len`` items of each history, left-padded: ``(B, max_len)``."""
    return _left_pad([np.asarray(h, dtype=np.int64) for h in histories], max_len)
