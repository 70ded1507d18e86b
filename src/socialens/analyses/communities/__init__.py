"""Communities: Leiden and Louvain on the account graph, and a summary of each community."""
