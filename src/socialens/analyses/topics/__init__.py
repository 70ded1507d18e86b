"""Topic discovery, topics over time and emerging topics over post embeddings."""
