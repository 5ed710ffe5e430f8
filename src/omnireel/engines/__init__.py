"""Engines produce the pixels: builtin (CPU), diffusers (GPU), upstream (hosted), fake (tests)."""
