#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shared library exports exactly the public API: every function and
constant declared with an export macro is a defined dynamic symbol, and no
other symbol is exported (the library is built with -fvisibility=hidden)."""
import subprocess
import sys

from public_api import declarations

include_dir, library = sys.argv[1], sys.argv[2]
functions, constants = declarations(include_dir)
out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                     capture_output=True, text=True).stdout
exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
# Symbols the toolchain adds on its own.
exported = {s for s in exported if not s.startswith(("_init", "_fini", "__bss", "_edata", "_end"))}

declared = set(functions) | set(constants)
missing = sorted(declared - exported)
extra = sorted(exported - declared)
for name in missing:
    where = functions.get(name) or constants.get(name)
    print(f"declared but not exported: {name} ({where})")
for name in extra:
    print(f"exported but not declared in a public header: {name}")
print(f"{len(functions)} functions, {len(constants)} constants declared; "
      f"{len(exported)} symbols exported")
sys.exit(1 if missing or extra else 0)
