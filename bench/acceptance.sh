#!/usr/bin/env bash
# Acceptance runs of issue 3 on the real IMM data (a benchmark, not a test).
#   bench/acceptance.sh nose     nose-tip reference recipe, seeds 0-2, PyTorch and MXNet
#   bench/acceptance.sh imm58    58-point reference recipe at 120x90, 70 epochs, seeds 0-2, PyTorch
#   bench/acceptance.sh table    only rewrite docs/results-training.md from the collected JSON
# Run folders and logs go to $RUNS (default /work/runs, outside the repository); every finished
# run appends its --json line to $RUNS/results.jsonl, from which the table is written.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${DATA:-$root/../shared/data/imm_face_db}"
runs="${RUNS:-/work/runs}"
mkdir -p "$runs"
what="${1:-nose}"
seeds="${SEEDS:-0 1 2}"

run() { # name engine seed args...
  local name="$1" engine="$2" seed="$3"; shift 3
  local out="$runs/$name-$engine-seed$seed"
  echo "== $name $engine seed $seed -> $out" >&2
  local cmd=("${KEYPOINTS:-$root/keypoints}" train --data "$data" --engine "$engine" --seed "$seed" --out "$out" --json "$@")
  echo "${cmd[*]}" > "$out.cmd"
  if "${cmd[@]}" > "$out.log" 2> "$out.err"; then
    tail -n 1 "$out.log" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["run"]=sys.argv[1]; print(json.dumps(d))' "$name" >> "$runs/results.jsonl"
  else
    echo "run $out failed, see $out.err" >&2
  fi
}

case "$what" in
  nose)
    for engine in ${ENGINES:-PyTorch MXNet}; do
      for s in $seeds; do
        run nose-ref "$engine" "$s" --model nose-tip --input 80x60 --epochs 25 --batch 15 --lr 1e-3 --loss mse --augment off
      done
    done ;;
  imm58)
    for s in $seeds; do
      run imm58-ref "${ENGINE:-PyTorch}" "$s" --model imm58 --input 120x90 --epochs 70 --batch 32 --lr 1e-3 --loss mse ${AUGMENT_ARGS:---augment on}
    done ;;
  table) ;;
  *) echo "usage: $0 nose|imm58|table" >&2; exit 2 ;;
esac
python3 "$root/bench/results_table.py" "$runs/results.jsonl" "$root/docs/results-training.md"
