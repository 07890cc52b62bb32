"""The networks of the recipe: the UNet generator and the PatchGAN discriminator.

The generator's state_dict keys are those of the pix2pix/CycleGAN reference code
(`model.model.0.weight`, `model.model.1.model.1.weight`, …), which is what the
Swift loader reads; ../shared/golden/unet_ngf8_keys.json lists them.

    UNet, num_downs = 8 (unet_256), drawn outermost first:

    x ─ conv ──────────────────────────────────────────── relu·upconv·tanh ─ y
          └ lrelu·conv·IN ─────────────────────── relu·upconv·IN ┘   (ngf → 2ngf)
               └ lrelu·conv·IN ───────────── relu·upconv·IN ┘        (2ngf → 4ngf)
                    └ lrelu·conv·IN ─── relu·upconv·IN ┘             (4ngf → 8ngf)
                         └ … num_downs − 5 blocks at 8ngf, dropout 0.5 …
                              └ lrelu·conv ─ relu·upconv·IN ┘        (innermost, 1×1)

    Every block but the outermost returns cat(input, block(input)): the skip.
"""
import functools

import torch
from torch import nn


def instance_norm(channels):
    """Per-image statistics, no affine, no running buffers: what the Swift engine computes."""
    return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)


class UnetSkipBlock(nn.Module):
    """One level of the UNet: down, the inner levels, up, and the skip around them."""

    def __init__(self, outer, inner, inner_block=None, in_channels=None,
                 outermost=False, innermost=False, dropout=False):
        super().__init__()
        self.outermost = outermost
        in_channels = outer if in_channels is None else in_channels
        # Instance norm has no affine shift, so the convolutions keep their bias.
        down = nn.Conv2d(in_channels, inner, kernel_size=4, stride=2, padding=1, bias=True)
        if outermost:
            up = nn.ConvTranspose2d(inner * 2, outer, kernel_size=4, stride=2, padding=1)
            layers = [down, inner_block, nn.ReLU(True), up, nn.Tanh()]
        elif innermost:
            up = nn.ConvTranspose2d(inner, outer, kernel_size=4, stride=2, padding=1, bias=True)
            layers = [nn.LeakyReLU(0.2, True), down, nn.ReLU(True), up, instance_norm(outer)]
        else:
            up = nn.ConvTranspose2d(inner * 2, outer, kernel_size=4, stride=2, padding=1, bias=True)
            layers = [nn.LeakyReLU(0.2, True), down, instance_norm(inner),
                      inner_block, nn.ReLU(True), up, instance_norm(outer)]
            if dropout:
                layers.append(nn.Dropout(0.5))  # appended last, so no key index shifts
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    """pix2pix's UNet: `num_downs` halvings (8 for 256×256 inputs), `ngf` first-layer channels."""

    def __init__(self, in_channels=1, out_channels=1, num_downs=8, ngf=64, dropout=True):
        super().__init__()
        if num_downs < 5:
            raise ValueError(f"a UNet needs at least 5 down-samplings, got {num_downs}")
        block = UnetSkipBlock(ngf * 8, ngf * 8, innermost=True)
        for _ in range(num_downs - 5):
            block = UnetSkipBlock(ngf * 8, ngf * 8, block, dropout=dropout)
        block = UnetSkipBlock(ngf * 4, ngf * 8, block)
        block = UnetSkipBlock(ngf * 2, ngf * 4, block)
        block = UnetSkipBlock(ngf, ngf * 2, block)
        self.model = UnetSkipBlock(out_channels, ngf, block, in_channels=in_channels, outermost=True)
        self.num_downs = num_downs
        self.ngf = ngf

    def forward(self, x):
        return self.model(x)


class PatchDiscriminator(nn.Module):
    """PatchGAN with 70×70 receptive fields: a 30×30 map of real/fake scores for 256×256.

    Spectral normalisation on every convolution bounds each layer's Lipschitz
    constant, which stands in for the reference code's instance norm and steadies
    the least-squares game.

        x ─ conv4/2 (ndf) ─ lrelu ─ conv4/2 (2ndf) ─ lrelu ─ conv4/2 (4ndf) ─ lrelu
          ─ conv4/1 (8ndf) ─ lrelu ─ conv4/1 (1) ─ score map
    """

    def __init__(self, in_channels=1, ndf=64):
        super().__init__()
        sn = nn.utils.spectral_norm
        lrelu = functools.partial(nn.LeakyReLU, 0.2, True)
        self.model = nn.Sequential(
            sn(nn.Conv2d(in_channels, ndf, 4, stride=2, padding=1)), lrelu(),
            sn(nn.Conv2d(ndf, ndf * 2, 4, stride=2, padding=1)), lrelu(),
            sn(nn.Conv2d(ndf * 2, ndf * 4, 4, stride=2, padding=1)), lrelu(),
            sn(nn.Conv2d(ndf * 4, ndf * 8, 4, stride=1, padding=1)), lrelu(),
            sn(nn.Conv2d(ndf * 8, 1, 4, stride=1, padding=1)),
        )

    def forward(self, x):
        return self.model(x)


def receptive_field(module):
    """The receptive field of a stack of convolutions, in input pixels."""
    field, jump = 1, 1
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            field += (layer.kernel_size[0] - 1) * jump
            jump *= layer.stride[0]
    return field


def init_weights(network, gain=0.02, seed=None):
    """The reference code's normal(0, 0.02) initialisation, biases zero."""
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    for layer in network.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            weight = getattr(layer, "weight_orig", layer.weight)
            with torch.no_grad():
                weight.copy_(torch.randn(weight.shape, generator=generator) * gain)
                if layer.bias is not None:
                    layer.bias.zero_()
    return network
