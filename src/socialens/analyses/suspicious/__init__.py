"""Suspicious, bot-like accounts: behavioural features, a heuristic score and a trainable model."""
