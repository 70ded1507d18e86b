"""Adapters for pretrained weights that ship inside pinned packages (nothing is downloaded)."""
