"""Skip-gram word2vec: pairs stay inside sentences, the hand-written step is the true gradient,
and words that share contexts end up close."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from socialens.models.vocab import PAD_ID, UNK_ID  # noqa: E402
from socialens.models.word2vec import SkipGram, Word2VecConfig, skipgram_pairs, train_word2vec  # noqa: E402


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


def _topic_corpus(n: int = 600, seed: int = 0) -> tuple[list[list[int]], list[int], list[int], list[int]]:
    """Sentences drawn from one of two disjoint word groups (ids 2..9 and 10..17), 8 words each."""
    rng = np.random.default_rng(seed)
    group_a, group_b = list(range(2, 10)), list(range(10, 18))
    sentences = [rng.choice(group_a if i % 2 else group_b, size=8).tolist() for i in range(n)]
    counts = np.bincount(np.concatenate(sentences), minlength=18).tolist()
    return sentences, counts, group_a, group_b


def test_pairs_stay_inside_sentences_and_windows():
    sentences = [[4, 5, 6, 7], [8, 9]]
    centre, context = skipgram_pairs(sentences, window=2, rng=np.random.default_rng(1))
    pairs = set(zip(centre.tolist(), context.tolist(), strict=True))
    assert (7, 8) not in pairs and (8, 7) not in pairs  # never across a sentence boundary
    assert all(abs(c - x) <= 2 for c, x in pairs if c < 8 and x < 8)
    assert {(8, 9), (9, 8)} <= pairs  # distance 1 is inside every window


def test_pairs_skip_padding_and_unknown_words():
    centre, context = skipgram_pairs([[4, UNK_ID, 5, PAD_ID]], window=5, rng=np.random.default_rng(0))
    used = set(centre.tolist()) | set(context.tolist())
    assert used == {4, 5}
    empty_centre, _ = skipgram_pairs([], window=5, rng=np.random.default_rng(0))
    assert len(empty_centre) == 0


def test_update_is_one_sgd_step_on_the_summed_loss():
    config = Word2VecConfig(vocab_size=12, embed_dim=6, negatives=3)
    manual, auto = SkipGram(config), SkipGram(config)
    torch.manual_seed(0)
    for table in (manual.centre, manual.context):
        torch.nn.init.normal_(table.weight)
    auto.load_state_dict(manual.state_dict())
    centre, context = torch.tensor([2, 3, 2, 5]), torch.tensor([3, 2, 4, 6])
    negatives = torch.tensor([7, 8, 3, 7])  # repeats: gradients must accumulate
    lr = 0.1
    loss = manual.update(centre, context, negatives, lr)
    expected = auto(centre, context, negatives)
    (expected * len(centre)).backward()  # forward is the mean; word2vec's step is on the sum
    with torch.no_grad():
        for p in auto.parameters():
            p -= lr * p.grad
    assert loss == pytest.approx(expected.item(), rel=1e-5)
    for a, b in zip(manual.parameters(), auto.parameters(), strict=True):
        torch.testing.assert_close(a, b)


def test_words_that_share_contexts_get_closer_than_random_pairs():
    sentences, counts, group_a, group_b = _topic_corpus()
    config = Word2VecConfig(vocab_size=18, embed_dim=16, window=3, epochs=5, subsample=0, seed=3)
    vectors, losses = train_word2vec(sentences, counts, config)
    assert vectors.shape == (18, 16) and losses[-1] < losses[0]
    unit = torch.nn.functional.normalize(vectors, dim=1)
    cosine = unit @ unit.T  # (V, V)
    within = [float(cosine[i, j]) for g in (group_a, group_b) for i in g for j in g if i < j]
    across = [float(cosine[i, j]) for i in group_a for j in group_b]
    assert np.mean(within) > np.mean(across) + 0.3
    assert min(within) > max(across)


def test_seeded_training_is_deterministic():
    sentences, counts, _, _ = _topic_corpus(n=100)
    config = Word2VecConfig(vocab_size=18, embed_dim=8, epochs=2, seed=7)
    first, _ = train_word2vec(sentences, counts, config)
    second, _ = train_word2vec(sentences, counts, config)
    assert torch.equal(first, second)
    assert not torch.equal(first, train_word2vec(sentences, counts, Word2VecConfig(18, 8, epochs=2, seed=8))[0])


def test_no_text_still_gives_vectors():
    vectors, losses = train_word2vec([], [0, 0, 0, 0], Word2VecConfig(vocab_size=4, embed_dim=3, epochs=2))
    assert vectors.shape == (4, 3) and torch.isfinite(vectors).all() and losses == [0.0, 0.0]
