"""Behaviour history: strictly earlier ratings only, the same for training and for new rows."""

from __future__ import annotations

import numpy as np
import torch

from socialens.analyses.ctr.history import STATISTICS, Log, Queries, history_sequences, history_values
from socialens.analyses.ctr.models import DINCtr, LogisticCtr, auc
from socialens.datasets.ctr_features import FIELDS
from tests.analyses.ctr.data import HISTORY, ctr_slice, small_split


def _log(ratings: list[int]) -> Log:
    # user 1 rates items 10..14 at seconds 100, 200, 200, 300, 400; user 2 rates item 11 at 150
    users = np.array([1, 1, 1, 1, 1, 2])
    items = np.array([10, 11, 12, 13, 14, 11])
    seconds = np.array([100, 200, 200, 300, 400, 150])
    genres = np.eye(3, dtype=bool)[[0, 1, 1, 2, 0, 1]]
    return Log(users, items, seconds, np.array(ratings), genres, item_index=items + 1000)


def _features(log: Log) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    queries = Queries(log.users, log.items, log.seconds, log.genres)
    return history_values(log, queries, 0.5, 3.5), *history_sequences(log, queries, length=3)


def test_a_row_never_sees_its_own_or_a_later_or_a_same_second_rating():
    base = [5, 1, 2, 4, 3, 5]
    values, items, ratings = _features(_log(base))
    assert items[0].tolist() == [0, 0, 0] and values["user_count"][0] == 0  # first rating: no history
    # the two ratings at second 200 do not see each other; both see only the one at 100
    assert items[1].tolist() == items[2].tolist() == [0, 0, 1010] and ratings[1].tolist() == [0, 0, 5]
    assert items[4].tolist() == [1011, 1012, 1013] and ratings[4].tolist() == [1, 2, 4]
    assert np.isclose(values["user_count"][3], np.log1p(3))
    for row in range(6):
        changed = list(base)
        for later in range(6):  # the row itself and every row not strictly earlier
            if later == row or (_log(base).seconds[later] >= _log(base).seconds[row]):
                changed[later] = 6 - base[later]
        new_values, new_items, new_ratings = _features(_log(changed))
        assert (new_items[row] == items[row]).all() and (new_ratings[row] == ratings[row]).all()
        for name in STATISTICS:
            assert np.isclose(new_values[name][row], values[name][row]), (row, name)


def test_item_statistics_count_every_users_earlier_ratings():
    values, _, _ = _features(_log([5, 1, 2, 4, 3, 5]))
    # item 11 at second 200 (user 1): user 2's rating at 150 is earlier
    assert np.isclose(values["item_count"][1], np.log1p(1)) and values["item_count"][5] == 0
    assert values["item_rate"][1] > values["item_rate"][5]  # a 5 shrunk toward 0.5 from above


def test_real_rows_carry_the_users_earlier_items():
    split = small_split()
    fields, items, ratings = split.layout.parts(split.test_x)
    assert split.layout.fields == len(FIELDS) + len(STATISTICS) and items.shape[1] == ratings.shape[1] == HISTORY
    assert ((items > 0) == (ratings > 0)).all() and set(np.unique(ratings)) <= {0, 1, 2, 3, 4, 5}
    assert (items[:, -1] > 0).mean() > 0.99  # test rows come last in each user's time line
    assert fields[:, len(FIELDS) :].min() >= split.encoder.num_features and split.test_x.max() < split.num_features


def test_din_and_logistic_regression_use_the_history():
    x, y, vx, vy, num_features = ctr_slice(sequence=True)
    din = DINCtr(history=HISTORY, embed_dim=8, hidden=(16,), train={"epochs": 1, "lr": 1e-2}, attention_hidden=8)
    din.fit(x, y, valid=(vx, vy), num_features=num_features)
    assert auc(vy, din.predict_proba(vx)) > 0.6
    model = LogisticCtr(history=HISTORY, history_weight=1.0).fit(x, y, num_features=num_features)
    p = model.predict_proba(vx)
    assert np.all((p >= 0) & (p <= 1)) and auc(vy, p) > 0.6
    assert model.model_.coef_.shape[1] == 6 * num_features  # one-hot fields + one block per rating


@torch.no_grad()
def test_din_ignores_padding_and_reads_the_history():
    from socialens.models.din import DIN, DINConfig

    torch.manual_seed(0)
    model = DIN(DINConfig(num_features=40, num_fields=3, embed_dim=8, hidden=(16,), attention_hidden=8)).eval()
    features = torch.tensor([[1, 20, 30], [1, 20, 30]])
    history = torch.tensor([[0, 21, 22], [9, 21, 22]])  # same earlier items; row 2 has junk under padding
    flags = torch.tensor([[0, 5, 1], [0, 5, 1]])
    logits = model({"features": features, "history": history, "flags": flags})
    assert logits.shape == (2, 1) and torch.allclose(logits[0], logits[1])
    other = model({"features": features, "history": history, "flags": torch.tensor([[0, 1, 5], [0, 1, 5]])})
    assert not torch.allclose(logits, other)  # the ratings of the earlier items matter
    empty = model({"features": features, "history": history, "flags": torch.zeros_like(flags)})
    assert torch.allclose(empty, model({"features": features}))  # no earlier items: a zero interest vector
