"""Validation metrics in torch, with the conventions of the Swift `Metrics` module
(Tests/MetricsTests/Fixtures/metrics_ref.json), computed per image on 8-bit values.

They steer training (logged each epoch); the numbers a model card quotes come from
`usreview eval`, the reference-checked implementation.
"""
import torch
from torch.nn import functional as F


def psnr(a, b):
    mse = ((a.double() - b.double()) ** 2).mean(dim=(1, 2, 3))
    return 10 * torch.log10(255.0 ** 2 / mse.clamp_min(1e-12))


def _gaussian_window(device, size=11, sigma=1.5):
    offsets = torch.arange(size, dtype=torch.float64, device=device) - size // 2
    line = torch.exp(-offsets ** 2 / (2 * sigma ** 2))
    line = line / line.sum()
    return (line[:, None] * line[None, :])[None, None]


def ssim(a, b):
    """Wang et al. 2004: 11×11 Gaussian σ 1.5, population moments, mean over valid positions."""
    a, b = a.double(), b.double()
    window = _gaussian_window(a.device)
    mean = lambda x: F.conv2d(x, window)
    mu_a, mu_b = mean(a), mean(b)
    var_a = mean(a * a) - mu_a ** 2
    var_b = mean(b * b) - mu_b ** 2
    cov = mean(a * b) - mu_a * mu_b
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    value = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return value.mean(dim=(1, 2, 3))


def lncc(a, b, window=9):
    """Mean over valid W×W box windows of the correlation, flat windows skipped."""
    a, b = a.double(), b.double()
    mean = lambda x: F.avg_pool2d(x, window, stride=1)
    mu_a, mu_b = mean(a), mean(b)
    var_a = mean(a * a) - mu_a ** 2
    var_b = mean(b * b) - mu_b ** 2
    cov = mean(a * b) - mu_a * mu_b
    valid = (var_a > 1e-10) & (var_b > 1e-10)
    r = torch.where(valid, cov / (var_a * var_b).clamp_min(1e-20).sqrt(), torch.zeros_like(cov))
    return r.sum(dim=(1, 2, 3)) / valid.sum(dim=(1, 2, 3)).clamp_min(1)


def summary(enhanced, high):
    """Mean PSNR, SSIM and LNCC of uint8 batches [N, 1, H, W]."""
    return {"psnr": psnr(enhanced, high).mean().item(),
            "ssim": ssim(enhanced, high).mean().item(),
            "lncc": lncc(enhanced, high).mean().item()}
