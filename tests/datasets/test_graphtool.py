from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest

from socialens.datasets.graphtool import MAGIC, collection_dir, index_width, read_gt
from socialens.errors import InputFileError

KARATE = collection_dir() / "karate.gt.gz"


def _string(order: str, text: bytes) -> bytes:
    return struct.pack(order + "Q", len(text)) + text


def _tiny_gt(order: str) -> bytes:
    """A directed 3-vertex graph 0->1, 0->2, 2->1 with one property map of each shape, by the spec."""
    big = order == ">"
    out = MAGIC + bytes([1, int(big)]) + _string(order, b"made by hand") + b"\x01" + struct.pack(order + "Q", 3)
    for neighbours in ([1, 2], [], [1]):
        out += struct.pack(order + "Q", len(neighbours)) + bytes(neighbours)  # N < 256: one byte each
    out += struct.pack(order + "Q", 5)
    out += b"\x00" + _string(order, b"title") + b"\x06" + _string(order, "café".encode())
    out += b"\x01" + _string(order, b"age") + b"\x02" + struct.pack(order + "3i", 30, -4, 7)
    out += b"\x02" + _string(order, b"w") + b"\x04" + struct.pack(order + "3d", 0.5, 1.5, 2.0)
    out += b"\x02" + _string(order, b"times") + b"\x0a"
    for times in ([1, 2], [], [3]):
        out += struct.pack(order + "Q", len(times)) + struct.pack(order + f"{len(times)}q", *times)
    out += b"\x01" + _string(order, b"tags") + b"\x0d"
    for tags in ([b"x"], [], [b"y", b"zz"]):
        out += struct.pack(order + "Q", len(tags)) + b"".join(_string(order, t) for t in tags)
    return out


@pytest.mark.parametrize("order", ["<", ">"], ids=["little-endian", "big-endian"])
def test_reads_a_hand_written_file(tmp_path, order):
    path = tmp_path / "tiny.gt.gz"
    path.write_bytes(gzip.compress(_tiny_gt(order)))
    g = read_gt(path)
    assert g.directed and g.n_vertices == 3 and g.edges() == [(0, 1), (0, 2), (2, 1)]
    assert g.comment == "made by hand" and g.graph_properties == {"title": "café"}
    assert g.vertex_properties == {"age": [30, -4, 7], "tags": [["x"], [], ["y", "zz"]]}
    assert g.edge_properties == {"w": [0.5, 1.5, 2.0], "times": [[1, 2], [], [3]]}
    only = read_gt(path, properties=("w",))
    assert list(only.edge_properties) == ["w"] and not only.vertex_properties and not only.graph_properties


def test_broken_files_are_input_errors(tmp_path):
    good = _tiny_gt("<")
    for name, data in (("magic.gt", b"not a graph" + good), ("short.gt", good[:-5]), ("extra.gt", good + b"\x00")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputFileError, match=name):
            read_gt(path)


def test_index_width():
    assert [index_width(n) for n in (3, 256, 257, 65_536, 65_537, 2**32 + 1)] == [1, 1, 2, 2, 4, 8]


@pytest.mark.skipif(
    not KARATE.exists(), reason=f"graph-tool collection not in {collection_dir()} (scripts/fetch-graphs)"
)
def test_reads_zacharys_karate_club():
    g = read_gt(KARATE)
    assert (g.directed, g.n_vertices, g.n_edges) == (False, 34, 78)
    assert "karate" in g.graph_properties["description"].lower() and len(g.vertex_properties["pos"]) == 34
    assert g.edges()[:3] == [(1, 0), (2, 0), (2, 1)]
    degree = [0] * 34
    for s, t in g.edges():
        degree[s] += 1
        degree[t] += 1
    # The club's instructor (0) and administrator (33) are the best connected members.
    assert (degree[0], degree[33]) == (16, 17)
    graph = g.to_igraph()
    assert graph.vcount() == 34 and graph.ecount() == 78 and not graph.is_directed()


def test_missing_collection_file_says_how_to_get_it(monkeypatch, tmp_path: Path):
    from socialens.datasets.graphtool import collection_path

    monkeypatch.setenv("SOCIALENS_GRAPHS", str(tmp_path))
    with pytest.raises(InputFileError, match="fetch-graphs"):
        collection_path("karate")
