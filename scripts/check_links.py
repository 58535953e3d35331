#!/usr/bin/env python3
"""Check that every relative link in the repository's Markdown files resolves.

Usage: python3 scripts/check_links.py [FILE.md ...]
  (default: every *.md file of the repository outside target/, data/, models/, bench/out/ and
  hidden folders)

For each inline link `[text](target)` outside code blocks and inline code:
- `http:`, `https:` and `mailto:` links are not checked (no network);
- a path must exist relative to the file that links to it (a file or a folder);
- a `#fragment` must be the anchor of a heading in the target Markdown file (or in the same file
  for `#fragment` alone), computed as GitHub does: lower case, punctuation other than `-` and `_`
  removed, spaces turned into `-`, and `-1`, `-2`, ... appended to repeated headings.
Prints one line per broken link (`file:line: target: reason`) and exits with status 1 if there is
any. Python 3 standard library only.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_DIRS = {"target", "data", "models", "node_modules"}
SKIP_PATHS = {os.path.join("bench", "out")}

LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def markdown_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in SKIP_DIRS
            and os.path.normpath(os.path.join(rel, d)) not in SKIP_PATHS
        )
        for name in sorted(filenames):
            if name.endswith(".md"):
                yield os.path.join(dirpath, name)


def outside_fences(path):
    """(line number, text) of the lines of a Markdown file outside fenced code blocks."""
    in_fence = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = FENCE.match(line)
            if m:
                if in_fence is None:
                    in_fence = m.group(1)
                elif m.group(1) == in_fence:
                    in_fence = None
            elif in_fence is None:
                yield number, line


def prose_lines(path):
    """The lines outside fenced code blocks, with inline code blanked out."""
    for number, line in outside_fences(path):
        yield number, INLINE_CODE.sub(lambda c: " " * len(c.group(0)), line)


def slug(heading):
    """GitHub's anchor for a heading text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = text.replace("`", "").strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        found = set()
        for _, line in outside_fences(path):
            h = HEADING.match(line)
            if h:
                base = slug(h.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        _anchors[path] = found
    return _anchors[path]


def check(path):
    problems = []
    for number, line in prose_lines(path):
        for pattern in (LINK, IMAGE):
            for m in pattern.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                    continue  # http:, https:, mailto: ...
                file_part, _, fragment = target.partition("#")
                resolved = (os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                            if file_part else path)
                where = f"{os.path.relpath(path, ROOT)}:{number}: {target}"
                if not os.path.exists(resolved):
                    problems.append(f"{where}: no such file or folder")
                elif fragment:
                    if not resolved.endswith(".md") or os.path.isdir(resolved):
                        problems.append(f"{where}: an anchor into something that is not a Markdown file")
                    elif fragment not in anchors(resolved):
                        problems.append(f"{where}: no heading with the anchor #{fragment}")
    return problems


def main(argv):
    files = [os.path.abspath(a) for a in argv] or list(markdown_files())
    problems = []
    for path in files:
        problems.extend(check(path))
    for p in problems:
        print(p)
    print(f"check_links: {len(files)} Markdown files, {len(problems)} broken links", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
