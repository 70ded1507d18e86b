"""Word2Vec skip-gram with negative sampling (Mikolov et al., 2013), small enough to train per corpus.

No pretrained word vectors for tweets or Chinese reviews install offline, so socialens learns
its own on the training texts before the classifier sees them. The recipe is the original
one: dynamic windows, frequent-word subsampling, negatives drawn from unigram counts ** 0.75,
plain SGD with a linearly decaying rate. Two changes make it fast on a small CPU:
pairs are generated an epoch at a time with numpy, and each batch shares one pool of
negatives, so scoring them is one matrix product instead of a gather per pair. The
gradient of the loss is written out (it is three lines), which is several times faster
than autograd through sparse embeddings here; ``SkipGram.forward`` gives the same loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from socialens.models.vocab import PAD_ID, UNK_ID


@dataclass
class Word2VecConfig:
    vocab_size: int
    embed_dim: int = 100
    window: int = 5  # the largest distance; each centre draws its own window in 1..window
    negatives: int = 5  # negatives per pair in the objective (their gradient weight)
    negative_pool: int = 32  # negatives drawn per batch and shared by its pairs
    subsample: float = 1e-3  # word2vec's -sample: frequent words are dropped at this rate scale
    epochs: int = 5
    batch_size: int = 1024  # at most; see batch_size_for
    lr: float = 0.025  # word2vec's starting rate; decays linearly to lr / 10,000
    seed: int = 0


class SkipGram(nn.Module):
    """Two tables: ``centre`` holds the word vectors kept afterwards, ``context`` the output side."""

    def __init__(self, config: Word2VecConfig) -> None:
        super().__init__()
        self.config = config
        V, C = config.vocab_size, config.embed_dim
        self.centre = nn.Embedding(V, C)
        self.context = nn.Embedding(V, C)
        # word2vec's initialisation: small random input vectors, zero output vectors.
        nn.init.uniform_(self.centre.weight, -0.5 / C, 0.5 / C)
        nn.init.zeros_(self.context.weight)

    def forward(self, centre: torch.Tensor, context: torch.Tensor, negatives: torch.Tensor) -> torch.Tensor:
        """Mean loss of ``B`` (centre, context) pairs against a shared pool of ``S`` negatives."""
        u = self.centre(centre)  # (B, C)
        v = self.context(context)  # (B, C)
        n = self.context(negatives)  # (S, C)
        weight = self.config.negatives / len(negatives)
        positive = F.logsigmoid((u * v).sum(-1))  # (B,)
        negative = F.logsigmoid(-(u @ n.T)).sum(-1) * weight  # (B,)
        return -(positive + negative).mean()

    @torch.no_grad()
    def update(self, centre: torch.Tensor, context: torch.Tensor, negatives: torch.Tensor, lr: float) -> float:
        """One SGD step on the summed loss of the batch, as word2vec does pair by pair; returns the mean loss."""
        W_in, W_out = self.centre.weight, self.context.weight
        u, v, n = W_in[centre], W_out[context], W_out[negatives]  # (B, C), (B, C), (S, C)
        pos = (u * v).sum(-1)  # (B,)
        neg = u @ n.T  # (B, S)
        weight = self.config.negatives / len(negatives)
        loss = -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(-1) * weight).mean()
        g_pos = torch.sigmoid(-pos) * lr  # (B,) minus d loss / d score, times lr
        g_neg = torch.sigmoid(neg) * (-lr * weight)  # (B, S)
        W_in.index_add_(0, centre, g_pos.unsqueeze(-1) * v + g_neg @ n)  # (B, C)
        W_out.index_add_(0, context, g_pos.unsqueeze(-1) * u)  # (B, C)
        W_out.index_add_(0, negatives, g_neg.T @ u)  # (S, C)
        return float(loss)


def skipgram_pairs(
    sequences: Sequence[Sequence[int]], window: int, rng: np.random.Generator, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(centre, context) id pairs within each sequence, every centre with a random window size.

    ``keep`` is a per-id keeping probability (subsampling); ``<pad>`` and ``<unk>`` never
    take part, as word2vec skips out-of-vocabulary words.

    >>> c, x = skipgram_pairs([[4, 5, 6]], window=1, rng=np.random.default_rng(0))
    >>> sorted(zip(c.tolist(), x.tolist()))
    [(4, 5), (5, 4), (5, 6), (6, 5)]
    """
    if not sequences:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences] + [np.zeros(0, dtype=np.int64)])
    sentence = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
    mask = (ids != PAD_ID) & (ids != UNK_ID)
    if keep is not None:
        mask &= rng.random(len(ids)) < keep[ids]
    ids, sentence = ids[mask], sentence[mask]
    reach = rng.integers(1, window + 1, size=len(ids))  # the dynamic window of each centre
    centres, contexts = [], []
    for d in range(1, window + 1):
        same = sentence[:-d] == sentence[d:]
        right = same & (reach[:-d] >= d)  # centre i sees i + d
        left = same & (reach[d:] >= d)  # centre i + d sees i
        centres += [ids[:-d][right], ids[d:][left]]
        contexts += [ids[d:][right], ids[:-d][left]]
    return np.concatenate(centres), np.concatenate(contexts)


