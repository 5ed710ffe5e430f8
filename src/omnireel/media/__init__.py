"""Pure media functions over streams of frames and audio: probe, decode, encode, text, ops, audio, prompt plans.

Nothing here knows about HTTP, tenants or SQL; frames flow through generators so memory stays flat.
"""
