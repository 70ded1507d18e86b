"""Read graph-tool's binary ``.gt`` files (optionally gzipped) in pure Python, and find its collection.

The format ("The gt file format" in graph-tool's documentation), all integers in the file's
byte order:

* magic ``b"\\xe2\\x9b\\xbe gt"`` (6 bytes), version byte (1), endianness byte (0 little, 1 big);
* comment: a string (uint64 length, then the bytes, no terminator);
* directed flag (1 byte), vertex count N (uint64);
* adjacency: for each vertex, its out-degree (uint64) then its out-neighbours, each in the
  smallest unsigned width that holds every vertex index (1, 2, 4 or 8 bytes); an undirected
  edge is listed once; edges are numbered in this order;
* property maps: their count (uint64), then for each a key type byte (0 graph, 1 vertex,
  2 edge), a name string, a value type byte and the values (one, N or E of them).

Value types: 0 bool, 1 int16, 2 int32, 3 int64, 4 double, 5 long double (16 bytes), 6 string,
7-13 vectors of those (uint64 length, then the items), 14 a Python object (pickled, kept as bytes).

The real networks of Debian's ``python3-graph-tool`` (``scripts/fetch-graphs``) live in
``$SOCIALENS_GRAPHS`` or ``~/.cache/socialens/graph-tool-collection``.
"""

from __future__ import annotations

import gzip
import os
import struct
import sys
from array import array
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialens.errors import InputFileError

MAGIC = b"\xe2\x9b\xbe gt"
_SCALARS = {0: ("B", 1), 1: ("h", 2), 2: ("i", 4), 3: ("q", 8), 4: ("d", 8)}
_INDEX_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


