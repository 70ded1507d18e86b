"""Inputs every text model must survive, and the reference splits as shared fixtures' source."""

from __future__ import annotations

# Empty, blank, emoji only, ~11 KB, mixed Chinese and English, bytes that were not UTF-8.
BAD_INPUT = [
    "",
    "   \n\t ",
    "😀😂🔥🔥",
    "great flight, thanks! " * 500,
    "这个 phone 太好了 love it 👍",
    b"caf\xe9 \xff\xfe terrible".decode("utf-8", "surrogateescape"),
]
