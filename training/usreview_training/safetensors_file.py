"""safetensors files, read and written without the `safetensors` package.

The format is small (an 8-byte little-endian header length, a JSON header, raw
little-endian data), and writing it here keeps the recipe's dependencies to
torch, numpy and pillow. The Swift loader (Sources/Enhancer/Weights) reads what
this writes; the cross-language test checks that end to end.
"""
import json
import os
import struct

import numpy as np
import torch

_DTYPES = {
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
}
_NAMES = {dtype: name for name, (dtype, _) in _DTYPES.items()}


class SafeTensorsError(ValueError):
    """A file that is not a valid safetensors file; the message names the file."""


def write(path, tensors, metadata=None):
    """Writes `tensors` (name → tensor) in name order, atomically (temp file + rename).

    `metadata` values must be strings, as the format requires.
    """
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu").contiguous()
        if tensor.dtype not in _NAMES:
            raise SafeTensorsError(f"{path}: tensor {name} has unsupported dtype {tensor.dtype}")
        data = _tensor_bytes(tensor)
        header[name] = {"dtype": _NAMES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(key): str(value) for key, value in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the data starts 8-byte aligned
    temporary = f"{path}.partial"
    with open(temporary, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)))
        file.write(encoded)
        for chunk in chunks:
            file.write(chunk)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


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


def _tensor_bytes(tensor):
    # bfloat16 has no numpy dtype: reinterpret any tensor as raw bytes.
    return tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
