#!/usr/bin/env bash
# Augmentation benchmark: Java (this library) and the Python OpenCV reference, side by side in one
# run (alternating rounds, best round of each kept), plus cached vs uncached IMM epoch times.
# usage: keypoints-data/bench/augmentation.sh [IMM_DIR] [SECONDS_PER_RATE] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
IMM="$(realpath "${1:-../shared/data/imm_face_db}")"
SECS="${2:-5}"
ROUNDS="${3:-3}"
PY=/usr/bin/python3
if ! "$PY" -c 'import cv2' 2>/dev/null; then
  apt-get install -y python3-opencv python3-numpy >/dev/null
fi
echo "# $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "# python opencv $("$PY" -c 'import cv2; print(cv2.__version__)'), java opencv 4.9.0 (openpnp); one thread each"
./mvnw -B -q -pl keypoints-data test-compile exec:java \
  -Dexec.mainClass=io.github.keypoints.data.augment.AugmentationBenchmark \
  -Dexec.classpathScope=test -Dai.djl.offline=true \
  -Dexec.args="--imm $IMM --seconds $SECS --rounds $ROUNDS --python $PY --reference keypoints-data/bench/augment_reference.py"
