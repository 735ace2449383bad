#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: boot nagi on a fresh copy of the file system, run `bench`
from the shell as a user would, keep what it printed.

    python3 tools/bench.py [--smp N] [--bootargs ARGS] [--icount] [SECTION...]

The console goes to build/bench.txt and the CSV lines to build/bench.csv
(isolate,test,path,mode,u,batch,latency_ns,op,metric,value). It boots once
per --isolate setting (default off, then on: page-table isolation, the
first column; --isolate off boots once). --icount runs QEMU
with -icount shift=0: one host thread, deterministic, instret counts
instructions; but a spinning hart then eats virtual time (docs/bench.md).
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from qemu import Qemu, Timeout  # noqa: E402

LIMIT = 1800  # seconds: a whole run takes a few minutes on an idle host


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--bootargs", default="")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--isolate", default="off,on", help="isolate= settings, one boot each")
    ap.add_argument("sections", nargs="*",
                    help="null dev seed fibers yield, or -q (default: all but yield)")
    a = ap.parse_args()
    extra = ("-icount", "shift=0") if a.icount else ()
    if a.icount and not [x for x in a.sections if x != "-q"]:
        # Spinning harts eat virtual time: polled completions and the page
        # path take seconds per call there. The null section is what
        # icount is for (instruction counts of the trap path).
        print("bench: with icount, only the null section unless you name others")
        a.sections.append("null")
    start = time.monotonic()
    text, rows = [], []
    for mode in a.isolate.split(","):
        # bench changes the pmem device's settings, which are init's alone
        # unless the kernel allows anyone (docs/pmem.md).
        out = run_bench(a, extra, ("%s isolate=%s pmemctl=open" % (a.bootargs, mode)).strip())
        if out is None:
            return 1
        text.append("== isolate=%s ==\n%s\n" % (mode, out))
        csv = [l[4:] for l in out.splitlines() if l.startswith("csv,")]
        if not rows and csv:
            rows.append("isolate," + csv[0])  # the header
        rows += ["%s,%s" % (mode, r) for r in csv[1:]]
        print("\n".join(l for l in text[-1].splitlines() if not l.startswith("csv,")))
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench.txt"), "w") as f:
        f.write("".join(text))
    with open(os.path.join(ROOT, "build", "bench.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print("\nbench: %d harts%s, %.0f s; build/bench.txt, build/bench.csv (%d rows)" % (
        a.smp, ", icount" if a.icount else "", time.monotonic() - start, len(rows) - 1))
    return 0


def run_bench(a, extra, bootargs):
    """One boot: bench's output from 'bench:' to 'bench: done', or None."""
    q = Qemu("bench", smp=a.smp, bootargs=bootargs, limit=LIMIT, image="fresh", extra=extra)
    try:
        q.expect(r"^\$ ", timeout=120)
        q.send("bench %s%s\r" % ("-i " if a.icount else "", " ".join(a.sections)))
        while "bench: done" not in q.output:
            q.expect(r"bench: done|panic", timeout=LIMIT)
            if "panic" in q.output:
                raise Timeout("the kernel panicked")
    except Timeout as e:
        print("bench: %s; the console is in build/test-logs/bench.log" % e)
        return None
    finally:
        q.close()
    return q.output[q.output.find("bench:"):q.output.find("bench: done") + len("bench: done")]


if __name__ == "__main__":
    sys.exit(main())
