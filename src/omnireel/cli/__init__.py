"""The omnireel command line: serve, keys, generate."""
