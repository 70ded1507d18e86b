"""The one contract every component shares: keyword settings stored as given.

Settings are the ``__init__`` keyword arguments, kept on attributes of the same name
(scikit-learn's rule), so ``type(c)(**c.get_params())`` rebuilds an equivalent component,
and components pickle for a distributed executor. Learned state ends in ``_``.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, Self

from socialens.errors import NotFittedError


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
