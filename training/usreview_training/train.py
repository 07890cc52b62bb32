"""Trains the seed method: two UNet generators and two PatchGANs, paired losses on top.

    python3 -m usreview_training.train --data PHANTOMS --out runs/full --ngf 16

The data folder is a USEnhance layout with the split file `usreview index` writes.
Each epoch ends with validation metrics (one JSON line in OUT/log.jsonl) and a
checkpoint (OUT/checkpoint.pt, written atomically); `--resume` continues from it.
`--time-budget S` fits the run into S seconds: after the first epoch it plans how
many epochs fit and scales the step schedule to them (halving at a third and two
thirds, as 100 of 300 epochs does).
"""
import argparse
import contextlib
import itertools
import json
import math
import os
import sys
import time

import torch

from . import data, losses, metrics
from .lpips_alex import LPIPS
from .networks import PatchDiscriminator, UnetGenerator, init_weights


def default_lpips_path():
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "usreview", "lpips_alex.safetensors")


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m usreview_training.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="USEnhance-layout folder (e.g. from `usreview synth`)")
    parser.add_argument("--split-file", help="split file (default: DATA/usreview-splits.json)")
    parser.add_argument("--out", required=True, help="run folder: checkpoint.pt, log.jsonl, config.json")
    parser.add_argument("--variant", default="full", choices=["full", "l1", "cyclegan"],
                        help="full: the paper's losses; l1: without the perceptual term; cyclegan: adversarial + cycle")
    parser.add_argument("--ngf", type=int, default=64, help="generator width (first layer's channels)")
    parser.add_argument("--ndf", type=int, default=64, help="discriminator width")
    parser.add_argument("--num-downs", type=int, default=8, help="UNet halvings: 8 for 256×256 (unet_256)")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--lr-step", type=int, default=100, help="halve the learning rate every N epochs")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--lpips", default=default_lpips_path(), help="LPIPS AlexNet weights (scripts/fetch-lpips-weights)")
    parser.add_argument("--time-budget", type=float, help="seconds: fit the epochs and the schedule into this")
    parser.add_argument("--crop", type=int, help="train on random square crops of this size (default: whole images)")
    parser.add_argument("--limit", type=int, help="use only the first N training pairs (smoke tests)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--no-amp", action="store_true", help="train in float32 on the GPU too")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    return parser.parse_args(argv)


