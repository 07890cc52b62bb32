"""The metrics as the reference packages compute them, with usreview's conventions.

SSIM: scikit-image's structural_similarity(data_range=255, gaussian_weights=True,
sigma=1.5, use_sample_covariance=False); PSNR: peak_signal_noise_ratio(data_range=255);
LNCC: a W×W box (scipy uniform_filter) over valid positions, population moments, the
mean of r where both variances exceed 1e-10. One copy for every script that scores
pairs (bench-metrics, phantom-registration-ceiling); the caller's venv provides numpy,
scipy, scikit-image and pillow.
"""
import numpy as np
from PIL import Image
from scipy.ndimage import uniform_filter
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def read_gray(path):
    with Image.open(path) as img:
        if img.mode != "L":
            img = img.convert("L")
        return np.asarray(img)


def lncc(a, b, window=9):
    x, y = a.astype(np.float64), b.astype(np.float64)
    h = window // 2
    crop = (slice(h, x.shape[0] - (window - 1 - h)), slice(h, x.shape[1] - (window - 1 - h)))
    mean = lambda t: uniform_filter(t, size=window, mode="constant")[crop]  # noqa: E731
    mx, my = mean(x), mean(y)
    vx, vy = mean(x * x) - mx * mx, mean(y * y) - my * my
    cxy = mean(x * y) - mx * my
    ok = (vx > 1e-10) & (vy > 1e-10)
    return float((cxy[ok] / np.sqrt(vx[ok] * vy[ok])).mean()) if ok.any() else 0.0


def scores(image, reference):
    """(SSIM, PSNR, LNCC with a 9×9 window) of `image` against `reference`."""
    ssim = structural_similarity(image, reference, data_range=255, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False)
    return float(ssim), float(peak_signal_noise_ratio(reference, image, data_range=255)), lncc(image, reference)
