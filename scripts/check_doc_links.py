#!/usr/bin/env python3
"""Fails when the documentation cites something the repository does not have.

Read: README.md, docs/*.md, benchmarks/README.md, every DocC article (Sources/**/*.docc/*.md), and
the comments of every Swift file under Sources/ and Tests/. Checked:

- a repository path (`Sources/...`, `docs/...`, `fuzz/run.sh`, `README.md`, ...) names a file or
  folder that exists (paths with a placeholder such as TARGET, PREFIX or <name> are left alone);
- a Markdown link to a page of the repository (`[x](command-line.md#stopping-and-resuming)`) leads
  to a file that exists, and its #anchor to one of that page's headings;
- a DocC `<doc:Article>` link names an article of its catalogue;
- a test named by its type (`HostileRequestTests`, `FuzzInputTests`) is a type declared under Tests/.

    python3 scripts/check_doc_links.py [ROOT]   exit 0 when every citation holds, 1 with a list if not

Standard library only, so that CI can run it before anything is installed.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))

# Top-level folders and files of the repository that a citation may start with.
TOP = ("Sources", "Tests", "docs", "scripts", "fuzz", "tests", "benchmarks", "Examples", ".ci")
ROOT_FILES = ("README.md", "CHANGELOG.md", "Package.swift")
# Made by a build or a run, never committed: cited as where output goes.
GENERATED = ("tests/browser/output", "fuzz/regressions", "benchmarks/.venv")

PATH = re.compile(r"(?:(?<![\w./-])|(?<=<root>/))((?:%s)/[\w./+@-]*[\w/+-]|(?:%s))(?![\w-])" % (
    "|".join(re.escape(t) for t in TOP), "|".join(re.escape(f) for f in ROOT_FILES)))
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOC_LINK = re.compile(r"<doc:([\w-]+)(?:#[\w-]+)?>")
TEST_NAME = re.compile(r"\b([A-Z][A-Za-z0-9]*Tests)\b")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]+$|[<>*{}]|\.\.\.")


def tracked_files():
    """Every file under the root, without build folders and hidden ones other than .ci."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith((".build", ".venv", ".git", "__pycache__", "node_modules"))
                         and (not d.startswith(".") or d == ".ci")]
        for name in files:
            yield os.path.relpath(os.path.join(folder, name), ROOT)


def documents(files):
    """(path, text) for each Markdown page and for the comments of each Swift file."""
    for path in sorted(files):
        parts = path.split(os.sep)
        if path.endswith(".md") and (path in ("README.md", "benchmarks/README.md")
                                     or (parts[0] == "docs" and len(parts) == 2)
                                     or (parts[0] == "Sources" and any(p.endswith(".docc") for p in parts))):
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                yield path, f.read()
        elif path.endswith(".swift") and parts[0] in ("Sources", "Tests"):
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                yield path, "\n".join(comment(line) for line in f)


def comment(line):
    """The comment on a line of Swift: what follows the first // outside a string literal."""
    at = line.find("//")
    while at >= 0 and line[:at].count('"') % 2 == 1:
        at = line.find("//", at + 2)
    return line[at + 2:] if at >= 0 else ""


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[|\]\([^)]*\)", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    """The anchors of a page's headings, those inside fenced code left out."""
    found, fenced = set(), False
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for line in f:
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced and re.match(r"^#+\s", line):
                found.add(slug(line.lstrip("#")))
    return found


def test_types():
    """The types declared under Tests/, and the test targets (its folders)."""
    names = set(os.listdir(os.path.join(ROOT, "Tests")))
    for folder, _, files in os.walk(os.path.join(ROOT, "Tests")):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    names.update(re.findall(r"\b(?:struct|class|enum|extension)\s+(\w+)", f.read()))
    return names


def exists(path):
    path = path.rstrip("/.")
    return os.path.exists(os.path.join(ROOT, path)) or any(path == g or path.startswith(g + "/") for g in GENERATED)


def problems():
    files = list(tracked_files())
    tests = test_types()
    found = []
    for path, text in documents(files):
        for number, line in enumerate(text.split("\n"), 1):
            where = "%s:%d" % (path, number)
            for match in PATH.finditer(line):
                cited = match.group(1).rstrip(".")
                if any(PLACEHOLDER.search(part) for part in cited.split("/")):
                    continue
                if not exists(cited):
                    found.append("%s: cites %s, which does not exist" % (where, cited))
            if path.endswith(".md"):
                for match in LINK.finditer(line):
                    target = match.group(1)
                    if re.match(r"^[a-z]+:", target) or target.startswith("#") and not target[1:]:
                        continue
                    page, _, anchor = target.partition("#")
                    page_path = os.path.normpath(os.path.join(os.path.dirname(path), page)) if page else path
                    if not os.path.exists(os.path.join(ROOT, page_path)):
                        found.append("%s: links to %s, which does not exist" % (where, target))
                    elif anchor and page_path.endswith(".md") and anchor not in anchors(page_path):
                        found.append("%s: links to %s, but %s has no heading with that anchor" % (where, target, page_path))
                for match in DOC_LINK.finditer(line):
                    catalogue = os.path.dirname(path)
                    if not os.path.exists(os.path.join(ROOT, catalogue, match.group(1) + ".md")):
                        found.append("%s: <doc:%s> names no article in %s" % (where, match.group(1), catalogue))
            for match in TEST_NAME.finditer(line):
                if match.group(1) not in tests:
                    found.append("%s: cites the test %s, which no file under Tests/ declares" % (where, match.group(1)))
    return found


def main():
    found = problems()
    for problem in found:
        print(problem)
    if found:
        print("check_doc_links: %d citation(s) of things that do not exist" % len(found))
        return 1
    print("check_doc_links: every cited file, page, anchor and test exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
