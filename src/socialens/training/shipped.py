"""Models shipped in an installed distribution (``socialens-models``), found through entry points.

A distribution declares the entry point group ``socialens.models``; each entry point is a
function returning model folders. A folder holds what :class:`ModelRegistry` writes for one
version (``card.json`` and the model's files) plus ``MODEL_CARD.md`` and ``SHA256SUMS``: the
contract is written down in ``models/README.md``. Every load checks the hashes, so a corrupted
or tampered install is a clear error instead of silently wrong predictions.

The folder ``<task>-<lang>`` is the shipped default of that task and language; a folder with a
further suffix (``sentiment-en-accurate``) is only used when named.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import shutil
import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from socialens.errors import ConfigError, ModelCardError, ModelNotFoundError
from socialens.training.model_registry import CARD, ModelCard, ModelRegistry, _read_card

GROUP = "socialens.models"
ENV = "SOCIALENS_SHIPPED_MODELS"
SUMS = "SHA256SUMS"
HUMAN_CARD = "MODEL_CARD.md"
SHIPPED = "shipped"  # card.extra flag set on cards read from a shipped folder
_VERIFIED: set[tuple[Path, tuple[tuple[str, int, int], ...]]] = set()


def shipped_dirs() -> list[Path]:
    """Every shipped model folder of every installed distribution, by folder name.

    ``$SOCIALENS_SHIPPED_MODELS`` overrides the entry points: ``off`` (or ``0``) uses none (only
    the user's own registry), a list of folders (``os.pathsep``-separated) holding model folders
    uses those instead (a checkout's ``models/src/socialens_models``, say)."""
    return list(_discover(os.environ.get(ENV, "")))


@lru_cache(maxsize=8)
def _discover(setting: str) -> tuple[Path, ...]:
    found: dict[str, Path] = {}
    if setting.strip().lower() in ("off", "0", "none", "false"):
        return ()
    if setting.strip():
        for root in setting.split(os.pathsep):
            for folder in sorted(Path(root).expanduser().glob(f"*/{CARD}")):
                found.setdefault(folder.parent.name, folder.parent)
        return tuple(found[name] for name in sorted(found))
    for entry in md.entry_points(group=GROUP):
        try:
            folders = entry.load()()
        except Exception as exc:  # one broken distribution must not hide the others
            warnings.warn(f"entry point {entry.name!r} of {GROUP} failed: {type(exc).__name__}: {exc}", stacklevel=2)
            continue
        for folder in folders:
            found.setdefault(Path(folder).name, Path(folder))
    return tuple(found[name] for name in sorted(found))


def shipped_cards() -> list[ModelCard]:
    """The card of every shipped model (hashes not checked yet: that happens on load)."""
    cards = []
    for folder in shipped_dirs():
        try:
            cards.append(_shipped_card(folder))
        except ModelCardError as exc:
            warnings.warn(str(exc), stacklevel=2)
    return cards


def find_shipped(name: str) -> ModelCard | None:
    """The shipped model named ``name`` (its folder name), hashes checked; None when none is."""
    for folder in shipped_dirs():
        if folder.name == name:
            card = _shipped_card(folder)
            verify_checksums(folder)
            return card
    return None


def shipped_default(task: str, language: str) -> ModelCard | None:
    """The shipped default for ``task`` in ``language`` (folder ``<task>-<language>``), hashes checked."""
    card = find_shipped(f"{task}-{language}")
    if card is not None and (card.task, card.language) != (task, language):
        raise ModelCardError(
            f"{card.path}: the folder says {task}/{language} but its card says {card.task}/{card.language}; "
            "reinstall socialens-models"
        )
    return card


def is_shipped(card: ModelCard) -> bool:
    return bool(card.extra.get(SHIPPED))


def describe(card: ModelCard) -> str:
    """How results name the model that answered: ``sentiment-en v1 (shipped)``."""
    return f"{card.name} v{card.version}" + (" (shipped)" if is_shipped(card) else "")


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` except ``SHA256SUMS``, by relative path."""
    return {
        str(p.relative_to(folder)): _sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != SUMS and "__pycache__" not in p.parts
    }


def write_checksums(folder: Path) -> Path:
    """Write ``SHA256SUMS`` (``sha256sum`` format, sorted by path) for ``folder``."""
    lines = [f"{digest}  {name}\n" for name, digest in checksums(folder).items()]
    path = folder / SUMS
    path.write_text("".join(lines), encoding="utf-8")
    return path


def verify_checksums(folder: Path) -> None:
    """Raise :class:`ModelCardError` naming the file when ``folder`` differs from its ``SHA256SUMS``."""
    sums = folder / SUMS
    if not sums.is_file():
        raise ModelCardError(f"{folder}: no {SUMS}; the shipped model cannot be checked: reinstall socialens-models")
    # Hashing again only when a file changed (size or time), not on every load.
    stamp = (folder, tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))))
    if stamp in _VERIFIED:
        return
    expected = _read_sums(sums)
    actual = checksums(folder)
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            problem = "is missing"
        elif name not in expected:
            problem = f"is not listed in {SUMS}"
        elif expected[name] != actual[name]:
            problem = f"has sha256 {actual[name][:12]}..., {SUMS} says {expected[name][:12]}..."
        else:
            continue
        raise ModelCardError(
            f"{folder / name} {problem}: the shipped model is damaged or was changed; "
            "reinstall it (pip install --force-reinstall socialens-models)"
        )
    _VERIFIED.add(stamp)


def ship(
    registry: ModelRegistry,
    name: str,
    version: int | None,
    target: Path,
    fp16: bool = False,
    shipped_version: int = 1,
) -> ModelCard:
    """Copy a registered model version into the shipped folder ``target`` (whose name becomes the
    card's name), optionally as float16 weights, and write ``SHA256SUMS``."""
    source = registry.path(name, version)
    target = Path(target)
    if "-" not in target.name:
        raise ConfigError(f"{target}: a shipped model folder is named <task>-<lang>[-<variant>]")
    card_text = None if not (target / HUMAN_CARD).is_file() else (target / HUMAN_CARD).read_text(encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    target.chmod(0o755)  # the registry's version folders are private (mkdtemp); a package's are not
    card = _read_card(target)
    if fp16:
        _to_float16(target)
        _rescore(card)
    card.extra = {k: v for k, v in card.extra.items() if k != SHIPPED}
    card.extra["shipped_from"] = f"{name} v{card.version}"
    card.name, card.version, card.path = target.name, shipped_version, None
    (target / CARD).write_text(json.dumps(card.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / HUMAN_CARD).write_text(card_text or _card_template(card), encoding="utf-8")
    write_checksums(target)
    return _shipped_card(target)


def _rescore(card: ModelCard) -> None:
    """The card's test metrics measured again on the float16 weights (the float32 ones kept
    beside them), so the shipped card states what the shipped weights do."""
    from socialens.training.verify import _evaluator, load_component

    reference = card.extra.get("reference")
    if not isinstance(reference, dict) or "evaluator" not in reference:
        return
    metrics = _evaluator(str(reference["evaluator"]))(load_component(card), card)
    card.extra["float32"] = {"metrics": card.metrics, "reference_value": reference["value"]}
    card.metrics = metrics
    reference["value"] = float(metrics[str(reference["metric"])])


def _to_float16(folder: Path) -> None:
    """float32 weights in ``*.pt`` state dicts and ``*.npz`` arrays become float16 (loaders cast
    them back to their parameters' type); small arrays (biases, intercepts) stay as they are."""
    import numpy as np

    for path in folder.rglob("*.npz"):
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        half = {k: a.astype(np.float16) if a.dtype == np.float32 and a.size >= 256 else a for k, a in arrays.items()}
        np.savez_compressed(path, **half)
    pts = list(folder.rglob("*.pt"))
    if not pts:
        return
    import torch

    for path in pts:
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict):
            state = {k: v.half() if torch.is_tensor(v) and v.dtype == torch.float32 else v for k, v in state.items()}
            torch.save(state, path)


def _card_template(card: ModelCard) -> str:
    metrics = ", ".join(f"{k} {v:.4f}" for k, v in card.metrics.items() if isinstance(v, float))
    return (
        f"# {card.name}\n\n{card.task} ({card.language}), `{card.architecture}`.\n\n"
        f"## Data and split\n\n{card.split}\n\n## Test metrics\n\n{metrics}\n\n"
        "## Baselines on the same split\n\nTODO\n\n## Speed and size\n\nTODO\n\n## Known limits\n\nTODO\n\n"
        "## Reproduce\n\nTODO\n"
    )


def _shipped_card(folder: Path) -> ModelCard:
    if not (folder / CARD).is_file():
        raise ModelCardError(f"{folder}: no {CARD}; not a shipped model folder: reinstall socialens-models")
    card = _read_card(folder)
    if card.name != folder.name:
        raise ModelCardError(f"{folder / CARD}: name {card.name!r} is not the folder's name {folder.name!r}")
    card.extra[SHIPPED] = True
    return card


def _read_sums(path: Path) -> dict[str, str]:
    sums = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise ModelCardError(f"{path}, line {number}: expected '<sha256>  <file>'; reinstall socialens-models")
        sums[name] = digest
    return sums


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def missing_model(task: str, language: str, known: Iterable[str]) -> ModelNotFoundError:
    names = ", ".join(known) or "none"
    return ModelNotFoundError(
        f"no {task} model for language {language!r}: none registered and none shipped (shipped: {names}); "
        f"install socialens-models (pip install -e models) or train one: socialens train {task} --lang {language}"
    )
