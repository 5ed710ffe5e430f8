"""Streaming MP4 encoding: RGB frames and float audio in, H.264 yuv420p + AAC (stereo 48 kHz) MP4 with faststart out.

Frames and audio are handed to the encoder as they arrive, so memory stays flat whatever the duration. Video timing
is exact: time base 1/fps and pts = frame index, so a decoder sees exactly frames/fps seconds.

Audio can be encoded on a worker thread (`write_audio_async`): the AAC encoder runs there, packets come back through
a queue and are muxed on the caller's thread, because PyAV's muxer is not thread-safe.
"""

from __future__ import annotations

import os
import queue
import threading
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import cv2
import numpy as np

from omnireel.media import heap

AUDIO_CHANNELS = 2


# AAC encodes fixed blocks of 1024 samples; feeding whole blocks keeps pts exact and avoids encoder warnings.
_AAC_BLOCK = 1024
# Rate control is plain CRF by default. x264's VBV (maxrate/bufsize) with more than one thread is not
# deterministic: the same frames encode differently from run to run, which would break "same request and seed,
# same frames". An explicit `max_bitrate` therefore turns VBV on with a single encoder thread.
# x264 buffers whole frames per thread and for its look-ahead; at 4k each frame costs ~50 MB of planes, so large
# frames get fewer frame threads and a shorter look-ahead (memory stays flat, speed barely moves).
_LARGE_FRAME_PIXELS = 2560 * 1440


def x264_threading(width: int, height: int) -> dict[str, str]:
    """Thread and look-ahead options for libx264 at this frame size (empty: x264's own defaults)."""
    if width * height < _LARGE_FRAME_PIXELS:
        return {}
    cores = os.cpu_count() or 2
    return {"threads": str(max(2, min(cores, 8))), "rc-lookahead": "8"}


