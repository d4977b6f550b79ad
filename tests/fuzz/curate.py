#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Keeps a committed corpus small: from libFuzzer's coverage of a big working
corpus, picks at most N inputs (each under a size limit) greedily, the input
adding the most not-yet-covered features first, and copies them to the
corpus directory as cov-<sha1 prefix>. Hand-made seeds (seed-*) and bug
reproducers (crash-*) already in the corpus are always kept.

usage: curate.py <libFuzzer binary> <corpus dir> <work dir>... [--max N] [--max-size BYTES]

The binary must be a -Dfuzzing_engine=libfuzzer build of the target."""
import argparse
import hashlib
import os
import pathlib
import shutil
import subprocess
import tempfile


def features(binary, dirs):
    """{path: set(features)} from a libFuzzer merge control file."""
    with tempfile.TemporaryDirectory() as tmp:
        ctl = os.path.join(tmp, "ctl")
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        subprocess.run([binary, "-merge=1", "-merge_control_file=" + ctl, out] + dirs,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        lines = pathlib.Path(ctl).read_text().splitlines()
    n_files = int(lines[0])
    files = lines[2:2 + n_files]
    result = {}
    for line in lines[2 + n_files:]:
        parts = line.split()
        if parts and parts[0] == "FT":
            result[files[int(parts[1])]] = set(map(int, parts[2:]))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("corpus")
    ap.add_argument("work", nargs="+")
    ap.add_argument("--max", type=int, default=40)
    ap.add_argument("--max-size", type=int, default=4095)
    a = ap.parse_args()
    corpus = pathlib.Path(a.corpus)
    keep = [p for p in corpus.iterdir() if p.name.startswith(("seed-", "crash-"))]
    feats = features(a.binary, [str(corpus)] + a.work)
    covered = set()
    for p in keep:
        covered |= feats.get(str(p), set())
    candidates = {f: s for f, s in feats.items()
                  if os.path.getsize(f) <= a.max_size and not f.startswith(str(corpus) + "/seed-")
                  and not f.startswith(str(corpus) + "/crash-")}
    chosen = []
    while candidates and len(chosen) < a.max:
        best = max(candidates, key=lambda f: (len(candidates[f] - covered), -os.path.getsize(f)))
        gain = candidates[best] - covered
        if not gain:
            break
        chosen.append(best)
        covered |= gain
        del candidates[best]
    data = {f: pathlib.Path(f).read_bytes() for f in chosen}
    for p in corpus.iterdir():
        if p.name.startswith("cov-"):
            p.unlink()
    for f, b in data.items():
        (corpus / ("cov-" + hashlib.sha1(b).hexdigest()[:16])).write_bytes(b)
    total = set().union(*feats.values()) if feats else set()
    print(f"{corpus}: {len(keep)} kept + {len(chosen)} chosen, "
          f"{len(covered)}/{len(total)} features")


if __name__ == "__main__":
    main()
