#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Adds to a committed corpus at most N inputs of a fuzzing campaign's work
directories that cover features the corpus does not (curate.py instead
re-selects the whole corpus). libFuzzer merges with a copy of the corpus as
the main corpus, so the corpus is processed first and the features recorded
for the work inputs are the ones new relative to it; the inputs adding the
most new features are then chosen greedily (at least 2 new features each,
under 4 KiB) and copied as cov-<sha1 prefix>.

usage: add_coverage.py <libFuzzer binary> <corpus dir> <N> <work dir>...

The binary must be a -Dfuzzing_engine=libfuzzer build of the target. The
merge runs with VTCORE_FUZZ_SKIP_H6=1 (open bug H6); replay the corpus
afterwards (meson test --suite fuzz) to be sure every input passes."""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile


def merge_features(binary, corpus, work):
    """({corpus file: features}, {work file: features new when it was merged})."""
    with tempfile.TemporaryDirectory() as tmp:
        main = os.path.join(tmp, "main")
        shutil.copytree(corpus, main)
        ctl = os.path.join(tmp, "ctl")
        asan = os.environ.get("ASAN_OPTIONS", "")
        env = dict(os.environ, VTCORE_FUZZ_SKIP_H6="1",
                   ASAN_OPTIONS=(asan + ":" if asan else "") + "allocator_may_return_null=1")
        subprocess.run([binary, "-merge=1", "-merge_control_file=" + ctl, main] + work,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=env)
        lines = pathlib.Path(ctl).read_text().splitlines()
    n_files, n_first = int(lines[0]), int(lines[1])
    files = lines[2:2 + n_files]
    feats = {}
    for line in lines[2 + n_files:]:
        parts = line.split()
        if parts and parts[0] == "FT":
            feats[files[int(parts[1])]] = set(map(int, parts[2:]))
    return ({f: feats.get(f, set()) for f in files[:n_first]},
            {f: feats.get(f, set()) for f in files[n_first:]})


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, corpus, limit = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
    first, work = merge_features(binary, corpus, sys.argv[4:])
    covered = set()
    for s in first.values():
        covered |= s
    candidates = {f: s for f, s in work.items() if os.path.getsize(f) <= 4095}
    chosen = []
    while candidates and len(chosen) < limit:
        best = max(candidates,
                   key=lambda f: (len(candidates[f] - covered), -os.path.getsize(f)))
        gain = candidates.pop(best) - covered
        if len(gain) < 2:
            break
        chosen.append((best, len(gain)))
        covered |= gain
    for f, _ in chosen:
        data = pathlib.Path(f).read_bytes()
        (corpus / ("cov-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
    print(f"{corpus.name}: +{len(chosen)} inputs "
          f"({sum(os.path.getsize(f) for f, _ in chosen)} bytes), new features "
          f"{[g for _, g in chosen]}")


if __name__ == "__main__":
    main()
