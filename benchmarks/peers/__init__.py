"""Peer systems the benchmarks compare with, when they need an environment of their own (RecBole)."""
