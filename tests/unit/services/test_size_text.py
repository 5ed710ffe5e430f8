"""Sizes in the over-cap inline note read the way the docs write them."""

from omnireel.config import Settings
from omnireel.services.interactions import _size_text


def test_the_default_cap_reads_as_the_documented_4_mb():
    assert _size_text(Settings().inline_output_cap_bytes) == "4 MB"  # it read "4.2 MB" (4 MiB) against "4 MB" in the docs


def test_sizes_round_to_a_tenth_of_a_mb_or_whole_kb():
    assert _size_text(5_230_000) == "5.2 MB" and _size_text(20_480) == "20 kB" and _size_text(12) == "1 kB"
