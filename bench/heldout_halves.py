"""Folders of train-300w's held-out faces, as symlinks, so `evaluate` can measure any checkpoint on them.

usage: python3 bench/heldout_halves.py [--holdout N] DATA OUT

DATA is the folder train-300w was given with --data (one folder; ids are paths relative to it,
as the loader makes them). Photos are ordered by name and every N-th one (default 10, from the
first) is held out with all of its faces (PhotoSplit.everyNthPhoto); of those, every second photo
from the second audits under --audit and the rest choose the epoch. Writes OUT/choosing and
OUT/audit, each face's .pts and image linked, not copied. Then, for instance:

    ./keypoints evaluate --model RUN/checkpoints/last --data OUT/audit --format pts --json

Checked against the command: `evaluate` of a run's saved model on OUT/audit gives its audit_nme to
the last digit.
"""
import os
import sys

IMAGES = (".jpg", ".jpeg", ".png", ".bmp")


def photo_of(face_id):
    cut = face_id.rfind("_")
    if 0 < cut < len(face_id) - 1 and face_id[cut + 1:].isdigit():
        return face_id[:cut]
    return face_id


def every_nth_photo(ids, n, offset):
    rank = {p: r for r, p in enumerate(sorted({photo_of(i) for i in ids}))}
    return [i for i in ids if rank[photo_of(i)] % n == offset]


def main(argv):
    holdout = 10
    if len(argv) > 1 and argv[0] == "--holdout":
        holdout = int(argv[1])
        argv = argv[2:]
    if len(argv) != 2:
        sys.exit(__doc__)
    data, out = argv
    ids = []
    for d, _, files in os.walk(data):
        for f in files:
            if f.endswith(".pts"):
                ids.append(os.path.relpath(os.path.join(d, f), data)[:-4].replace(os.sep, "/"))
    if not ids:
        sys.exit("%s: no .pts files" % data)
    held = every_nth_photo(ids, holdout, 0)
    audit = set(every_nth_photo(held, 2, 1))
    for name, part in (("choosing", [i for i in held if i not in audit]),
                       ("audit", [i for i in held if i in audit])):
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        for i in part:
            src = os.path.join(os.path.abspath(data), i)
            image = [e for e in IMAGES if os.path.exists(src + e)]
            if not image:
                sys.exit("%s.pts: no image beside it (expected one of %s)" % (src, IMAGES))
            link = os.path.join(folder, i.replace("/", "__"))
            for ext in (".pts", image[0]):
                if not os.path.lexists(link + ext):
                    os.symlink(src + ext, link + ext)
        print("%s: %d faces" % (folder, len(part)))


if __name__ == "__main__":
    main(sys.argv[1:])
