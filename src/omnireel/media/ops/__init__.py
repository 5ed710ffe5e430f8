"""Frame operations: compositing, layout (fit and fill), camera paths and camera moves over stills, morphing."""
