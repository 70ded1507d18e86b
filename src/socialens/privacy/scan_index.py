"""The identifier scan's index: identifiers by their first word, checked where the text has it.

Whole-word matching as :func:`re2_word` writes it for each identifier (RE2 in DuckDB, ``re`` in
Python agree on it); :class:`WordIndex` finds the same matches in one pass over a text's words.
"""

from __future__ import annotations

import re

# Identifiers per RE2 alternation (a few hundred compile in milliseconds); findings are listed
# in the order of these groups, as when every identifier had its own pattern.
GROUP = 300
# The word characters of the whole-word rule (ASCII only: an accented letter ends a word).
WORD = "0-9a-z_"


class WordIndex:
    """The identifiers by their first word, for one pass over each value's words.

    An identifier with a word character (``[0-9a-z_]``) has a first word that, wherever the
    identifier matches as :func:`re2_word` says, is a whole word of the text too (the characters
    around it are not word characters or the text's ends). So the words of a text name the only
    identifiers that can match in it; each is then checked at that place. Identifiers without a
    word character (Chinese names, say) match as plain substrings: looked for one by one."""

    def __init__(self, values: list[str]) -> None:
        self.group = {value: position // GROUP for position, value in enumerate(values)}
        self.by_head: dict[str, list[tuple[str, int, bool]]] = {}
        self.wordless: list[str] = []
        for value in values:
            word = _WORDS.search(value)
            if word is None:
                self.wordless.append(value)
            else:
                self.by_head.setdefault(word.group(), []).append((value, word.start(), _is_word(value[-1])))
        self.wordless_patterns = [pattern for _, pattern in groups(self.wordless)]

    def matches(self, text: str, wordless: bool = True) -> set[str]:
        """The identifiers found in ``text`` (lower case), each once (``wordless``: whether one
        without a word character may be in it)."""
        found = {value for value in self.wordless if value in text} if wordless else set()
        for word in _WORDS.finditer(text):
            for value, offset, tail in self.by_head.get(word.group(), ()):
                start = word.start() - offset
                end = start + len(value)
                if (
                    start >= 0
                    and text.startswith(value, start)
                    and (not tail or end == len(text) or not _is_word(text[end]))
                ):
                    found.add(value)
        return found


_WORDS = re.compile(f"[{WORD}]+")


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def groups(values: list[str]) -> list[tuple[list[str], str]]:
    """Identifiers in groups, each with its RE2 pattern: whole words where they start and end
    with a word character, plain substrings otherwise (Chinese names, '+44 ...')."""
    out = []
    for start in range(0, len(values), GROUP):
        group = values[start : start + GROUP]
        alternatives = "|".join(re2_word(v) for v in group)
        out.append((group, alternatives))
    return out


def re2_word(value: str) -> str:
    escaped = re.escape(value)
    head = f"(?:^|[^{WORD}])" if value[0].isascii() and (value[0].isalnum() or value[0] == "_") else ""
    tail = f"(?:$|[^{WORD}])" if value[-1].isascii() and (value[-1].isalnum() or value[-1] == "_") else ""
    return f"{head}{escaped}{tail}"
