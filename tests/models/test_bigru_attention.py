"""The BiGRU + additive attention network: shapes, masking, padding invariance, learning."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from socialens.models.bigru_attention import BiGRUAttention, BiGRUAttentionConfig, collate_ids  # noqa: E402
from socialens.models.vocab import PAD_ID  # noqa: E402


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


def _model(num_classes: int = 3, vocab_size: int = 30) -> BiGRUAttention:
    torch.manual_seed(0)
    return BiGRUAttention(BiGRUAttentionConfig(vocab_size, num_classes, embed_dim=8, hidden=6, attention_dim=5)).eval()


def test_collate_pads_after_each_text():
    batch = collate_ids([([4, 5, 6], 2), ([7], 0), ([], 1)])
    assert batch["input_ids"].tolist() == [[4, 5, 6], [7, PAD_ID, PAD_ID], [PAD_ID] * 3]
    assert batch["lengths"].tolist() == [3, 1, 0] and batch["labels"].tolist() == [2, 0, 1]
    soft = collate_ids([([4], [0.25, 0.75]), ([5, 6], [1.0, 0.0])])
    assert soft["labels"].dtype == torch.float and soft["labels"].shape == (2, 2)


def test_logits_and_attention_shapes_and_masking():
    model = _model()
    batch = collate_ids([([4, 5, 6, 7], 0), ([8, 9], 1), ([], 2)])
    logits, attention = model.forward_with_attention(batch)
    assert logits.shape == (3, 3) and attention.shape == (3, 4)
    assert torch.isfinite(logits).all()
    torch.testing.assert_close(attention[:2].sum(-1), torch.ones(2))
    assert (attention[1, 2:] == 0).all()  # padding gets no weight
    assert (attention[2] == 0).all()  # an empty text has nothing to attend to
    torch.testing.assert_close(model(batch), logits)


def test_padding_does_not_change_a_prediction():
    model = _model()
    alone = model(collate_ids([([4, 5, 6], 0)]))
    padded = model(collate_ids([([4, 5, 6], 0), ([7, 8, 9, 10, 11, 12, 13], 0)]))
    torch.testing.assert_close(padded[:1], alone)


def test_init_embeddings_copies_vectors_and_keeps_padding_zero():
    model = _model(vocab_size=10)
    vectors = torch.randn(10, 8)
    model.init_embeddings(vectors)
    torch.testing.assert_close(model.embedding.weight[1:], vectors[1:])
    assert (model.embedding.weight[PAD_ID] == 0).all()
    with pytest.raises(ValueError, match="do not fit"):
        model.init_embeddings(torch.randn(9, 8))


def test_learns_which_word_decides_the_class():
    # Class = which of the words 2, 3, 4 appears somewhere among noise words: attention's job.
    g = torch.Generator().manual_seed(0)
    items = []
    for i in range(300):
        noise = torch.randint(5, 30, (int(torch.randint(3, 10, (1,), generator=g)),), generator=g).tolist()
        noise.insert(int(torch.randint(0, len(noise), (1,), generator=g)), 2 + i % 3)
        items.append((noise, i % 3))
    model = _model().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(15):
        for start in range(0, 240, 32):
            batch = collate_ids(items[start : start + 32])
            loss = torch.nn.functional.cross_entropy(model(batch), batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    held_out = collate_ids(items[240:])
    logits, attention = model.forward_with_attention(held_out)
    assert (logits.argmax(-1) == held_out["labels"]).float().mean() > 0.9
    # The deciding word draws the most attention in most texts.
    decisive = held_out["input_ids"] < 5
    top = attention.argmax(-1)
    assert decisive[torch.arange(len(top)), top].float().mean() > 0.7
