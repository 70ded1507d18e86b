"""The component contract's helpers: ``check_is_fitted`` and its coded error."""

from __future__ import annotations

import pytest

from socialens.component import Component, check_is_fitted
from socialens.errors import NotFittedError


class _Counter(Component):
    def __init__(self, start: int = 0) -> None:
        self.start = start

    def fit(self, items: list[str]) -> _Counter:
        self.count_ = self.start + len(items)
        return self


class _Loadable(_Counter):
    def load(self, folder: str) -> _Loadable:
        return self


def test_unfitted_component_raises_coded_error_naming_the_class():
    with pytest.raises(NotFittedError) as caught:
        check_is_fitted(_Counter(start=3))
    assert str(caught.value) == "[E403] _Counter is not fitted yet: call fit(...) first"
    assert isinstance(caught.value, ValueError)  # callers catching scikit-learn's kind keep working


def test_settings_alone_are_not_learned_state_and_fit_is():
    component = _Counter(start=3)
    with pytest.raises(NotFittedError):
        check_is_fitted(component, "count_")
    check_is_fitted(component.fit(["a"]))
    check_is_fitted(component, "count_")
    with pytest.raises(NotFittedError):
        check_is_fitted(component, ("count_", "missing_"))


def test_a_loadable_component_says_load_is_another_way():
    with pytest.raises(NotFittedError, match=r"fit\(\.\.\.\) or load\(directory\)"):
        check_is_fitted(_Loadable())
