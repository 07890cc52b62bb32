"""safetensors files as torch tensors, without the `safetensors` package.

Writing goes through the repository's numpy writer (scripts/lib/tensorio.py: name
order kept, 8-byte aligned data, atomic temp file + rename), so one piece of code
writes the format for the scripts and the recipe. Reading is our own because it keeps
each tensor's dtype (F16 stays F16) and checks every offset against the file. The
recipe needs torch, numpy and pillow only; the Swift loader (Sources/Enhancer/Weights)
reads what this writes, which the cross-language test checks end to end.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "scripts", "lib"))
import tensorio  # noqa: E402

_DTYPES = {
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
}


class SafeTensorsError(ValueError):
    """A file that is not a valid safetensors file; the message names the file."""


def write(path, tensors, metadata=None):
    """Writes `tensors` (name → F32 or F16 tensor) in name order, atomically.

    `metadata` values must be strings, as the format requires.
    """
    arrays = {}
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu").contiguous()
        if tensor.dtype not in (torch.float32, torch.float16):
            raise SafeTensorsError(f"{path}: tensor {name} has dtype {tensor.dtype}; write F32 or F16")
        arrays[name] = tensor.numpy()
    tensorio.write_safetensors(path, arrays, metadata)


def read(path):
    """Returns (name → tensor, metadata dict). Checks every offset against the file."""
    with open(path, "rb") as file:
        blob = file.read()
    if len(blob) < 8:
        raise SafeTensorsError(f"{path}: {len(blob)} bytes, too short for a safetensors header")
    (length,) = struct.unpack("<Q", blob[:8])
    if 8 + length > len(blob):
        raise SafeTensorsError(f"{path}: header length {length} runs past the end of the file")
    try:
        header = json.loads(blob[8:8 + length])
    except ValueError as error:
        raise SafeTensorsError(f"{path}: the header is not JSON ({error})") from None
    metadata = header.pop("__metadata__", {}) or {}
    data = memoryview(blob)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in _DTYPES:
            raise SafeTensorsError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
        dtype, size = _DTYPES[entry["dtype"]]
        start, end = entry["data_offsets"]
        count = int(np.prod(entry["shape"])) if entry["shape"] else 1
        if not 0 <= start <= end <= len(data) or end - start != count * size:
            raise SafeTensorsError(f"{path}: tensor {name} has offsets {start}..{end}, "
                                   f"which do not fit {count} × {size} bytes in {len(data)} data bytes")
        raw = torch.frombuffer(bytearray(data[start:end]), dtype=torch.uint8) if end > start else torch.empty(0, dtype=torch.uint8)
        tensors[name] = raw.view(dtype).reshape(entry["shape"]).clone()
    return tensors, metadata

