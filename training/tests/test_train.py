"""The training loop on a tiny dataset: an epoch runs, logs, checkpoints and resumes."""
import json
import math
import os
import types

import pytest

from helpers import TORCH_MISSING, lpips_weights_path, write_tiny_dataset

torch = pytest.importorskip("torch", reason=TORCH_MISSING)
from usreview_training import data, train  # noqa: E402


def lpips_required_or_present():
    """`make test` (USREVIEW_REQUIRE_LPIPS=1) trains the full variant: missing weights fail there."""
    return os.path.exists(lpips_weights_path()) or os.environ.get("USREVIEW_REQUIRE_LPIPS") == "1"


def arguments(tmp_path, **overrides):
    argv = ["--data", str(tmp_path / "data"), "--out", str(tmp_path / "run"), "--ngf", "2", "--ndf", "4",
            "--num-downs", "6", "--epochs", "1", "--batch", "2", "--device", "cpu",
            "--variant", "full" if lpips_required_or_present() else "l1", "--lpips", lpips_weights_path()]
    args = train.parse_arguments(argv)
    for key, value in overrides.items():
        setattr(args, key, value)
    return args


def test_split_file_is_honoured_and_a_missing_one_says_what_to_run(tmp_path):
    root = write_tiny_dataset(str(tmp_path / "data"))
    train_pairs, validation = data.load_split(root, "train"), data.load_split(root, "validation")
    assert len(train_pairs) == 6 and len(validation) == 2  # "val" is read as validation
    assert not set(train_pairs.ids) & set(validation.ids)
    assert train_pairs.low.shape == (6, 1, 64, 64) and train_pairs.low.dtype == torch.uint8
    os.remove(os.path.join(root, "usreview-splits.json"))
    with pytest.raises(data.DataError, match="usreview index"):
        data.load_split(root, "train")


def test_an_epoch_logs_validation_metrics_checkpoints_and_resumes(tmp_path):
    write_tiny_dataset(str(tmp_path / "data"))
    train.run(arguments(tmp_path), log=lambda line: None)
    log = [json.loads(line) for line in open(tmp_path / "run" / "log.jsonl")]
    assert [record["epoch"] for record in log] == [1]
    assert log[0]["steps"] == 3 and set(log[0]["validation"]) == {"psnr", "ssim", "lncc"}
    assert log[0]["loss"]["real_target"] in (pytest.approx(1.0), pytest.approx(0.9))
    first = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=False)
    train.run(arguments(tmp_path, resume=True, epochs=2), log=lambda line: None)
    log = [json.loads(line) for line in open(tmp_path / "run" / "log.jsonl")]
    assert [record["epoch"] for record in log] == [1, 2]  # epoch 1 was not redone
    second = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=False)
    name = "model.model.0.weight"
    assert not torch.equal(first["trainer"]["g_high"][name], second["trainer"]["g_high"][name])


def test_time_budget_scales_epochs_and_the_step_schedule():
    args = types.SimpleNamespace(epochs=300, lr_step=100, time_budget=60)
    assert train._plan_for_budget(args, epoch_seconds=2.0, seconds=2.0) == {"epochs": 30, "lr_step": 10, "planned": True}
    assert train._plan_for_budget(args, epoch_seconds=0.1, seconds=0.1)["epochs"] == 300
    assert train._plan_for_budget(args, epoch_seconds=100, seconds=100)["epochs"] == 1


@pytest.mark.skipif(not torch.cuda.is_available(),
                    reason="needs a CUDA GPU: fp16 autocast and gradient scaling run only there (the CPU epoch is tested above)")
def test_an_epoch_on_the_gpu_uses_fp16_autocast_and_gradient_scaling(tmp_path):
    write_tiny_dataset(str(tmp_path / "data"))
    train.run(arguments(tmp_path, device="cuda"), log=lambda line: None)
    record = json.loads(open(tmp_path / "run" / "log.jsonl").readline())
    assert all(math.isfinite(value) for value in record["loss"].values()), record["loss"]
    saved = torch.load(tmp_path / "run" / "checkpoint.pt", map_location="cpu", weights_only=False)
    assert saved["trainer"]["scaler"]["scale"] > 0, "the gradient scaler was enabled"
