"""``POST /predict/{task}``: sentiment, emotion or offensive-language scores for posted texts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends

from socialens.errors import ConfigError
from socialens.serve.dependencies import State, as_json, require
from socialens.serve.schemas import Predictions, PredictRequest

router = APIRouter(prefix="/predict", tags=["predict"], dependencies=[Depends(require("read"))])


@router.post("/{task}")
def predict(task: Literal["sentiment", "emotion", "offensive"], body: PredictRequest, state: State) -> Predictions:
    """One result per text, in order: label, probabilities, language, model (the registered defaults)."""
    if len(body.texts) > state.settings.max_texts:
        raise ConfigError(f"at most {state.settings.max_texts} texts per request")
    models = state.settings.models_dir
    if task == "sentiment":
        from socialens.analyses.sentiment.predict import predict_sentiment

        results = predict_sentiment(body.texts, lang=body.lang, registry_root=models)
    elif task == "offensive":
        from socialens.analyses.offensive.score import predict_offensive

        results = predict_offensive(body.texts, langs=[body.lang] * len(body.texts) if body.lang else None)
    else:
        from socialens.analyses import task_module

        results = task_module("emotion", "predict", ("emotion",)).predict(body.texts, lang=body.lang, models_dir=models)
    return Predictions.model_validate({"task": task, "items": as_json(list(results))})
