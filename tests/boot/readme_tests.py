# SPDX-License-Identifier: MIT
"""Keep README.md's boot transcript honest: boot nagi as the README says,
type the commands it shows, and compare each line's shape (the text with
every number made a wildcard) with the real console, in order."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import Qemu, ROOT  # noqa: E402
from user_tests import Console  # noqa: E402

NUM = re.compile(r"0x[0-9a-f]+|\d+")


def shape(line):
    """A regex for line: numbers and hex values stand for any, runs of
    spaces for any spacing (columns widen with the numbers)."""
    parts = NUM.split(line.strip())
    rx = r"(?:0x[0-9a-f]+|\d+)".join(re.escape(p) for p in parts)
    return r"^\s*" + re.sub(r"(\\ )+", r"\\s+", rx) + r"\s*$"


def transcript():
    """The README's boot transcript: (kernel lines, [(command, output lines)])."""
    text = open(os.path.join(ROOT, "README.md")).read()
    start = text.index("A normal boot looks like this")
    block = re.search(r"\n\n((?:    .*\n)+)", text[start:]).group(1)
    lines = [l[4:] for l in block.splitlines()]
    boot, cmds = [], []
    for l in lines:
        if l.startswith("$ "):
            cmds.append((l[2:], []))
        elif cmds:
            cmds[-1][1].append(l)
        else:
            boot.append(l)
    return boot, cmds


def readme_suite(report):
    boot, cmds = transcript()
    q = Qemu("readme", smp=4, limit=180, image="fresh")
    con = Console(q)
    try:
        for l in boot:
            try:
                con.expect(shape(l), 60)
            except AssertionError:
                report("README boot line: %s" % l[:60], False, "no line of this shape")
                return
        report("README: %d boot lines match a real boot" % len(boot), True, "")
        con.prompt(60)
        for cmd, out in cmds:
            try:
                con.q.send(cmd + "\r")
                # intr's rows depend on what ran: its header and the TIM row only.
                want = out if not cmd.startswith("intr") else [l for l in out if "HART" in l or "TIM:" in l]
                for l in want:
                    con.expect(shape(l), 60)
                con.prompt(60)
                report("README: $ %s" % cmd, True, "")
            except AssertionError as e:
                report("README: $ %s" % cmd, False, str(e))
    finally:
        q.close()


if __name__ == "__main__":
    def _report(name, ok, detail=""):
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, "  (%s)" % detail if detail else ""))
    readme_suite(_report)
