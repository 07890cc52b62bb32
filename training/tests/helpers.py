"""Shared test helpers: where the repository's fixtures and the LPIPS weights are."""
import json
import os

import numpy as np

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPOSITORY, "Tests")
TORCH_MISSING = ("PyTorch is not installed here: the training tests run where it is "
                 "(pip install -r training/requirements.txt, or on the GPU machine)")


def lpips_weights_path():
    explicit = os.environ.get("LPIPS")
    if explicit:
        return explicit
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "usreview", "lpips_alex.safetensors")


def write_tiny_dataset(root, pairs_per_organ=4, size=64, seed=0):
    """A USEnhance-layout folder of random paired images and its split file, made without Swift."""
    from PIL import Image
    random = np.random.default_rng(seed)
    cases = {}
    number = 1
    for organ in ("thyroid", "carotid"):
        for _ in range(pairs_per_organ):
            case_id = f"{number:04d}"
            high = random.integers(0, 256, (size, size), dtype=np.uint8)
            low = (high // 2 + random.integers(0, 64, (size, size))).astype(np.uint8)
            for kind, pixels in (("high_quality", high), ("low_quality", low)):
                folder = os.path.join(root, "train_datasets", organ, kind)
                os.makedirs(folder, exist_ok=True)
                Image.fromarray(pixels).save(os.path.join(folder, f"{case_id}.png"))
            cases[case_id] = "train" if number % 4 else "val"
            number += 1
    with open(os.path.join(root, "usreview-splits.json"), "w") as file:
        json.dump({"format": "usreview-splits/1", "cases": cases}, file)
    return root
