"""The on-disk model registry: round-trip, versions, defaults, listing, broken files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from socialens import __version__
from socialens.errors import ConfigError
from socialens.training.model_registry import (
    ModelCard,
    ModelCardError,
    ModelNotFoundError,
    ModelRegistry,
    default_models_dir,
    fingerprint,
)
from socialens.training.trainer import TrainConfig, Trainer
from tests.training import BagOfTokens, make_task

CARD = {
    "task": "sentiment",
    "language": "en",
    "architecture": "sentiment.bag_of_tokens.v1",
    "data_hash": "sha256:0123456789abcdef",
    "split": "stratified 80/10/10, seed 42",
    "labels": ["negative", "neutral", "positive"],
    "metrics": {"test": {"macro_f1": 0.81, "accuracy": 0.83}},
    "settings": {"epochs": 3, "lr": 0.001},
}


def test_round_trip(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    state = {"weight": torch.arange(6.0).reshape(2, 3), "bias": torch.zeros(2)}
    card = registry.save("en-sentiment", state, CARD)

    assert (card.name, card.version, card.files) == ("en-sentiment", 1, ["model.pt"])
    assert card.path == tmp_path / "en-sentiment" / "1"
    assert card.socialens_version == __version__ and card.created_at.endswith("+00:00")
    on_disk = json.loads((registry.path("en-sentiment") / "card.json").read_text())
    assert {k: on_disk[k] for k in CARD} == CARD
    assert registry.load_card("en-sentiment") == card
    loaded = registry.load_state("en-sentiment", 1)
    assert loaded.keys() == state.keys() and all(torch.equal(loaded[k], state[k]) for k in state)
    assert not list((tmp_path / "en-sentiment").glob(".incoming-*"))


def test_versions_increment_and_latest_is_the_default_version(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    cards = [registry.save("m", {"step": torch.tensor(i)}, {**CARD, "metrics": {"i": i}}) for i in range(3)]
    assert [c.version for c in cards] == [1, 2, 3]
    assert registry.versions("m") == [1, 2, 3]
    assert registry.load_card("m").version == 3
    assert registry.load_card("m", 2).metrics == {"i": 1}
    assert registry.path("m", 1) == tmp_path / "m" / "1"
    assert int(registry.load_state("m")["step"]) == 2


def test_any_model_files_can_be_saved(tmp_path: Path) -> None:
    source = tmp_path / "export"
    (source / "tokenizer").mkdir(parents=True)
    (source / "weights.bin").write_bytes(b"\x00\x01")
    (source / "tokenizer" / "vocab.txt").write_text("a\nb\n")
    registry = ModelRegistry(tmp_path / "models")

    from_folder = registry.save("folder", source, CARD)
    assert from_folder.files == ["tokenizer/vocab.txt", "weights.bin"]
    from_list = registry.save("listed", [source / "weights.bin", source / "tokenizer" / "vocab.txt"], CARD)
    assert from_list.files == ["vocab.txt", "weights.bin"]
    registry.save("written", lambda folder: (folder / "vectors.npy").write_bytes(b"x"), CARD)
    assert (registry.path("written") / "vectors.npy").read_bytes() == b"x"


def test_unknown_card_fields_are_kept_in_extra(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    card = registry.save("m", {}, {**CARD, "teacher": "en-big/2", "version": 99, "name": "ignored"})
    assert (card.name, card.version, card.extra) == ("m", 1, {"teacher": "en-big/2"})
    assert registry.load_card("m").extra == {"teacher": "en-big/2"}


def test_missing_models_and_versions_give_clear_errors(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(ModelNotFoundError, match=r"no model named 'nope'.*none yet"):
        registry.load_card("nope")
    registry.save("real", {}, CARD)
    with pytest.raises(ModelNotFoundError, match="models there: real"):
        registry.path("nope")
    with pytest.raises(ModelNotFoundError, match=r"no version 7.*versions: 1") as error:
        registry.load_card("real", 7)
    assert error.value.code == "E501"
    with pytest.raises(ModelNotFoundError, match=r"tokenizer.json: no such file"):
        registry.load_state("real", file="tokenizer.json")
    with pytest.raises(ConfigError, match="not a valid model name"):
        registry.save("../escape", {}, CARD)
    with pytest.raises(ModelNotFoundError, match="nothing there"):
        registry.save("m", tmp_path / "missing.pt", CARD)


def test_listing(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    assert registry.list() == []
    registry.save("zh-sentiment", {}, {**CARD, "language": "zh"})
    registry.save("en-sentiment", {}, CARD)
    registry.save("en-sentiment", {}, CARD)
    (tmp_path / "en-sentiment" / "notes").mkdir()  # stray folders are not versions
    assert [(c.name, c.version) for c in registry.list()] == [
        ("en-sentiment", 1),
        ("en-sentiment", 2),
        ("zh-sentiment", 1),
    ]


def test_a_corrupt_card_is_reported_not_fatal_to_listing(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    registry.save("good", {}, CARD)
    registry.save("broken", {}, CARD)
    (registry.path("broken") / "card.json").write_text("{ not json")
    with pytest.raises(ModelCardError, match=r"broken/1/card.json: cannot read it.*fix or delete") as error:
        registry.load_card("broken")
    assert error.value.code == "E502"
    with pytest.warns(UserWarning, match="broken"):
        assert [c.name for c in registry.list()] == ["good"]
    (registry.path("broken") / "card.json").write_text('["a list"]')
    with pytest.raises(ModelCardError, match="expected a JSON object"):
        registry.load_card("broken")
    (registry.path("broken") / "card.json").write_text('{"name": "broken"}')
    with pytest.raises(ModelCardError, match="integer 'version'"):
        registry.load_card("broken")


def test_defaults(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(ModelNotFoundError, match=r"no sentiment model for language 'en'.*socialens train"):
        registry.default("sentiment", "en")
    registry.save("a", {}, CARD)
    registry.save("b", {}, CARD)
    registry.save("zh", {}, {**CARD, "language": "zh"})
    # Without a default set: the newest model for that task and language.
    assert (registry.default("sentiment", "en").name, registry.default("sentiment", "zh").name) == ("b", "zh")

    registry.set_default("sentiment", "en", "a", 1)
    registry.save("a", {}, CARD)
    assert (registry.default("sentiment", "en").name, registry.default("sentiment", "en").version) == ("a", 1)
    registry.set_default("sentiment", "en", "a")  # follow the latest version
    registry.save("a", {}, CARD)
    assert registry.default("sentiment", "en").version == 3
    assert json.loads((tmp_path / "defaults.json").read_text()) == {"sentiment/en": {"name": "a", "version": None}}

    with pytest.raises(ModelNotFoundError):
        registry.set_default("sentiment", "en", "a", 9)
    (tmp_path / "defaults.json").write_text('{"sentiment/en": 3}')
    with pytest.raises(ModelCardError, match=r"defaults.json"):
        registry.default("sentiment", "en")


def test_default_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCIALENS_HOME", str(tmp_path / "home"))
    assert ModelRegistry().root == default_models_dir() == tmp_path / "home" / "models"
    monkeypatch.delenv("SOCIALENS_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_models_dir() == tmp_path / "data" / "socialens" / "models"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_models_dir() == Path.home() / ".local" / "share" / "socialens" / "models"


def test_fingerprint_is_stable_and_order_sensitive() -> None:
    rows = [("good flight", 2), ("lost my bag", 0)]
    assert fingerprint(rows) == fingerprint(list(rows)) != fingerprint(rows[::-1])
    assert fingerprint(rows).startswith("sha256:") and len(fingerprint(rows)) == len("sha256:") + 16


def test_card_dict_round_trip() -> None:
    card = ModelCard(name="m", version=2, task="sentiment", metrics={"f1": 0.5}, extra={"k": 1})
    assert ModelCard.from_dict(json.loads(json.dumps(card.to_dict()))) == card


def test_a_trained_model_saved_and_reloaded_predicts_identically(tmp_path: Path) -> None:
    train, valid, test = make_task(300, seed=1), make_task(60, seed=2), make_task(100, seed=3)
    torch.manual_seed(0)
    model = BagOfTokens()
    config = TrainConfig(epochs=3, lr=1e-2)
    result = Trainer(config).fit(model, train, valid, progress=False)
    registry = ModelRegistry(tmp_path)
    saved = registry.save(
        "toy",
        model.state_dict(),
        {**CARD, "metrics": {"valid_macro_f1": result.best_metric}, "settings": config.to_dict()},
    )

    torch.manual_seed(99)
    reloaded = BagOfTokens()
    reloaded.load_state_dict(registry.load_state("toy", saved.version))
    reloaded.eval()
    tokens = torch.stack([item["tokens"] for item in test])
    with torch.no_grad():
        assert torch.equal(model({"tokens": tokens}), reloaded({"tokens": tokens}))
    assert registry.load_card("toy").settings["epochs"] == 3


def test_reading_the_registry_does_not_import_torch(tmp_path: Path) -> None:
    ModelRegistry(tmp_path).save("m", {}, CARD)
    code = (
        "import sys; from socialens.training import ModelRegistry; "
        f"cards = ModelRegistry({str(tmp_path)!r}).list(); "
        "print(len(cards), 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "False"]
