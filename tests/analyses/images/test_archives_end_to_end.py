"""Done-when of the images work: an X archive and a Mastodon archive with real pictures go through
``socialens ingest`` and ``socialens analyze images`` to labels, text in pictures, near-duplicate
groups across platforms and a report section; then sentiment and topics read the image text, and
no raw identifier reaches the store, the JSON output or the report."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from PIL import Image, ImageDraw, ImageFont

from socialens.analyses.sentiment.workflow import train_sentiment
from socialens.privacy.scan import Identifier, identifiers_from_raw, scan
from socialens.store import Store
from tests.analyses.images.conftest import FONT, _sample, _tweet
from tests.cli.test_cli import run_cli
from tests.media.exports import mastodon_archive

SIGN = "What a wonderful happy day @alice_smith"


def _x_archive(root: Path) -> Path:
    media = root / "data" / "tweets_media"
    media.mkdir(parents=True)
    cat = _sample("chelsea")
    cat.save(media / "2001-cat.jpg", quality=95)
    smaller = io.BytesIO()
    cat.resize((300, 225)).save(smaller, "JPEG", quality=50)  # the same photo re-posted, re-compressed
    (media / "2002-cat2.jpg").write_bytes(smaller.getvalue())
    _sample("coffee").save(media / "2003-coffee.jpg", quality=95)
    sign = Image.new("RGB", (1000, 120), "white")
    ImageDraw.Draw(sign).text((20, 35), SIGN, font=ImageFont.truetype(str(FONT), 40), fill="black")
    sign.save(media / "2004-sign.jpg", "PNG")  # a screenshot: PNG whatever the name says
    texts = {"2001": "my cat in the morning sun", "2002": "my cat again in the sun",
             "2003": "morning coffee, the cat is out", "2004": "a sign I saw this morning"}  # fmt: skip
    tweets = [_tweet("2001", "cat"), _tweet("2002", "cat2"), _tweet("2003", "coffee"), _tweet("2004", "sign")]
    for tweet in tweets:
        tweet["tweet"]["full_text"] = texts[tweet["tweet"]["id_str"]]  # type: ignore[index]
    (root / "data" / "tweets.js").write_bytes(b"window.YTD.tweets.part0 = " + orjson.dumps(tweets))
    account = [{"account": {"accountId": "42", "username": "lena_k"}}]
    (root / "data" / "account.js").write_bytes(b"window.YTD.account.part0 = " + orjson.dumps(account))
    return root / "data" / "tweets.js"


def _mastodon_archive(root: Path) -> Path:
    """The Mastodon archive of tests/media/exports, its picture replaced by the cat (a cross-post)."""
    outbox = mastodon_archive(root)
    picture = root / "media_attachments/files/112/034/501/original/3f2a.jpg"
    _sample("chelsea").resize((400, 300)).save(picture, quality=80)
    return outbox


def _cli_json(tmp_path: Path, *args: str | Path) -> dict[str, object]:
    result = run_cli(tmp_path, *args, "--json", timeout=1500)
    assert result.code == 0, result.stderr
    parsed: dict[str, object] = result.json()
    return parsed


def _frames(store: Store) -> dict[tuple[str, str], dict[str, object]]:
    found = store.con.execute(
        """SELECT f.platform, m.post, f.labels, f.ocr_text, f.duplicate_cluster
           FROM media_frames f JOIN media m ON m.platform = f.platform AND m.id = f.media_id"""
    ).fetchall()
    return {
        (platform, post): {"labels": [x["label"] for x in orjson.loads(labels)][:3], "text": text, "dup": dup}
        for platform, post, labels, text, dup in found
    }


# OCR and EfficientNet over five pictures in CLI processes: minutes on a shared machine.
@pytest.mark.timeout(1800)
def test_x_and_mastodon_archives_to_labels_text_groups_report_and_image_text_scores(tmp_path: Path) -> None:
    archives = [_x_archive(tmp_path / "x"), _mastodon_archive(tmp_path / "mastodon")]
    db, models = tmp_path / "store.duckdb", tmp_path / "models"
    ingested = _cli_json(tmp_path, "ingest", *archives, "--store", db)
    assert ingested["media"] == {**ingested["media"], "stored": 5, "unreadable": 0}  # type: ignore[dict-item]

    images = _cli_json(tmp_path, "analyze", "images", "--store", db, "--models-dir", models)
    assert images["task"] == "images" and images["analysed_media"] == 5 and images["failed"] == 0
    assert images["with_text"] >= 1 and images["duplicate_groups"] >= 1 and images["top_labels"]
    with Store(db, read_only=True) as store:
        frames = _frames(store)
        (toot,) = [post for platform, post in frames if platform == "mastodon"]
    cats = [frames[("twitter", "2001")], frames[("twitter", "2002")], frames[("mastodon", toot)]]
    assert all({"Egyptian cat", "tabby", "tiger cat"} & set(c["labels"]) for c in cats)  # type: ignore[arg-type]
    assert cats[0]["dup"] and {c["dup"] for c in cats} == {cats[0]["dup"]}  # one group across both platforms
    text = str(frames[("twitter", "2004")]["text"])
    assert "wonderful" in text.lower() and "alice_smith" not in text and "@h_" in text

    train_sentiment("en", "vader", registry_root=models)  # a lexicon model, fitted in seconds
    quick_topics = ["-o", "topics.embedder=tfidf", "-o", "topics.clusterer=kmeans", "-o", "topics.n_topics=2"]
    ran = run_cli(
        tmp_path, "run", "sentiment", "topics", "images", *quick_topics, "--store", db, "--models-dir", models,
        "--json", timeout=1500,
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    order = [r["task"] for r in orjson.loads(ran.stdout)]
    assert order.index("images") < order.index("sentiment") and order.index("images") < order.index("topics")
    with Store(db, read_only=True) as store:
        image_text = store.con.execute(
            "SELECT task, post_id, label FROM post_scores WHERE task LIKE '%.image_text' ORDER BY task"
        ).fetchall()
        own = store.con.execute(
            "SELECT label FROM post_scores WHERE task = 'sentiment' AND post_id = ?", ["2004"]
        ).fetchall()
    assert [(t, p) for t, p, _ in image_text] == [("sentiment.image_text", "2004"), ("topic.image_text", "2004")]
    assert image_text[0][2] == "positive" and own and own[0][0] != "positive"  # the sign's text, not the post's

    report = tmp_path / "report.html"
    assert run_cli(tmp_path, "report", "--out", report, "--store", db, timeout=600).code == 0
    html = report.read_text()
    assert 'id="images"' in html and "Near-duplicate" in html and "Sentiment of image text" in html

    wanted = [*identifiers_from_raw(archives), Identifier("alice_smith", "handle"), Identifier("lena_k", "handle")]
    leaks = scan(wanted, store=db, reports=[report])
    assert leaks.clean, [f.as_dict() for f in leaks.findings]
    assert "alice_smith" not in orjson.dumps([ingested, images]).decode() and "alice_smith" not in ran.stdout
