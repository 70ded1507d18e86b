"""The fine-tuned transformer classifiers keep the training run as one setting, ``train``."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from socialens.analyses.sentiment.finetuned import FineTunedMiniLMSentiment
from socialens.analyses.sentiment.finetuning import load_settings, save_settings
from socialens.analyses.sentiment.workflow import _build
from socialens.errors import ConfigError


@pytest.mark.parametrize("name", ["minilm", "e5-finetuned"])
def test_run_options_fold_into_train(name):
    # --epochs / -o lr=... / -o checkpoint_dir=...: written flat by the command line
    component = _build(name, "en", {"epochs": 1, "lr": 1e-4, "checkpoint_dir": "ck", "max_length": 32})
    assert component.train == {"epochs": 1, "lr": 1e-4, "checkpoint_dir": "ck"} and component.max_length == 32
    config = component.train_config()
    assert (config.epochs, config.lr, config.checkpoint_dir) == (1, 1e-4, Path("ck"))
    assert config.batch_size == 32 and config.warmup_ratio == 0.06 and config.seed == component.seed  # defaults
    params = component.get_params()
    assert type(component)(**params).get_params() == params
    with pytest.raises(ConfigError, match="no setting epoch"):
        _build(name, "en", {"epoch": 1})


def test_settings_saved_as_given_and_the_flat_form_still_loads(tmp_path):
    component = FineTunedMiniLMSentiment(train={"epochs": 2}, max_length=48)
    save_settings(component, tmp_path)
    assert load_settings(tmp_path) == component.get_params()
    old = {"labels": ("negative", "neutral", "positive"), "epochs": 2, "batch_size": 16, "lr": 3e-5}
    old.update(weight_decay=0.01, warmup_ratio=0.06, patience=1, max_length=48, seed=7, num_threads=1)
    old.update(checkpoint_dir=None, log_dir=None)  # the settings.pkl written before ``train``
    (tmp_path / "settings.pkl").write_bytes(pickle.dumps(old))
    loaded = FineTunedMiniLMSentiment(**load_settings(tmp_path))
    assert loaded.max_length == 48 and loaded.seed == 7
    config = loaded.train_config()
    assert (config.epochs, config.batch_size, config.seed, config.checkpoint_dir) == (2, 16, 7, None)
