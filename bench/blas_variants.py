#!/usr/bin/env python3
"""Times the inference reference under Debian's two OpenBLAS builds: the pthreads one (what
python3-torch gets by default once libopenblas0-pthread is installed) and the OpenMP one
(libopenblas0-openmp), which shares torch's OpenMP threads instead of starting its own.

    python3 bench/blas_variants.py [--runs 4] [--threads 2] [CASE ...]
    python3 bench/blas_variants.py --train [--runs 4] [--threads 2]

Each run is a fresh `infer_reference.py` process (CASE as there, MODEL:WxH:OUTPUTS; default the
nose-tip, landmark-cnn and 224x224 ResNet-18 cases), the variants alternating, with the launcher's
glibc and huge-page settings (as `./keypoints bench infer` gives its Python side) unless they are
set already. Prints per run and variant each case's median ms at batch 1 and images/s at batch 32,
and the BLAS library the process loaded. With --train each run is `train_step.py` instead (the
training step of `keypoints bench train`, imm58 and nose-tip), printing each case's median step
and its phases. Needs both packages:
`apt-get install -y libopenblas0-pthread libopenblas0-openmp`.
"""
import argparse
import json
import os
import subprocess
import sys

LIB = "/usr/lib/x86_64-linux-gnu"
VARIANTS = ("pthread", "openmp")
LAUNCHER_TUNABLES = ("glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:"
                     "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296:"
                     "glibc.malloc.arena_max=1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--train", action="store_true")
    ap.add_argument("cases", nargs="*",
                    default=["nose-tip:80x60:2", "landmark-cnn:64x64:136",
                             "resnet18:224x224:136"])
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    for variant in VARIANTS:
        if not os.path.exists("%s/openblas-%s/libblas.so.3" % (LIB, variant)):
            sys.exit("%s/openblas-%s is missing: apt-get install -y libopenblas0-%s"
                     % (LIB, variant, variant))
    n = str(args.threads)
    for run in range(args.runs):
        for variant in (VARIANTS if run % 2 == 0 else VARIANTS[::-1]):
            env = dict(os.environ, OMP_NUM_THREADS=n, OPENBLAS_NUM_THREADS=n, MKL_NUM_THREADS=n,
                       LD_LIBRARY_PATH="%s/openblas-%s" % (LIB, variant))
            env.setdefault("GLIBC_TUNABLES", LAUNCHER_TUNABLES)
            env.setdefault("THP_MEM_ALLOC_ENABLE", "1")
            if args.train:
                cmd = [args.python, os.path.join(here, "train_step.py"), n, "imm58,nose-tip"]
            else:
                cmd = [args.python, os.path.join(here, "infer_reference.py"), "--threads", n,
                       "--reps", "30", "--reps32", "3"] + args.cases
            out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                                 text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            if args.train:
                cells = ["%s step %.1f ms (forward %.1f, backward %.1f, optimiser %.2f)"
                         % (name, c["train_ms"], c["forward_ms"], c["backward_ms"], c["step_ms"])
                         for name, c in result["cases"].items()]
                print("run %d %-7s: %s" % (run + 1, variant, "; ".join(cells)), flush=True)
                continue
            blas = "openmp" if "openblas-openmp" in result["blas"] else (
                "pthread" if "openblas-pthread" in result["blas"] else result["blas"])
            cells = ["%s %.2f ms, %.0f img/s" % (c["model"] + ("" if c["model"] != "resnet18"
                                                              else " " + c["input"]),
                                                c["ms_b1"], c["img_s_b32"])
                     for c in result["cases"]]
            print("run %d %-7s (loaded %s): %s" % (run + 1, variant, blas, "; ".join(cells)),
                  flush=True)


if __name__ == "__main__":
    main()
