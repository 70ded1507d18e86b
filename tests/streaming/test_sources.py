"""Sources: a file followed like ``tail -f`` (partial lines, appends, truncation) and stdin."""

from __future__ import annotations

import os
import threading

from socialens.streaming.sources import FileSource, StdinSource, open_source


def test_file_source_follows_appends_and_waits_for_whole_lines(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": ')
    source = FileSource(path, poll=0.01)
    first = source.read(10, max_wait=0.05)
    assert [m.data for m in first] == [b'{"a": 1}\n', b'{"a": 2}\n'] and first[-1].position == 18
    assert source.read(10, max_wait=0.05) == [] and not source.exhausted
    with open(path, "ab") as out:
        out.write(b'3}\n\n{"a": 4}\n')
    later = source.read(10, max_wait=0.05)
    assert [m.data for m in later] == [b'{"a": 3}\n', b'{"a": 4}\n']  # the blank line is skipped
    assert later[-1].position == path.stat().st_size
    source.close()


def test_file_source_resumes_from_a_position_and_restarts_after_truncation(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"one\ntwo\nthree\n")
    source = FileSource(path, position=4, follow=False)
    assert [m.data for m in source.read(10, 0.05)] == [b"two\n", b"three\n"] and source.exhausted
    source.close()
    follower = FileSource(path, position=path.stat().st_size, poll=0.01)
    assert follower.read(10, 0.02) == []
    path.write_bytes(b"new\n")  # truncated and rewritten: read again from the start
    assert [m.data for m in follower.read(10, 0.05)] == [b"new\n"]
    follower.close()


def test_file_source_waits_for_a_file_that_does_not_exist_yet(tmp_path):
    path = tmp_path / "later.jsonl"
    source = FileSource(path, poll=0.01)
    assert source.read(5, 0.02) == []
    path.write_bytes(b"x\n")
    assert [m.data for m in source.read(5, 0.05)] == [b"x\n"]


def test_stdin_source_reads_a_pipe_until_it_closes():
    read_end, write_end = os.pipe()
    source = StdinSource(os.fdopen(read_end, "rb"))

    def write() -> None:
        with os.fdopen(write_end, "wb") as out:
            out.write(b"a\n\nb\n")

    threading.Thread(target=write).start()
    got = []
    while not source.exhausted:
        got += source.read(10, 0.2)
    assert [(m.id, m.data) for m in got] == [("1", b"a\n"), ("3", b"b\n")]


def test_open_source_picks_by_spec(tmp_path):
    assert isinstance(open_source(str(tmp_path / "f.jsonl")), FileSource)
