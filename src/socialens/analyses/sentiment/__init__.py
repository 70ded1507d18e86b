"""Sentiment: baselines, trained models and their evaluation, English and Chinese."""
