"""The identifier scan's word index finds exactly what one regular expression per identifier finds."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import duckdb

from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.privacy.scan import PLACEHOLDERS, ROW_KEYS, Identifier, identifiers_from_raw, scan
from socialens.privacy.scan_index import re2_word
from socialens.store import Store
from tests.conftest import FIXTURES, TEST_KEY

V1 = FIXTURES / "ingest" / "twitter-v1" / "valid.jsonl"


def _raw_store(tmp_path: Path) -> Path:
    """A store that kept its raw identifiers: the scan finds them in many columns."""
    path = tmp_path / "raw.duckdb"
    with Store(path) as store:
        ingest([V1], store, pseudonymizer=Pseudonymizer(TEST_KEY, keep_identifiers=True))
    return path


def _brute_force(path: Path, values: list[str]) -> Counter[tuple[str, str, str]]:
    """(table.column, row key, identifier) of every match, one Python regex per identifier and value."""
    patterns = [(value, re.compile(re2_word(value))) for value in values]
    found: Counter[tuple[str, str, str]] = Counter()
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        for table in tables:
            columns = [c for (c, *_) in con.execute(f"DESCRIBE {table}").fetchall()]
            keys = [k for k in ROW_KEYS.get(table, ()) if k in columns]
            key = " || ':' || ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in keys) or "''"
            for column in columns:
                sql = f'SELECT {key}, lower(CAST("{column}" AS VARCHAR)) FROM {table} WHERE "{column}" IS NOT NULL'
                for row_key, text in con.execute(sql).fetchall():
                    for value, pattern in patterns:
                        if pattern.search(text):
                            found[(f"{table}.{column}", row_key, value)] += 1
    return found


def _spans(path: Path, rng: random.Random) -> list[str]:
    """Pieces of stored text as identifiers: word-aligned, mid-word, with punctuation at either end."""
    with duckdb.connect(str(path), read_only=True) as con:
        texts = [t for (t,) in con.execute("SELECT lower(text) FROM posts WHERE text IS NOT NULL").fetchall()]
    spans = []
    for text in rng.sample(texts, min(40, len(texts))):
        for _ in range(3):
            start = rng.randrange(len(text))
            spans.append(text[start : start + rng.randint(4, 14)].strip())
    return [s for s in spans if len(s) >= 4]


def test_the_index_finds_what_a_regex_per_identifier_finds_on_a_real_store(tmp_path: Path) -> None:
    path = _raw_store(tmp_path)
    rng = random.Random(7)  # seed of the sampled spans
    wanted = identifiers_from_raw([V1]) + [Identifier(s, "given") for s in _spans(path, rng)]
    result = scan(wanted, store=path)
    values = {i.value.strip().lower() for i in wanted}
    values = sorted(v for v in values if len(v) >= 4 and v not in PLACEHOLDERS)
    expected = _brute_force(path, values)
    assert result.matches == sum(expected.values()) > 20
    assert len(result.findings) == result.matches  # under the cap: every match is listed
    by_mask = Counter((f.where, f.key, f.identifier.lower()) for f in result.findings)
    masks = Counter({(where, key, f"{v[:2]}…({len(v)})"): n for (where, key, v), n in expected.items()})
    assert by_mask == masks


def test_identifiers_with_punctuation_at_either_end_and_without_word_characters(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    lines = [
        "call +44 7700 900123 now",  # starts with punctuation: a plain start
        "call +44 7700 9001234 now",  # ... but still a whole word at its end
        "名前は田中ゆいです",  # no word character: a substring
        "see lena.k. there",  # ends with punctuation
        "xlena.k. and lena.kx",  # inside a longer word, or not ending where the text has its dot
        "bob@example.org, bob@example.orgs",
    ]
    notes.write_text("\n".join(lines) + "\n")
    wanted = [Identifier(v, "given") for v in ("+44 7700 900123", "田中ゆい", "lena.k.", "bob@example.org", "7700")]
    result = scan(wanted, rejects=notes)
    found = sorted((f.where, f.identifier) for f in result.findings)
    assert found == [
        ("line 1", "+4…(15)"),
        ("line 1", "77…(4)"),
        ("line 2", "77…(4)"),
        ("line 3", "田中…(4)"),
        ("line 4", "le…(7)"),
        ("line 6", "bo…(15)"),
    ]
