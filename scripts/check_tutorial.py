#!/usr/bin/env python3
"""Fails when the tutorial and the package it builds part ways.

Sources/Descent/Documentation.docc/YourOwnPackage.md quotes the files of Examples/Digits, which CI
builds and runs. Checked:

- every ```swift and ```python block of the article is a run of consecutive lines of one of those
  files, as they are (so an API change that breaks the article breaks the build that CI runs);
- every Swift and Python file of the package is quoted at least once (a file the reader never sees
  is one the article no longer explains).

    python3 scripts/check_tutorial.py [ROOT]   exit 0 when they agree, 1 with a list if not

Standard library only, so that CI can run it before anything is installed.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
ARTICLE = "Sources/Descent/Documentation.docc/YourOwnPackage.md"
PACKAGE = "Examples/Digits"
BLOCK = re.compile(r"^```(swift|python)\n(.*?)^```$", re.S | re.M)


def package_files():
    """(path, lines) of each Swift and Python file of the package, its build folder left out."""
    for folder, subfolders, files in os.walk(os.path.join(ROOT, PACKAGE)):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for name in sorted(files):
            if name.endswith((".swift", ".py")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    yield os.path.relpath(path, ROOT), f.read().splitlines()


def contains(lines, block):
    """Whether `block` is a run of consecutive lines of `lines`."""
    return any(lines[start:start + len(block)] == block for start in range(len(lines) - len(block) + 1))


def main():
    with open(os.path.join(ROOT, ARTICLE), encoding="utf-8") as f:
        article = f.read()
    files = dict(package_files())
    quoted = set()
    problems = []
    for match in BLOCK.finditer(article):
        block = match.group(2).splitlines()
        line = article[:match.start()].count("\n") + 1
        homes = [path for path, lines in files.items() if contains(lines, block)]
        if homes:
            quoted.update(homes)
        else:
            problems.append(f"{ARTICLE}:{line}: this {match.group(1)} block is not in any file of {PACKAGE} as it stands")
    problems += [f"{path}: not quoted by {ARTICLE}" for path in sorted(set(files) - quoted)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_tutorial: {len(problems)} problem(s)")
        return 1
    print(f"check_tutorial: {len(BLOCK.findall(article))} blocks, each in one of {len(files)} files of {PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
