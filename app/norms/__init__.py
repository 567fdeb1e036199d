"""Norms per function and activity kind: loading them from YAML, and (later) progress against them."""