class Trainer:
    """The four networks, their two optimisers and schedules, and one training step."""

    def __init__(self, args, lpips):
        self.args = args
        self.device = torch.device(args.device)
        self.weights = losses.LossWeights.variant(args.variant)
        torch.manual_seed(args.seed)
        make_generator = lambda: UnetGenerator(1, 1, args.num_downs, args.ngf, dropout=True)
        self.g_high = init_weights(make_generator()).to(self.device)   # G_H: low → high
        self.g_low = init_weights(make_generator()).to(self.device)    # G_L: high → low
        self.d_high = init_weights(PatchDiscriminator(1, args.ndf)).to(self.device)
        self.d_low = init_weights(PatchDiscriminator(1, args.ndf)).to(self.device)
        self.lpips = lpips.to(self.device) if lpips is not None else None
        betas = (0.9, 0.999)
        self.optimizer_g = torch.optim.Adam(itertools.chain(self.g_high.parameters(), self.g_low.parameters()),
                                            lr=args.lr, betas=betas)
        self.optimizer_d = torch.optim.Adam(itertools.chain(self.d_high.parameters(), self.d_low.parameters()),
                                            lr=args.lr, betas=betas)
        self.schedules = [torch.optim.lr_scheduler.StepLR(optimizer, step_size=args.lr_step, gamma=0.5)
                          for optimizer in (self.optimizer_g, self.optimizer_d)]
        self.amp = self.device.type == "cuda" and not args.no_amp
        self.scaler = _grad_scaler(self.amp)

    def set_lr_step(self, step):
        for schedule in self.schedules:
            schedule.step_size = step

    def step(self, low, high):
        """One generator update, then one discriminator update. Returns the loss terms (tensors)."""
        w = self.weights
        autocast = (torch.autocast(device_type="cuda", dtype=torch.float16) if self.amp
                    else contextlib.nullcontext())
        _requires_grad([self.d_high, self.d_low], False)
        with autocast:
            fake_high, fake_low = self.g_high(low), self.g_low(high)
            terms = {"adversarial": losses.adversarial_loss(self.d_high(fake_high), self.d_low(fake_low)),
                     "cycle": losses.cycle_loss(high, self.g_high(fake_low), low, self.g_low(fake_high))}
            if w.l1:
                terms["l1"] = losses.paired_l1_loss(high, fake_high, low, fake_low)
            if w.perceptual:
                terms["perceptual"] = losses.perceptual_loss(self.lpips, high, fake_high, low, fake_low)
            loss_g = sum(getattr(w, name) * value for name, value in terms.items())
        self.optimizer_g.zero_grad(set_to_none=True)
        self.scaler.scale(loss_g).backward()
        self.scaler.step(self.optimizer_g)

        _requires_grad([self.d_high, self.d_low], True)
        with autocast:
            real_high, real_low = self.d_high(high), self.d_low(low)
            target = losses.real_target(real_high.detach().float().mean(), real_low.detach().float().mean())
            loss_d = (losses.discriminator_loss(real_high, self.d_high(fake_high.detach()), target)
                      + losses.discriminator_loss(real_low, self.d_low(fake_low.detach()), target))
        self.optimizer_d.zero_grad(set_to_none=True)
        self.scaler.scale(loss_d).backward()
        self.scaler.step(self.optimizer_d)
        self.scaler.update()
        terms.update(generator=loss_g, discriminator=loss_d, real_target=target)
        return {name: value.detach().float() if torch.is_tensor(value) else torch.tensor(value)
                for name, value in terms.items()}

    @torch.no_grad()
    def enhance(self, low_pixels, batch=16):
        """G_H in inference mode (dropout off, as the Swift engine runs it) on uint8 images."""
        self.g_high.eval()
        outputs = []
        for start in range(0, len(low_pixels), batch):
            x = data.to_unit_range(low_pixels[start:start + batch].to(self.device))
            outputs.append(data.to_pixels(self.g_high(x).float()).cpu())
        self.g_high.train()
        return torch.cat(outputs)

    def state(self):
        return {"g_high": self.g_high.state_dict(), "g_low": self.g_low.state_dict(),
                "d_high": self.d_high.state_dict(), "d_low": self.d_low.state_dict(),
                "optimizer_g": self.optimizer_g.state_dict(), "optimizer_d": self.optimizer_d.state_dict(),
                "schedules": [schedule.state_dict() for schedule in self.schedules],
                "scaler": self.scaler.state_dict()}

    def load_state(self, state):
        for name in ("g_high", "g_low", "d_high", "d_low", "optimizer_g", "optimizer_d", "scaler"):
            getattr(self, name).load_state_dict(state[name])
        for schedule, saved in zip(self.schedules, state["schedules"]):
            schedule.load_state_dict(saved)


def _grad_scaler(enabled):
    try:
        return torch.amp.GradScaler("cuda", enabled=enabled)
    except (AttributeError, TypeError):  # torch < 2.3
        return torch.cuda.amp.GradScaler(enabled=enabled)


def _requires_grad(networks, flag):
    for network in networks:
        for parameter in network.parameters():
            parameter.requires_grad_(flag)


def batches(pairs, batch, crop, generator, device):
    """Shuffled batches in [−1, 1], each pair flipped left–right together half the time."""
    order = torch.randperm(len(pairs), generator=generator)
    for start in range(0, len(order) - batch + 1, batch):
        index = order[start:start + batch]
        low, high = pairs.low[index].to(device), pairs.high[index].to(device)
        if crop:
            top = int(torch.randint(0, low.shape[2] - crop + 1, (1,), generator=generator))
            left = int(torch.randint(0, low.shape[3] - crop + 1, (1,), generator=generator))
            low, high = (x[:, :, top:top + crop, left:left + crop] for x in (low, high))
        flip = (torch.rand(len(index), generator=generator) < 0.5).view(-1, 1, 1, 1).to(device)
        low, high = (torch.where(flip, x.flip(3), x) for x in (low, high))
        yield data.to_unit_range(low), data.to_unit_range(high)


def save_atomically(payload, path):
    temporary = f"{path}.partial"
    torch.save(payload, temporary)
    os.replace(temporary, path)


