"""Every exported network opens through models.onnx_session: on the CPU, with the threads asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from socialens.models.onnx_session import cpu_session

SRC = Path(__file__).resolve().parents[2] / "src" / "socialens"


def _doubling_network() -> bytes:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])
    graph = helper.make_graph([helper.make_node("Add", ["x", "x"], ["y"])], "double", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def test_a_session_from_bytes_or_a_file_runs_on_the_cpu_with_the_threads_given(tmp_path: Path) -> None:
    network = _doubling_network()
    path = tmp_path / "double.onnx"
    onnx.save_model(onnx.load_from_string(network), str(path))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for source, threads in ((network, 1), (path, 2), (str(path), 1)):
        session = cpu_session(source, threads)
        assert session.get_providers() == ["CPUExecutionProvider"]
        options = session.get_session_options()
        assert (options.intra_op_num_threads, options.inter_op_num_threads) == (threads, 1)
        (y,) = session.run(None, {"x": x})
        np.testing.assert_array_equal(y, 2 * x)


def test_no_module_sets_up_its_own_threaded_session() -> None:
    builders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "SessionOptions()" in path.read_text(encoding="utf-8") and path.name != "onnx_session.py"
    ]
    assert builders == []
