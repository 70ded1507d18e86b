"""Quality benchmarks: held-out metrics (split and seed written down), each against a peer or baseline."""
