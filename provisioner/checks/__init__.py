"""Typed checks: each kind is a function from its spec to (passed, expected, seen)."""
