"""The one contract every component shares: keyword settings stored as given.

Settings are the ``__init__`` keyword arguments, kept on attributes of the same name
(scikit-learn's rule), so ``type(c)(**c.get_params())`` rebuilds an equivalent component,
and components pickle for a distributed executor. Learned state ends in ``_``.
"""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path
from typing import Any, ClassVar, Self

from socialens.errors import ModelNotFoundError, NotFittedError


class Component:
    """Base of importers, analyses and models."""

    #: Versioned registry name, e.g. ``"ingest.twitter_v2.v1"``; set by ``registry.register``.
    registry_name: ClassVar[str] = ""
    #: Fields of the canonical records the component reads and writes (checked by pipelines).
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"{type(self).__name__} has no setting {name!r}; known: {sorted(valid)}")
            setattr(self, name, value)
        return self

    def clone(self) -> Self:
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


class Persistent:
    """A fitted component that is kept: ``save(directory)`` writes it, ``cls.load(directory)`` reads it.

    The default pickles the whole component into ``state_file`` (model registry folders are written
    by socialens itself; never load one from elsewhere). A component whose state is large or tied
    to a framework (torch weights, a tokenizer) overrides both with its own files. Callers (the
    training workflows, the model registry) call these two and nothing else.
    """

    state_file: ClassVar[str] = "component.pkl"

    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / self.state_file).write_bytes(pickle.dumps(self))
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        path = Path(directory) / cls.state_file
        if not path.is_file():
            raise ModelNotFoundError(f"{directory}: no {cls.state_file} (a saved {cls.__name__}); train it again")
        component = pickle.loads(path.read_bytes())
        if not isinstance(component, cls):
            raise ModelNotFoundError(f"{path} holds a {type(component).__name__}, not a {cls.__name__}")
        return component


def check_is_fitted(component: object, attributes: str | tuple[str, ...] | None = None) -> None:
    """Raise ``NotFittedError`` unless ``component`` holds its learned state.

    ``attributes`` names the learned attributes that must be set; by default any attribute ending
    in ``_`` (scikit-learn's convention) counts. The message says what to call.
    """
    if attributes is None:
        fitted = any(name.endswith("_") and not name.startswith("__") for name in getattr(component, "__dict__", {}))
    else:
        wanted = (attributes,) if isinstance(attributes, str) else attributes
        fitted = all(getattr(component, name, None) is not None for name in wanted)
    if not fitted:
        how = "fit(...) or load(directory)" if callable(getattr(component, "load", None)) else "fit(...)"
        raise NotFittedError(f"{type(component).__name__} is not fitted yet: call {how} first")
