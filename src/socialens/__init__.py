"""socialens: social-media data in, answers out: offline, embedded, pseudonymised."""

from __future__ import annotations

from socialens.schema import Interaction, Post, User

__all__ = ["Interaction", "Post", "User", "__version__"]
__version__ = "0.1.0"
