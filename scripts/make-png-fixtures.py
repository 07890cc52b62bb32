#!/usr/bin/env python3
"""Writes the PNG codec's test fixtures with pypng, an independent PNG implementation.

Every colour type and bit depth libpng can meet, plus Adam7 interlacing, each with the
8-bit gray values usreview must decode it to (ITU-R BT.601 luma rounded, alpha ignored,
16-bit scaled by round(v*255/65535), low bit depths scaled to 0..255).

    python3 -m venv .venv && .venv/bin/pip install pypng
    .venv/bin/python scripts/make-png-fixtures.py Tests/DatasetTests/Fixtures/png
"""
import json
import os
import sys

import png  # pypng

W, H = 37, 23  # odd sizes exercise every Adam7 pass boundary


def luma(r, g, b):
    return int((299 * r + 587 * g + 114 * b + 500) // 1000)


def pattern(x, y, k):
    return (x * 7 + y * 13 + k * 101 + (x * y) % 17) % 256


def main(out):
    os.makedirs(out, exist_ok=True)
    expected = {}

    def save(name, rows, expect, **kw):
        with open(os.path.join(out, name), "wb") as f:
            png.Writer(W, H, **kw).write(f, rows)
        expected[name] = [v for row in expect for v in row]

    gray = [[pattern(x, y, 0) for x in range(W)] for y in range(H)]
    save("gray8.png", gray, gray, greyscale=True, bitdepth=8)
    save("gray8_interlaced.png", gray, gray, greyscale=True, bitdepth=8, interlace=True)

    g16 = [[(pattern(x, y, 0) * 257 + pattern(x, y, 3)) % 65536 for x in range(W)] for y in range(H)]
    save("gray16.png", g16, [[int(v * 255 / 65535 + 0.5) for v in r] for r in g16], greyscale=True, bitdepth=16)

    for depth in (1, 2, 4):
        top = (1 << depth) - 1
        rows = [[pattern(x, y, depth) % (top + 1) for x in range(W)] for y in range(H)]
        save(f"gray{depth}.png", rows, [[v * 255 // top for v in r] for r in rows], greyscale=True, bitdepth=depth)

    ga = [[v for x in range(W) for v in (pattern(x, y, 0), pattern(x, y, 5))] for y in range(H)]
    save("gray_alpha8.png", ga, gray, greyscale=True, alpha=True, bitdepth=8)

    def rgb_of(x, y):
        return pattern(x, y, 1), pattern(x, y, 2), pattern(x, y, 4)

    rgb = [[c for x in range(W) for c in rgb_of(x, y)] for y in range(H)]
    rgb_gray = [[luma(*rgb_of(x, y)) for x in range(W)] for y in range(H)]
    save("rgb8.png", rgb, rgb_gray, greyscale=False, bitdepth=8)
    save("rgb8_interlaced.png", rgb, rgb_gray, greyscale=False, bitdepth=8, interlace=True)

    rgba = [[c for x in range(W) for c in (*rgb_of(x, y), pattern(x, y, 6))] for y in range(H)]
    save("rgba8.png", rgba, rgb_gray, greyscale=False, alpha=True, bitdepth=8)

    rgb16 = [[c * 257 for x in range(W) for c in rgb_of(x, y)] for y in range(H)]
    save("rgb16.png", rgb16, rgb_gray, greyscale=False, bitdepth=16)

    palette = [((i * 37) % 256, (i * 91) % 256, (i * 53) % 256) for i in range(16)]
    idx = [[pattern(x, y, 7) % 16 for x in range(W)] for y in range(H)]
    save("palette4.png", idx, [[luma(*palette[i]) for i in r] for r in idx], palette=palette, bitdepth=4)
    palette_alpha = [(r, g, b, (i * 29) % 256) for i, (r, g, b) in enumerate(palette)]
    save("palette8_trns.png", idx, [[luma(*palette[i]) for i in r] for r in idx], palette=palette_alpha, bitdepth=8)

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"width": W, "height": H, "source": "pypng " + png.__version__, "gray": expected}, f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/DatasetTests/Fixtures/png")
