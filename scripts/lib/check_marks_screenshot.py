"""Checks marks drawn over a study-mode screenshot's panels against the frozen panels.

    python3 check_marks_screenshot.py SCREEN.png PANEL.png... --own N --point X,Y --box X,Y,W,H
    python3 check_marks_screenshot.py SCREEN.png PANEL.png... --none

Each PANEL (left to right, as the reader sees them) is found on the screen at its whole
zoom k, as compare_study_panels.py does. With marks: on panel N (1-based) the point is
drawn in the mark colour around image pixel (X, Y) and the box, selected, in the selected
colour along its outline; every other panel shows both mirrored at the same image place;
no coloured pixel lies anywhere else; and every pixel away from the marks is the frozen
gray panel within 2 levels (the marks are drawn over the picture, not into it). With
--none: no coloured pixel on any panel, and every pixel is the frozen panel (hidden marks).
Colours are the default theme's: mark amber #ffb000, selected cyan #00e5ff, cursor
magenta #ff40ff. Exits non-zero on any failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from venvboot import ensure_venv  # noqa: E402

ensure_venv("screenshot", ["numpy==2.4.6", "pypng==0.20220715.0"])
import numpy as np  # noqa: E402
import png  # noqa: E402
from compare_screenshot import gray  # noqa: E402
from compare_study_panels import best_match  # noqa: E402

TOLERANCE = 2
NEAR = 14  # screen pixels around a mark's outline that its drawing may cover


def rgb(path):
    width, height, rows, info = png.Reader(filename=path).asDirect()
    data = np.array([list(row) for row in rows], dtype=np.int32).reshape(height, width, info["planes"])
    if info["planes"] < 3:  # a screenshot without colour is written as gray
        return np.repeat(data[..., :1], 3, axis=2)
    return data[..., :3]


def colour_masks(region):
    r, g, b = region[..., 0], region[..., 1], region[..., 2]
    saturated = (region.max(axis=2) - region.min(axis=2)) > 60
    amber = saturated & (r > 150) & (g > 80) & (b < 90) & (r > g)
    cyan = saturated & (r < 90) & (g > 120) & (b > 140)
    magenta = saturated & (r > 150) & (g < 120) & (b > 150)
    return saturated, amber, cyan, magenta


def main():
    arguments = sys.argv[1:]
    options = {}
    for name in ("--own", "--point", "--box"):
        if name in arguments:
            index = arguments.index(name)
            options[name] = arguments[index + 1]
            del arguments[index:index + 2]
    none = "--none" in arguments
    if none:
        arguments.remove("--none")
    screen_rgb = rgb(arguments[0])
    screen = gray(arguments[0])
    ok = True

    def fail(message):
        nonlocal ok
        ok = False
        print("FAIL " + message)

    for number, path in enumerate(arguments[1:], 1):
        source = gray(path)
        match = best_match(screen, source)
        if match is None:
            fail(f"panel {number}: not found on the screen")
            continue
        k, top, left, _ = match
        h, w = source.shape[0] * k, source.shape[1] * k
        region = screen_rgb[top:top + h, left:left + w]
        saturated, amber, cyan, magenta = colour_masks(region)
        expected = np.kron(source, np.ones((k, k)))
        shown = screen[top:top + h, left:left + w]
        near = np.zeros(saturated.shape, dtype=bool)
        if not none:
            px, py = (int(v) for v in options["--point"].split(","))
            bx, by, bw, bh = (int(v) for v in options["--box"].split(","))
            cy, cx = int((py + 0.5) * k), int((px + 0.5) * k)
            near[max(0, cy - NEAR):cy + NEAR + 1, max(0, cx - NEAR):cx + NEAR + 1] = True
            outline = np.zeros(saturated.shape, dtype=bool)
            y0, y1, x0, x1 = by * k, (by + bh) * k, bx * k, (bx + bw) * k
            outline[max(0, y0 - 4):y1 + 4, max(0, x0 - 4):x1 + 4] = True
            outline[y0 + 4:y1 - 4, x0 + 4:x1 - 4] = False
            # The cursor sits on the box's last corner.
            cursor = np.zeros(saturated.shape, dtype=bool)
            cy2, cx2 = int((by + bh - 0.5) * k), int((bx + bw - 0.5) * k)
            cursor[max(0, cy2 - NEAR):cy2 + NEAR + 1, max(0, cx2 - NEAR):cx2 + NEAR + 1] = True
            near |= outline | cursor
            point_amber = int((amber & near & ~outline & ~cursor).sum())
            box_cyan = int((cyan & outline).sum())
            own = number == int(options["--own"])
            label = f"panel {number} ({'its own marks' if own else 'mirrored'}, ×{k} at x={left} y={top})"
            # Own: a full ring and a whole outline; mirrored: a dashed ring and corners.
            if point_amber < (12 if own else 4):
                fail(f"{label}: {point_amber} mark-coloured pixels around the point ({px},{py})")
            if box_cyan < (4 * min(bw, bh) * k // 2 if own else 8):
                fail(f"{label}: {box_cyan} selected-colour pixels on the box outline")
            if int((magenta & cursor).sum()) < 4:
                fail(f"{label}: no cursor at the box's last corner")
            print(f"{'ok  ' if ok else '    '}{label}: point {point_amber} px, box {box_cyan} px, "
                  f"cursor {int((magenta & cursor).sum())} px")
        stray = int((saturated & ~near).sum())
        if stray:
            ys, xs = np.nonzero(saturated & ~near)
            fail(f"panel {number}: {stray} coloured pixels away from the marks (first at x={xs[0]} y={ys[0]})")
        error = np.abs(shown - expected)[~near]
        if error.max() > TOLERANCE:
            fail(f"panel {number}: the gray image away from the marks is off by {int(error.max())} levels")
        else:
            print(f"ok   panel {number}: away from the marks the frozen gray panel, max error {int(error.max())}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