def run(args, log=print):
    os.makedirs(args.out, exist_ok=True)
    train = data.load_split(args.data, "train", args.split_file, args.limit)
    validation = data.load_split(args.data, "validation", args.split_file)
    lpips = LPIPS(args.lpips) if losses.LossWeights.variant(args.variant).perceptual else None
    trainer = Trainer(args, lpips)
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    plan = {"epochs": args.epochs, "lr_step": args.lr_step, "planned": args.time_budget is None}
    first_epoch, elapsed_before = 1, 0.0
    if args.resume:
        if not os.path.exists(checkpoint_path):
            raise FileNotFoundError(f"{checkpoint_path}: nothing to resume; start without --resume")
        saved = torch.load(checkpoint_path, map_location=trainer.device, weights_only=False)
        trainer.load_state(saved["trainer"])
        plan, first_epoch, elapsed_before = saved["plan"], saved["epoch"] + 1, saved["seconds"]
        if args.time_budget is None:  # a plain resume may extend the run
            plan = {"epochs": args.epochs, "lr_step": args.lr_step, "planned": True}
            trainer.set_lr_step(args.lr_step)
        torch.set_rng_state(saved["rng"].cpu())  # map_location moved it
    generator = torch.Generator().manual_seed(args.seed + first_epoch)
    baseline = metrics.summary(validation.low, validation.high)
    config = dict(vars(args), train_pairs=len(train), validation_pairs=len(validation),
                  device_name=torch.cuda.get_device_name(trainer.device) if trainer.device.type == "cuda" else "cpu",
                  torch=torch.__version__, validation_low_vs_high=baseline)
    with open(os.path.join(args.out, "config.json"), "w") as file:
        json.dump(config, file, indent=1)
    log(f"train {len(train)} pairs, validation {len(validation)}; low vs high on validation: {_format(baseline)}")

    started = time.monotonic() - elapsed_before
    epoch = first_epoch
    while epoch <= plan["epochs"]:
        epoch_started = time.monotonic()
        sums, steps = {}, 0
        for low, high in batches(train, args.batch, args.crop, generator, trainer.device):
            for name, value in trainer.step(low, high).items():
                sums[name] = sums.get(name, 0) + value
            steps += 1
        for schedule in trainer.schedules:
            schedule.step()
        validation_scores = metrics.summary(trainer.enhance(validation.low), validation.high)
        epoch_seconds = time.monotonic() - epoch_started
        seconds = time.monotonic() - started
        if not plan["planned"]:
            plan = _plan_for_budget(args, epoch_seconds, seconds)
            trainer.set_lr_step(plan["lr_step"])
            log(f"time budget {args.time_budget:.0f} s, {epoch_seconds:.1f} s per epoch: "
                f"{plan['epochs']} epochs, learning rate halved every {plan['lr_step']}")
        record = {"epoch": epoch, "seconds": round(seconds, 1), "steps": steps,
                  "lr": trainer.optimizer_g.param_groups[0]["lr"],
                  "loss": {name: round(float(total) / max(steps, 1), 5) for name, total in sums.items()},
                  "validation": validation_scores}
        with open(os.path.join(args.out, "log.jsonl"), "a") as file:
            file.write(json.dumps(record) + "\n")
        log(f"epoch {epoch}/{plan['epochs']} {seconds:.0f} s  G {record['loss']['generator']:.3f}  "
            f"D {record['loss']['discriminator']:.3f}  validation {_format(validation_scores)}")
        save_atomically({"trainer": trainer.state(), "plan": plan, "epoch": epoch, "seconds": seconds,
                         "rng": torch.get_rng_state(), "config": config, "validation": validation_scores},
                        checkpoint_path)
        if args.time_budget and epoch < plan["epochs"] and seconds + epoch_seconds > args.time_budget * 1.05:
            log(f"stopping after epoch {epoch}: the next would overrun the time budget")
            break
        epoch += 1
    return checkpoint_path


def _plan_for_budget(args, epoch_seconds, seconds):
    epochs = max(1, min(args.epochs, math.floor(args.time_budget / max(epoch_seconds, 1e-3))))
    lr_step = max(1, round(epochs * args.lr_step / args.epochs))
    return {"epochs": epochs, "lr_step": lr_step, "planned": True}


def _format(scores):
    return "  ".join(f"{name} {value:.4f}" for name, value in scores.items())


def main(argv=None):
    args = parse_arguments(argv)
    try:
        run(args, log=lambda line: print(line, flush=True))
    except (data.DataError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
