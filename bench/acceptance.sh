#!/usr/bin/env bash
# Acceptance runs of issue 3 on the real IMM data (a benchmark, not a test).
#   bench/acceptance.sh nose       nose-tip reference recipe, seeds 0-2, PyTorch and MXNet
#   bench/acceptance.sh imm58      58-point reference recipe at 120x90, 70 epochs, seeds 0-2 ($ENGINE, default MXNet)
#   bench/acceptance.sh improved   the improved 58-point recipe (cosine, Wing, standardised input,
#                                  epochs chosen on held-out training persons 29-32), seeds 0-2
#   bench/acceptance.sh ablation   seed 0: cosine alone; cosine + Wing; standardised input alone
#   bench/acceptance.sh table      only rewrite docs/results-training.md from the collected JSON
# Every run uses $THREADS engine threads (default 1: two runs side by side use the 2 cores better
# than one run with 2 threads on these small networks).
# Run folders and logs go to $RUNS (default runs/ in the repository, ignored by git); every finished
# run appends its --json line to $RUNS/results.jsonl, from which the table is written.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${DATA:-$root/../shared/data/imm_face_db}"
runs="${RUNS:-$root/runs}"
mkdir -p "$runs"
what="${1:-nose}"
seeds="${SEEDS:-0 1 2}"

run() { # name engine seed args...
  local name="$1" engine="$2" seed="$3"; shift 3
  local out="$runs/$name-$engine-seed$seed"
  echo "== $name $engine seed $seed -> $out" >&2
  local cmd=("${KEYPOINTS:-$root/keypoints}" train --data "$data" --engine "$engine" --seed "$seed" --threads "${THREADS:-1}" --out "$out" --json "$@")
  echo "${cmd[*]}" > "$out.cmd"
  if KEYPOINTS_THREADS="${THREADS:-1}" "${cmd[@]}" > "$out.log" 2> "$out.err"; then
    tail -n 1 "$out.log" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["run"]=sys.argv[1]; print(json.dumps(d))' "$name" >> "$runs/results.jsonl"
  else
    echo "run $out failed, see $out.err" >&2
  fi
}

imm58="--model imm58 --input 120x90 --epochs 70 --batch 32 --lr 1e-3 --augment on"
improved="--cosine 1e-5 --loss wing --normalize dataset --select-persons 4 --keep-best"

case "$what" in
  nose)
    for engine in ${ENGINES:-PyTorch MXNet}; do
      for s in $seeds; do
        run nose-ref "$engine" "$s" --model nose-tip --input 80x60 --epochs 25 --batch 15 --lr 1e-3 --loss mse --augment off
      done
    done ;;
  imm58)
    for s in $seeds; do
      run imm58-ref "${ENGINE:-MXNet}" "$s" $imm58 --loss mse
    done ;;
  improved)
    for s in $seeds; do
      run imm58-improved "${ENGINE:-MXNet}" "$s" $imm58 $improved
    done ;;
  ablation)
    run imm58-ablation-cosine "${ENGINE:-MXNet}" 0 $imm58 --loss mse --cosine 1e-5
    run imm58-ablation-cosine+wing "${ENGINE:-MXNet}" 0 $imm58 --loss wing --cosine 1e-5
    run imm58-ablation-normalize "${ENGINE:-MXNet}" 0 $imm58 --loss mse --normalize dataset ;;
  table) ;;
  *) echo "usage: $0 nose|imm58|improved|ablation|table" >&2; exit 2 ;;
esac
python3 "$root/bench/results_table.py" "$runs/results.jsonl" "$root/docs/results-training.md"
