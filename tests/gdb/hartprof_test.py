# SPDX-License-Identifier: MIT
"""make profile's sampler (tools/hartprof.py) on a short seed run: every
hart sampled and its role named; the samples named after kernel
functions (the idle worker hart in the scheduler's loop, a system call's
path on the harts that run the processes); the sleeping threads named by
their channels. Exits 0 if so; says what it saw otherwise."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    raw = os.path.join(ROOT, "build", "test-logs", "hartprof.txt")
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "hartprof.py"),
                        "--secs", "2", "--raw", raw, "--", "seed -u 4 -r 4 -n 200 procs"],
                       capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    out = p.stdout
    harts = re.findall(r"^hart (\d+) \(([^)]+)\): (\d+) samples$", out, re.M)
    problems = []
    if p.returncode != 0:
        problems.append("exit %d: %s" % (p.returncode, (out + p.stderr)[-300:]))
    if len(harts) != 4 or any(int(n) < 30 for _, _, n in harts):
        problems.append("harts and samples: %s" % harts)
    if sorted(r for _, r, _ in harts) != ["general", "general", "pmem device", "worker"]:
        problems.append("roles: %s" % harts)
    if not re.search(r"^  self: .*sched_run", out, re.M):
        problems.append("no hart seen in sched_run (the idle worker)")
    if not re.search(r"^  incl: .*\b(dispatch|pmem_wait)\b", out, re.M):
        problems.append("no system call's path (dispatch, pmem_wait) seen")
    if not re.search(r"^sleeping threads .*\n  +\d+%  [a-z_]+", out, re.M):
        problems.append("no sleeping thread named by its channel")
    print("HARTPROF %s %s" % ("FAIL" if problems else "PASS",
                              "; ".join(problems) or "%s" % harts))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
