"""``socialens models verify`` on the models this checkout ships, and on a damaged copy."""

from __future__ import annotations

import shutil

from tests.cli.test_cli import run_cli
from tests.conftest import SHIPPED_MODELS


def test_models_verify_passes_on_the_shipped_models_and_fails_on_a_damaged_one(tmp_path):
    done = run_cli(
        tmp_path, "models", "verify", "--shipped-only", timeout=600, SOCIALENS_SHIPPED_MODELS=str(SHIPPED_MODELS)
    )
    said = done.stdout + done.stderr  # the console writes to stderr, JSON (--json) to stdout
    assert done.code == 0, said
    assert "ok       sentiment-en v1 (shipped)" in said and "ok       sentiment-zh v1 (shipped)" in said
    assert "ok       sentiment-en-accurate v1 (shipped)" in said  # the int8 ONNX variant, within 0.005
    copy = tmp_path / "models"
    shutil.copytree(SHIPPED_MODELS / "sentiment-zh", copy / "sentiment-zh")
    (copy / "sentiment-zh" / "blend.json").write_text('{"format": "socialens.blend/1", "weights": [1, 0]}')
    done = run_cli(tmp_path, "models", "verify", "--shipped-only", timeout=600, SOCIALENS_SHIPPED_MODELS=str(copy))
    said = done.stdout + done.stderr
    assert done.code == 1 and "failed" in said and "blend.json" in said and "E502" in said
