"""Client-chosen file names follow Google's rule, and file references with such names resolve to the whole name."""

from __future__ import annotations

import pytest

from omnireel.errors import InvalidArgument
from omnireel.services.files import parse_file_ref
from omnireel.services.uploads import _chosen_name


@pytest.mark.parametrize("sent,name", [("files/my-clip", "my-clip"), ("my-clip", "my-clip"), ("files/a", "a"),
                                       ("files/" + "x" * 40, "x" * 40), (None, None), ("", None)])
def test_valid_names(sent, name):
    assert _chosen_name(sent) == name


@pytest.mark.parametrize("sent", ["files/-a", "files/a-", "files/A", "files/a_b", "files/" + "x" * 41, "files/",
                                  "files/a/b", 42, "files/é"])
def test_invalid_names(sent):
    with pytest.raises(InvalidArgument) as info:
        _chosen_name(sent)
    assert info.value.field == "file.name"


@pytest.mark.parametrize("ref,expected", [
    ("files/my-clip", "my-clip"),
    ("https://example.com/v1beta/files/my-clip", "my-clip"),
    ("https://example.com/v1beta/files/my-clip:download?alt=media", "my-clip"),
    ("my-clip", "my-clip"),
    ("abc123", "abc123"),
    ("files/-bad", None),
    ("https://example.com/v1beta/files/Bad", None),
])
def test_file_refs_with_chosen_names(ref, expected):
    assert parse_file_ref(ref) == expected
