"""Recorded API responses of real clients: the raw documents inside their test cassettes.

``scripts/fetch-recordings`` puts them in ``$SOCIALENS_RECORDINGS`` or
``~/.cache/socialens/recordings`` (never in the repository: the content belongs to the
platforms' users). Each function here yields ``(where, document)``: the parsed JSON body of
one recorded response, ready for the importers (``reddit``, ``twitter-v1``, ``x-graphql``),
e.g. written out with ``write_jsonl`` and ingested.

* Reddit: betamax / vcrpy cassettes of praw 8.0.3, asyncpraw 8.0.3, praw 5.4.0 (JSON) and
  tuir 1.29.0 (YAML, gzip bodies); the libraries' own test accounts and subreddits are
  dropped (``TEST_ACCOUNTS``, ``TEST_SUBREDDITS``), as are placeholders such as ``<USERNAME>``.
* X v1.1: rtweet's vcr cassettes (Debian ``r-cran-rtweet``): status arrays, search results
  and user look-ups; error bodies and id lists are left out.
* X web GraphQL: twscrape's ``tests/mocked-data`` files, each one response.
"""

from __future__ import annotations

import base64
import gzip
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from socialens.errors import MissingExtraError

RECORDINGS_ENV = "SOCIALENS_RECORDINGS"
REDDIT_CASSETTES = ("praw-8.0.3", "asyncpraw-8.0.3", "praw-5.4.0", "tuir-1.29.0")
# The client libraries' own test material (shared/DATA.md), compared lower-cased.
TEST_ACCOUNTS = frozenset(
    name.lower()
    for name in [
        "PyAPITestUser2",
        "PyAPITestUser3",
        "PyAPITestUser4",
        "Lil_SpazTest",
        "Lil_SpazBot",
        "Lil_SpazJoekp",
        "2Botter2Loop",
        "pythonprawtester",
        "Watchful1BotTest",
        "x_spazbot_x",
        "testbot123",
        "justatestbot",
    ]
)
TEST_SUBREDDITS = frozenset(
    name.lower()
    for name in [
        "reddit_api_test",
        "reddit_api_test_priv",
        "Lil_SpazJoekp",
        "RemovedByBotter",
        "test",
        "LifeProBotTest",
        "roastbotTest",
        "SubTestBot1",
        "BetterEveryLoopTest",
        "bboe",
        "test484",
        "BitcoinMarkets_test",
        "PRAW_73oy54eo3a",
        "RoastTest",
        "testchangetip",
        "listentoconcertstest",
        "blockgrant_test",
        "TestSubReddit_",
    ]
)
# Keys of a v1.1 response worth importing: statuses, search results, user look-ups.
_V1_PAGE_KEYS = ("statuses", "users")
Document = tuple[str, Any]


def recordings_dir() -> Path:
    """Where ``scripts/fetch-recordings`` put the recordings."""
    return Path(os.environ.get(RECORDINGS_ENV) or Path.home() / ".cache" / "socialens" / "recordings")


def available(root: Path | None = None) -> dict[str, bool]:
    """Which of the three sources are on this machine."""
    root = root or recordings_dir()
    return {
        "reddit": any((root / "reddit" / name).is_dir() for name in REDDIT_CASSETTES),
        "x-v1": (root / "x-v1" / "rtweet").is_dir(),
        "x-graphql": (root / "x-graphql").is_dir(),
    }


def reddit_documents(root: Path | None = None) -> Iterator[Document]:
    """Reddit API responses holding submissions or comments, without the test accounts' things."""
    root = root or recordings_dir()
    for name in REDDIT_CASSETTES:
        folder = root / "reddit" / name
        for path in sorted(folder.glob("*.json")) + sorted(folder.glob("*.yaml")):
            for index, body in enumerate(_cassette_bodies(path)):
                document = _clean_reddit(_json(body))
                if _has_things(document):
                    yield f"{name}/{path.name}#{index}", document


def x_v1_documents(root: Path | None = None) -> Iterator[Document]:
    """X API v1.1 responses with statuses or users, from rtweet's cassettes."""
    folder = (root or recordings_dir()) / "x-v1" / "rtweet"
    for path in sorted(folder.glob("*.json*")):
        for index, body in enumerate(_cassette_bodies(path)):
            document = _json(body)
            if _is_v1_content(document):
                yield f"rtweet/{path.name}#{index}", document


