"""Finds a gray source image inside a screenshot and reports how faithfully it was drawn.

    python3 compare_screenshot.py SCREEN.png SOURCE.png [--max-error N]

Prints the offset, PSNR, maximum error and distinct gray levels; exits non-zero when the
image is not found or when PSNR < 48 dB or any pixel is off by more than 2 levels
(the sixel issue's bar for a 101-register gray palette) — or by more than N with
--max-error (0 for lossless protocols: kitty graphics).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from venvboot import ensure_venv  # noqa: E402

ensure_venv("screenshot", ["numpy==2.4.6", "pypng==0.20220715.0"])
import numpy as np  # noqa: E402
import png  # noqa: E402


def gray(path):
    width, height, rows, info = png.Reader(filename=path).asDirect()
    planes = info["planes"]
    data = np.array([list(row) for row in rows], dtype=np.float64).reshape(height, width, planes)
    if planes >= 3:  # BT.601 luma, as usreview reads PNGs
        return np.floor(0.299 * data[..., 0] + 0.587 * data[..., 1] + 0.114 * data[..., 2] + 0.5)
    return data[..., 0]


def locate(screen, source):
    """Top-left of `source` on `screen`: the best match of its most textured 16x16 patch
    (a flat one also matches the background)."""
    h, w = source.shape
    candidates = [(py, px) for py in range(0, h - 16, 8) for px in range(0, w - 16, 8)]
    py, px = max(candidates, key=lambda p: source[p[0]:p[0] + 16, p[1]:p[1] + 16].std())
    patch = source[py:py + 16, px:px + 16]
    # Sum of squared differences at every offset: window sums of screen² from an
    # integral image, the cross term by FFT correlation.
    rows, columns = screen.shape[0] - 15, screen.shape[1] - 15
    integral = np.pad(np.cumsum(np.cumsum(screen ** 2, axis=0), axis=1), ((1, 0), (1, 0)))
    squares = integral[16:, 16:] - integral[:-16, 16:] - integral[16:, :-16] + integral[:-16, :-16]
    cross = np.fft.irfft2(np.fft.rfft2(screen) * np.conj(np.fft.rfft2(patch, screen.shape)), screen.shape)
    cost = squares - 2 * cross[:rows, :columns] + (patch ** 2).sum()
    y, x = np.unravel_index(np.argmin(cost), cost.shape)
    return int(y - py), int(x - px)


def main():
    screen, source = gray(sys.argv[1]), gray(sys.argv[2])
    limit = int(sys.argv[sys.argv.index("--max-error") + 1]) if "--max-error" in sys.argv else None
    h, w = source.shape
    top, left = locate(screen, source)
    if top < 0 or left < 0 or top + h > screen.shape[0] or left + w > screen.shape[1]:
        print("image not found on screen")
        sys.exit(1)
    drawn = screen[top:top + h, left:left + w]
    error = np.abs(drawn - source)
    mse = (error ** 2).mean()
    psnr = float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)
    print(f"found at x={left} y={top}; PSNR {psnr:.2f} dB, max error {int(error.max())}, "
          f"{len(np.unique(drawn))} gray levels on screen ({len(np.unique(source))} in the source)")
    if limit is not None:
        sys.exit(0 if error.max() <= limit else 1)
    sys.exit(0 if psnr >= 48 and error.max() <= 2 else 1)


if __name__ == "__main__":
    main()
