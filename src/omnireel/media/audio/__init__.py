"""Audio for every output: synthesised music and ambience beds, cues, and loudness normalisation."""
