"""Rejected records made as safe as the store before they are written beside it.

A reject keeps what a user needs to find and fix the record (file, line, field, reason) and
an excerpt that shows its shape: the keys as they are, the values masked, except values of
keys that never identify anyone (times, languages, types) and small numbers. A record is
rejected because it is malformed, so no parser can be trusted to find the identifiers in
it: masking every other value is the only rule that cannot miss one. The reason is
scrubbed like text and its quoted values masked (an importer quotes the bad value, which
may be a handle or a name), but not the names of columns, fields and keys. Raw excerpts
only when raw identifiers are kept on purpose.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from socialens.text.scrub import scrub_contacts

if TYPE_CHECKING:
    from socialens.ingest.readers import Reject
    from socialens.privacy.pseudonyms import Pseudonymizer

MASK = "…"
# Values of these keys say when, in what language or of what kind: kept.
SAFE_KEYS = frozenset(
    {"created_at", "createdAt", "created_utc", "timestamp", "time", "date", "lang", "language", "type", "$type"}
    | {"kind", "visibility", "format", "truncated", "possibly_sensitive"}
)
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*(?:"|$))(?P<colon>\s*:)?'
    r"|(?P<number>-?\d[\d.eE+\-]*)"
    r"|(?P<word>[^\W\d_][\w$]*)"
    r"|(?P<other>[^\"\w]+|[\w])",
    re.S,
)
# A quoted value in a reason, and the word before it: values after "column", "field", "key" or
# "format" name the file's structure, not its content, and are kept.
_QUOTED = re.compile(r"(?P<before>\b(?:column|field|key|format) )?(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_LONG_NUMBER = re.compile(r"\d{5,}")


def safe_reject(reject: Reject, pseudonymizer: Pseudonymizer) -> dict[str, Any]:
    """The reject as written to the rejects file (see the module docstring).

    >>> from socialens.ingest.readers import Reject
    >>> from socialens.privacy import Pseudonymizer
    >>> bad = Reject("f.jsonl", 3, "expected an integer, got 'Bob Smith'", "user.followers",
    ...              '{"created_at": "2020-01-01", "user": {"screen_name": "bob", "followers": 12}}')
    >>> out = safe_reject(bad, Pseudonymizer(b"k"))
    >>> out["reason"], out["excerpt"]
    ("expected an integer, got '…'", '{"created_at": "2020-01-01", "user": {"screen_name": "…", "followers": 12}}')
    """
    if pseudonymizer.keep_identifiers:
        reason, text = reject.reason, reject.excerpt
    else:
        reason, text = safe_reason(reject.reason), mask_excerpt(reject.excerpt)
    return {"source": reject.source, "line": reject.line, "field": reject.field, "reason": reason, "excerpt": text}


def safe_reason(reason: str) -> str:
    """A reject's reason with quoted values masked, contacts scrubbed and long numbers (ids) hidden."""
    reason = _QUOTED.sub(lambda m: m.group(0) if m.group("before") else m.group(0)[0] + MASK + m.group(0)[0], reason)
    return _LONG_NUMBER.sub(MASK, scrub_contacts(reason))


def mask_excerpt(excerpt: str) -> str:
    """``excerpt`` (JSON, CSV or any text, possibly cut short) with its values masked, keys kept.

    >>> mask_excerpt('{"id": 1234567, "text": "hi @bob", "lang": "en", "ok": true, "n": [1, 22]}')
    '{"id": …, "text": "…", "lang": "en", "ok": true, "n": [1, 22]}'
    >>> mask_excerpt("not json, Bob Smith 555-0100")
    '… …, … … …'
    """
    out: list[str] = []
    key: str | None = None
    for token in _TOKEN.finditer(excerpt):
        kind = token.lastgroup
        if token.group("string") is not None:
            literal = token.group("string")
            if token.group("colon"):  # a key: kept, and it decides whether its value is
                key = literal.strip('"')
                out.append(token.group(0))
                continue
            out.append(literal if key in SAFE_KEYS else f'"{MASK}"' if literal.endswith('"') else f'"{MASK}')
        elif kind == "number":
            value = token.group(0)
            out.append(value if key in SAFE_KEYS or len(value) <= 4 else MASK)
        elif kind == "word":
            word = token.group(0)
            out.append(word if word in ("true", "false", "null") else MASK)
        else:
            out.append(token.group(0))
            if "," in token.group(0) or "{" in token.group(0):  # the next value has its own key
                key = None
    return "".join(out)
