"""Motion design for the builtin engine: layered procedural environments seen through a parallax camera
(layers, environments, fx) and kinetic typography (kinetic). Everything is seeded and streams frame by frame."""
