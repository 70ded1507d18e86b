"""``socialens train``/``evaluate`` dispatch through declarations, never by the task's name in a face."""

from __future__ import annotations

from pathlib import Path

import pytest

import socialens.analyses
from socialens.analyses.evaluation import describe_evaluation, evaluate_model
from socialens.errors import ConfigError
from socialens.training.catalogue import TRAINERS, TrainRequest, train, trainable


def test_every_train_step_is_declared_and_every_declaration_exists():
    folders = {p.parent.name for p in Path(socialens.analyses.__file__).parent.glob("*/train.py")}
    assert set(TRAINERS) == folders
    assert trainable()[:2] == ("sentiment", "image-classifier")


def test_a_task_without_a_train_step_and_an_unknown_task_say_what_exists():
    with pytest.raises(ConfigError, match="task 'topics' has no train step; available: sentiment, image-classifier"):
        train("topics", TrainRequest())
    with pytest.raises(ConfigError, match="unknown task 'nope'"):
        train("nope", TrainRequest())
    with pytest.raises(ConfigError, match="--recipe is for sentiment and emotion; ctr has no recipes yet"):
        train("ctr", TrainRequest(recipe="quick"))


def test_evaluate_scores_the_tasks_own_model_and_refuses_another_tasks(tmp_path):
    trained = train("sentiment", TrainRequest(model="vader", models_dir=tmp_path))
    card = trained.data
    assert trained.summary is not None and trained.summary.startswith(f"{card['name']} v{card['version']}: accuracy")
    report = evaluate_model("sentiment", card["name"], "en", None, tmp_path)
    assert report["task"] == "sentiment" and report["macro_f1"] == pytest.approx(card["metrics"]["macro_f1"])
    assert describe_evaluation(report)[0].startswith(f"{card['name']} v{card['version']} (sentiment): accuracy")
    with pytest.raises(ConfigError, match=f"{card['name']} is a sentiment model, not one of emotion"):
        evaluate_model("emotion", card["name"], "en", None, tmp_path)
    with pytest.raises(ConfigError, match="cannot evaluate 'topics' models again yet; available: sentiment, emotion"):
        evaluate_model("topics")
