"""The BiGRU text classifier body the sentiment and emotion components share, and their heads.

The body is everything up to one logit per output: the tokeniser's cut, a vocabulary, word
vectors learned with word2vec on the training texts, the BiGRU + attention network, the
shared trainer, batched scoring and the files a component saves. A head says what the logits
mean: one class of several (:class:`SingleLabelHead`: softmax, cross-entropy, macro-F1) or
independent labels (:class:`MultiLabelHead`: sigmoids, binary cross-entropy, micro-F1 at a
threshold). A component composes the two (``analyses/sentiment/bigru.py``,
``analyses/emotion/bigru.py``); :class:`BiGRUTextComponent` holds what such components share
besides: the body's settings, the run's (``train``), the learned body and the saved files.

torch is imported inside the functions: importing this module (the registry does) stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from socialens.component import Component, Persistent, check_is_fitted
from socialens.errors import MissingExtraError
from socialens.models.saved import read_saved_meta
from socialens.models.vocab import Vocab, text_tokens

if TYPE_CHECKING:
    from socialens.models.bigru_attention import BiGRUAttention
    from socialens.training.config import TrainConfig
    from socialens.training.trainer import TrainResult

# Generous: English tokens average ~5 characters, Chinese ones ~2; only URLs run longer.
CHARS_PER_TOKEN = 16


def torch_module() -> Any:
    try:
        import torch
    except ImportError:
        raise MissingExtraError("torch", "ml") from None
    return torch


def cut_tokens(text: str, lang: str, max_len: int) -> list[str]:
    """The first ``max_len`` tokens; a long post is cut first, as jieba's time grows with it."""
    return text_tokens((text or "")[: max_len * CHARS_PER_TOKEN], lang)[:max_len]


@dataclass(frozen=True)
class SingleLabelHead:
    """One class of several: softmax probabilities, cross-entropy (hard or soft labels), macro-F1."""

    def activate(self, logits: Any) -> Any:
        return torch_module().softmax(logits, dim=-1)

    def loss_fn(self) -> Callable[[Any, Any], Any] | None:
        return None  # the trainer's cross-entropy

    def metric_fn(self) -> Callable[[Any, Any], float] | None:
        return None  # the trainer's macro-F1


@dataclass(frozen=True)
class MultiLabelHead:
    """Independent labels: a sigmoid each, binary cross-entropy, micro-F1 at ``threshold``."""

    threshold: float = 0.5

    def activate(self, logits: Any) -> Any:
        return torch_module().sigmoid(logits)

    def loss_fn(self) -> Callable[[Any, Any], Any]:
        return _bce

    def metric_fn(self) -> Callable[[Any, Any], float]:
        return _micro_f1_at(self.threshold)


Head = SingleLabelHead | MultiLabelHead


@dataclass(frozen=True)
class BodySettings:
    """The body's settings, read from the component's same-named ones."""

    lang: str
    embed_dim: int
    hidden: int
    attention_dim: int
    dropout: float
    max_len: int
    min_count: int
    max_vocab: int
    w2v_epochs: int
    w2v_window: int
    seed: int

    @classmethod
    def of(cls, component: Any) -> BodySettings:
        return cls(**{name: getattr(component, name) for name in cls.__dataclass_fields__})


