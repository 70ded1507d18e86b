"""Sequences, the leave-one-out split and training windows."""

from __future__ import annotations

import numpy as np

from socialens.analyses.sequence.data import build_sequences, leave_one_out, pad_histories, training_windows

LOG = [
    ("a", "i1", "like"), ("a", "i2", "reply"), ("a", "i3", "like"), ("a", "i4", "repost"), ("a", "i5", "like"),
    ("b", "i2", "like"), ("b", "i1", "like"),
    ("c", "i3", "click"), ("c", "i1", "like"), ("c", "i2", "like"),
]  # fmt: skip


def test_sequences_keep_time_order_and_index_from_one():
    seqs = build_sequences(LOG)
    assert seqs.users == ["a", "b", "c"]
    assert seqs.items == ["", "i1", "i2", "i3", "i4", "i5"]
    assert seqs.actions == ["", "click", "like", "reply", "repost"]
    assert seqs.item_seqs[0].tolist() == [1, 2, 3, 4, 5]
    assert seqs.action_seqs[0].tolist() == [2, 3, 2, 4, 2]
    assert seqs.item_index["i3"] == 3


def test_leave_one_out_holds_out_the_last_two_by_time():
    seqs = build_sequences(LOG)
    split = leave_one_out(seqs)
    assert [s.tolist() for s in split.train_items] == [[1, 2, 3], [2, 1], [3]]  # b is too short to test
    assert split.test.users == [0, 2] and split.valid.users == [0, 2]
    assert split.test.targets.tolist() == [5, 2]
    assert [h.tolist() for h in split.test.histories] == [[1, 2, 3, 4], [3, 1]]
    assert split.valid.targets.tolist() == [4, 1]
    assert [h.tolist() for h in split.valid.histories] == [[1, 2, 3], [3]]
    assert split.test.target_actions.tolist() == [2, 2]


def test_windows_cover_every_target_once_with_context():
    seq = np.arange(1, 13)  # 12 items: 11 targets
    windows = training_windows([seq], [np.ones(12, dtype=np.int64)], max_len=4)
    targets = windows.targets[windows.mask]
    assert sorted(targets.tolist()) == list(range(2, 13))
    # each target's input at the same position is the item just before it
    assert (windows.items[windows.mask] == targets - 1).all()
    assert windows.items.shape == (len(windows), 4)
    # later windows (earlier in time) are left-padded
    assert windows.items[-1].tolist()[0] in (0, 1)


def test_short_sequences_make_no_windows_and_pad_histories():
    windows = training_windows([np.asarray([7])], [np.asarray([1])], max_len=3)
    assert len(windows) == 0
    assert pad_histories([np.asarray([1, 2]), np.asarray([1, 2, 3, 4])], 3).tolist() == [[0, 1, 2], [2, 3, 4]]
