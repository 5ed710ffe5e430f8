"""text_to_video never implies it drew what it cannot: missing elements are named in the output text."""

from omnireel.engines.builtin.t2v import undrawn_elements


def test_undrawn_elements_are_named():
    assert undrawn_elements("A futuristic city with neon lights and flying cars, cyberpunk style") == ["flying cars"]
    assert undrawn_elements('Ocean waves at golden hour, title "Breathe"') == []
    # Quoted on-screen text is drawn exactly, so words inside quotes are never "missing".
    assert undrawn_elements('neon skyline, headline "Dog Days Sale"') == []


def test_output_text_names_what_was_not_drawn(run_engine):
    _req, out, _ = run_engine(task="text_to_video", prompt="A futuristic city with neon lights and flying cars")
    assert "Not drawn: flying cars" in out.text
    assert "ANIMATIC" not in out.text
