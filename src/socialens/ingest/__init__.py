"""Importers: one module per platform format, each ``iter_raw`` + ``map_item``, then edge processing."""