def x_graphql_documents(root: Path | None = None) -> Iterator[Document]:
    """X web GraphQL responses saved by twscrape's tests (one a file)."""
    folder = (root or recordings_dir()) / "x-graphql"
    for path in sorted(folder.glob("*/*.json")):
        document = _json(path.read_bytes())
        if b'"__typename"' in path.read_bytes()[: 1 << 20] and document is not None:
            yield f"{path.parent.name}/{path.name}", document


def write_jsonl(documents: Iterable[Document], path: Path) -> int:
    """The documents into one JSON-lines file, one document a line (for ``socialens ingest``:
    the importers split each line into its posts); how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "wb") as out:
        for _, document in documents:
            out.write(orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


# -- cassettes ------------------------------------------------------------------------
def _cassette_bodies(path: Path) -> Iterator[bytes]:
    """Response bodies of a cassette: betamax/vcrpy JSON (``interactions`` or
    ``http_interactions``) or vcrpy YAML; base64 and gzip bodies decoded."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    cassette = _yaml(raw) if path.suffix == ".yaml" else _json(raw)
    if not isinstance(cassette, dict):
        return
    interactions = cassette.get("interactions") or cassette.get("http_interactions") or []
    for interaction in interactions if isinstance(interactions, list) else []:
        response = interaction.get("response") if isinstance(interaction, dict) else None
        body = response.get("body") if isinstance(response, dict) else None
        data = _body_bytes(body)
        if data:
            yield data


def _body_bytes(body: Any) -> bytes | None:
    if not isinstance(body, dict):
        return None
    value = body.get("string")
    if isinstance(body.get("base64_string"), str):
        value = base64.b64decode(body["base64_string"])
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes) or not value:
        return None
    if value[:2] == b"\x1f\x8b":
        try:
            value = gzip.decompress(value)
        except (OSError, EOFError):
            return None
    return value


def _json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _yaml(data: bytes) -> Any:
    try:
        import yaml
    except ImportError:
        raise MissingExtraError("yaml", "ml") from None
    # vcrpy writes ``!!binary`` for gzip bodies, which the safe loader reads as bytes.
    return yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# -- Reddit ---------------------------------------------------------------------------
def _clean_reddit(document: Any) -> Any:
    """The document without the things of test accounts and test subreddits (and placeholders)."""
    if isinstance(document, list):
        return [_clean_reddit(item) for item in document]
    if not isinstance(document, dict):
        return document
    if document.get("kind") == "Listing" and isinstance(document.get("data"), dict):
        children = document["data"].get("children")
        kept = [_clean_reddit(c) for c in children if not _is_test_thing(c)] if isinstance(children, list) else []
        return {**document, "data": {**document["data"], "children": kept}}
    if document.get("kind") in ("t1", "t3") and isinstance(document.get("data"), dict):
        data = document["data"]
        replies = data.get("replies")
        if isinstance(replies, dict):
            return {**document, "data": {**data, "replies": _clean_reddit(replies)}}
    return document


def _is_test_thing(child: Any) -> bool:
    data = child.get("data") if isinstance(child, dict) else None
    if not isinstance(data, dict) or child.get("kind") not in ("t1", "t3"):
        return False
    author, subreddit = str(data.get("author") or ""), str(data.get("subreddit") or "")
    placeholder = author.startswith("<") or subreddit.startswith("<")
    return placeholder or author.lower() in TEST_ACCOUNTS or subreddit.lower() in TEST_SUBREDDITS


def _has_things(document: Any, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if isinstance(document, list):
        return any(_has_things(item, depth + 1) for item in document)
    if isinstance(document, dict):
        if document.get("kind") in ("t1", "t3"):
            return True
        children = document.get("data", {}).get("children") if isinstance(document.get("data"), dict) else None
        return isinstance(children, list) and any(_has_things(c, depth + 1) for c in children)
    return False


# -- X v1.1 ---------------------------------------------------------------------------
def _is_v1_content(document: Any) -> bool:
    if isinstance(document, dict) and "id_str" not in document:
        document = next((document[k] for k in _V1_PAGE_KEYS if isinstance(document.get(k), list)), None)
    items = document if isinstance(document, list) else [document]
    first = items[0] if items else None
    if not isinstance(first, dict) or "id_str" not in first:
        return False
    return "screen_name" in first or ("user" in first and ("text" in first or "full_text" in first))
