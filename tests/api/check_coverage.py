#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""docs/api-coverage.md stays true: it must equal what gen_coverage.py
produces from the current headers and placeholders (every public function
listed once, unsupported exactly where a placeholder is the definition)."""
import difflib
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import gen_coverage  # noqa: E402

doc = pathlib.Path(sys.argv[1])
expected = gen_coverage.main()
actual = doc.read_text() if doc.exists() else ""
if actual != expected:
    sys.stdout.writelines(difflib.unified_diff(actual.splitlines(True), expected.splitlines(True),
                                               str(doc), "regenerated"))
    print(f"\n{doc} is out of date: run python3 tests/api/gen_coverage.py > {doc}")
    sys.exit(1)
print(expected.splitlines()[11])
