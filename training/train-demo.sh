#!/bin/bash
# Trains the demo model and its ablation: the three loss variants (plain CycleGAN,
# + L1, + perceptual = the paper's method) side by side on one GPU, each in the
# same time budget, then exports each G_H as F16 safetensors.
#
#   training/train-demo.sh DATA OUT [BUDGET_SECONDS] [NGF]
#
# DATA: a folder from `usreview synth` that `usreview index` has split.
# LPIPS weights: $LPIPS, else the user data folder's (scripts/fetch-lpips-weights).
set -euo pipefail
data=$(realpath "$1") out=$(realpath -m "$2") budget=${3:-360} ngf=${4:-16}
lpips=${LPIPS:-${XDG_DATA_HOME:-$HOME/.local/share}/usreview/lpips_alex.safetensors}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
cd "$(dirname "$0")"
mkdir -p "$out"
pairs=$(find "$data" -path '*high_quality/*.png' | wc -l)
description="synthetic B-mode phantom pairs from usreview synth ($pairs pairs, all five organs), not clinical images"
for variant in cyclegan l1 full; do
    python3 -m usreview_training.train --data "$data" --out "$out/$variant" --variant "$variant" \
        --ngf "$ngf" --batch "${BATCH:-4}" --time-budget "$budget" --lpips "$lpips" >"$out/$variant.log" 2>&1 &
done
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
tail -n 3 "$out"/*.log
[ "$status" = 0 ] || { echo "a training run failed; see $out/*.log" >&2; exit 1; }
for variant in cyclegan l1 full; do
    python3 -m usreview_training.export "$out/$variant/checkpoint.pt" "$out/$variant.safetensors" --dtype f16 \
        --commit "$commit" --data-description "$description"
done
