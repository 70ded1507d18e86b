"""Pseudonymisation: where the key comes from, and what the pseudonyms promise."""

from __future__ import annotations

import pickle
import stat

import pytest

from socialens.errors import ConfigError
from socialens.privacy import KEY_ENV, KEY_FILE_ENV, Pseudonymizer, key_fingerprint, load_or_create_key


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def test_key_is_generated_on_first_use_private_and_reused(no_env_key, tmp_path):
    key_file = tmp_path / "config" / "socialens" / "pseudonym.key"  # under XDG_CONFIG_HOME
    assert not key_file.exists()
    first = load_or_create_key()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) == 64 and int(first, 16)  # 32 random bytes, hex
    assert load_or_create_key() == first
    assert key_file.read_text().strip().encode() == first


def test_each_new_key_file_gets_its_own_random_key(no_env_key, tmp_path):
    assert load_or_create_key(tmp_path / "a.key") != load_or_create_key(tmp_path / "b.key")


def test_environment_overrides_configuration_and_key_file(monkeypatch, tmp_path):
    key_file = tmp_path / "k.key"
    key_file.write_text("from-file\n")
    monkeypatch.setenv(KEY_ENV, "from-env")
    assert load_or_create_key(key_file, configured="from-config") == b"from-env"
    monkeypatch.delenv(KEY_ENV)
    assert load_or_create_key(key_file, configured="from-config") == b"from-config"
    assert load_or_create_key(key_file) == b"from-file"


def test_key_file_env_names_the_key_file(no_env_key, monkeypatch, tmp_path):
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "elsewhere.key"))
    key = load_or_create_key()
    assert (tmp_path / "elsewhere.key").read_text().strip().encode() == key
    assert not (tmp_path / "config" / "socialens" / "pseudonym.key").exists()


def test_empty_key_file_is_a_clear_config_error(no_env_key, tmp_path):
    key_file = tmp_path / "empty.key"
    key_file.write_text("  \n")
    with pytest.raises(ConfigError) as caught:
        load_or_create_key(key_file)
    assert str(key_file) in str(caught.value) and KEY_ENV in str(caught.value)
    assert caught.value.code == "E401"


def test_same_key_same_pseudonym_other_key_other_pseudonym():
    a, b = Pseudonymizer(b"key-a"), Pseudonymizer(b"key-b")
    assert a.user("twitter", "42") == Pseudonymizer(b"key-a").user("twitter", "42")
    assert a.user("twitter", "42") != b.user("twitter", "42")
    assert a.user("twitter", "42") != a.user("twitter", "43")
    assert a.user("twitter", "42") != a.user("reddit", "42")  # ids are unique per platform only
    assert a.user("twitter", "42").startswith("u_") and len(a.user("twitter", "42")) == 18
    assert key_fingerprint(b"key-a") == key_fingerprint(b"key-a") != key_fingerprint(b"key-b")


def test_handles_are_case_insensitive_and_at_sign_free():
    p = Pseudonymizer(b"k")
    assert p.handle("twitter", "@Bob") == p.handle("twitter", "bob") == p.handle("twitter", "BOB")
    assert p.handle("twitter", "bob").startswith("h_")
    assert p.handle("twitter", "bob") != p.user("twitter", "bob")  # handles and ids never collide
    assert p.handle("twitter", "") is None and p.user("twitter", "") is None and p.user("twitter", None) is None


def test_mentions_in_text_are_replaced_but_emails_left():
    p = Pseudonymizer(b"k")
    text = "hi @Bob and @alice.bsky.social, mail bob@example.com"
    out = p.mentions_in_text("twitter", text)
    assert "@" + str(p.handle("twitter", "bob")) in out
    assert "@" + str(p.handle("twitter", "alice.bsky.social")) in out
    assert "Bob" not in out and "alice" not in out
    assert "bob@example.com" in out
    assert p.mentions_in_text("weibo", "转发//@小明:谢谢") == "转发//@" + str(p.handle("weibo", "小明")) + ":谢谢"
    assert p.mentions_in_text("twitter", "no handles here") == "no handles here"
    assert p.mentions_in_text("twitter", "") == ""


def test_keep_identifiers_passes_everything_through():
    p = Pseudonymizer(b"k", keep_identifiers=True)
    assert p.user("twitter", "42") == "42"
    assert p.handle("twitter", "@Bob") == "Bob"
    assert p.mentions_in_text("twitter", "hi @Bob") == "hi @Bob"


def test_pseudonymizer_pickles_with_its_key_but_not_its_cache():
    p = Pseudonymizer(b"k", keep_identifiers=False)
    expected = p.user("twitter", "42")
    assert p._cache
    copy = pickle.loads(pickle.dumps(p))
    assert copy.key == b"k" and copy.keep_identifiers is False and copy._cache == {}
    assert copy.user("twitter", "42") == expected
    assert b"u\x00twitter" not in pickle.dumps(p)  # cached raw identifiers stay behind
    kept = pickle.loads(pickle.dumps(Pseudonymizer(b"k", keep_identifiers=True)))
    assert kept.keep_identifiers is True
