#!/usr/bin/env bash
# Do two oneDNN levels train the same networks to the same numbers? Trains every network of the zoo
# for a few epochs on the IMM faces with the same seed at each level (./keypoints train, 2 threads)
# and prints, per network and epoch, the training loss and the validation mean error at each level
# and their relative difference. Between SSE41 (default layout) and AVX512_CORE (each network in
# the layout the library chose for it there) only the order of the floating-point sums differs,
# so a right level agrees to rounding; a wrong convolution (docs/performance.md) does not.
#
#   bench/level_agreement.sh ../shared/data/imm_face_db [OUT_DIR] [EPOCHS] [LEVELS] [MODELS]
#
# Defaults: OUT_DIR runs/level-agreement, 2 epochs, levels SSE41,AVX512_CORE, every network. A
# level written LEVEL:cl runs with -Dkeypoints.channelsLast=true (SSE41:cl: the channels-last
# networks at SSE41, whose kernels are right, shows how far rounding alone moves a run).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:?usage: bench/level_agreement.sh IMM_DIR [OUT_DIR] [EPOCHS] [LEVELS] [MODELS]}"
out="${2:-runs/level-agreement}"
epochs="${3:-2}"
levels="${4:-SSE41,AVX512_CORE}"
models="${5:-nose-tip,imm58,landmark-cnn,heatmap,resnet18}"
mkdir -p "$out"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in ${models//,/ }; do
  for isa in ${levels//,/ }; do
    t0=$(date +%s)
    opts="${KEYPOINTS_JAVA_OPTS:-}"
    case "$isa" in *:cl) opts="$opts -Dkeypoints.channelsLast=true" ;; esac
    ONEDNN_MAX_CPU_ISA="${isa%:cl}" KEYPOINTS_JAVA_OPTS="$opts" KEYPOINTS_THREADS=2 ./keypoints train --model "$model" \
      --data "$data" --epochs "$epochs" --seed 1 --threads 2 --out "$out/$model-$isa" \
      > "$out/$model-$isa.log" 2>&1 \
      || { echo "$model at $isa failed: see $out/$model-$isa.log" >&2; exit 1; }
    echo "$model at $isa: $(( $(date +%s) - t0 )) s"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$levels" "$models" <<'PY'
import csv, sys
out, levels, models = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
def rows(model, isa):
    with open(f"{out}/{model}-{isa}/history.csv") as f:
        return list(csv.DictReader(f))
base = levels[0]
print(f"{'network':<13} {'epoch':>5} {'level':<12} {'train loss':>12} {'val mean px':>12}"
      f" {'rel. diff loss':>15} {'rel. diff px':>13} {'epoch s':>8}")
worst = 0.0
for model in models:
    ref = rows(model, base)
    for isa in levels:
        for r0, r in zip(ref, rows(model, isa)):
            dl = abs(float(r["train_loss"]) - float(r0["train_loss"])) / abs(float(r0["train_loss"]))
            dp = abs(float(r["val_mean_px"]) - float(r0["val_mean_px"])) / abs(float(r0["val_mean_px"]))
            worst = max(worst, dl, dp)
            print(f"{model:<13} {r['epoch']:>5} {isa:<12} {float(r['train_loss']):>12.6g}"
                  f" {float(r['val_mean_px']):>12.6g} {dl:>15.2e} {dp:>13.2e}"
                  f" {float(r['seconds']):>8.2f}")
print(f"largest relative difference from {base}: {worst:.2e}")
PY
