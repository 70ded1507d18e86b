"""``GET /models``: the model registry's cards (task, language, architecture, test metrics)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from socialens.serve.dependencies import State, as_json, require
from socialens.serve.schemas import ModelCard

router = APIRouter(tags=["models"], dependencies=[Depends(require("read"))])


@router.get("/models")
def models(state: State) -> list[ModelCard]:
    from socialens.training.model_registry import ModelRegistry

    return [
        ModelCard.model_validate(as_json(card.to_dict())) for card in ModelRegistry(state.settings.models_dir).list()
    ]
