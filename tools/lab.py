#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The solution markers of the labs (docs/labs/README.md).

    python3 tools/lab.py student LAB OUT   write a student tree for LAB
    python3 tools/lab.py list              the labs and their regions

A solution region in a C, header or assembly file:

    /* LAB name: BEGIN */
    ...the solution...
    /* LAB name: ELSE
    ...the stub the student tree gets instead...
       LAB name: END */

or, when the stub is nothing, the region ends with "/* LAB name: END */".
Each marker stands alone on its line. The student tree is the repository's
files (git ls-files) with LAB's regions replaced by their stubs; other
labs' regions keep their solutions, and every marker line goes. A file it
leaves as it was keeps its modification time, so a copy of the full
tree's build/ stays valid for it (tools/labs-check.sh builds that way)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = re.compile(r"^\s*/\* LAB (\w+): BEGIN \*/\s*$")
ELSE = re.compile(r"^\s*/\* LAB (\w+): ELSE\s*$")
END = re.compile(r"^\s*(?:/\* )?LAB (\w+): END \*/\s*$")
SUFFIXES = (".c", ".h", ".S", ".inc")


class MarkerError(Exception):
    pass


def transform(text, lab, path="-"):
    """text with lab's regions replaced by their stubs; markers of every
    lab removed. Raises MarkerError on a malformed region."""
    out, state, name = [], None, None
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        b, e, d = BEGIN.match(line), ELSE.match(line), END.match(line)
        where = "%s:%d" % (path, n)
        if b:
            if state:
                raise MarkerError("%s: LAB %s: BEGIN inside LAB %s" % (where, b.group(1), name))
            state, name = "solution", b.group(1)
        elif e:
            if state != "solution" or e.group(1) != name:
                raise MarkerError("%s: LAB %s: ELSE without its BEGIN" % (where, e.group(1)))
            state = "stub"
        elif d:
            if not state or d.group(1) != name:
                raise MarkerError("%s: LAB %s: END without its BEGIN" % (where, d.group(1)))
            if (state == "stub") != line.lstrip().startswith("LAB"):
                raise MarkerError("%s: an ELSE region ends 'LAB %s: END */', "
                                  "a plain one '/* LAB %s: END */'" % (where, name, name))
            state = name = None
        elif state == "solution":
            if name != lab:
                out.append(line)
        elif state == "stub":
            if name == lab:
                out.append(line)
        else:
            out.append(line)
    if state:
        raise MarkerError("%s: LAB %s: no END" % (path, name))
    return "".join(out)


def tracked_files():
    p = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    return [f for f in p.stdout.splitlines() if os.path.isfile(os.path.join(ROOT, f))]


def regions():
    """{lab: [path, ...]} over every marked file; checks every file parses."""
    found = {}
    for f in tracked_files():
        if not f.endswith(SUFFIXES):
            continue
        text = open(os.path.join(ROOT, f), encoding="utf-8", errors="replace").read()
        transform(text, None, f)
        for lab in set(re.findall(r"^\s*/\* LAB (\w+): BEGIN \*/\s*$", text, re.M)):
            found.setdefault(lab, []).append(f)
    return found


def student(lab, out):
    labs = regions()
    if lab not in labs:
        raise MarkerError("no regions for lab %s (labs: %s)" % (lab, " ".join(sorted(labs))))
    out = os.path.abspath(out)
    if os.path.commonpath([out, ROOT]) == ROOT and not out.startswith(os.path.join(ROOT, "build")):
        raise MarkerError("%s: inside the source tree; use build/... or a path outside" % out)
    for f in tracked_files():
        src, dst = os.path.join(ROOT, f), os.path.join(out, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        raw = open(src, "rb").read()
        data = raw
        if f.endswith(SUFFIXES):
            data = transform(raw.decode("utf-8", "replace"), lab, f).encode()
        with open(dst, "wb") as fh:
            fh.write(data)
        st = os.stat(src)
        os.chmod(dst, st.st_mode & 0o777)
        if data == raw:  # unchanged: keep its time, so a copied build/ stays valid
            os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
    with open(os.path.join(out, "LAB"), "w") as fh:  # for .github/workflows/lab.yml
        fh.write(lab + "\n")
    print("lab %s: student tree in %s (stubs in %s)" % (lab, out, " ".join(labs[lab])))


def main(argv):
    try:
        if argv[:1] == ["list"]:
            for lab, files in sorted(regions().items()):
                print("%-12s %s" % (lab, " ".join(files)))
        elif len(argv) == 3 and argv[0] == "student":
            student(argv[1], argv[2])
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
    except MarkerError as e:
        print("lab: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
