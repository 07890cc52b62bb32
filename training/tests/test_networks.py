"""Generator keys the Swift loader reads; the PatchGAN's shape, field and spectral norm."""
import json
import os

import pytest

from helpers import FIXTURES, TORCH_MISSING

torch = pytest.importorskip("torch", reason=TORCH_MISSING)
from usreview_training.networks import PatchDiscriminator, UnetGenerator, init_weights, receptive_field  # noqa: E402


def test_generator_keys_are_those_of_the_reference_code():
    with open(os.path.join(FIXTURES, "EnhancerTests", "Fixtures", "unet_ngf8_keys.json")) as file:
        expected = json.load(file)
    assert list(UnetGenerator(1, 1, num_downs=8, ngf=8).state_dict()) == expected


def test_generator_maps_256_to_256_in_tanh_range():
    generator = init_weights(UnetGenerator(1, 1, num_downs=8, ngf=4), seed=1).eval()
    with torch.no_grad():
        output = generator(torch.rand(2, 1, 256, 256) * 2 - 1)
    assert output.shape == (2, 1, 256, 256)
    assert output.abs().max().item() <= 1


def test_generator_has_dropout_only_in_the_deep_blocks():
    generator = UnetGenerator(1, 1, num_downs=8, ngf=4)
    dropouts = [module for module in generator.modules() if isinstance(module, torch.nn.Dropout)]
    assert len(dropouts) == 3  # num_downs − 5 blocks at 8·ngf


def test_patch_discriminator_gives_30_by_30_scores_with_70_pixel_fields():
    discriminator = PatchDiscriminator(1, ndf=8)
    assert discriminator(torch.rand(2, 1, 256, 256)).shape == (2, 1, 30, 30)
    assert receptive_field(discriminator) == 70


def test_every_discriminator_convolution_is_spectrally_normalised():
    discriminator = init_weights(PatchDiscriminator(1, ndf=8), gain=0.5, seed=2)
    convolutions = [m for m in discriminator.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convolutions) == 5 and all(hasattr(m, "weight_orig") and hasattr(m, "weight_u") for m in convolutions)
    for _ in range(300):  # power iterations run on each training-mode forward
        discriminator(torch.rand(1, 1, 64, 64))
    for module in convolutions:
        raw = module.weight_orig.detach().reshape(module.weight_orig.shape[0], -1)
        normalised = module.weight.detach().reshape(raw.shape[0], -1)
        assert torch.linalg.svdvals(raw)[0].item() > 1.5  # large before normalisation…
        assert torch.linalg.svdvals(normalised)[0].item() == pytest.approx(1.0, abs=0.05)  # …one after (σ is estimated from below)
