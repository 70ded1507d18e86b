"""``line_blocks`` must give exactly the chunks ``line_chunks`` gives, whatever the file holds."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from socialens.ingest import line_blocks as blocks
from socialens.ingest.chunks import CHUNK_LINES, line_chunks
from socialens.ingest.line_blocks import LineBlock, as_pairs, line_blocks
from socialens.ingest.readers import Source


def _lines(n: int) -> list[bytes]:
    return [b'{"id_str": "%d", "text": "caf\xc3\xa9 %d"}' % (i, i) for i in range(n)]


CASES = {
    "plain": b"\n".join(_lines(9_001)) + b"\n",
    "no final newline": b"\n".join(_lines(9_001)),
    "crlf": b"\r\n".join(_lines(5_000)) + b"\r\n",
    "blank lines late": b"\n".join([*_lines(7_000), b"", b" \t", *_lines(3_000), b"\r", b"x"]) + b"\n",
    "blank first line": b"\n" + b"\n".join(_lines(3_000)) + b"\n",
    "blank last line without newline": b"\n".join(_lines(4_000)) + b"\n  ",
    "only blanks": b"\n \n\t\n",
    "not utf-8": b"\n".join([*_lines(2_500), b"\xff\xfe", *_lines(2_500)]) + b"\n",
    # lines that begin with whitespace without being blank: looked at closely, not blank
    "whitespace-led lines": b"\n".join(b" \t" + line if i % 7 == 0 else line for i, line in enumerate(_lines(6_000)))
    + b"\n",
    "blank crlf line": b"\r\n".join([*_lines(6_000), b"", *_lines(100)]) + b"\r\n",
    "blank line of a form feed": b"\n".join([*_lines(4_100), b"\x0c", *_lines(10)]) + b"\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("parts", [1, 2])
def test_line_blocks_give_the_chunks_of_line_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, parts: int
) -> None:
    monkeypatch.setattr(blocks, "READ_BYTES", 50_000)  # many reads per chunk, lines cut across reads
    path = tmp_path / "in.jsonl"
    path.write_bytes(CASES[name])
    size = 2 * CHUNK_LINES
    expected = [line for chunk in line_chunks(Source(path), size) for line in chunk]
    got = list(line_blocks(Source(path), size, parts))
    assert [line for chunk in got for line in as_pairs(chunk)] == expected
    # every chunk but the last is whole blocks of CHUNK_LINES, so results per block stay the same
    assert all(len(chunk) % CHUNK_LINES == 0 for chunk in got[:-1])
    for chunk in got:
        if isinstance(chunk, LineBlock):
            picks = [0, len(chunk) // 2, len(chunk) - 1]
            assert chunk.pick(picks) == [chunk.lines()[i] for i in picks]
            if name != "not utf-8":
                assert chunk.texts() == [line.decode().removesuffix("\n") for _, line in chunk.lines()]


def test_compressed_files_are_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(CASES["plain"]))
    got = list(line_blocks(Source(path), 2 * CHUNK_LINES))
    assert got == list(line_chunks(Source(path), 2 * CHUNK_LINES))
