"""The leaks found in issue 18, each as a test of the whole class: mentions after punctuation,
identifiers inside URLs and references, display names and descriptions."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from socialens.ingest.edge import EdgeProcessor
from socialens.ingest.run import ingest
from socialens.privacy import Pseudonymizer
from socialens.schema import Post, User
from socialens.store import Store
from tests.conftest import TEST_KEY

P = Pseudonymizer(TEST_KEY)
EDGE = EdgeProcessor(P, detect_lang=False)


def _post(text: str, **fields: object) -> Post:
    return EDGE.post(Post(id="1", platform=str(fields.pop("platform", "twitter")), author="42", text=text, **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize("before", [".", "(", '"', "RT", "“", "'", "[", "-", "/", ":", "!", "…"])
def test_mentions_after_any_punctuation_are_pseudonymised(before: str) -> None:
    post = _post(f"so {before}@SenSchumer said")
    assert "schumer" not in post.text.lower(), post.text
    assert f"{before}@{P.handle('twitter', 'senschumer')} said" in post.text
    assert post.mentions == [P.handle("twitter", "senschumer")]


def test_full_width_at_sign_is_a_mention() -> None:
    post = _post("谢谢＠Rosie 的帮助")
    assert "rosie" not in post.text.lower() and f"@{P.handle('twitter', 'rosie')}" in post.text


def test_no_raw_handle_is_left_beside_its_pseudonym() -> None:
    # The platform names the mention; the text writes it in a way no pattern should have to guess.
    post = _post(".@SenSchumer and x@SenSchumer: agreed", mentions=["SenSchumer"])
    assert "schumer" not in post.text.lower(), post.text
    assert post.text.count(str(P.handle("twitter", "senschumer"))) == 2


def test_emails_are_still_scrubbed_not_read_as_mentions() -> None:
    post = _post("mail bob.smith@example.org or me@home")
    assert "[email]" in post.text and "bob" not in post.text and post.mentions == []


URLS = {
    "https://twitter.com/QuotedPerson/status/123": ("twitter", "handle", "QuotedPerson"),
    "https://x.com/QuotedPerson": ("twitter", "handle", "QuotedPerson"),
    "https://mobile.twitter.com/i/user/987654321": ("twitter", "user", "987654321"),
    "https://bsky.app/profile/alice.bsky.social/post/3k": ("bluesky", "handle", "alice.bsky.social"),
    "https://bsky.app/profile/did:plc:abcdefghijklmnop/post/3k": ("bluesky", "user", "did:plc:abcdefghijklmnop"),
    "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:abcdefghijklmnop/bafkrei@jpeg": (
        "bluesky",
        "user",
        "did:plc:abcdefghijklmnop",
    ),
    "https://video.bsky.app/watch/did%3Aplc%3Aabcdefghijklmnop/bafk/playlist.m3u8": (
        "bluesky",
        "user",
        "did:plc:abcdefghijklmnop",
    ),
    "https://mastodon.social/@carol": ("mastodon", "handle", "carol@mastodon.social"),
    "https://mastodon.social/@carol@fosstodon.org/11": ("mastodon", "handle", "carol@fosstodon.org"),
    "https://mastodon.social/users/carol/statuses/11": ("mastodon", "handle", "carol@mastodon.social"),
    "https://www.reddit.com/u/Some_Redditor": ("reddit", "handle", "Some_Redditor"),
    "https://old.reddit.com/user/Some_Redditor/comments/": ("reddit", "handle", "Some_Redditor"),
    "https://weibo.com/u/1234567890": ("weibo", "user", "1234567890"),
    "https://weibo.com/1234567890/MaBcDeF": ("weibo", "user", "1234567890"),
}


@pytest.mark.parametrize("url", sorted(URLS))
def test_account_urls_carry_the_accounts_pseudonym(url: str) -> None:
    platform, kind, raw = URLS[url]
    pseudonym = P.handle(platform, raw) if kind == "handle" else P.user(platform, raw)
    bare = raw.split("@")[0].split(":")[-1].lower()
    post = _post(f"look {url} now", urls=[url], media=[url])
    for where in (post.text, *post.urls, *post.media):
        assert bare not in where.lower(), where
        assert str(pseudonym) in where, where


@pytest.mark.parametrize(
    "text",
    [
        # Markdown as Reddit writes it: the URL pattern takes both halves for one URL.
        "[https://truthsocial.com/@lena_k/posts/1](https://truthsocial.com/@lena_k/posts/1)",
        "see [post](https://medium.com/@lena_k/building-apps-1)[x](https://x.com/lena_k)",
        "https://web.archive.org/web/2020/https://twitter.com/lena_k/status/1",
        # A Markdown table of accounts: one URL to the pattern, the link texts name them too.
        "|[Ann_B](https://www.reddit.com/user/Ann_B)|[lena_k](https://www.reddit.com/user/lena_k)|[u/LENA_K](/u/x)|",
    ],
)
def test_urls_written_together_each_carry_their_accounts_pseudonym(text: str) -> None:
    post = _post(text, platform="reddit")
    assert "lena_k" not in post.text.lower(), post.text
    if "reddit.com" in text:  # the same pseudonym as the account gets everywhere, so links still join
        assert f"/user/{P.handle('reddit', 'lena_k')})" in post.text and "ann_b" not in post.text.lower()


def test_links_that_name_nobody_are_left_alone() -> None:
    urls = ["https://twitter.com/search?q=x", "https://example.org/users", "https://netflix.com/title/1"]
    post = _post(" ".join(urls), urls=list(urls))
    assert post.urls == urls and post.text == " ".join(urls)


def test_post_ids_and_references_with_a_did_are_pseudonymised() -> None:
    did = "did:plc:abcdefghijklmnop"
    post = EDGE.post(
        Post(
            id=f"at://{did}/app.bsky.feed.post/1",
            platform="bluesky",
            author=did,
            text=f"replying to at://{did}/app.bsky.feed.post/0",
            reply_to=f"at://{did}/app.bsky.feed.post/0",
            quote_of="https://pleroma.example/users/dan/statuses/5",
        )
    )
    for value in (post.id, post.reply_to, post.text, post.author):
        assert "abcdefghijklmnop" not in str(value)
    assert post.id.startswith(f"at://{P.user('bluesky', did)}/") and "dan" not in str(post.quote_of)


def test_display_names_and_descriptions_are_dropped() -> None:
    user = EDGE.user(
        User(id="7", platform="twitter", handle="Bob", name="Bob Smith", description="Nurse in Leeds, bob@x.org")
    )
    assert user.name is None and user.description is None and user.handle == P.handle("twitter", "bob")


def test_raw_identifiers_kept_only_on_purpose() -> None:
    keep = EdgeProcessor(Pseudonymizer(TEST_KEY, keep_identifiers=True), detect_lang=False)
    post = keep.post(Post(id="1", platform="twitter", author="42", text=".@NBC https://twitter.com/nbc/status/1"))
    assert post.text == ".@NBC https://twitter.com/nbc/status/1"


@pytest.mark.parametrize("columnar", [False, True])
def test_twitter_v1_ingest_keeps_no_raw_handle_in_either_path(tmp_path: Path, columnar: bool) -> None:
    quoted = {"id_str": "9", "text": "the original", "user": {"id_str": "555", "screen_name": "QuotedPerson"}}
    statuses = [
        {
            "id_str": "1",
            "text": ".@NBCNews (@CBSNews) RT@FoxNews https://t.co/q",
            "user": {
                "id_str": "101",
                "screen_name": "Poster",
                "name": "Pat Poster",
                "description": "Call 555-123-4567",
            },
            "entities": {
                "user_mentions": [{"screen_name": "NBCNews"}],
                "urls": [{"url": "https://t.co/q", "expanded_url": "https://twitter.com/QuotedPerson/status/9"}],
            },
        },
        {"id_str": "2", "text": "quoting", "user": {"id_str": "101"}, "quoted_status": quoted},
    ]
    source = tmp_path / "t.jsonl"
    source.write_bytes(b"\n".join(orjson.dumps(s) for s in statuses) + b"\n")
    with Store(tmp_path / "s.duckdb") as store:
        ingest([source], store, format="twitter-v1", pseudonymizer=P, workers=0, columnar=columnar)
        dump = str(
            store.con.execute("SELECT * FROM posts").fetchall() + store.con.execute("SELECT * FROM users").fetchall()
        )
    for raw in ("nbcnews", "cbsnews", "foxnews", "quotedperson", "poster", "555-123"):
        assert raw not in dump.lower(), raw
