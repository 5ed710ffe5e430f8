"""Prompt understanding: a prompt (and its image roles) becomes a shot plan the renderers follow."""
