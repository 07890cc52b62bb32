"""Compares a study-mode screenshot's panels with the study's frozen panel images.

    python3 compare_study_panels.py SCREEN.png PANEL.png... [--max-error N]

`usreview read --graphics sixel|kitty` shows each frozen panel at a whole zoom k (each
image pixel a k×k block). For each PANEL, left to right as the reader sees them, the
zoom and place with the least error are searched for (k = 1…6); each must be found,
all at one zoom, on one row, in the order given, with no pixel off by more than N
levels (default 2: sixel's 101-level palette and xterm's rounding; 0 suits kitty).
Exits non-zero on any failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from venvboot import ensure_venv  # noqa: E402

ensure_venv("screenshot", ["numpy==2.4.6", "pypng==0.20220715.0"])
import numpy as np  # noqa: E402
from compare_screenshot import gray, locate  # noqa: E402


def best_match(screen, source):
    """(zoom, top, left, error) with the least maximum error; None when nowhere fits."""
    best = None
    for k in range(1, 7):
        zoomed = np.kron(source, np.ones((k, k)))
        h, w = zoomed.shape
        if h > screen.shape[0] or w > screen.shape[1]:
            break
        top, left = locate(screen, zoomed)
        if top < 0 or left < 0 or top + h > screen.shape[0] or left + w > screen.shape[1]:
            continue
        error = np.abs(screen[top:top + h, left:left + w] - zoomed)
        if best is None or error.max() < best[3].max():
            best = (k, top, left, error)
    return best


def main():
    arguments = sys.argv[1:]
    tolerance = 2
    if "--max-error" in arguments:
        index = arguments.index("--max-error")
        tolerance = int(arguments[index + 1])
        del arguments[index:index + 2]
    screen = gray(arguments[0])
    ok, places = True, []
    for number, path in enumerate(arguments[1:], 1):
        match = best_match(screen, gray(path))
        if match is None:
            print(f"FAIL panel {number} ({os.path.basename(path)}): not found on the screen")
            ok = False
            continue
        k, top, left, error = match
        good = error.max() <= tolerance
        ok = ok and good
        places.append((k, top, left))
        print(f"{'ok  ' if good else 'FAIL'} panel {number} ×{k} at x={left} y={top}: "
              f"max error {int(error.max())}, mean {error.mean():.3f}")
    lefts = [left for _, _, left in places]
    if lefts != sorted(set(lefts)) or len({top for _, top, _ in places}) > 1 or len({k for k, _, _ in places}) > 1:
        print(f"FAIL panels not side by side, in order, at one zoom: {places}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
