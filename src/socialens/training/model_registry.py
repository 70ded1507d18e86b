"""Trained models on disk: one folder per name and version, each with a ``card.json``.

Layout (a plain folder a user can read, copy or delete by hand)::

    <root>/                      $SOCIALENS_HOME/models, else $XDG_DATA_HOME/socialens/models,
      defaults.json              else ~/.local/share/socialens/models
      <name>/<version>/          version = 1, 2, 3, ... (auto-incremented)
        card.json                what, trained on which data, how well, with which settings
        model.pt                 or whatever files the model saves

A version is written into a hidden temporary folder and renamed into place, so a reader never
sees a half-written model and two writers cannot take the same version number. Reading cards
needs no torch: ``socialens models list`` stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialens.errors import ConfigError, ModelCardError, ModelNotFoundError

CARD = "card.json"
DEFAULTS = "defaults.json"
STATE_FILE = "model.pt"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

#: What ``save`` accepts as the model: a state mapping (saved as ``model.pt`` with torch), a
#: file or folder to copy, a list of files, or a function that writes files into a folder.
ModelFiles = Mapping[str, Any] | str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Callable[[Path], Any]


@dataclass
class ModelCard:
    """Everything needed to trust and reuse a trained model, stored as ``card.json``."""

    name: str
    version: int
    task: str = ""  # "sentiment", "emotion", ...
    language: str = ""  # "en", "zh", "multi"
    architecture: str = ""  # registry name, e.g. "sentiment.bigru_attention.v1"
    data_hash: str = ""  # fingerprint() of the training data
    split: str = ""  # how train/valid/test were drawn
    labels: list[str] = field(default_factory=list)  # class names in logit order
    metrics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""  # UTC, ISO 8601
    socialens_version: str = ""
    files: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # any other card field given to save()
    path: Path | None = field(default=None, compare=False)  # the version folder; not stored

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> ModelCard:
        known = {f.name for f in fields(cls)} - {"path"}
        card = cls(**{k: v for k, v in data.items() if k in known})
        card.extra = {**card.extra, **{k: v for k, v in data.items() if k not in known}}
        card.path = path
        return card


def default_models_dir() -> Path:
    """``$SOCIALENS_HOME/models``, else ``$XDG_DATA_HOME/socialens/models``, else
    ``~/.local/share/socialens/models``."""
    if os.environ.get("SOCIALENS_HOME"):
        return Path(os.environ["SOCIALENS_HOME"]).expanduser() / "models"
    data_home = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(data_home).expanduser() / "socialens" / "models"


def fingerprint(rows: Iterable[Any]) -> str:
    """A short, order-sensitive hash of the training data (e.g. ``(text, label)`` pairs) for
    the card: two models with the same ``data_hash`` saw the same examples in the same order."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()[:16]


