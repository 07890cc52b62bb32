"""Compares the review app's sixel panels in two screenshots with the source images.

    python3 compare_panels.py ONE_TO_ONE.png FITTED.png LOW.png ENHANCED.png HIGH.png

ONE_TO_ONE is the viewer after `1` (one image pixel per screen pixel): each source is
searched for on the screen and must be found, left to right in the order given, on one
row, with no pixel off by more than 2 levels. FITTED is the same viewer before `1`: the
panels start at the same places, and each must equal its source scaled to the panel by
nearest neighbour (the size searched for; sixel keeps the aspect), within 2 levels.

Tolerance: the sixel palette has 101 levels (percentages) 2.55 grays apart, so the
nearest level is within 1.3 grays, and xterm rounds a percentage to 8 bits its own way
(up to 1 more). Exits non-zero on any failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from venvboot import ensure_venv  # noqa: E402

ensure_venv("screenshot", ["numpy==2.4.6", "pypng==0.20220715.0"])
import numpy as np  # noqa: E402
from compare_screenshot import gray, locate  # noqa: E402

TOLERANCE = 2


def nearest(source, size):
    """`source` scaled to size x size: the source pixel under each output pixel's centre."""
    h, w = source.shape
    rows = np.minimum(h - 1, ((2 * np.arange(size) + 1) * h) // (2 * size))
    columns = np.minimum(w - 1, ((2 * np.arange(size) + 1) * w) // (2 * size))
    return source[rows][:, columns]


def main():
    one_to_one, fitted = gray(sys.argv[1]), gray(sys.argv[2])
    names = ["LOW", "ENHANCED", "HIGH"]
    sources = [gray(path) for path in sys.argv[3:6]]
    ok = True
    places = []
    for name, source in zip(names, sources):
        top, left = locate(one_to_one, source)
        h, w = source.shape
        if top < 0 or left < 0 or top + h > one_to_one.shape[0] or left + w > one_to_one.shape[1]:
            print(f"FAIL {name}: not found on the 1:1 screen")
            ok = False
            places.append((top, left))
            continue
        error = np.abs(one_to_one[top:top + h, left:left + w] - source)
        good = error.max() <= TOLERANCE
        ok = ok and good
        places.append((top, left))
        print(f"{'ok  ' if good else 'FAIL'} {name} 1:1 at x={left} y={top}: max error {int(error.max())}, "
              f"mean {error.mean():.3f}")
    if [left for _, left in places] != sorted({left for _, left in places}) or len({top for top, _ in places}) != 1:
        print(f"FAIL panels not side by side as LOW · ENHANCED · HIGH: {places}")
        ok = False
    for name, source, (top, left) in zip(names, sources, places):
        # The size with the least error on every 4th pixel, then checked on all of them.
        best = None
        for size in range(64, min(fitted.shape[0] - top, fitted.shape[1] - left) + 1):
            error = np.abs(fitted[top:top + size:4, left:left + size:4] - nearest(source, size)[::4, ::4]).mean()
            if best is None or error < best[1]:
                best = (size, error)
        if best is not None:
            size = best[0]
            best = (size, np.abs(fitted[top:top + size, left:left + size] - nearest(source, size)))
        if best is None:
            print(f"FAIL {name}: no room for a fitted panel at x={left} y={top}")
            ok = False
            continue
        size, error = best
        good = error.max() <= TOLERANCE
        ok = ok and good
        print(f"{'ok  ' if good else 'FAIL'} {name} fitted {size}x{size} at x={left} y={top}: "
              f"max error {int(error.max())}, mean {error.mean():.3f}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
