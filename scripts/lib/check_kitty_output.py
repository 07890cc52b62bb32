"""Checks `usreview show --graphics kitty` output against the source PNG.

    python3 check_kitty_output.py OUTPUT SOURCE.png

The stream must be kitty graphics commands with q=2, the first naming f=100 (PNG), the
base64 payloads at most 4096 bytes each, m=1 on every chunk but the last (m=0); the
PNG they carry must be 8-bit gray and equal the source pixel for pixel (usreview pads
the right and bottom to whole cells with black). Exits non-zero, saying why, otherwise.
"""
import base64
import io
import re
import sys

import numpy as np
from PIL import Image


def main():
    data = open(sys.argv[1], "rb").read()
    chunks = re.findall(rb"\x1b_G([^;\x1b]*);([^\x1b]*)\x1b\\", data)
    assert chunks, "no kitty graphics command"
    keys = [dict(pair.split(b"=", 1) for pair in k.split(b",")) for k, _ in chunks]
    assert keys[0].get(b"f") == b"100", keys[0]
    assert all(k.get(b"q") == b"2" for k in keys), "every chunk quiet (q=2)"
    assert all(len(payload) <= 4096 for _, payload in chunks), "a chunk over 4096 bytes"
    assert [k[b"m"] for k in keys] == [b"1"] * (len(keys) - 1) + [b"0"], [k[b"m"] for k in keys]
    image = Image.open(io.BytesIO(base64.b64decode(b"".join(p for _, p in chunks))))
    assert image.mode == "L", f"PNG mode {image.mode}, not 8-bit gray"
    shown = np.asarray(image, dtype=int)
    source = np.asarray(Image.open(sys.argv[2]).convert("L"), dtype=int)
    h, w = source.shape
    assert shown.shape[0] >= h and shown.shape[1] >= w, (shown.shape, source.shape)
    assert (shown[:h, :w] == source).all(), f"max error {np.abs(shown[:h, :w] - source).max()}"
    assert (shown[h:, :] == 0).all() and (shown[:, w:] == 0).all(), "padding not black"
    print(f"kitty output: {len(chunks)} chunks, {len(data)} bytes, {w}x{h} exact")


if __name__ == "__main__":
    main()
