"""Analyses, one question per folder (sentiment/, ...), each built from registered components."""