class ModelRegistry:
    """``ModelRegistry(root=None, shipped=True)``: the on-disk registry at ``root`` (default:
    :func:`default_models_dir`). With ``shipped``, a task and language with no model here falls
    back to the model shipped in ``socialens-models`` (:mod:`socialens.training.shipped`), and a
    name not found here is looked up among the shipped models."""

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        shipped: bool = True,
        pins: Mapping[str, str] | None = None,
    ) -> None:
        self.root = Path(root).expanduser() if root is not None else default_models_dir()
        self.shipped = shipped
        #: ``{"sentiment/en": "NAME@VERSION"}`` (a store's socialens.toml ``[models]``): wins over the defaults.
        self.pins = dict(pins or {})

    def save(self, name: str, files_or_state: ModelFiles, card_fields: Mapping[str, Any] | None = None) -> ModelCard:
        """Store a new version of ``name`` (1 + the highest so far) and return its card."""
        _check_name(name)
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
        try:
            _write_files(files_or_state, staging)
            given = {k: v for k, v in (card_fields or {}).items() if k not in ("name", "version", "path")}
            card = ModelCard.from_dict({**given, "name": name, "version": 0})
            card.created_at = datetime.now(UTC).isoformat(timespec="seconds")
            card.socialens_version = _socialens_version()
            card.files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
            taken = [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
            card.version = max(taken, default=0) + 1
            while True:  # claim the next free number with mkdir, which only one writer can win
                try:
                    (folder / str(card.version)).mkdir()
                    break
                except FileExistsError:
                    card.version += 1
            target = folder / str(card.version)
            _write_json(staging / CARD, card.to_dict())
            os.replace(staging, target)  # rename(2) replaces the empty folder just claimed
            card.path = target
            return card
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _NAME.match(p.name))

    def versions(self, name: str) -> list[int]:
        folder = self.root / name
        if not folder.is_dir():
            return []
        return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and (p / CARD).is_file())

    def path(self, name: str, version: int | None = None) -> Path:
        """The folder of ``name`` at ``version`` (the latest when None)."""
        _check_name(name)
        versions = self.versions(name)
        if not versions and (card := self._shipped_named(name, version)) is not None:
            assert card.path is not None
            return card.path
        if not versions:
            known = ", ".join(self.names()) or "none yet"
            raise ModelNotFoundError(
                f"no model named {name!r} in {self.root}; models there: {known} (train one, or pass another root)"
            )
        if version is None:
            version = versions[-1]
        if version not in versions:
            raise ModelNotFoundError(
                f"model {name!r} has no version {version} in {self.root}; versions: {', '.join(map(str, versions))}"
            )
        return self.root / name / str(version)

    def load_card(self, name: str, version: int | None = None) -> ModelCard:
        """The card of ``name`` at ``version`` (the latest when None)."""
        if not self.versions(name) and (card := self._shipped_named(name, version)) is not None:
            return card
        folder = self.path(name, version)
        return _read_card(folder)

    def _shipped_named(self, name: str, version: int | None) -> ModelCard | None:
        if not self.shipped:
            return None
        from socialens.training.shipped import find_shipped

        card = find_shipped(name)
        if card is not None and version is not None and version != card.version:
            raise ModelNotFoundError(f"the shipped model {name!r} is version {card.version}, not {version}")
        return card

    def load_state(self, name: str, version: int | None = None, file: str = STATE_FILE) -> Any:
        """What ``save`` stored from a state mapping (``torch.load(weights_only=True)``)."""
        import torch

        path = self.path(name, version) / file
        if not path.is_file():
            raise ModelNotFoundError(f"{path}: no such file in the model folder")
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:
            raise ModelCardError(f"{path}: cannot read the saved model ({type(exc).__name__}: {exc})") from exc

    def list(self) -> list[ModelCard]:
        """Every version of every model, by name then version. A corrupt card is skipped with a
        warning, so one broken folder does not hide the others."""
        cards = []
        for name in self.names():
            for version in self.versions(name):
                try:
                    cards.append(_read_card(self.root / name / str(version)))
                except ModelCardError as exc:
                    warnings.warn(str(exc), stacklevel=2)
        return cards

    def set_default(self, task: str, language: str, name: str, version: int | None = None) -> ModelCard:
        """Make ``name`` the model used for ``task`` in ``language``; ``version=None`` follows the
        latest version as new ones are saved."""
        card = self.load_card(name, version)
        defaults = self._read_defaults()
        defaults[f"{task}/{language}"] = {"name": name, "version": version}
        self.root.mkdir(parents=True, exist_ok=True)
        _write_json(self.root / DEFAULTS, defaults)
        return card

    def default(self, task: str, language: str) -> ModelCard:
        """The card of the default model for ``task``/``language``: the one set with
        :meth:`set_default` (a pin given to the registry wins over it), else the most recently
        created model for that task and language, else the shipped model for them (hashes checked)."""
        pin = self.pins.get(f"{task}/{language}")
        if pin is not None:
            name, _, version = pin.partition("@")
            if version and not version.isdigit():
                raise ConfigError(f"model pin {task}/{language} = {pin!r}: write NAME or NAME@VERSION (a number)")
            return self.load_card(name, int(version) if version else None)
        chosen = self._read_defaults().get(f"{task}/{language}")
        if chosen is not None:
            return self.load_card(chosen["name"], chosen.get("version"))
        matching = [c for c in self.list() if c.task == task and c.language == language]
        if not matching and self.shipped:
            from socialens.training.shipped import shipped_default

            card = shipped_default(task, language)
            if card is not None:
                return card
        if not matching:
            raise ModelNotFoundError(
                f"no {task} model for language {language!r} in {self.root}; "
                f"train one (socialens train {task} --lang {language}) or set a default"
            )
        return max(matching, key=lambda c: (c.created_at, c.name, c.version))

    def _read_defaults(self) -> dict[str, Any]:
        path = self.root / DEFAULTS
        if not path.is_file():
            return {}
        data = _read_json(path)
        if not all(isinstance(v, dict) and "name" in v for v in data.values()):
            raise ModelCardError(f"{path}: each entry must be {{'name': ..., 'version': ...}}; fix or delete the file")
        return data


def _read_card(folder: Path) -> ModelCard:
    path = folder / CARD
    data = _read_json(path)
    if not isinstance(data.get("name"), str) or not isinstance(data.get("version"), int):
        raise ModelCardError(f"{path}: not a model card (needs a string 'name' and an integer 'version')")
    try:
        return ModelCard.from_dict(data, path=folder)
    except TypeError as exc:
        raise ModelCardError(f"{path}: not a model card ({exc})") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelCardError(f"{path}: cannot read it ({exc}); fix or delete the file") from exc
    if not isinstance(data, dict):
        raise ModelCardError(f"{path}: expected a JSON object, found {type(data).__name__}; fix or delete the file")
    return data


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _write_files(source: ModelFiles, folder: Path) -> None:
    if isinstance(source, Mapping):
        import torch

        torch.save(dict(source), folder / STATE_FILE)
    elif callable(source):
        source(folder)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            shutil.copytree(path, folder, dirs_exist_ok=True)
        elif path.is_file():
            shutil.copy2(path, folder / path.name)
        else:
            raise ModelNotFoundError(f"{path}: nothing there to save as a model")
    else:
        for item in source:
            _write_files(item, folder)
    if (folder / CARD).exists():
        raise ModelCardError(f"the model's files include {CARD}, which the registry writes itself; rename that file")


def _check_name(name: str) -> None:
    if not _NAME.match(name) or name.isdigit():
        raise ConfigError(
            f"{name!r} is not a valid model name: use letters, digits, '.', '_' or '-' "
            "(at most 128, starting with a letter or digit, not only digits)"
        )


def _socialens_version() -> str:
    from socialens import __version__

    return __version__
