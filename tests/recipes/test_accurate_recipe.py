"""The accurate recipe on a tiny slice (one optimizer step), end to end: fine-tune, ONNX export and
int8 quantization, blend, registration beside (not over) the default; predicting needs no torch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from socialens.errors import ConfigError
from socialens.recipes.accurate import recipe_settings, train_accurate_recipe
from socialens.recipes.sentiment import train_sentiment_recipe
from socialens.training.model_registry import ModelRegistry

# 40 texts, batch 32: two batches an epoch, half an epoch = one step.
ONE_STEP = {"epochs": 0.5, "num_threads": 1, "eval_every": 1}


@pytest.mark.timeout(1800)  # exporting and quantizing a 90 MB network takes minutes on a busy shared machine
def test_accurate_recipe_runs_end_to_end_and_resumes(tmp_path):
    work, reg = tmp_path / "work", tmp_path / "reg"
    train_sentiment_recipe("en", "quick", tmp_path / "quick", reg, limit=200, say=lambda _: None)
    lines: list[str] = []
    card = train_accurate_recipe("en", work, reg, limit=40, settings=ONE_STEP, say=lines.append)
    stages = card["extra"]["stages"]
    assert list(stages) == ["finetune", "export", "tfidf", "blend"]
    assert stages["finetune"]["steps_run"] == stages["finetune"]["total_steps"] == 1
    assert (work / "checkpoints" / "best.pt").is_file() and (work / "checkpoints" / "last.pt").is_file()
    export = stages["export"]
    assert export["scores"]["int8"]["model_bytes"] < export["scores"]["fp32"]["model_bytes"] / 3
    assert export["kept"] in ("int8", "fp32") and sum(stages["blend"]["weights"]) == pytest.approx(1.0)
    assert card["name"] == "sentiment-en-accurate" and card["metrics"]["n"] == 40
    assert card["architecture"] in ("sentiment.minilm_onnx.v1", "sentiment.blend.v1")
    assert not card["default"]  # a variant: the default stays the model that was the default
    assert ModelRegistry(reg).default("sentiment", "en").name == "sentiment-en-quick"
    assert any("left in all" in line for line in lines) and any(line.startswith("step 1/1") for line in lines)

    again: list[str] = []  # every stage done: nothing runs again, the same version comes back
    second = train_sentiment_recipe("en", "accurate", work, reg, limit=40, settings=ONE_STEP, say=again.append)
    assert sum("resumed" in line for line in again) == 5 and second["version"] == card["version"]

    folder = ModelRegistry(reg).path("sentiment-en-accurate", None)
    assert list(folder.rglob("model.onnx")) and list(folder.rglob("tokenizer.json"))
    assert not list(folder.rglob("*.pkl")) and not list(folder.rglob("*.pt"))
    script = (
        "import json, sys\n"
        "from socialens.analyses.sentiment.workflow import load_sentiment_model\n"
        f"model, card = load_sentiment_model('sentiment-en-accurate', registry_root={str(reg)!r})\n"
        "proba = model.predict_proba(['I love this', 'awful service, never again'])\n"
        "print(json.dumps({'rows': proba.shape[0], 'torch': 'torch' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"rows": 2, "torch": False}


def test_settings_are_checked_and_converted():
    assert recipe_settings({"epochs": "1.5", "frozen_layers": "0"}).epochs == 1.5
    assert recipe_settings({"frozen_layers": "0"}).frozen_layers == 0
    with pytest.raises(ConfigError, match="unknown accurate recipe setting"):
        recipe_settings({"epoch": "2"})
    with pytest.raises(ConfigError, match="expected int"):
        recipe_settings({"batch_size": "many"})
    with pytest.raises(ConfigError, match="English only"):
        train_accurate_recipe("zh")
    with pytest.raises(ConfigError, match="-o settings are for --recipe accurate"):
        train_sentiment_recipe("en", "quick", settings={"epochs": "2"})
