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
    # Under icount the times are virtual and spinning harts eat them: no
    # ratios of times (the tables' instruction counts are the point there).
    said = [] if a.icount else headline(rows)
    if said:
        print("\n" + "\n".join(said))
        with open(os.path.join(ROOT, "build", "bench.txt"), "a") as f:
            f.write("\n".join(said) + "\n")
    print("\nbench: %d harts%s, %.0f s; build/bench.txt, build/bench.csv (%d rows)" % (
        a.smp, ", icount" if a.icount else "", time.monotonic() - start, len(rows) - 1))
    return 0


BEST_TRAP = ("fibers+trap", "threads+trap", "procs+trap")


def headline(rows):
    """The ratios the course's lesson rests on, from the CSV rows (the
    header first, then isolate,test,path,mode,u,batch,latency_ns,op,
    metric,value): a few lines per boot, each figure only where its rows
    are there (docs/bench.md, "The headline")."""
    if not rows:
        return []
    keys = rows[0].split(",")
    recs = [dict(zip(keys, r.split(","))) for r in rows[1:]]

    def get(iso, test, path, metric, **want):
        for r in recs:
            if (r["isolate"], r["test"], r["path"], r["metric"]) == (iso, test, path, metric) \
                    and all(r[k] == str(v) for k, v in want.items()):
                return float(r["value"])
        return None

    def x(v):
        return ("%.2f" if v >= 0.1 else "%.3f") % v

    out, base = [], None
    for iso in dict.fromkeys(r["isolate"] for r in recs):
        block = ["  isolate=%s:" % iso]
        trap = get(iso, "null", "trap", "ns")
        b1, b32 = get(iso, "null", "page", "ns", batch=1), get(iso, "null", "page", "ns", batch=32)
        floor = get(iso, "null", "floor", "ns", batch=1)
        if trap:
            base = base or (iso, trap)
            block[0] += " a trap %.0f ns%s" % (trap, "" if base[0] == iso else
                                               " (%.1f x isolate=%s's)" % (trap / base[1], base[0]))
        if trap and b32 and b1:
            block.append("    null through the page: %s x a trap at batch 32, %s x alone%s" % (
                x(b32 / trap), x(b1 / trap),
                " (%.1f x the %.0f ns floor)" % (b1 / floor, floor) if floor else ""))
        dev = {m: get(iso, "dev", "driver", "median_ns", mode=m, latency_ns=0, op="read")
               for m in ("irq", "irq+co", "hybrid", "poll")}
        if all(dev.values()):
            block.append("    a 512 B read at 0 us, median: polled %.1f us, hybrid %.1f, by interrupt"
                         % (dev["poll"] / 1000, dev["hybrid"] / 1000))
            block.append("      %.1f (%.1f x polled), coalesced %.1f" % (
                dev["irq"] / 1000, dev["irq"] / dev["poll"], dev["irq+co"] / 1000))
        tp, pp = (get(iso, "seed", p, "us_per_call", mode="poll", u=64) for p in ("trap", "page"))
        if tp and pp:
            block.append("    u = 64, processes: page + poll %s x trap + poll" % x(pp / tp))
        fp, ft = (get(iso, "fibers", p, "us_per_call", mode="poll", u=64)
                  for p in ("fibers+page", "fibers+trap"))
        best = [(v, "%s+%s" % (p, m)) for p in BEST_TRAP for m in ("irq", "poll")
                for v in [get(iso, "fibers", p, "us_per_call", mode=m, u=64)] if v]
        if fp and ft and best:
            v, name = min(best)
            block.append("    u = 64, fibers: page + poll %s x fibers + trap + poll; %s x the best"
                         % (x(fp / ft), x(fp / v)))
            block.append("      trap configuration (%s, %.1f us a call)" % (name, v))
        sw, y = get(iso, "fibers", "switch", "ns"), get(iso, "fibers", "yield", "ns")
        if sw and y:
            block.append("    a fiber switch %.1f ns, a yield %.1f ns" % (sw, y))
        if trap or len(block) > 1:  # a boot with none of these figures says nothing
            out += block
    return ["bench: the headline (ratios of this run's medians)"] + out if out else []


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
