"""Small numpy-only readers/writers: safetensors files and 8-bit gray PNGs.

Writers are atomic: they write a temporary file next to the target, fsync it, and
rename it into place, so an interrupted run never leaves a half-written file.
"""
import json
import os
import struct
import tempfile
import zlib

import numpy as np

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "U8": "u1"}


def atomic_write(path, chunks):
    """Writes an iterable of bytes-like chunks to `path` via temp file + rename."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- safetensors -------------------------------------------------------------------

def read_safetensors_header(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file (too short)")
        (n,) = struct.unpack("<Q", raw)
        if n > 100_000_000:
            raise ValueError(f"{path}: not a safetensors file (header length {n})")
        header = json.loads(f.read(n))
    return header, 8 + n


def read_safetensors(path, names=None):
    """Returns ({name: ndarray}, metadata). F16/BF16 are widened to float32."""
    header, start = read_safetensors_header(path)
    metadata = header.pop("__metadata__", {}) or {}
    out = {}
    with open(path, "rb") as f:
        for name, info in header.items():
            if names is not None and name not in names:
                continue
            a, b = info["data_offsets"]
            f.seek(start + a)
            buf = f.read(b - a)
            if len(buf) != b - a:
                raise ValueError(f"{path}: tensor {name} is truncated")
            dtype = info["dtype"]
            if dtype == "BF16":
                bits = np.frombuffer(buf, "<u2").astype(np.uint32) << 16
                arr = bits.view(np.float32)
            elif dtype in _DTYPES:
                arr = np.frombuffer(buf, _DTYPES[dtype])
                if dtype == "F16":
                    arr = arr.astype(np.float32)
            else:
                raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype}")
            out[name] = arr.reshape(info["shape"]).copy()
    return out, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: ndarray} (in the dict's order) as little-endian safetensors."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        code = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.float16): "F16"}.get(arr.dtype)
        if code is None:
            raise ValueError(f"tensor {name}: unsupported dtype {arr.dtype}")
        data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # align the data to 8 bytes, as the reference writer does
    atomic_write(path, [struct.pack("<Q", len(raw)), raw, *blobs])


# --- PNG -----------------------------------------------------------------------------

def _unfilter(data, width, height, bpp):
    stride = width * bpp
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    pos = 0
    for y in range(height):
        kind = data[pos]
        row = np.frombuffer(data, np.uint8, stride, pos + 1).astype(np.int32)
        pos += 1 + stride
        if kind == 0:
            cur = row
        elif kind == 2:
            cur = (row + prev) & 0xFF
        elif kind in (1, 3, 4):
            cur = row.copy()
            r, p = cur.tolist(), prev.tolist()
            for i in range(stride):
                a = r[i - bpp] if i >= bpp else 0
                if kind == 1:
                    pred = a
                elif kind == 3:
                    pred = (a + p[i]) >> 1
                else:
                    b = p[i]
                    c = p[i - bpp] if i >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                r[i] = (r[i] + pred) & 0xFF
            cur = np.array(r, np.int32)
        else:
            raise ValueError(f"bad PNG filter type {kind}")
        out[y] = cur
        prev = cur
    return out


def read_png_gray8(path):
    """Reads a non-interlaced 8-bit gray (or RGB, converted by BT.601 luma) PNG."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, ihdr = 8, [], None
    while pos < len(raw):
        (n,) = struct.unpack(">I", raw[pos:pos + 4])
        kind, body = raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise ValueError(f"{path}: PNG without IHDR")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {0: 1, 2: 3}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"{path}: only non-interlaced 8-bit gray/RGB PNGs are supported here")
    pixels = _unfilter(zlib.decompress(b"".join(idat)), width, height, channels)
    if channels == 1:
        return pixels
    rgb = pixels.reshape(height, width, 3).astype(np.int32)
    return ((299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2] + 500) // 1000).astype(np.uint8)


def write_png_gray8(path, image):
    image = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = image.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image], axis=1).tobytes()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    atomic_write(path, [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),
                        chunk(b"IDAT", zlib.compress(rows, 6)), chunk(b"IEND", b"")])
