"""Influence: PageRank, in-degree, k-core, betweenness and an influencer ranking with reasons."""
