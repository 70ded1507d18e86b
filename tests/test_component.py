"""The component contract's helpers: ``check_is_fitted`` and its coded error."""

from __future__ import annotations

import pytest

from socialens.component import Component, Persistent, check_is_fitted
from socialens.errors import ModelNotFoundError, NotFittedError


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


class _Kept(_Counter, Persistent):
    pass


def test_a_persistent_component_loads_back_as_it_was_saved(tmp_path):
    saved = _Kept(start=2).fit(["a", "b"])
    assert saved.save(tmp_path / "kept") == tmp_path / "kept"
    loaded = _Kept.load(tmp_path / "kept")
    assert loaded is not saved and loaded.get_params() == {"start": 2} and loaded.count_ == 4


def test_loading_what_is_not_there_or_not_this_class_is_a_coded_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"\[E501\].*no component\.pkl.*train it again"):
        _Kept.load(tmp_path)

    class _Other(Component, Persistent):
        pass

    _Kept().save(tmp_path)
    with pytest.raises(ModelNotFoundError, match="holds a _Kept, not a _Other"):
        _Other.load(tmp_path)
