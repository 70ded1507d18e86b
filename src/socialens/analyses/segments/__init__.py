"""User segments: accounts clustered on their profile features and learned graph embeddings."""