class VideoWriter:
    """Write an MP4 one frame (and any amount of audio) at a time.

    Usage::

        with VideoWriter(path, 1280, 720) as w:
            w.write_audio(samples)          # float32 (channels, n) in [-1, 1]; any time, in pieces
            for rgb in frames:
                w.write_frame(rgb)          # uint8 HxWx3

    On close, audio shorter than the video is padded with silence so both streams end together.
    """

    def __init__(
        self,
        path: str | Path,
        width: int,
        height: int,
        fps: int = 24,
        sample_rate: int = 48000,
        audio: bool = True,
        crf: int = 23,
        preset: str = "veryfast",
        max_bitrate: int | None = None,
    ):
        if width % 2 or height % 2 or width <= 0 or height <= 0:
            raise ValueError("width and height must be positive and even (yuv420p)")
        self.path = Path(path)
        self.width, self.height, self.fps = width, height, int(fps)
        self.sample_rate = sample_rate
        self.frames_written = 0
        self.samples_written = 0
        self._closed = False
        # Reproducible encodes: heap blocks the encoder allocates are filled with a fixed byte (see media.heap).
        self._heap_fill = heap.Fill()
        self._frame: av.VideoFrame | None = None  # one frame buffer, refilled for every frame
        self._container = av.open(str(self.path), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            v = self._container.add_stream("libx264", rate=self.fps)
            v.width, v.height, v.pix_fmt = width, height, "yuv420p"
            v.time_base = Fraction(1, self.fps)
            v.codec_context.time_base = Fraction(1, self.fps)
            v.thread_type = "AUTO"
            v.options = {
                "crf": str(crf),
                "preset": preset,
                # A keyframe every 5 s: enough for seeking in short clips; more would cost bits and encode time.
                "g": str(self.fps * 5),
                **x264_threading(width, height),
            }
            if max_bitrate:
                v.options = {**v.options, "maxrate": str(max_bitrate), "bufsize": str(max_bitrate * 2),
                             "threads": "1"}
            self._video = v
            self._audio = None
            self._pending = np.zeros((AUDIO_CHANNELS, 0), dtype=np.float32)
            self._audio_thread: threading.Thread | None = None
            self._audio_packets: queue.SimpleQueue = queue.SimpleQueue()
            self._audio_error: BaseException | None = None
            self._audio_stop = threading.Event()
            if audio:
                a = self._container.add_stream("aac", rate=sample_rate, layout="stereo")
                a.time_base = Fraction(1, sample_rate)
                a.codec_context.bit_rate = 128_000
                # The "fast" coder: a third of the default two-loop search's time at an inaudible difference for
                # synthesised beds and speech at 128 kbit/s.
                a.codec_context.options = {"aac_coder": "fast"}
                self._audio = a
        except Exception:
            self._container.close()
            self._heap_fill.release()
            raise

    # -- context manager -------------------------------------------------------------------------------------------
    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self._abort()

    # -- video -----------------------------------------------------------------------------------------------------
    def write_frame(self, rgb: np.ndarray) -> None:
        """Encode one RGB frame (HxWx3 uint8, exactly the writer's size)."""
        self.write_i420(self.to_i420(rgb))

    def to_i420(self, rgb: np.ndarray) -> np.ndarray:
        """Check an RGB frame and convert it to the planar I420 layout `write_i420` takes. Thread-safe, so a
        renderer thread can do it while the encoder works on the previous frame."""
        if rgb.shape != (self.height, self.width, 3):
            raise ValueError(f"frame shape {rgb.shape} does not match {(self.height, self.width, 3)}")
        if rgb.dtype != np.uint8:
            raise ValueError("frames must be uint8")
        # OpenCV's I420 conversion is the same BT.601 limited-range matrix swscale uses (within 3 levels), ~7x faster.
        return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420)

    def write_i420(self, yuv: np.ndarray) -> None:
        """Encode one frame already in I420 (a (height * 3 / 2, width) uint8 array, as from `to_i420`)."""
        if yuv.shape != (self.height * 3 // 2, self.width) or yuv.dtype != np.uint8:
            raise ValueError(f"I420 frame must be uint8 shaped {(self.height * 3 // 2, self.width)}")
        frame = self._fill_frame(yuv)
        frame.pts = self.frames_written
        frame.time_base = self._video.codec_context.time_base
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1
        if self.frames_written == heap.SETTLE_FRAMES:
            self._heap_fill.release()
        if self._audio_thread is not None:
            self._mux_ready_audio()

    def _fill_frame(self, yuv: np.ndarray) -> av.VideoFrame:
        """The writer's one frame buffer with `yuv` copied in. libavcodec hands the frame to x264, which copies it
        before encode() returns, so the buffer is free again by the next frame (make_writable would give a fresh
        one otherwise). Reusing it saves an allocation of a whole frame per frame."""
        w, h = self.width, self.height
        if self._frame is None:
            self._frame = av.VideoFrame(w, h, "yuv420p")
        frame = self._frame
        frame.make_writable()
        n, q = w * h, (w // 2) * (h // 2)
        flat = yuv.reshape(-1)
        for plane, src, pw, ph in ((frame.planes[0], flat[:n], w, h), (frame.planes[1], flat[n : n + q], w // 2, h // 2),
                                   (frame.planes[2], flat[n + q : n + 2 * q], w // 2, h // 2)):
            dst = np.frombuffer(plane, np.uint8)
            dst = dst[: ph * plane.line_size].reshape(ph, plane.line_size)
            dst[:, :pw] = src.reshape(ph, pw)
        return frame

    # -- audio -----------------------------------------------------------------------------------------------------
    def write_audio(self, samples: np.ndarray) -> None:
        """Queue float audio, shape (channels, n) in [-1, 1]; mono is duplicated to stereo. Encoded in AAC blocks."""
        if self._audio is None:
            return
        if self._audio_thread is not None:
            raise RuntimeError("audio is already being written by write_audio_async")
        self._append_audio(samples, self._mux_packets)

    def write_audio_async(self, source: np.ndarray | Callable[[], np.ndarray]) -> None:
        """Encode the whole soundtrack on a worker thread while frames are written: `source` is the audio, or a
        function returning it (then it is synthesised on that thread too). Packets are muxed by write_frame and
        close on the caller's thread. Call once, instead of write_audio."""
        if self._audio is None:
            return
        if self._audio_thread is not None or self.samples_written or self._pending.shape[1]:
            raise RuntimeError("write_audio_async must be the only audio written")
        # The header is written (and every codec opened) here, on the caller's thread, before the worker touches
        # the audio encoder: PyAV opens codecs lazily on the first mux otherwise, which would race.
        self._container.start_encoding()

        def work():
            try:
                samples = source() if callable(source) else source
                self._append_audio(samples, self._audio_packets.put)
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                self._audio_error = exc

        self._audio_thread = threading.Thread(target=work, name="omnireel-audio", daemon=True)
        self._audio_thread.start()

    def _append_audio(self, samples: np.ndarray, sink: Callable) -> None:
        s = np.asarray(samples, dtype=np.float32)
        if s.ndim == 1:
            s = s[None, :]
        if s.shape[0] == 1:
            s = np.repeat(s, AUDIO_CHANNELS, axis=0)
        elif s.shape[0] != AUDIO_CHANNELS:
            raise ValueError("audio must be mono or stereo, shaped (channels, n)")
        s = np.clip(np.nan_to_num(s), -1.0, 1.0)
        if self._pending.shape[1]:
            s = np.concatenate([self._pending, s], axis=1)
        blocks = s.shape[1] // _AAC_BLOCK
        if blocks:
            self._encode_audio(s[:, : blocks * _AAC_BLOCK], sink)
        self._pending = s[:, blocks * _AAC_BLOCK :]

    def _encode_audio(self, s: np.ndarray, sink: Callable) -> None:
        for start in range(0, s.shape[1], _AAC_BLOCK):
            if self._audio_stop.is_set():
                return
            chunk = np.ascontiguousarray(s[:, start : start + _AAC_BLOCK])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = self.sample_rate
            frame.pts = self.samples_written
            frame.time_base = Fraction(1, self.sample_rate)
            self.samples_written += chunk.shape[1]
            sink(list(self._audio.encode(frame)))

    def _mux_packets(self, packets) -> None:
        for packet in packets:
            self._container.mux(packet)

    def _mux_ready_audio(self) -> None:
        while True:
            try:
                packets = self._audio_packets.get_nowait()
            except queue.Empty:
                return
            self._mux_packets(packets)

    def _finish_async_audio(self) -> None:
        if self._audio_thread is None:
            return
        self._audio_thread.join()
        self._audio_thread = None
        self._mux_ready_audio()
        if self._audio_error is not None:
            raise self._audio_error

    # -- lifecycle ---------------------------------------------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self.frames_written / self.fps

    def close(self) -> None:
        """Flush both encoders and finish the file (faststart moves the index to the front)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._finish_async_audio()
            if self._audio is not None:
                # Pad with silence to the picture's length, then finish the last partial block.
                target = round(self.frames_written * self.sample_rate / self.fps)
                missing = target - self.samples_written - self._pending.shape[1]
                if missing > 0:
                    self._pending = np.concatenate(
                        [self._pending, np.zeros((AUDIO_CHANNELS, missing), np.float32)], axis=1
                    )
                if self._pending.shape[1]:
                    self._encode_audio(self._pending, self._mux_packets)
                    self._pending = self._pending[:, :0]
                for packet in self._audio.encode(None):
                    self._container.mux(packet)
            for packet in self._video.encode(None):
                self._container.mux(packet)
        except BaseException:
            # A soundtrack or encoder failure at the end must not leave a file that looks like a result either.
            try:
                self._container.close()
            except Exception:  # noqa: BLE001 - the original error matters
                pass
            self.path.unlink(missing_ok=True)
            self._heap_fill.release()
            raise
        self._container.close()
        self._heap_fill.release()

    def _abort(self) -> None:
        # A failed render must not leave a half-written file that looks like a result.
        if self._closed:
            return
        self._closed = True
        self._audio_stop.set()
        if self._audio_thread is not None:
            self._audio_thread.join()
        try:
            self._container.close()
        except Exception:  # noqa: BLE001 - the original error matters, not the cleanup one
            pass
        self._heap_fill.release()
        self.path.unlink(missing_ok=True)
