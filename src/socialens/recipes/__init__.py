"""Recipes: the training pipelines that produce the shipped models, one command each.

A recipe is a list of stages (:mod:`socialens.recipes.runner`); each stage writes its result
into its own folder of a work directory, so an interrupted run resumes at the first unfinished
stage. ``socialens train sentiment --lang en --recipe production`` runs
:func:`socialens.recipes.sentiment.sentiment_recipe`.
"""
