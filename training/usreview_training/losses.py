"""The loss terms of the seed method, each a small function that can be checked by hand.

Generator: λadv·Ladv + λcycle·Lcycle + λL1·LL1 + λper·Lper (paper: 1, 10, 2, 10)
  Ladv   = MSE(1, D_H(G_H(L))) + MSE(1, D_L(G_L(H)))
  Lcycle = |H − G_H(G_L(H))|₁ + |L − G_L(G_H(L))|₁
  LL1    = |H − G_H(L)|₁ + |L − G_L(H)|₁
  Lper   = LPIPS(H, G_H(L)) + LPIPS(L, G_L(H))
Discriminators: least squares, real target 1.0 or 0.9 (one-sided label smoothing,
`real_target`), fake target 0.
"""
from dataclasses import dataclass

import torch
from torch.nn import functional as F


@dataclass(frozen=True)
class LossWeights:
    """The λs. The paper's method is the default; the ablation zeroes some."""
    adversarial: float = 1.0
    cycle: float = 10.0
    l1: float = 2.0
    perceptual: float = 10.0

    @staticmethod
    def variant(name):
        """'cyclegan' (adversarial + cycle), 'l1' (+ L1), 'full' (+ perceptual: the paper)."""
        variants = {"cyclegan": LossWeights(l1=0.0, perceptual=0.0),
                    "l1": LossWeights(perceptual=0.0),
                    "full": LossWeights()}
        if name not in variants:
            raise ValueError(f"unknown loss variant {name!r}; choose one of {', '.join(variants)}")
        return variants[name]


def least_squares(prediction, target):
    """MSE between a discriminator's score map and a constant target (a number or a 0-d tensor)."""
    return F.mse_loss(prediction, torch.as_tensor(target, dtype=prediction.dtype,
                                                  device=prediction.device).expand_as(prediction))


def adversarial_loss(score_fake_high, score_fake_low):
    return least_squares(score_fake_high, 1.0) + least_squares(score_fake_low, 1.0)


def cycle_loss(high, high_cycled, low, low_cycled):
    return F.l1_loss(high_cycled, high) + F.l1_loss(low_cycled, low)


def paired_l1_loss(high, fake_high, low, fake_low):
    return F.l1_loss(fake_high, high) + F.l1_loss(fake_low, low)


def perceptual_loss(lpips, high, fake_high, low, fake_low):
    return lpips(high, fake_high).mean() + lpips(low, fake_low).mean()


def real_target(mean_real_score_high, mean_real_score_low, threshold=0.9, smoothed=0.9):
    """One-sided label smoothing: 1.0 while both discriminators' mean scores on real
    images are below the threshold, else `smoothed`, so neither grows over-confident.
    Takes numbers, or 0-d tensors (then answers a tensor, so a GPU step never waits)."""
    if torch.is_tensor(mean_real_score_high):
        below = (mean_real_score_high < threshold) & (mean_real_score_low < threshold)
        return torch.where(below, torch.ones_like(mean_real_score_high),
                           torch.full_like(mean_real_score_high, smoothed)).float()
    return 1.0 if mean_real_score_high < threshold and mean_real_score_low < threshold else smoothed


def discriminator_loss(score_real, score_fake, target_real):
    """Least squares on real (towards target_real) and fake (towards 0), halved as in CycleGAN."""
    return 0.5 * (least_squares(score_real, target_real) + least_squares(score_fake, 0.0))
