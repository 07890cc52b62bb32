"""Each loss term on tensors small enough to work out by hand."""
import json
import os

import pytest

from helpers import FIXTURES, TORCH_MISSING, lpips_weights_path

torch = pytest.importorskip("torch", reason=TORCH_MISSING)
from usreview_training import losses  # noqa: E402


def t(*values):
    return torch.tensor(values, dtype=torch.float32)


def test_paper_weights_and_ablation_variants():
    assert losses.LossWeights() == losses.LossWeights(adversarial=1, cycle=10, l1=2, perceptual=10)
    assert losses.LossWeights.variant("full") == losses.LossWeights()
    assert losses.LossWeights.variant("l1").perceptual == 0 and losses.LossWeights.variant("l1").l1 == 2
    plain = losses.LossWeights.variant("cyclegan")
    assert (plain.l1, plain.perceptual, plain.cycle, plain.adversarial) == (0, 0, 10, 1)
    with pytest.raises(ValueError, match="unknown loss variant"):
        losses.LossWeights.variant("bogus")


def test_adversarial_loss_is_least_squares_towards_one():
    # MSE(1, [1, 0]) = 0.5 and MSE(1, [0.5]) = 0.25.
    assert losses.adversarial_loss(t(1, 0), t(0.5)).item() == pytest.approx(0.75)


def test_cycle_loss_sums_both_directions():
    # |[0,1] − [0.5,1]| mean 0.25, |[1,1] − [0,1]| mean 0.5.
    assert losses.cycle_loss(t(0, 1), t(0.5, 1), t(1, 1), t(0, 1)).item() == pytest.approx(0.75)


def test_paired_l1_compares_each_output_with_its_reference():
    # |[−1, 1] − [1, 1]| mean 1; |[0, 0] − [0, 0.5]| mean 0.25.
    assert losses.paired_l1_loss(t(-1, 1), t(1, 1), t(0, 0), t(0, 0.5)).item() == pytest.approx(1.25)


def test_discriminator_loss_halves_real_and_fake_terms():
    assert losses.discriminator_loss(t(1, 1), t(0, 0), 1.0).item() == pytest.approx(0.0)
    # Real scores 1 against the smoothed target 0.9: 0.5 · 0.01; fake scores 1 against 0: 0.5 · 1.
    assert losses.discriminator_loss(t(1), t(1), 0.9).item() == pytest.approx(0.505)
    assert losses.discriminator_loss(t(1), t(0), torch.tensor(0.9)).item() == pytest.approx(0.005)


@pytest.mark.parametrize("high, low, expected", [(0.5, 0.5, 1.0), (0.95, 0.5, 0.9), (0.5, 0.9, 0.9), (0.89, 0.899, 1.0),
                                                 (1.2, 1.3, 0.9)])
def test_label_smoothing_rule(high, low, expected):
    assert losses.real_target(high, low) == expected
    assert losses.real_target(torch.tensor(high), torch.tensor(low)).item() == pytest.approx(expected)


# `make test` installs the weights and sets USREVIEW_REQUIRE_LPIPS=1: there a missing file fails.
lpips_available = os.path.exists(lpips_weights_path()) or os.environ.get("USREVIEW_REQUIRE_LPIPS") == "1"
needs_lpips = pytest.mark.skipif(not lpips_available,
                                 reason="LPIPS weights missing: run scripts/fetch-lpips-weights (or set LPIPS=path)")


@needs_lpips
def test_perceptual_loss_matches_the_lpips_package():
    """The torch LPIPS against ../shared/golden/lpips_alex.json (the lpips package, float64)."""
    from PIL import Image
    import numpy as np
    from usreview_training.lpips_alex import LPIPS
    lpips = LPIPS(lpips_weights_path()).double()
    folder = os.path.join(FIXTURES, "MetricsTests", "Fixtures")
    with open(os.path.join(folder, "lpips_alex.json")) as file:
        pairs = json.load(file)["pairs"]
    load = lambda name: torch.from_numpy(np.asarray(Image.open(os.path.join(folder, "lpips", name)).convert("L"),
                                                    dtype=np.float64) / 127.5 - 1)[None, None]
    for pair in pairs:
        distance = lpips(load(pair["a"]), load(pair["b"])).item()
        assert distance == pytest.approx(pair["lpips_alex_v0.1"], abs=1e-4), pair


@needs_lpips
def test_perceptual_loss_is_zero_for_identical_images_and_has_gradients():
    from usreview_training.lpips_alex import LPIPS
    lpips = LPIPS(lpips_weights_path())
    high = torch.rand(2, 1, 64, 64) * 2 - 1
    fake = (high + 0.3 * torch.randn_like(high)).requires_grad_()
    assert losses.perceptual_loss(lpips, high, high, high, high).item() == pytest.approx(0, abs=1e-6)
    loss = losses.perceptual_loss(lpips, high, fake, high, high)
    loss.backward()
    assert loss.item() > 0.01 and fake.grad.abs().sum().item() > 0
    assert all(not parameter.requires_grad for parameter in lpips.parameters())
