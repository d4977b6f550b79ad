#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Lists the public API declared in vtcore/include: every exported function
and every exported constant (declarations carrying CF_EXPORT / CM_EXPORT /
CV_EXPORT / VT_EXPORT). Shared by check_exports.py and check_coverage.py."""
import pathlib
import re

EXPORT = r"\b(?:CF|CM|CV|VT)_EXPORT\b"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    # Blocks-only declarations exist only where the compiler has blocks.
    return re.sub(r"#if defined\(__BLOCKS__\).*?#endif", " ", text, flags=re.S)


def declarations(include_dir):
    """Returns (functions, constants): dicts name -> header path."""
    functions, constants = {}, {}
    for header in sorted(pathlib.Path(include_dir).rglob("*.h")):
        text = strip_comments(header.read_text())
        # A declaration runs from the export macro to the next ';'.
        for m in re.finditer(EXPORT + r"([^;{]*);", text):
            decl = " ".join(m.group(1).split())
            if decl.startswith("#") or "define" in decl:
                continue
            fn = re.search(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", decl)
            # Function pointer typedef-like or a function prototype:
            # the first identifier followed by '(' that is not a macro.
            if fn and not re.search(r"\(\s*\*", decl.split(fn.group(1))[0] + "("):
                functions[fn.group(1)] = str(header)
                continue
            var = re.search(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[[^\]]*\])?\s*$", decl)
            if var:
                constants[var.group(1)] = str(header)
    return functions, constants


if __name__ == "__main__":
    import sys

    fns, consts = declarations(sys.argv[1])
    for name in sorted(fns):
        print("function", name)
    for name in sorted(consts):
        print("constant", name)
