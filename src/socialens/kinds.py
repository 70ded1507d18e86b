"""The kinds of component, one small protocol each: what a caller may ask of a component.

Every component shares the settings contract (``socialens.component.Component``); its kind says
which verbs it answers. A kind is a ``typing.Protocol`` that can be checked at run time
(``isinstance(component, TextClassifier)``), so a component needs no extra base class to be
one, and the conformance suite (``tests/test_conformance.py``) picks its checks by kind:

| kind | verbs | examples |
|---|---|---|
| ``TextClassifier`` | ``fit(texts, labels)``, ``predict_proba(texts) -> (N, C)`` | sentiment, emotion, offensive |
| ``PostScorer`` | ``transform(items) -> one result per item`` | image tags, text in images, NSFW scores |
| ``GraphAnalysis`` | ``fit(graph)``, ``rows() -> one dict per account`` | influence, communities |
| ``StreamDetector`` | ``update(x)`` in constant work, ``get()`` the current state | alert detectors, seasonal rate |
| ``Embedder`` | ``fit(texts)``, ``embed(texts) -> (N, D)`` | topic embedders |

The verbs of two kinds can meet (a click-through model also has ``predict_proba``, over field
indices): what a component reads is in its docstring, and a check that needs more than the verbs
tests the component's base class.

>>> from socialens.analyses.trends.baseline import SeasonalRate
>>> isinstance(SeasonalRate(), StreamDetector), isinstance(SeasonalRate(), TextClassifier)
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class TextClassifier(Protocol):
    """Texts in, class probabilities out: ``(N, C)``, columns in the component's label order."""

    def fit(self, *args: Any, **kwargs: Any) -> Any: ...

    def predict_proba(self, texts: Sequence[str]) -> Any: ...


@runtime_checkable
class PostScorer(Protocol):
    """A post's items (pictures, texts) in, one result per item out, in input order."""

    def transform(self, items: Any) -> Any: ...


@runtime_checkable
class GraphAnalysis(Protocol):
    """Learns from an account graph; ``rows()`` gives one plain dict per account, in a stable order."""

    def fit(self, *args: Any, **kwargs: Any) -> Any: ...

    def rows(self) -> list[dict[str, Any]]: ...


@runtime_checkable
class StreamDetector(Protocol):
    """Streaming state (river's contract): ``update(x)`` with constant work per event returns self."""

    def update(self, x: Any) -> Any: ...

    def get(self) -> Any: ...


@runtime_checkable
class Embedder(Protocol):
    """Texts in, one vector per text out: ``(N, D)`` float32."""

    def fit(self, *args: Any, **kwargs: Any) -> Any: ...

    def embed(self, texts: Sequence[str]) -> Any: ...


KINDS: tuple[type, ...] = (TextClassifier, PostScorer, GraphAnalysis, StreamDetector, Embedder)
