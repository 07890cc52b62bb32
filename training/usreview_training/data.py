"""Paired LOW/HIGH images of a USEnhance-layout folder, by the Dataset module's split.

The split comes from the split file `usreview index` writes (usreview-splits.json
in the dataset folder), so training, the app and the reader studies agree on
which cases are held out.
"""
import json
import os
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

ORGANS = ("thyroid", "carotid", "liver", "kidney", "breast")
SPLIT_FILE = "usreview-splits.json"


class DataError(ValueError):
    """A dataset problem; the message names the file and what to do."""


@dataclass
class PairedImages:
    """uint8 tensors [N, 1, H, W]; `ids` in the same order."""
    ids: list
    low: torch.Tensor
    high: torch.Tensor

    def __len__(self):
        return len(self.ids)


def train_folder(root):
    """`root` itself if it holds organ folders, else `root/train_datasets`."""
    candidate = os.path.join(root, "train_datasets")
    return candidate if os.path.isdir(candidate) else root


def read_split(root, split_file=None):
    path = split_file or os.path.join(root, SPLIT_FILE)
    if not os.path.exists(path):
        raise DataError(f"{path}: no split file; run `usreview index {root}` first, which draws and writes it")
    try:
        with open(path) as file:
            cases = json.load(file)["cases"]
    except (ValueError, KeyError) as error:
        raise DataError(f"{path}: not a usreview split file ({error}); re-create it with `usreview index`") from None
    return {case_id: ("validation" if split == "val" else split) for case_id, split in cases.items()}


def load_split(root, split, split_file=None, limit=None):
    """The paired cases of one split ('train', 'validation' or 'test'), sorted by ID."""
    assignments = read_split(root, split_file)
    folder = train_folder(root)
    ids, lows, highs = [], [], []
    for organ in ORGANS:
        high_folder = os.path.join(folder, organ, "high_quality")
        if not os.path.isdir(high_folder):
            continue
        for name in sorted(os.listdir(high_folder)):
            case_id, extension = os.path.splitext(name)
            low_path = os.path.join(folder, organ, "low_quality", name)
            if extension.lower() != ".png" or assignments.get(case_id) != split or not os.path.exists(low_path):
                continue
            ids.append(case_id)
            highs.append(_read_gray(os.path.join(high_folder, name)))
            lows.append(_read_gray(low_path))
    order = sorted(range(len(ids)), key=lambda k: ids[k])[:limit]
    if not order:
        raise DataError(f"{root}: no paired cases in split '{split}'")
    shapes = {lows[k].shape for k in order} | {highs[k].shape for k in order}
    if len(shapes) != 1:
        raise DataError(f"{root}: images of several sizes {sorted(shapes)}; the recipe trains on one size")
    stack = lambda images: torch.from_numpy(np.stack([images[k] for k in order]))[:, None]
    return PairedImages([ids[k] for k in order], stack(lows), stack(highs))


def _read_gray(path):
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"), dtype=np.uint8).copy()
    except OSError as error:
        raise DataError(f"{path}: not a readable PNG ({error}); re-create or remove it") from None


def to_unit_range(pixels):
    """uint8 → float in [−1, 1] by x/127.5 − 1, as the Swift engine feeds the generator."""
    return pixels.float() / 127.5 - 1


def to_pixels(values):
    """[−1, 1] → uint8 by round((y + 1)·127.5), clamped, as the Swift engine writes PNGs."""
    return ((values + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