def settings_from_saved(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings read back from settings.json; a folder saved before ``train`` was one setting
    (``epochs``, ``lr``... written flat) loads the same."""
    from socialens.training.config import fold_train_settings

    settings = fold_train_settings(settings)
    if settings.get("labels") is not None:
        settings["labels"] = tuple(settings["labels"])
    return settings


class BiGRUText:
    """A trained body: ``vocab``, ``model`` (the network) and the word2vec losses of its start."""

    def __init__(self, vocab: Vocab, model: BiGRUAttention, max_len: int, word2vec_loss: list[float]) -> None:
        self.vocab, self.model, self.max_len, self.word2vec_loss = vocab, model, max_len, word2vec_loss

    @classmethod
    def fit(
        cls,
        settings: BodySettings,
        train: tuple[list[list[str]], list[Any]],
        valid: tuple[list[list[str]], list[Any]],
        outputs: int,
        head: Head,
        config: TrainConfig,
        progress: bool = False,
    ) -> tuple[BiGRUText, TrainResult]:
        """Vocabulary and word2vec vectors from the training tokens, then the network trained on
        ``(tokens, targets)`` pairs, stopping on ``valid`` by the head's metric."""
        torch = torch_module()
        from socialens.models.bigru_attention import collate_ids
        from socialens.training.trainer import Trainer

        torch.set_num_threads(config.num_threads)  # process-wide, as the trainer sets it too
        vocab = Vocab.build(train[0], settings.min_count, settings.max_vocab, settings.lang)
        ids = [vocab.encode_tokens(t) for t in train[0]]
        model, w2v_loss = _new_network(settings, vocab, outputs, ids)
        result = Trainer(config).fit(
            model,
            list(zip(ids, train[1], strict=True)),
            [(vocab.encode_tokens(t), y) for t, y in zip(*valid, strict=True)],
            collate_fn=collate_ids,
            loss_fn=head.loss_fn(),
            metric_fn=head.metric_fn(),
            progress=progress,
        )
        return cls(vocab, model.eval(), settings.max_len, w2v_loss), result

    def scores(self, token_lists: Sequence[Sequence[str]], head: Head, batch_size: int = 256) -> np.ndarray:
        """The head's probabilities ``(N, K)`` of tokenised texts (only the first ``max_len``
        tokens count), scored in batches of similar length and put back in input order."""
        torch = torch_module()
        from socialens.models.bigru_attention import collate_ids

        outputs = self.model.config.num_classes
        if not len(token_lists):
            return np.zeros((0, outputs), dtype=np.float32)
        ids = [self.vocab.encode_tokens(list(t)[: self.max_len]) for t in token_lists]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), outputs), dtype=np.float32)
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                out[rows] = head.activate(self.model(collate_ids([(ids[i], 0) for i in rows]))).numpy()
        return out

    def attention(self, tokens: list[str]) -> list[float]:
        """The attention weight of each of ``tokens`` (they sum to 1)."""
        torch = torch_module()
        from socialens.models.bigru_attention import collate_ids

        self.model.eval()
        with torch.inference_mode():
            _, weights = self.model.forward_with_attention(collate_ids([(self.vocab.encode_tokens(tokens), 0)]))
        return [float(w) for w in weights[0].tolist()]

    def save(self, directory: Path) -> dict[str, Any]:
        """Write ``vocab.json`` and ``model.pt`` (weights only); the network's config, for settings.json."""
        torch = torch_module()
        directory.mkdir(parents=True, exist_ok=True)
        self.vocab.save(directory / "vocab.json")
        torch.save(self.model.state_dict(), directory / "model.pt")
        return dict(vars(self.model.config))

    @classmethod
    def load(cls, directory: Path, model_config: dict[str, Any], max_len: int, word2vec_loss: list[float]) -> BiGRUText:
        torch = torch_module()
        from socialens.models.bigru_attention import BiGRUAttention, BiGRUAttentionConfig

        model = BiGRUAttention(BiGRUAttentionConfig(**model_config))
        model.load_state_dict(torch.load(directory / "model.pt", map_location="cpu", weights_only=True))
        return cls(Vocab.load(directory / "vocab.json"), model.eval(), max_len, word2vec_loss)


