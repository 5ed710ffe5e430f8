"""Run as a child process by `speech`: speak one line with eSpeak NG and write raw 16-bit PCM to stdout.

eSpeak NG keeps process-global state (filters, intonation, noise generators) that nudges each utterance by the
ones before it, so a line spoken in a long-lived process is not reproducible. A fresh process per line is (the same
text gives the same samples), costs ~30 ms, and keeps a crash in the C library out of the worker.

Input on stdin: JSON {"text": str, "voice": str, "wpm": int}. Output: 4-byte little-endian sample rate, then PCM.
"""

from __future__ import annotations

import ctypes
import json
import os
import struct
import sys


def main() -> int:
    import espeakng_loader

    req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    data_parent = os.path.dirname(espeakng_loader.get_data_path()).encode()
    rate = lib.espeak_Initialize(2, 0, data_parent, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
    if rate <= 0:
        return 2
    out = bytearray()
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def on_audio(wav, count, _events):
        if count > 0 and wav:
            out.extend(ctypes.string_at(wav, count * 2))
        return 0

    cb = callback_type(on_audio)
    lib.espeak_SetSynthCallback(cb)
    if lib.espeak_SetVoiceByName(req["voice"].encode()) != 0:
        lib.espeak_SetVoiceByName(b"en")
    lib.espeak_SetParameter(1, int(req["wpm"]), 0)  # espeakRATE
    text = req["text"].encode("utf-8") + b"\0"
    if lib.espeak_Synth(text, len(text), 0, 1, 0, 1, None, None) != 0:  # POS_CHARACTER, espeakCHARS_UTF8
        return 3
    lib.espeak_Synchronize()
    sys.stdout.buffer.write(struct.pack("<i", rate) + bytes(out))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
