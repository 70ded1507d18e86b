"""A store with real pictures attached to posts of an X archive, ingested the way a user does it."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from PIL import Image, ImageDraw, ImageFont

from socialens.datasets.ocr_pictures import FONT
from socialens.ingest.media_files import ingest_media
from socialens.privacy import Pseudonymizer
from socialens.store import Store
from tests.conftest import TEST_KEY, run_ingest
from tests.media.photos import synthesise_clip

MEME_TEXT = "Hello from @alice_smith mail alice@example.org"


def _sample(name: str) -> Image.Image:
    from skimage import data as samples  # real photos shipped with scikit-image

    return Image.fromarray(getattr(samples, name)())


def _text_picture() -> Image.Image:
    picture = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(picture).text((20, 35), MEME_TEXT, font=ImageFont.truetype(str(FONT), 40), fill="black")
    return picture


def _tweet(tweet_id: str, name: str, kind: str = "photo") -> dict[str, object]:
    entity: dict[str, object] = {"media_url_https": f"https://pbs.twimg.com/media/{name}.jpg", "type": kind}
    if kind == "video":
        entity["video_info"] = {
            "variants": [{"bitrate": 1, "content_type": "video/mp4", "url": f"https://v/{name}.mp4"}]
        }
    return {
        "tweet": {
            "id_str": tweet_id,
            "full_text": f"post {tweet_id}",
            "created_at": f"Thu Mar 30 07:4{tweet_id[-1]}:02 +0000 2023",
            "entities": {},
            "extended_entities": {"media": [entity]},
        }
    }


def build_archive(root: Path) -> Path:
    data = root / "data"
    media = data / "tweets_media"
    media.mkdir(parents=True)
    cat = _sample("chelsea")
    cat.save(media / "2001-cat.jpg", quality=95)
    smaller = io.BytesIO()
    cat.resize((300, 225)).save(smaller, "JPEG", quality=50)  # the same photo re-posted, re-compressed
    (media / "2002-cat2.jpg").write_bytes(smaller.getvalue())
    _sample("coffee").save(media / "2003-coffee.jpg", quality=95)
    _text_picture().save(media / "2004-meme.jpg", "PNG")  # a screenshot: PNG whatever the name says
    synthesise_clip(media / "2005-clip.mp4", ["red", "pattern"], gps=True)
    tweets = [
        _tweet("2001", "cat"),
        _tweet("2002", "cat2"),
        _tweet("2003", "coffee"),
        _tweet("2004", "meme"),
        _tweet("2005", "clip", "video"),
    ]
    (data / "tweets.js").write_bytes(b"window.YTD.tweets.part0 = " + orjson.dumps(tweets))
    account = [{"account": {"accountId": "42", "username": "lena_k"}}]
    (data / "account.js").write_bytes(b"window.YTD.account.part0 = " + orjson.dumps(account))
    return data / "tweets.js"


@pytest.fixture
def picture_store(tmp_path: Path) -> Store:
    tweets = build_archive(tmp_path / "archive")
    store = Store(tmp_path / "pictures.duckdb")
    run_ingest(store, tweets)
    found = ingest_media([tweets], store, pseudonymizer=Pseudonymizer(TEST_KEY))
    assert found.stored == 5
    return store