class BiGRUTextComponent(Component, Persistent):
    """Settings, learned body and files of a component built on the BiGRU text body.

    A subclass names its saved ``FORMAT`` and its ``TRAIN_DEFAULTS`` (what ``train``, a
    ``TrainConfig`` or a dict of its fields, leaves out), the settings its head adds with their
    defaults (``HEAD_SETTINGS``: settings like the body's, given as keywords), and composes the
    body with its head in ``fit`` and scoring; ``seed`` seeds everything, the run included.
    Learned state: ``body_`` (``model_``, ``vocab_`` and ``word2vec_loss_`` are its),
    ``label_names_``, ``training_``.
    """

    FORMAT: ClassVar[str] = ""
    TRAIN_DEFAULTS: ClassVar[dict[str, Any]] = {}
    HEAD_SETTINGS: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        lang: str = "en",
        labels: Sequence[str] | None = None,
        embed_dim: int = 100,
        hidden: int = 64,
        attention_dim: int = 64,
        dropout: float = 0.3,
        seed: int = 42,
        max_len: int = 64,
        min_count: int = 2,
        max_vocab: int = 30_000,
        w2v_epochs: int = 5,
        w2v_window: int = 5,
        train: TrainConfig | dict[str, Any] | None = None,
        **head: Any,
    ) -> None:
        unknown = sorted(set(head) - set(self.HEAD_SETTINGS))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no setting {', '.join(unknown)}")
        self.lang = lang
        self.labels = labels
        self.embed_dim = embed_dim
        self.hidden = hidden
        self.attention_dim = attention_dim
        self.dropout = dropout
        self.seed = seed
        self.max_len = max_len
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.w2v_epochs = w2v_epochs
        self.w2v_window = w2v_window
        self.train = train
        for name, default in self.HEAD_SETTINGS.items():
            setattr(self, name, head.get(name, default))

    @classmethod
    def _param_names(cls) -> list[str]:
        """The body's settings, then the head's (``HEAD_SETTINGS``)."""
        return [*super()._param_names(), *cls.HEAD_SETTINGS]

    @property
    def model_(self) -> BiGRUAttention:
        return self.body_.model

    @property
    def vocab_(self) -> Vocab:
        return self.body_.vocab

    @property
    def word2vec_loss_(self) -> list[float]:
        return self.body_.word2vec_loss

    def train_config(self) -> TrainConfig:
        """The settings of the training run: ``train`` over ``TRAIN_DEFAULTS``, seeded by ``seed``."""
        from socialens.training.config import component_train_config

        return component_train_config(self)

    def _fit_body(
        self,
        train: tuple[list[list[str]], list[Any]],
        valid: tuple[list[list[str]], list[Any]],
        names: tuple[str, ...],
        head: Head,
        progress: bool,
    ) -> None:
        self.body_, self.training_ = BiGRUText.fit(
            BodySettings.of(self), train, valid, len(names), head, self.train_config(), progress
        )
        self.label_names_ = names

    def _saved_state(self) -> dict[str, Any]:
        """What a subclass keeps in settings.json beside the settings (e.g. thresholds)."""
        return {}

    def _load_state(self, meta: dict[str, Any]) -> None:
        """Inverse of :meth:`_saved_state`."""

    def save(self, directory: str | Path) -> Path:
        """Write ``settings.json``, ``vocab.json`` and ``model.pt`` (weights only) into ``directory``."""
        from socialens.training.config import saved_settings

        check_is_fitted(self, "body_")
        directory = Path(directory)
        meta = {
            "format": self.FORMAT,
            "settings": saved_settings(self),
            "label_names": list(self.label_names_),
            "model_config": self.body_.save(directory),
            **self._saved_state(),
        }
        (directory / "settings.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """The component ``save`` wrote, ready to predict (its training history is not kept)."""
        directory = Path(directory)
        meta = read_saved_meta(directory / "settings.json", cls.FORMAT, f"{cls.registry_name} model")
        component = cls(**settings_from_saved(meta["settings"]))
        loss = list(meta.get("word2vec_loss", []))
        component.body_ = BiGRUText.load(directory, meta["model_config"], component.max_len, loss)
        component.label_names_ = tuple(meta["label_names"])
        component._load_state(meta)
        return component


def _new_network(
    settings: BodySettings, vocab: Vocab, outputs: int, train_ids: list[list[int]]
) -> tuple[BiGRUAttention, list[float]]:
    """A seeded network whose word table starts from word2vec vectors learned on ``train_ids``."""
    torch = torch_module()
    from socialens.models.bigru_attention import BiGRUAttention, BiGRUAttentionConfig
    from socialens.models.word2vec import Word2VecConfig, train_word2vec

    size = len(vocab)
    config = BiGRUAttentionConfig(
        size, outputs, settings.embed_dim, settings.hidden, settings.attention_dim, settings.dropout
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)  # the initial weights, without touching the caller's RNG
        model = BiGRUAttention(config)
    losses: list[float] = []
    if settings.w2v_epochs > 0:
        w2v = Word2VecConfig(
            size, settings.embed_dim, settings.w2v_window, epochs=settings.w2v_epochs, seed=settings.seed
        )
        vectors, losses = train_word2vec(train_ids, vocab.counts, w2v)
        model.init_embeddings(vectors)
    return model, losses


def _bce(logits: Any, labels: Any) -> Any:
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(logits, labels.float())


def _micro_f1_at(threshold: float) -> Callable[[Any, Any], float]:
    def metric(model: Any, loader: Any) -> float:
        from socialens.training.evaluation import predict

        logits, labels = predict(model, loader)
        guess = logits.sigmoid() >= threshold
        truth = labels >= 0.5
        tp = float((guess & truth).sum())
        return 2 * tp / max(float(guess.sum() + truth.sum()), 1.0)

    return metric
