#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""docs/api-coverage.md stays true: it lists every public function exactly
once with a status (implemented / partial / unsupported), and nothing else."""
import re
import sys

from public_api import declarations

include_dir, doc = sys.argv[1], sys.argv[2]
functions, _ = declarations(include_dir)
rows = {}
bad = []
for line in open(doc, encoding="utf-8"):
    m = re.match(r"\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|\s*([a-z]+)\s*\|", line)
    if not m:
        continue
    name, status = m.groups()
    if name in rows:
        bad.append(f"listed twice: {name}")
    if status not in ("implemented", "partial", "unsupported"):
        bad.append(f"{name}: unknown status '{status}'")
    rows[name] = status
for name in sorted(set(functions) - set(rows)):
    bad.append(f"not in {doc}: {name} ({functions[name]})")
for name in sorted(set(rows) - set(functions)):
    bad.append(f"in {doc} but not declared: {name}")
for b in bad:
    print(b)
counts = {s: sum(1 for v in rows.values() if v == s) for s in ("implemented", "partial", "unsupported")}
print(f"{len(functions)} public functions; " + ", ".join(f"{v} {k}" for k, v in counts.items()))
sys.exit(1 if bad else 0)
