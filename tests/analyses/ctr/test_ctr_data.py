"""The MovieLens click-through data: the per-user time split and the field encoding."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from socialens.datasets.ctr_features import (
    ABSENT,
    FIELDS,
    GENRES,
    CtrEncoder,
    columns_from_records,
    load_movielens_columns,
    split_per_user_by_time,
)


def test_split_puts_each_users_latest_tenth_last():
    users = np.array([1] * 20 + [2] * 10)
    seconds = np.r_[np.arange(20)[::-1], np.arange(10)]  # user 1 in reverse file order
    part = split_per_user_by_time(users, seconds, np.arange(30))
    one, two = part[:20], part[20:]
    assert sorted(seconds[:20][one == 2]) == [18, 19] and sorted(seconds[:20][one == 1]) == [16, 17]
    assert list(two) == [0] * 8 + [1, 2]


def test_real_split_is_by_time_within_every_user():
    columns, labels, seconds = load_movielens_columns()
    users = columns["user"].astype(np.int64)
    part = split_per_user_by_time(users, seconds, columns["item"].astype(np.int64))
    assert len(labels) == 100_000 and 0.5 < labels.mean() < 0.6  # rating >= 4: 55% clicks
    assert np.bincount(part).tolist() == [79_926, 10_037, 10_037]
    for user in np.unique(users)[::50]:
        mine = users == user
        assert seconds[mine & (part == 0)].max() <= seconds[mine & (part == 1)].min()
        assert seconds[mine & (part == 1)].max() <= seconds[mine & (part == 2)].min()


def test_encoder_gives_one_index_per_field_and_a_shared_unknown():
    record = {
        "user_id": 7,
        "item_id": 50,
        "age": 30,
        "gender": "F",
        "occupation": "writer",
        "genres": ["Drama"],
        "timestamp": datetime(2024, 1, 1, 13, tzinfo=UTC),  # a Monday
    }
    columns = columns_from_records([record, {**record, "user_id": 999, "genres": []}])
    assert columns["hour"].tolist() == ["13", "13"]
    assert columns["weekday"].tolist() == ["0", "0"]  # Monday, as datetime.weekday()
    encoder = CtrEncoder.fit(columns_from_records([record]))
    x = encoder.transform(columns)
    assert x.shape == (2, len(FIELDS)) and x[0, 0] != x[1, 0]
    assert x[1, 0] == 1  # user 999 was never seen: field 0's unknown index (0 is "absent")
    genres = x[:, len(FIELDS) - len(GENRES) :]
    assert (genres[0] > 0).sum() == 1 and (genres[1] == ABSENT).all()  # only the flags that are on
    assert CtrEncoder.from_dict(encoder.to_dict()).transform(columns).tolist() == x.tolist()
