"""Benchmarks (`make bench`): latency, throughput, memory, cold start, baselines side by side."""
