"""Speed benchmarks: throughput, latency and memory, each against a peer measured in the same run."""
