"""Entities, entity-level sentiment and share of voice (``socialens analyze entities``, ``socialens compare``)."""
