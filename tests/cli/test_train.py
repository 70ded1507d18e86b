"""``socialens train / models / evaluate`` on the real reference split, through the CLI."""

from __future__ import annotations

from tests.cli.test_cli import run_cli


def test_train_registers_a_model_that_models_and_evaluate_see(tmp_path):
    home = str(tmp_path / "home")
    trained = run_cli(
        tmp_path,
        "train",
        "sentiment",
        "--lang",
        "en",
        "--model",
        "tfidf",
        "--limit",
        "3000",
        "--json",
        timeout=240,
        SOCIALENS_HOME=home,
    )
    assert trained.code == 0, trained.stderr
    card = trained.json()
    assert card["name"] == "sentiment-en-tfidf" and card["version"] == 1
    assert card["architecture"] == "sentiment.tfidf_lr.v1" and card["labels"] == ["negative", "neutral", "positive"]
    assert card["metrics"]["n"] == 3720 and card["metrics"]["macro_f1"] > 0.6  # chance is ~0.33
    assert "first 3000 training texts" in card["split"] and len(card["data_hash"]) >= 12

    listed = run_cli(tmp_path, "models", "list", "--json", SOCIALENS_HOME=home)
    assert [(c["name"], c["version"]) for c in listed.json()] == [("sentiment-en-tfidf", 1)]

    again = run_cli(tmp_path, "evaluate", "sentiment", "--lang", "en", "--json", timeout=120, SOCIALENS_HOME=home)
    assert again.code == 0, again.stderr
    assert again.json()["macro_f1"] == card["metrics"]["macro_f1"]


def test_unknown_model_is_a_one_line_error(tmp_path):
    result = run_cli(tmp_path, "train", "sentiment", "--model", "gpt", SOCIALENS_HOME=str(tmp_path / "home"))
    assert result.code == 2 and "unknown sentiment model 'gpt'" in result.stderr


def test_models_list_shows_each_task_headline_metric():
    from socialens.training.catalogue import headline_metric as _headline

    assert _headline({"macro_f1": 0.7601}) == "macro-F1 0.760"
    assert _headline({"test_auc": 0.79, "valid_auc": 0.8}) == "AUC 0.790"
    assert _headline({"test": {"seen_excluded": {"ndcg@10": 0.1051}}}) == "NDCG@10 0.105"
    assert _headline({"weak": {"micro_f1": 0.835}}) == "weak micro-F1 0.835"
    emotion = {"reference": {"macro_f1": 0.4032}, "weak": {"micro_f1": 0.835}}
    assert _headline(emotion) == "annotated macro-F1 0.403"  # human labels before weak ones
    assert _headline({"topics": 30}) == ""
