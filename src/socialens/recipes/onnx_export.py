"""Export a fine-tuned MiniLM classifier to ONNX (float32) and quantize its weights to int8.

``torch.onnx.export`` (the TorchScript exporter: no onnxscript needed) traces the network with
dynamic batch and sequence axes; ``onnxruntime.quantization.quantize_dynamic`` stores the matrices
as int8 with one scale per output channel (activations are quantized on the fly at run time;
per-tensor scales lost 0.008 validation macro-F1 on the English model, per-channel none). Each
result is a folder that :class:`socialens.analyses.sentiment.onnx_minilm.OnnxMiniLMSentiment`
loads, with the packaged model's ``tokenizer.json`` beside it.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialens.analyses.sentiment.onnx_minilm import MODEL, TOKENIZER, OnnxMiniLMSentiment


def export_onnx(model: Any, labels: Sequence[str], max_length: int, folder: Path) -> tuple[Path, Path]:
    """Write ``folder/fp32`` and ``folder/int8``, each a loadable ONNX classifier folder."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from socialens.models.encoders.minilm import minilm_path

    fp32, int8 = folder / "fp32", folder / "int8"
    for part in (fp32, int8):
        part.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(minilm_path() / TOKENIZER, part / TOKENIZER)
    wrapper = _Logits(model.eval())
    example = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            example,
            str(fp32 / MODEL),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    import logging

    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's advice to pre-process
    quantize_dynamic(str(fp32 / MODEL), str(int8 / MODEL), weight_type=QuantType.QInt8, per_channel=True)
    for part, quantized in ((fp32, False), (int8, True)):
        OnnxMiniLMSentiment.from_files(
            part / MODEL, part / TOKENIZER, labels=list(labels), max_length=max_length, quantized=quantized
        ).save(part)
    return fp32, int8


class _Logits:
    """``(input_ids, attention_mask) -> logits``: the positional signature the exporter traces."""

    def __new__(cls, model: Any) -> Any:
        import torch

        class Logits(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                return self.model({"input_ids": input_ids, "attention_mask": attention_mask})  # type: ignore[no-any-return]

        return Logits()
