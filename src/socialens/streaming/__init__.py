"""``socialens watch``: posts from stdin, a growing file or Redis Streams, through the detectors, with checkpoints."""
