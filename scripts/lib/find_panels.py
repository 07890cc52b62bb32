"""Finds the viewer's image panels in a screenshot of the review app.

    python3 find_panels.py SCREEN.png [EXPECTED=3] [MIN_LEVELS=41]

A panel is a run of at least 60 screen columns in which more than 120 pixels are lit
(text lines light far fewer); for each it prints the x range, the lit rows and the
number of distinct gray levels (sixel draws ~100 grays, blocks in 256 colours ≤ 30).
Exits non-zero unless EXPECTED panels are found, each with at least MIN_LEVELS gray
levels (the default tells sixel apart; 16 suits blocks in 256 colours).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from venvboot import ensure_venv  # noqa: E402

ensure_venv("screenshot", ["numpy==2.4.6", "pypng==0.20220715.0"])
import numpy as np  # noqa: E402
from compare_screenshot import gray  # noqa: E402


def main():
    screen = gray(sys.argv[1])
    expected = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    min_levels = int(sys.argv[3]) if len(sys.argv) > 3 else 41
    lit = screen > 12
    counts = lit.sum(axis=0)
    panels, start = [], None
    for x, count in enumerate(list(counts) + [0]):
        if count > 120 and start is None:
            start = x
        elif count <= 120 and start is not None:
            if x - start >= 60:
                panels.append((start, x))
            start = None
    ok = len(panels) == expected
    for number, (left, right) in enumerate(panels, 1):
        rows = np.where(lit[:, left:right].sum(axis=1) > (right - left) // 4)[0]
        top, bottom = (int(rows.min()), int(rows.max()) + 1) if len(rows) else (0, 0)
        levels = len(np.unique(screen[top:bottom, left:right]))
        ok = ok and levels >= min_levels
        print(f"panel {number}: x {left}–{right}, y {top}–{bottom}, {levels} gray levels")
    print(f"{len(panels)} panels found (expected {expected}): {'ok' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
