"""Probe uploaded media and a request's inline images and videos in a sandboxed child process: untrusted media is
demuxed and decoded with memory, CPU and wall-clock limits, so a hostile file can at worst kill the child, never the
API process.

Run as `python -I -m omnireel.media.upload_probe` with a JSON request on stdin, `{"items": [{"path", "mime"}, ...],
"max_pixels"}`; it answers one JSON object per item on stdout, in order: `{"seconds": float}` or `{"error":
"<message>"}`. `probe_upload()` and `probe_files()` are the parent side: one child checks every file of a request,
so a create with several inline images or videos pays for one process start.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

DEMUXERS = {"video/mp4": "mov", "video/quicktime": "mov", "video/webm": "matroska", "video/x-matroska": "matroska",
            "video/x-msvideo": "avi", "video/mpeg": "mpeg"}
# mpeg1video/mpeg2video are what MPEG program streams (.mpg) carry; mjpeg is the usual codec of cameras' AVI files.
VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg1video", "mpeg2video", "mjpeg"}
MEMORY_LIMIT_BYTES = 2 * 1024**3
CPU_LIMIT_S = 30
WALL_LIMIT_S = 60
UNDECODABLE = "The video could not be decoded."


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the probe never needs to write a file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def probe_upload(path: Path, mime: str, max_pixels: int) -> tuple[float | None, str | None]:
    """(duration in seconds or None, error message or None) for an uploaded video, decided by a sandboxed child."""
    return probe_files([(path, mime)], max_pixels)[0]


def probe_files(items: list[tuple[Path, str]], max_pixels: int) -> list[tuple[float | None, str | None]]:
    """probe_upload() for several files at once, in one sandboxed child; answers are in the order of `items`.
    The limits are per child, so they bound the work on all of the files together."""
    if not items:
        return []
    request = json.dumps({"items": [{"path": str(path), "mime": mime} for path, mime in items],
                          "max_pixels": int(max_pixels)}).encode()
    try:
        # The child limits itself before touching the file (preexec_fn is unsafe in a threaded server).
        proc = subprocess.run([sys.executable, "-I", "-m", "omnireel.media.upload_probe"], input=request,
                              capture_output=True, timeout=WALL_LIMIT_S, check=False)
        answers = json.loads(proc.stdout or b"[]") if proc.returncode == 0 else []
    except (OSError, subprocess.TimeoutExpired, ValueError):
        answers = []
    if not isinstance(answers, list) or len(answers) != len(items):
        # The child died (a limit, a decoder crash) or said something else: nothing it checked counts as sound.
        answers = [{"error": _undecodable(mime)} for _path, mime in items]
    return [_result(answer) for answer in answers]


def _undecodable(mime: str) -> str:
    return "The image could not be decoded." if mime.startswith("image/") else UNDECODABLE


def _result(answer) -> tuple[float | None, str | None]:
    if not isinstance(answer, dict):
        return None, UNDECODABLE
    if "error" in answer:
        return None, str(answer["error"])
    seconds = answer.get("seconds")
    return (float(seconds) if seconds else None), None


def _probe(path: str, mime: str, max_pixels: int) -> dict:
    if mime.startswith("image/"):
        return _probe_image(path, max_pixels)
    return _probe_video(path, mime, max_pixels)


def _probe_image(path: str, max_pixels: int) -> dict:
    """The pixel cap from the header (before any decoding: a small file may declare a gigantic image), then one
    full decode, so a truncated or corrupt image is refused at upload rather than when a job uses it."""
    from PIL import Image

    try:
        Image.MAX_IMAGE_PIXELS = None  # the cap below is ours, and is checked before decoding
        with Image.open(path) as img:
            width, height = img.size
            if width * height > max_pixels:
                return {"error": f"The image is {width}x{height}; at most {max_pixels} pixels."}
            img.load()
    except Exception:  # noqa: BLE001 - hostile media may raise anything from the decoder
        return {"error": "The image could not be decoded."}
    return {"seconds": None}


def _probe_video(path: str, mime: str, max_pixels: int) -> dict:
    import av

    try:
        with _open(path, mime) as container:
            if not container.streams.video:
                if container.streams.audio:
                    return {"seconds": None}  # an audio-only MP4 with a video brand: valid, nothing to describe
                return {"error": "The file contains no video or audio stream."}
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            if codec not in VIDEO_CODECS:
                return {"error": f"Video codec {codec} is not supported."}
            width, height = stream.codec_context.width or 0, stream.codec_context.height or 0
            if width * height > max_pixels:
                # Checked before decoding: a forged SPS must not make us allocate a gigantic frame.
                return {"error": f"The video is {width}x{height}; at most {max_pixels} pixels per frame."}
            if next(container.decode(stream), None) is None:
                return {"error": "The video has no decodable frames."}
            truncated, span = _scan(path, mime)
            if truncated:
                return {"error": "The video is truncated: its index lists frames that are not in the file."}
            if mime == "video/mpeg" and span > 0:
                # A program stream has no index: FFmpeg estimates its duration from the bit rate, which can be
                # far off; the timestamps of its packets, all read just above, are not.
                seconds = span
            elif stream.duration is not None and stream.time_base is not None:
                seconds = float(stream.duration * stream.time_base)
            else:
                seconds = (container.duration or 0) / av.time_base
    except Exception:  # noqa: BLE001 - hostile media may raise anything from the demuxer
        return {"error": UNDECODABLE}
    return {"seconds": seconds if seconds > 0 else None}


def _open(path: str, mime: str):
    """The file through the demuxer of its sniffed type (FFmpeg never guesses one for untrusted bytes), reading
    nothing but that file. Tags that are not UTF-8 are dropped, not fatal: players ignore them, and so does the
    render (decode.open_input), so they must not fail the file here either."""
    import av

    return av.open(path, format=DEMUXERS[mime], container_options={"protocol_whitelist": "file"},
                   metadata_errors="ignore")


def _scan(path: str, mime: str) -> tuple[bool, float]:
    """Demux every packet of the video stream (no decoding: cheap) and say (truncated, span): truncated when the
    packets come up short of the frames the index promises or the demuxer hits the end of the data early (a file
    cut off after its index, an MP4 with the index at the front, still opens and shows its first frame); span,
    the seconds from the first frame's timestamp to the end of the last (0 when the packets carry none)."""
    import av

    with _open(path, mime) as container:
        stream = container.streams.video[0]
        promised = stream.frames or 0
        size = os.path.getsize(path)
        seen = 0
        first = last = None
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                if packet.pos is not None and packet.pos >= 0 and packet.pos + packet.size > size:
                    return True, 0.0
                seen += 1
                if packet.pts is not None and packet.time_base is not None:
                    start = float(packet.pts * packet.time_base)
                    end = start + float((packet.duration or 0) * packet.time_base)
                    first = start if first is None else min(first, start)
                    last = end if last is None else max(last, end)
        except av.error.FFmpegError:
            return True, 0.0
        span = (last - first) if first is not None and last is not None else 0.0
        return promised > 0 and seen < promised, span


if __name__ == "__main__":
    _limit_child()
    req = json.loads(sys.stdin.buffer.read())
    sys.stdout.write(json.dumps([_probe(item["path"], item["mime"], req["max_pixels"]) for item in req["items"]]))
