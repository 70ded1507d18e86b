"""The TOML configuration: parsed into typed settings, every mistake a clear ConfigError."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from socialens.config import DEFAULT_STORE, Config, load_config, parse_config
from socialens.errors import ConfigError

FULL = """
store = "~/data/social.duckdb"

[privacy]
keep_identifiers = true
key = "secret"
key_file = "keys/pseudonym.key"

[ingest]
batch_size = 500

[compare]
brands = ["@united", "Delta"]
"""


def test_defaults_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config == Config()
    assert config.store == Path(DEFAULT_STORE)
    assert config.privacy.keep_identifiers is False and config.privacy.key is None
    assert config.ingest.batch_size == 150_000


def test_every_key_is_parsed_and_typed():
    config = parse_config(tomllib.loads(FULL))
    assert config.store == Path("~/data/social.duckdb").expanduser()
    assert config.privacy.keep_identifiers is True
    assert config.privacy.key == "secret"
    assert config.privacy.key_file == Path("keys/pseudonym.key")
    assert config.ingest.batch_size == 500
    assert config.compare_brands == ["@united", "Delta"]


def test_lookup_order_flag_then_env_then_local_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "socialens.toml").write_text('store = "local.duckdb"\n')
    (tmp_path / "env.toml").write_text('store = "env.duckdb"\n')
    (tmp_path / "flag.toml").write_text('store = "flag.duckdb"\n')
    assert load_config().store == Path("local.duckdb")
    monkeypatch.setenv("SOCIALENS_CONFIG", str(tmp_path / "env.toml"))
    assert load_config().store == Path("env.duckdb")
    assert load_config(tmp_path / "flag.toml").store == Path("flag.duckdb")


@pytest.mark.parametrize(
    ("toml", "needles"),
    [
        ('stor = "x"', ["unknown key", "stor", "known"]),
        ("[privacy]\nkeep_identifier = true", ["[privacy]", "keep_identifier"]),
        ("[ingest]\nworkers = 2", ["[ingest]", "workers"]),
        ('[privacy]\nkeep_identifiers = "yes"', ["keep_identifiers", "bool", "'yes'"]),
        ("[privacy]\nkey = 42", ["key must be str"]),
        ("[ingest]\nbatch_size = 0", ["batch_size", ">= 1"]),
        ('[ingest]\nbatch_size = "100"', ["batch_size must be int"]),
        ("[ingest]\nbatch_size = true", ["batch_size must be int"]),
        ("store = 5", ["store must be str"]),
        ('privacy = "off"', ["[privacy] must be a table"]),
        ('[compare]\nbrands = "@united"', ["brands must be list"]),
        ("[compare]\nbrands = [1, 2]", ["compare.brands", "@handles or names"]),
        ("[compare]\nbrand = []", ["[compare]", "brand"]),
    ],
)
def test_mistakes_are_config_errors_naming_the_file_and_key(toml, needles):
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(toml), "my.toml")
    message = str(caught.value)
    assert message.startswith("[E401] my.toml:")
    for needle in needles:
        assert needle in message


def test_unreadable_toml_is_a_config_error_with_the_path(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("store = \n")
    with pytest.raises(ConfigError, match=r"broken\.toml: cannot read configuration"):
        load_config(broken)
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load_config(tmp_path / "missing.toml")


def test_model_pins_are_read_and_checked():
    from socialens.config import parse_config

    config = parse_config({"models": {"sentiment/en": "sentiment-en-production@2", "sentiment/zh": "sentiment-zh"}})
    assert config.models == {"sentiment/en": "sentiment-en-production@2", "sentiment/zh": "sentiment-zh"}
    for bad in ({"sentiment": "x@1"}, {"sentiment/en": "x@latest"}, {"sentiment/en": 3}):
        with pytest.raises(ConfigError, match=r"\[models\] .*NAME@VERSION"):
            parse_config({"models": bad})
