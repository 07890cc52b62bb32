"""Writes a run's low→high generator (G_H) as the safetensors file the app loads.

    python3 -m usreview_training.export runs/full/checkpoint.pt models/demo.safetensors --dtype f16

The keys are the generator's state_dict keys (pix2pix naming); the metadata says
what it is and where it came from (architecture, ngf, epochs, data, git commit).
"""
import argparse
import datetime
import subprocess
import sys

import torch

from . import safetensors_file

DTYPES = {"f32": torch.float32, "f16": torch.float16}


def generator_metadata(config, epochs, validation, commit):
    return {"format": "pt", "architecture": f"unet_{2 ** config['num_downs']}", "generator": "G_H (low to high)",
            "ngf": config["ngf"], "num_downs": config["num_downs"], "loss_variant": config["variant"],
            "epochs": epochs, "batch": config["batch"], "lr": config["lr"],
            "data": config.get("data_description") or config["data"],
            "train_pairs": config["train_pairs"], "device": config["device_name"], "torch": config["torch"],
            "validation": ", ".join(f"{key} {value:.4f}" for key, value in (validation or {}).items()),
            "git_commit": commit, "exported": datetime.date.today().isoformat()}


def export_state(state, path, dtype="f16", metadata=None):
    """Writes a G_H state_dict; floating tensors converted to `dtype`."""
    tensors = {name: value.to(DTYPES[dtype]) if value.is_floating_point() else value for name, value in state.items()}
    safetensors_file.write(path, tensors, metadata)


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m usreview_training.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="f16")
    parser.add_argument("--data-description", help="what the model was trained on, for the metadata")
    parser.add_argument("--commit", default=None, help="git commit of the recipe (default: git rev-parse HEAD)")
    parser.add_argument("--metadata", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra metadata entry (e.g. schedule=…); repeatable")
    args = parser.parse_args(argv)
    saved = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    config = dict(saved["config"])
    if args.data_description:
        config["data_description"] = args.data_description
    metadata = generator_metadata(config, saved["epoch"], saved.get("validation"), args.commit or git_commit())
    for entry in args.metadata:
        key, separator, value = entry.partition("=")
        if not separator:
            parser.error(f"--metadata {entry!r}: expected KEY=VALUE")
        metadata[key] = value
    export_state(saved["trainer"]["g_high"], args.output, args.dtype, metadata)
    print(f"wrote {args.output}: G_H, {metadata['architecture']} ngf {metadata['ngf']}, "
          f"{saved['epoch']} epochs, {args.dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
