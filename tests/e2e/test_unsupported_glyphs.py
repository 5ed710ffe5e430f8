"""Through the real server and the official SDK: on-screen text the builtin engine's fonts cannot draw ends as a
plain, specific failure (never a video with empty boxes in place of the quoted text)."""

from __future__ import annotations

from tests.conftest import sdk_client


def test_cjk_and_emoji_titles_fail_as_capability_missing(server):
    client = sdk_client(server, server.key("glyphs"))
    for prompt, named in (
        ('Title card over a neon city that reads "東京の夜 東京ナイト" and then "서울 2025"', ("東", "京")),
        ('Fun title over an ocean that reads "Summer Vibes 🌊☀️🍹"', ("🌊", "🍹")),
    ):
        interaction = client.interactions.create(
            model="gemini-omni-flash-preview",
            input=prompt,
            response_format={"type": "video", "aspect_ratio": "9:16", "resolution": "360p", "duration": "3s"},
        )
        assert interaction.status == "failed", interaction.status
        assert not interaction.output_video
        error = interaction.errors[0]
        assert error.code == "capability_missing"
        for ch in named:
            assert ch in error.message
        assert "☀" not in error.message and "generative engine" in error.message