@dataclass(slots=True)
class GtGraph:
    """A graph read from a ``.gt`` file: ``sources[j] -> targets[j]`` is edge ``j``."""

    directed: bool
    n_vertices: int
    sources: array[int]
    targets: array[int]
    comment: str = ""
    graph_properties: dict[str, Any] = field(default_factory=dict)
    vertex_properties: dict[str, list[Any]] = field(default_factory=dict)
    edge_properties: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def n_edges(self) -> int:
        return len(self.sources)

    def edges(self) -> list[tuple[int, int]]:
        return list(zip(self.sources, self.targets, strict=True))

    def to_igraph(self) -> Any:
        """The graph as an ``igraph.Graph`` (vertex and edge ids kept)."""
        from socialens.graph.build import import_igraph

        return import_igraph().Graph(n=self.n_vertices, edges=self.edges(), directed=self.directed)


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path
        self.order = "<"

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise InputFileError(self.path, f"truncated .gt file: needed {n} bytes at offset {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def scalar(self, code: str, size: int) -> Any:
        return struct.unpack(self.order + code, self.take(size))[0]

    def uint64(self) -> int:
        return int(self.scalar("Q", 8))

    def string(self) -> bytes:
        return self.take(self.uint64())

    def numbers(self, code: str, size: int, count: int) -> array[Any]:
        values = array(code)
        values.frombytes(self.take(size * count))
        if (self.order == ">") != (sys.byteorder == "big"):
            values.byteswap()
        return values

    def skip(self, kind: int, count: int) -> None:
        """Step over ``count`` values without decoding them (one tight loop per type)."""
        data, pos = self.data, self.pos
        length = struct.Struct(self.order + "Q").unpack_from
        if kind in _SCALARS or kind == 5:
            pos += count * (16 if kind == 5 else _SCALARS[kind][1])
        elif kind in (6, 14):
            for _ in range(count):
                pos += 8 + length(data, pos)[0]
        elif 7 <= kind <= 12:
            item = 16 if kind == 12 else _SCALARS[kind - 7][1]
            for _ in range(count):
                pos += 8 + item * length(data, pos)[0]
        elif kind == 13:
            for _ in range(count):
                (items,) = length(data, pos)
                pos += 8
                for _ in range(items):
                    pos += 8 + length(data, pos)[0]
        else:
            raise InputFileError(self.path, f"unknown property value type {kind} at offset {pos - 1}")
        if pos > len(data):
            raise InputFileError(self.path, "truncated .gt file inside a property map")
        self.pos = pos

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            code, size = _SCALARS[kind]
            v = self.scalar(code, size)
            return bool(v) if kind == 0 else v
        if kind == 5:
            return _long_double(self.take(16), self.order)
        if kind == 6:
            return self.string().decode("utf-8", errors="replace")
        if 7 <= kind <= 13:
            count = self.uint64()
            if kind - 7 in _SCALARS:
                code, size = _SCALARS[kind - 7]
                items = self.numbers(code, size, count).tolist()
                return [bool(v) for v in items] if kind == 7 else items
            return [self.value(kind - 7) for _ in range(count)]
        if kind == 14:
            return self.string()  # a pickle: never unpickled, it could run code
        raise InputFileError(self.path, f"unknown property value type {kind} at offset {self.pos - 1}")


def _long_double(raw: bytes, order: str) -> float:
    """An x87 80-bit extended float stored in 16 bytes, as the nearest double."""
    little = raw if order == "<" else raw[::-1]
    mantissa = int.from_bytes(little[:8], "little")
    exponent_sign = int.from_bytes(little[8:10], "little")
    sign = -1.0 if exponent_sign & 0x8000 else 1.0
    exponent = exponent_sign & 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0 * sign
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def index_width(n_vertices: int) -> int:
    """Bytes per vertex index in the adjacency: the smallest width that holds N - 1."""
    for width in (1, 2, 4):
        if n_vertices <= 1 << (8 * width):
            return width
    return 8


def read_gt(path: str | Path, properties: Collection[str] | None = None) -> GtGraph:
    """Read a ``.gt`` or ``.gt.gz`` file.

    ``properties`` names the property maps to decode (``None``: all; ``()``: none, which
    reads large networks several times faster). Pickled Python objects are kept as bytes.
    """
    source = Path(path)
    try:
        raw = source.read_bytes()
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputFileError(source, f"cannot read: {exc}") from None
    reader = _Reader(data, source)
    if reader.take(6) != MAGIC:
        raise InputFileError(source, "not a graph-tool .gt file (bad magic bytes)")
    version, big_endian = reader.take(2)
    if version != 1:
        raise InputFileError(source, f".gt version {version} is not supported (only 1)")
    reader.order = ">" if big_endian else "<"
    comment = reader.string().decode("utf-8", errors="replace")
    directed = bool(reader.take(1)[0])
    n = reader.uint64()
    sources, targets = _read_adjacency(reader, n)
    graph = GtGraph(directed, n, sources, targets, comment)
    for _ in range(reader.uint64()):
        _read_property(reader, graph, properties)
    if reader.pos != len(data):
        raise InputFileError(source, f"{len(data) - reader.pos} unread bytes after the last property map")
    return graph


def _read_adjacency(reader: _Reader, n: int) -> tuple[array[int], array[int]]:
    """Out-neighbour lists as two parallel arrays (sources, targets), in file order."""
    width = index_width(n)
    degree_format = struct.Struct(reader.order + "Q")
    data, pos = reader.data, reader.pos
    sources = array("q")
    chunks = []
    for v in range(n):
        (degree,) = degree_format.unpack_from(data, pos)
        pos += 8
        if degree:
            chunks.append(data[pos : pos + degree * width])
            pos += degree * width
            sources.extend(array("q", [v]) * degree)
    if pos > len(data):
        raise InputFileError(reader.path, "truncated .gt file inside the adjacency lists")
    reader.pos = pos
    narrow = array(_INDEX_CODES[width])
    narrow.frombytes(b"".join(chunks))
    if (reader.order == ">") != (sys.byteorder == "big"):
        narrow.byteswap()
    return sources, array("q", narrow)


def _read_property(reader: _Reader, graph: GtGraph, wanted: Collection[str] | None) -> None:
    key = reader.take(1)[0]
    name = reader.string().decode("utf-8", errors="replace")
    kind = reader.take(1)[0]
    count = {0: 1, 1: graph.n_vertices, 2: graph.n_edges}.get(key)
    if count is None:
        raise InputFileError(reader.path, f"property {name!r}: unknown key type {key}")
    if wanted is not None and name not in wanted:
        reader.skip(kind, count)
        return
    if kind in _SCALARS and kind != 0:
        code, size = _SCALARS[kind]
        values: list[Any] = reader.numbers(code, size, count).tolist()
    else:
        values = [reader.value(kind) for _ in range(count)]
    if key == 0:
        graph.graph_properties[name] = values[0]
    elif key == 1:
        graph.vertex_properties[name] = values
    else:
        graph.edge_properties[name] = values


def collection_dir() -> Path:
    """Where ``scripts/fetch-graphs`` puts graph-tool's collection."""
    return Path(os.environ.get("SOCIALENS_GRAPHS") or "~/.cache/socialens/graph-tool-collection").expanduser()


def collection_path(name: str) -> Path:
    """The file of network ``name`` (e.g. ``"karate"``) in the collection; an error says how to get it."""
    path = collection_dir() / f"{name}.gt.gz"
    if not path.exists():
        raise InputFileError(path, "not found; run scripts/fetch-graphs (or set SOCIALENS_GRAPHS)")
    return path


def load_collection_graph(name: str) -> GtGraph:
    """Read network ``name`` of graph-tool's collection."""
    return read_gt(collection_path(name))