def _sampling_tables(counts: Sequence[int], subsample: float) -> tuple[np.ndarray, np.ndarray]:
    freq = np.asarray(counts, dtype=np.float64)
    freq[[PAD_ID, UNK_ID]] = 0.0
    noise = freq**0.75
    noise = noise / noise.sum() if noise.sum() > 0 else np.full(len(freq), 1.0 / len(freq))
    if subsample <= 0 or freq.sum() == 0:
        return noise, np.ones(len(freq))
    f = freq / freq.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.where(f > 0, (np.sqrt(f / subsample) + 1) * subsample / f, 1.0)
    return noise, np.minimum(keep, 1.0)


def batch_size_for(config: Word2VecConfig) -> int:
    """Pairs per step: ``batch_size``, but no more than an eighth of the vocabulary (32 at least).

    A step sums the gradients of its pairs, which is word2vec's pair-by-pair update only
    while a word seldom occurs twice in one batch: in a tiny vocabulary a big batch moves
    each vector by dozens of steps at once and training diverges.
    """
    return max(32, min(config.batch_size, config.vocab_size // 8))


def train_word2vec(
    sequences: Sequence[Sequence[int]], counts: Sequence[int], config: Word2VecConfig
) -> tuple[torch.Tensor, list[float]]:
    """Word vectors ``(V, C)`` learned from id sequences, and the mean loss of every epoch.

    ``counts`` are corpus frequencies by id (``Vocab.counts``). Seeded and free of global
    random state: the same input and config give the same vectors.
    """
    rng = np.random.default_rng(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        model = SkipGram(config)
    noise_np, keep = _sampling_tables(counts, config.subsample)
    noise = torch.as_tensor(noise_np, dtype=torch.float)
    total, done = 0, 0  # pairs in all epochs, estimated from the first, for the rate decay
    losses: list[float] = []
    batch_size = batch_size_for(config)
    for _ in range(config.epochs):
        centre_np, context_np = skipgram_pairs(sequences, config.window, rng, keep)
        total = total or max(1, len(centre_np) * config.epochs)
        order = rng.permutation(len(centre_np))
        centre, context = torch.from_numpy(centre_np[order]), torch.from_numpy(context_np[order])
        loss_sum, steps = 0.0, 0
        for start in range(0, len(centre), batch_size):
            c = centre[start : start + batch_size]  # (B,)
            x = context[start : start + batch_size]  # (B,)
            negatives = torch.multinomial(noise, config.negative_pool, True, generator=generator)  # (S,)
            lr = config.lr * max(1e-4, 1.0 - done / total)
            loss_sum, steps, done = loss_sum + model.update(c, x, negatives, lr), steps + 1, done + len(c)
        losses.append(loss_sum / max(steps, 1))
        if not np.isfinite(losses[-1]):
            raise FloatingPointError(f"word2vec diverged (mean loss {losses[-1]}); lower lr (now {config.lr})")
    return model.centre.weight.detach().clone(), losses
