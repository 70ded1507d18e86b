"""Small platform exports with real media files, written by the tests (formats as the platforms write them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from tests.media.photos import photo_with_gps

OWNER = "1339835893"
BSKY_DID = "did:plc:vwzwgnygau7ed7b7wt5ux7y2"
BSKY_CID = "bafkreihx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx1qx"


def _tweet(tweet_id: str, text: str, media: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tweet": {
            "id_str": tweet_id,
            "id": tweet_id,
            "full_text": text,
            "created_at": "Thu Mar 30 07:45:02 +0000 2023",
            "favorite_count": "3",
            "retweet_count": "1",
            "entities": {"hashtags": [], "user_mentions": [], "urls": [], "media": media[:1]},
            "extended_entities": {"media": media},
        }
    }


def _photo(name: str, alt: str | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {"media_url_https": f"https://pbs.twimg.com/media/{name}.jpg", "type": "photo"}
    if alt:
        entity["ext_alt_text"] = alt
    return entity


def twitter_archive(root: Path, video: Path | None = None) -> Path:
    """``data/tweets.js`` + ``account.js`` + ``tweets_media/``: one photo with GPS EXIF and alt text,
    one whose file is missing, one corrupt, and (given a clip) one video."""
    data = root / "data"
    media_dir = data / "tweets_media"
    media_dir.mkdir(parents=True)
    photo_with_gps(media_dir / "1001-FqPhoto1.jpg")
    (media_dir / "1003-FqBroken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    tweets = [
        _tweet(
            "1001", "Morning at the pond", [_photo("FqPhoto1", alt="Heron by the pond, mail me at lena@example.org")]
        ),
        _tweet("1002", "Lost this one", [_photo("FqMissing")]),
        _tweet("1003", "Broken upload", [_photo("FqBroken")]),
        _tweet("1005", "no media here", []),
    ]
    if video is not None:
        (media_dir / "1004-clip.mp4").write_bytes(video.read_bytes())
        entity = {
            "media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/1004/pu/img/thumb.jpg",
            "type": "video",
            "video_info": {
                "duration_millis": 4500,
                "variants": [
                    {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/x.m3u8"},
                    {
                        "bitrate": 832000,
                        "content_type": "video/mp4",
                        "url": "https://video.twimg.com/v/clip.mp4?tag=12",
                    },
                ],
            },
        }
        tweets.append(_tweet("1004", "A short clip", [entity]))
    (data / "tweets.js").write_bytes(b"window.YTD.tweets.part0 = " + orjson.dumps(tweets, option=orjson.OPT_INDENT_2))
    account = [{"account": {"accountId": OWNER, "username": "lena_k", "createdAt": "2013-04-10T09:21:33.000Z"}}]
    (data / "account.js").write_bytes(b"window.YTD.account.part0 = " + orjson.dumps(account))
    return data / "tweets.js"


def mastodon_archive(root: Path) -> Path:
    """An archive's ``outbox.json`` with one Note whose image lives under ``media_attachments/``."""
    relative = "media_attachments/files/112/034/501/original/3f2a.jpg"
    (root / relative).parent.mkdir(parents=True)
    photo_with_gps(root / relative, color=(20, 120, 200))
    note = {
        "id": "https://mastodon.social/users/alice/statuses/112034501234567890",
        "type": "Note",
        "published": "2024-03-01T08:15:02Z",
        "attributedTo": "https://mastodon.social/users/alice",
        "content": "<p>Kingfisher at the pond</p>",
        "attachment": [
            {"type": "Document", "mediaType": "image/jpeg", "url": f"/{relative}", "name": "A kingfisher, blue"},
            {"type": "Document", "mediaType": "image/png", "url": "/media_attachments/files/none.png", "name": None},
        ],
    }
    outbox = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": 1,
        "orderedItems": [
            {
                "id": note["id"] + "/activity",
                "type": "Create",
                "actor": "https://mastodon.social/users/alice",
                "published": note["published"],
                "object": note,
            }
        ],
    }
    (root / "outbox.json").write_bytes(orjson.dumps(outbox, option=orjson.OPT_INDENT_2))
    return root / "outbox.json"


def bluesky_jetstream(root: Path) -> Path:
    """One Jetstream post event with an image blob (its file, named by CID, goes in a media folder)."""
    event = {
        "did": BSKY_DID,
        "time_us": 1725911400881230,
        "kind": "commit",
        "commit": {
            "rev": "3l3qo2vuowo2b",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3l3qoa6yrqc2f",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2024-09-09T19:50:00.000Z",
                "text": "Olha isso",
                "embed": {
                    "$type": "app.bsky.embed.images",
                    "images": [
                        {
                            "alt": "a cat",
                            "image": {
                                "$type": "blob",
                                "ref": {"$link": BSKY_CID},
                                "mimeType": "image/jpeg",
                                "size": 2048,
                            },
                            "aspectRatio": {"width": 96, "height": 64},
                        }
                    ],
                },
            },
            "cid": "bafyreigadadadadadadadadadadadadadadadadadadadadadadadadadad",
        },
    }
    path = root / "jetstream.jsonl"
    path.write_bytes(orjson.dumps(event) + b"\n")
    return path
