"""The media allowlist and content sniffing: the type of a file comes from its bytes, never from what a client says."""

from __future__ import annotations

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "image/tiff")
# AVI and MPEG program streams are in the wire spec's video list (video/avi, video/mpeg); both are probed and decoded
# like the others (media/upload_probe.py names the demuxer and the codecs allowed in each).
VIDEO_TYPES = ("video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "video/mpeg")
# Audio is recognised by its bytes so it can be named in a refusal, but it is not accepted: no task takes an audio
# input, and an allowlist (and the 415 message that lists it) must not promise what a request would then refuse.
AUDIO_TYPES = ("audio/wav", "audio/mpeg", "audio/aac", "audio/ogg", "audio/flac", "audio/mp4")
ALLOWED_TYPES = IMAGE_TYPES + VIDEO_TYPES

# Client spellings that mean the same container as a sniffed type.
ALIASES = {
    "image/jpg": "image/jpeg",
    "video/mov": "video/quicktime",
    "video/mpeg4": "video/mp4",
    "video/m4v": "video/mp4",
    "video/x-m4v": "video/mp4",
    "video/mkv": "video/x-matroska",
    "video/avi": "video/x-msvideo",
    "video/msvideo": "video/x-msvideo",
    "video/mpg": "video/mpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "audio/x-flac": "audio/flac",
    "image/x-ms-bmp": "image/bmp",
}

SNIFF_BYTES = 64


def normalize(mime: str | None) -> str | None:
    if not mime:
        return None
    mime = mime.split(";")[0].strip().lower()
    return ALIASES.get(mime, mime)


def sniff(head: bytes) -> str | None:
    """Identify an allowlisted media type from the first bytes of a file; None if it is none of them."""
    kind = identify(head)
    return kind if kind in ALLOWED_TYPES else None


def identify(head: bytes) -> str | None:
    """The media type the first bytes of a file show, allowlisted or not (audio included); None if unknown."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:4] == b"\x00\x00\x01\xba":
        # An MPEG program stream's pack header. Bare elementary streams and transport streams are not taken: the
        # probe opens this type with the program-stream demuxer only.
        return "video/mpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:2] == b"BM":
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return "audio/mpeg"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "audio/aac"
    return None


def compatible(declared: str | None, sniffed: str) -> bool:
    """Does a client's declared type agree with the sniffed one? (mp4/quicktime share a container family.)"""
    declared = normalize(declared)
    if declared in (None, "", "application/octet-stream"):
        return True
    if declared == sniffed:
        return True
    iso = {"video/mp4", "video/quicktime", "audio/mp4"}
    if declared in iso and sniffed in iso:
        return True
    if {declared, sniffed} <= {"video/webm", "video/x-matroska"}:
        return True
    return False


def kind_of(mime: str) -> str:
    return mime.split("/")[0]
