"""One way to open an exported network with onnxruntime: on the CPU, with the threads asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialens.errors import MissingExtraError


def cpu_session(model: str | Path | bytes, threads: int, extra: str = "ml") -> Any:
    """An ``onnxruntime.InferenceSession`` of ``model`` (a file or the serialised network) on the CPU.

    ``threads`` run inside an operator and one between operators: onnxruntime would otherwise take
    every core, which the engine's worker processes already share out. Without onnxruntime, a
    ``MissingExtraError`` names the ``extra`` that brings it.
    """
    try:
        import onnxruntime
    except ImportError:
        raise MissingExtraError("onnxruntime", extra) from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])
