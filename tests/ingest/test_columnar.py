"""The columnar edge (DuckDB) must leave the store exactly as the Python path does.

The differential test ingests the same real and adversarial input both ways and compares
every table, column by column, and the rejects. The pattern tests check each RE2 rewrite of
a Python look-behind pattern against the original on edge cases and on random strings.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from socialens.ingest import columnar, run
from socialens.ingest.columnar import COLUMNAR_CHUNK_LINES, supports
from socialens.ingest.formats import get_importer
from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from socialens.store import columnar_queries as q
from socialens.text import re2
from socialens.text.extract import EMOJI_RE, HASHTAG_RE, URL_RE
from socialens.text.langid import _NOISE, detect_language
from socialens.text.re2 import patterns
from socialens.text.scrub import EMAIL_MASK, EMAIL_RE
from tests.conftest import FIXTURES, TEST_KEY

TRICKY_TEXTS = [
    "Mail bob.smith@example.co.uk or call +1 415-555-0100, (212) 555-0199 &amp; 13800138000",
    "see https://mastodon.social/@carol and www.example.org/a_(b)). #tag, #Tag! #t#u a#b &#x23;c",
    "hi @Bob_1, @alice.bsky.social and @me@mastodon.social; bob@mail.com x@y.io.",
    "转发微博//@小明:谢谢@小红 @小明@小红 今天天气很好，我们去公园玩吧 #北京#",
    "great 👍🏽 👨‍👩‍👧 🇫🇷 1️⃣ ok ©️ ™ café\u0301 \u200bzero\u200b width",
    "&lt;b&gt;bold&lt;/b&gt; &amp;amp; &copy &notit; &#128512; &#xZZ; AT&T",
    "#" + "x" * 120 + " and #ÄÖÜ #İstanbul #ΣΑΣ @ÄBC @user-name- @a.b.@c",
    "   \u3000 padded\t text \xa0 ",
    "Il fait très beau aujourd'hui, allons au parc @marie #été",
    "東京でも参加します！ 🐦📷 https://t.co/QtQ9zzYy1k",
    "@a.#b @c-#d x.@e #f.@g",
    "call 555-123-4567 555-123-4568 or 2016-2017 3-1 4155550100",
    "",
    "ok https://x.co/a?b=1. (https://en.wikipedia.org/wiki/Mercury_(planet)). HTTP://UP.CASE/X",
    "mixed 한국어 テキスト and ascii",
    "ſ https://ſ.example ſtrange K",
    # identifiers in mentions after punctuation and inside URLs (issue 18)
    '.@NBC (@cbs) "@abc" RT@fox ＠nhk https://twitter.com/Bob/status/1 netflix.com/x',
    "https://bsky.app/profile/did:plc:abcd/post/1 at://did:plc:zzz/app.bsky.feed.post/3 did:web:a.example",
    "https://www.reddit.com/u/spez https://mastodon.social/@carol/1 https://x.social/users/dan/statuses/2",
]


def _status(i: int, text: Any, **extra: Any) -> dict[str, Any]:
    user = {"id_str": str(900 + i % 7), "screen_name": f"User{i % 7}", "name": "N", "followers_count": i}
    status = {"id_str": str(10**15 + i), "created_at": "Thu Dec 17 12:16:39 +0000 2009", "text": text, "user": user}
    status.update(extra)
    return status


def _adversarial() -> list[bytes]:
    """Statuses that hit every branch where SQL must decline or agree."""
    lines = [orjson.dumps(_status(i, t)) for i, t in enumerate(TRICKY_TEXTS)]
    odd: list[dict[str, Any]] = [
        _status(100, "full", full_text="the full text wins @x"),
        _status(101, "t", full_text=""),
        _status(102, "t", full_text=5),
        _status(103, 7),
        _status(104, "entities", entities={"hashtags": [{"text": "Given"}], "urls": [], "user_mentions": []}),
        _status(105, "empty entities", entities={"hashtags": [], "symbols": [{"text": "X"}]}),
        _status(106, "bad entities", entities="nope"),
        _status(
            121,
            "given lists win #ignored @ignored https://ignored.example RT@Bob",
            entities={
                "hashtags": [{"text": "#Given"}, {"text": ""}, {"text": None}, {"text": "Été"}, {"text": "given"}],
                "user_mentions": [{"screen_name": "@Bob"}, {"screen_name": ""}, {"screen_name": "ÄBC"}, {"id": 1}],
                "urls": [
                    {"url": "https://t.co/a", "expanded_url": "https://example.org/x."},
                    {"url": "https://t.co/b", "expanded_url": ""},
                    {"url": "", "expanded_url": "https://dropped.example"},
                    {"url": "https://t.co/c", "expanded_url": "https://mastodon.social/@Carol"},
                    {"url": "https://t.co/d", "expanded_url": "https://twitter.com/Quoted/status/9"},
                    {"url": "https://t.co/a", "expanded_url": "https://example.org/x."},
                ],
                "media": [
                    {"media_url_https": "https://pbs.twimg.com/m.jpg", "type": "photo"},
                    {"media_url_https": "https://cdn.bsky.app/img/x/plain/did:plc:m/c@jpeg", "type": "photo"},
                ],
                "symbols": [{"text": "X"}],
            },
        ),
        _status(122, "only urls given", entities={"urls": [{"url": "https://t.co/z"}], "hashtags": []}),
        _status(123, "hashtag item not an object", entities={"hashtags": ["x"]}),
        _status(124, "hashtag text a number", entities={"hashtags": [{"text": 5}]}),
        _status(125, "medium without url", entities={"media": [{"type": "photo"}]}),
        _status(126, "hashtags an object", entities={"hashtags": {"text": "x"}}),
        _status(127, "hashtags a string", entities={"hashtags": "x"}),
        _status(128, "null item", entities={"user_mentions": [None]}),
        _status(129, "url a number", entities={"urls": [{"url": 5}]}),
        _status(107, "counts", favorite_count="5", retweet_count=2.0, reply_count=True, quote_count=2**62),
        _status(120, "counts", favorite_count=2.5, retweet_count=-3, reply_count=None),
        _status(108, "reply", in_reply_to_status_id_str="", quoted_status_id_str="123"),
        _status(109, "reply", in_reply_to_status_id_str=55),
        _status(110, "time", created_at="Sat Feb 29 10:00:00 +0530 2020"),
        _status(111, "time", created_at="Sun Feb 29 10:00:00 -0130 2021"),
        _status(112, "time", created_at="2023-01-05T10:00:00Z"),
        _status(113, "time", created_at=""),
        _status(114, "time", created_at="Thu Dec 17 12:16:39 +05:30 2009"),
        _status(115, "rt", retweeted_status=_status(116, "original #Orig @o")),
        _status(117, "quote", quoted_status=_status(118, "quoted")),
        _status(119, "ext", extended_tweet={"full_text": "extended text"}),
        {"delete": {"status": {"id_str": "1"}}},
        {"limit": {"track": 3}},
        {"id_str": "200", "text": "no user"},
        {"id_str": "201", "text": "user not object", "user": "u"},
        {"id_str": "", "id": 202, "text": "id fallback", "user": {"id_str": "1"}},
        {"id_str": "203", "user": {"id_str": "1"}},
        {"id_str": "204", "text": "bad verified", "user": {"id_str": "1", "verified": "yes"}},
        {"id_str": "205", "text": "user", "user": {"id": 77, "screen_name": "@Handle"}},
        _status(206, "desc", user={"id_str": "906", "description": "mail a@b.com &amp; @Friend +44 20 7946 0958"}),
        _status(207, "desc2", user={"id_str": "906", "description": "", "verified": True, "friends_count": 3}),
        _status(208, "later same user", user={"id_str": "906", "screen_name": None}),
        _status(209, "user time", user={"id_str": "907", "created_at": "Wed Apr 10 09:21:33 +0000 2013"}),
    ]
    lines += [orjson.dumps(s) for s in odd]
    lines += [
        b'{"id_str": "300", "text": "dup", "text": "keys", "user": {"id_str": "1"}}',
        b'{"id_str": "301", "text": "dup user", "user": {"id_str": "1", "id_str": "2"}}',
        b'{"id_str": "302", "text": "trailing", "user": {"id_str": "1"},}',
        b'{"id_str": "303", "text": "nan", "user": {"id_str": "1"}, "x": NaN}',
        b'{"id_str": "304", "text": "big", "user": {"id_str": "1"}, "x": 1e999}',
        b'{"id_str": "305", "text": "lone \\ud800 surrogate", "user": {"id_str": "1"}}',
        b'{"id_str": "306", "text": "pair \\ud83d\\ude00 escaped \\u00e9", "user": {"id_str": "1"}}',
        b'{"id_str": "307", "text": "bad utf8 \xff", "user": {"id_str": "1"}}',
        b'  {"id_str": "308", "text": "leading space", "user": {"id_str": "1"}}',
        b"[1, 2]",
        b"not json at all",
        b"",
        b'{"id_str": "309", "text": "control \\u0001 \\u0000 chars", "user": {"id_str": "1"}}',
    ]
    return lines


def _corpus(tmp_path: Path) -> Path:
    """Fixture statuses, ~3,000 real tweets (the benchmark corpus builder) and the adversarial set.

    More lines than one columnar chunk holds blocks of the Python path, so per-block user
    deduplication is compared too.
    """
    from socialens.datasets.tweet_corpus import write_corpus

    real = write_corpus(3_000, tmp_path / "real.jsonl")
    fixtures = FIXTURES / "ingest" / "twitter-v1"
    parts = [(fixtures / "valid.jsonl").read_bytes(), (fixtures / "malformed.jsonl").read_bytes()]
    lines = [line for part in parts for line in part.splitlines()]
    lines += real.read_bytes().splitlines()[:1_500] + _adversarial() + real.read_bytes().splitlines()[1_500:]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _snapshot(store: Store, rejects: Path) -> dict[str, Any]:
    tables = {
        t: store.con.execute(f"SELECT * EXCLUDE (ingested_at) FROM {t} ORDER BY platform, id").fetchall()
        for t in ("posts", "users", "interactions")
    }
    logged = store.con.execute("SELECT format, status, read, new, updated, unchanged, rejected FROM ingests")
    found = [orjson.loads(line) for line in rejects.read_bytes().splitlines()] if rejects.exists() else []
    return {**tables, "ingests": logged.fetchall(), "rejects": [{**r, "run_id": None} for r in found]}


@pytest.mark.parametrize("keep_identifiers", [False, True])
def test_columnar_and_python_paths_store_the_same(
    tmp_path: Path, keep_identifiers: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path)
    declined: list[int] = []
    python_rows = columnar._python_rows
    monkeypatch.setattr(columnar, "_python_rows", lambda *a: declined.extend(a[4]) or python_rows(*a))
    monkeypatch.setattr(columnar, "_python_blocks", lambda *a: pytest.fail("a whole chunk fell back to Python"))
    snapshots = []
    for use_columnar in (False, True):
        with Store(tmp_path / f"{use_columnar}.duckdb") as store:
            ingest(
                [corpus, corpus],  # the second pass updates nothing, the same way
                store,
                format="twitter-v1",
                pseudonymizer=Pseudonymizer(TEST_KEY, keep_identifiers=keep_identifiers),
                rejects_path=tmp_path / f"{use_columnar}.rejects",
                workers=0,
                columnar=use_columnar,
            )
            snapshots.append(_snapshot(store, tmp_path / f"{use_columnar}.rejects"))
    python, sql = snapshots
    assert len(python["posts"]) > 3_000 and python["rejects"]
    # SQL took the plain statuses and declined the odd ones, in both passes over the file
    assert 2 * 40 <= len(declined) <= 2 * 70, len(declined)
    for table in python:
        assert sql[table] == python[table], table


def test_users_over_many_blocks_and_chunks_end_as_in_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Python path keeps, per chunk of 2,000 lines, the last record of each account; the
    # store then merges batches field by field. Accounts here change fields from line to line.
    assert COLUMNAR_CHUNK_LINES % 2_000 == 0
    monkeypatch.setattr(run, "COLUMNAR_CHUNK_LINES", 4_000)
    rng = random.Random(3)
    lines = []
    for i in range(9_000):
        user: dict[str, Any] = {"id_str": str(rng.randrange(3)), "screen_name": rng.choice(["a", "B", None])}
        if rng.random() < 0.5:
            user["followers_count"] = i
        if rng.random() < 0.3:
            user["description"] = rng.choice(["", "hi @x", "mail a@b.co", None])
        status = {"id_str": str(i % 7_000), "text": f"post {i} #t{i % 3}", "user": user}
        if rng.random() < 0.5:
            status["favorite_count"] = i
        lines.append(orjson.dumps(status))
    path = tmp_path / "users.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    snapshots = []
    for use_columnar in (False, True):
        with Store(tmp_path / f"u{use_columnar}.duckdb") as store:
            ingest(
                [path],
                store,
                format="twitter-v1",
                pseudonymizer=Pseudonymizer(TEST_KEY),
                workers=0,
                rejects_path=tmp_path / "r",
                columnar=use_columnar,
                batch_size=5_000,
            )
            snapshots.append(_snapshot(store, tmp_path / "r"))
    assert snapshots[0] == snapshots[1]


def test_only_twitter_v1_takes_the_columnar_path() -> None:
    assert supports(get_importer("twitter-v1"))
    assert not supports(get_importer("twitter-v2")) and not supports(get_importer("weibo"))


# -- the RE2 rewrites ----------------------------------------------------------------------


def _duck(sql: str, texts: list[str]) -> list[Any]:
    con = q.connect()
    table = q.fetch(con, f"SELECT {sql} AS out FROM _t", _t=pa.table({"t": pa.array(texts, pa.string())}))
    return table["out"].to_pylist()


def _random_texts(n: int, seed: int = 7) -> list[str]:
    alphabet = [*list("ab_Z09 .-+@#&/:\n\t"), "＃", "é", "İ", "小", "明", "😀", "\u200d", "\u3000", "ſ", "٣"]
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 24))) for _ in range(n)]


EDGE_CASES = [*TRICKY_TEXTS, "#a#b", "x#y", "&#z", "/#q", "#é_1 #_ #١٢", "@a@b.c @@d .@e a@b.cd.@f"]


def test_hashtag_rewrite_matches_the_lookbehind() -> None:
    texts = EDGE_CASES + _random_texts(3_000)
    found = _duck(f"regexp_extract_all(t, {q._q(patterns()['hashtag'])}, 2)", texts)
    for text, tags in zip(texts, found, strict=True):
        assert [t[:100] for t in tags] == HASHTAG_RE.findall(text), text


def test_email_rewrite_matches_the_lookbehind() -> None:
    texts = EDGE_CASES + _random_texts(3_000, seed=8)
    found = _duck(f"regexp_replace(t, {q._q(patterns()['email'])}, '\\1{EMAIL_MASK}', 'g')", texts)
    for text, scrubbed in zip(texts, found, strict=True):
        assert scrubbed == EMAIL_RE.sub(EMAIL_MASK, text), text


def test_noise_rewrite_matches_except_where_flagged() -> None:
    p = patterns()
    texts = EDGE_CASES + _random_texts(3_000, seed=9)
    sql = (
        f"{{'denoised': regexp_replace(t, {q._q(p['noise'])}, '\\1 ', 'g'), "
        f"'noise_flag': regexp_matches(t, {q._q(p['noise_adjacent'])})}}"
    )
    checked = 0
    for text, out in zip(texts, _duck(sql, texts), strict=True):
        if not out["noise_flag"]:
            assert out["denoised"] == _NOISE.sub(" ", text), text
            checked += "@" in text or "#" in text
    assert checked > 500  # the flag leaves most such texts to SQL


def test_url_and_emoji_patterns_match_python() -> None:
    p = patterns()
    texts = EDGE_CASES + _random_texts(2_000, seed=10)
    sql = f"[regexp_extract_all(t, {q._q(p['url'])}), regexp_extract_all(t, {q._q(p['emoji'])})]"
    for text, (urls, emoji) in zip(texts, _duck(sql, texts), strict=True):
        assert urls == URL_RE.findall(text), text
        assert emoji == EMOJI_RE.findall(text), text


def test_language_keys_get_the_language_of_their_texts() -> None:
    # Language id runs on the key SQL makes of a text; it must answer as detect_language does
    # on the text (rows flagged lang_py go to detect_language themselves).
    samples = [
        "The weather is lovely today, let's go to the park @bob #sun https://t.co/x",
        "今天天气很好，我们去公园玩吧 @小明",
        "Il fait très beau aujourd'hui, allons au parc",
        "  \u3000 It’s time — “quotes” and… dashes \xa0",
        "Thanks--and good luck!",
        "東京でも参加します！ 🐦📷",
        "🙂 #only @tags",
    ]
    texts = samples + EDGE_CASES + _random_texts(1_500, seed=11)
    con = q.connect()
    keys = q.fetch(con, q.entities_sql(), _fixed=pa.table({"n": range(len(texts)), "t": pa.array(texts, pa.string())}))
    checked = 0
    for row in keys.to_pylist():
        if not row["lang_py"]:
            assert columnar._key_language(row["lang_key"]) == detect_language(row["bare"])[0], row["t"]
            checked += 1
    assert checked > 1_000


def test_unicode_classes_are_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = re2._build_classes()
    try:
        re2.classes.cache_clear()
        assert re2.classes() == built and re2._cache_path().is_file()
        re2.classes.cache_clear()
        assert re2.classes() == built  # read back
        re2._cache_path().write_text(re2._cache_path().read_text()[:-40])  # cut short: rebuilt
        re2.classes.cache_clear()
        assert re2.classes() == built
    finally:
        re2.classes.cache_clear()
