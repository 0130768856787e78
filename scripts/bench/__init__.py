"""Benchmarks: scripts that print figures. Timing never lives in tests."""
