"""Faster forms of edge patterns and transport that must give exactly what the plain forms give."""

from __future__ import annotations

import pickle
import random
import re

import pyarrow as pa
import pytest

from socialens.ingest.chunks import ChunkResult
from socialens.ingest.readers import Reject
from socialens.store import columnar_queries as q
from socialens.text import re2
from socialens.text.extract import HASHTAG_RE, MENTION_RE
from socialens.text.langid import _NOISE

# The look-behind-first forms these patterns had: the faster ones must match the same spans.
PLAIN = {
    "mention": (
        MENTION_RE,
        r"(?:(?<=\bRT)|(?<![A-Za-z0-9_@＠]))[@＠]"
        r"([A-Za-z0-9_\u4e00-\u9fff](?:[\w.\-]{0,62}[\w])?(?:@[\w\-]+(?:\.[\w\-]+)+)?)",
    ),
    "hashtag": (HASHTAG_RE, r"(?<![\w&#/])[#＃](\w{1,100})"),
    "noise": (_NOISE, r"(?<!\w)[@#]\w[\w.\-]*"),
}


def _fuzz(alphabet: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(n)]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_patterns_with_late_look_behinds_match_as_before(name: str) -> None:
    fast, plain = PLAIN[name][0], re.compile(PLAIN[name][1])
    texts = [
        *_fuzz("@#＃&/._-aZ9 中é\u0301\n٣", 20_000, seed=3),
        *_fuzz("@＠RT xb.", 5_000, seed=4),
        "hi @Bob_1, @a.b.c and @me@x.social; bob@mail.com .@NBC RT@fox xRT@no ＠nhk",
    ]
    for text in texts:
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ], text


def test_ascii_patterns_find_what_the_unicode_ones_find_in_ascii_text() -> None:
    examples = ["mail a.b+c@ex-1.com now", "call 555 123-4567", "www.x.org/a?b  ", "#tag@x #_1"]
    texts = [*_fuzz("@#&/._-+()aZ9 \t\x0b\x1c:e", 3_000, seed=5), *examples]
    con = q.connect()
    con.register("_t", pa.table({"t": texts}))
    calls = {
        "url": "regexp_extract_all(t, {})",
        "hashtag": "regexp_extract_all(t, {}, 2)",
        "email": "regexp_replace(t, {}, '\\1[email]', 'g')",
        "phone_hint": "regexp_matches(t, {})",
        "strip": "regexp_replace(t, {}, '', 'g')",
        "noise": "regexp_replace(t, {}, '\\1 ', 'g')",
    }
    for name, call in calls.items():
        fast, full = (call.format(q._q(p[name])) for p in (re2.ascii_patterns(), re2.patterns()))
        rows = con.sql(f"SELECT {fast} = {full} AS same, t FROM _t").fetchall()
        assert all(same for same, _ in rows), (name, [t for same, t in rows if not same][:3])


def test_lenient_json_check_equals_its_single_pattern() -> None:
    lines = [
        *_fuzz('{}[],:" eE+-0129nNaAiIfF\t', 4_000, seed=9),
        '{"a":1,}',
        '{"a": NaN}',
        '{"a":[ -inf]}',
        '{"a":1e400}',
        '{"a":1E+400}',
        '{"a":[1 ,\n]}',
        '{"a":"e400"}',
    ]
    con = q.connect()
    con.register("_l", pa.table({"line": lines}))
    rows = con.sql(f"SELECT {q._lenient('line')} = regexp_matches(line, {q._q(q._LENIENT_JSON)}), line FROM _l")
    assert all(same for same, _ in rows.fetchall())


def test_chunk_results_pickle_their_tables_whole() -> None:
    table = pa.table({"id": ["a", None], "tags": pa.array([["x"], []], pa.list_(pa.string()))})
    result = ChunkResult({"posts": table}, [Reject("f", 3, "not JSON", None, "{")], read=3, posts=2, bytes_read=9)
    back = pickle.loads(pickle.dumps(result))
    assert back.tables["posts"].equals(table, check_metadata=True)
    assert (back.rejects, back.read, back.posts, back.bytes_read) == (result.rejects, 3, 2, 9)
    assert pickle.loads(pickle.dumps(ChunkResult())).tables == {}


def test_in_order_sorts_only_when_needed() -> None:
    ordered = pa.table({"n": [1, 4, 9], "v": ["a", "b", "c"]})
    assert q.in_order(ordered) is ordered
    assert q.in_order(pa.table({"n": [4, 1, 9], "v": ["b", "a", "c"]})).equals(ordered)
