"""The exported file: keys, dtype and metadata; and the Swift engine reading it (cross-language)."""
import os
import subprocess

import pytest

from helpers import REPOSITORY, TORCH_MISSING

torch = pytest.importorskip("torch", reason=TORCH_MISSING)
from usreview_training import export, safetensors_file  # noqa: E402
from usreview_training.networks import UnetGenerator, init_weights  # noqa: E402

CONFIG = {"num_downs": 6, "ngf": 4, "variant": "full", "batch": 4, "lr": 3e-4, "data": "/tmp/x",
          "train_pairs": 8, "device_name": "cpu", "torch": torch.__version__}


def test_export_writes_f16_generator_keys_and_metadata(tmp_path):
    generator = init_weights(UnetGenerator(1, 1, num_downs=6, ngf=4), seed=3)
    path = tmp_path / "g.safetensors"
    metadata = export.generator_metadata(CONFIG, 12, {"ssim": 0.5}, "abc123")
    export.export_state(generator.state_dict(), str(path), "f16", metadata)
    tensors, read_metadata = safetensors_file.read(str(path))
    assert list(tensors) == sorted(generator.state_dict())
    assert all(value.dtype == torch.float16 for value in tensors.values())
    assert read_metadata["architecture"] == "unet_64" and read_metadata["epochs"] == "12"
    assert read_metadata["git_commit"] == "abc123" and read_metadata["ngf"] == "4"
    for name, value in generator.state_dict().items():
        assert torch.allclose(tensors[name].float(), value, atol=1e-3, rtol=1e-3), name


def test_reader_names_the_file_and_tensor_of_a_truncated_file(tmp_path):
    path = tmp_path / "g.safetensors"
    export.export_state(UnetGenerator(1, 1, num_downs=5, ngf=2).state_dict(), str(path), "f32")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(safetensors_file.SafeTensorsError, match=r"g\.safetensors: tensor .* offsets"):
        safetensors_file.read(str(path))


def _usreview_binary():
    binary = os.environ.get("USREVIEW_BINARY") or os.path.join(REPOSITORY, ".build", "debug", "usreview")
    return binary if os.access(binary, os.X_OK) else None


@pytest.mark.skipif(_usreview_binary() is None,
                    reason="no usreview binary: build it (swift build) or set USREVIEW_BINARY for the cross-language check")
def test_swift_engine_runs_the_exported_generator_like_pytorch(tmp_path):
    import numpy as np
    from PIL import Image
    generator = init_weights(UnetGenerator(1, 1, num_downs=6, ngf=4), seed=4).eval()
    model = tmp_path / "tiny.safetensors"
    export.export_state(generator.state_dict(), str(model), "f32", {"architecture": "unet_64"})
    pixels = np.random.default_rng(5).integers(0, 256, (64, 128), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "in.png")
    subprocess.run([_usreview_binary(), "enhance", "--model", str(model), str(tmp_path / "in.png"),
                    str(tmp_path / "out.png"), "--tensor-out", str(tmp_path / "out.safetensors")],
                   check=True, capture_output=True)
    swift = safetensors_file.read(str(tmp_path / "out.safetensors"))[0]["output"]
    with torch.no_grad():
        reference = generator(torch.from_numpy(pixels).float()[None, None] / 127.5 - 1)
    assert swift.shape == reference.shape == (1, 1, 64, 128)
    assert (swift - reference).abs().max().item() <= 2e-4
