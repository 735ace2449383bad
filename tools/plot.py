#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make plot: draw build/bench.csv with gnuplot into build/plots/.

    python3 tools/plot.py [CSV] [OUTDIR]

fibers.svg/.png is seed 000's Figure 1 (time per call against u, one line
per configuration, from `bench fibers`); seed.* the same for `bench seed`;
null.* the cost of null() by path and batch; dev.* the driver's latencies.
A figure whose rows are not in the CSV is skipped, saying so. Python only
sorts the rows into data files; gnuplot draws (docs/bench.md).
"""
import collections
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    with open(path) as f:
        return [r for r in csv.DictReader(f)]


def lines_by_u(rows, test, metric, label):
    """{configuration: [(u, value)]} for one test's metric."""
    out = collections.defaultdict(list)
    for r in rows:
        if r["test"] == test and r["metric"] == metric and float(r["value"]) > 0:
            out[label(r)].append((int(r["u"]), float(r["value"])))
    return {k: sorted(v) for k, v in sorted(out.items())}


def write_blocks(path, series):
    """One gnuplot data block per series (two blank lines between)."""
    with open(path, "w") as f:
        for name, pts in series.items():
            f.write("# %s\n" % name)
            for x, y in pts:
                f.write("%s %s\n" % (x, y))
            f.write("\n\n")


def by_u_script(dat, series, title, ylabel):
    plots = ", ".join("'%s' index %d with linespoints title '%s'" % (dat, i, name.replace("_", " "))
                      for i, name in enumerate(series))
    return """set title '%s'
set xlabel 'u (concurrent workers)'
set ylabel '%s'
set logscale x 2
set logscale y
set key outside right top
set grid
plot %s
""" % (title, ylabel, plots)


def null_script(rows, out):
    pts = [(int(r["batch"]), float(r["value"])) for r in rows
           if r["test"] == "null" and r["metric"] == "ns" and r["path"] == "page"]
    trap = [float(r["value"]) for r in rows
            if r["test"] == "null" and r["metric"] == "ns" and r["path"] == "trap"]
    if not pts or not trap:
        return None
    dat = os.path.join(out, "null.dat")
    write_blocks(dat, {"page": sorted(pts)})
    return """set title 'null(): wall time per call'
set xlabel 'entries per batch (page path)'
set ylabel 'ns per call'
set logscale x 2
set yrange [0:*]
set grid
set key top right
plot '%s' index 0 with linespoints title 'syscall page', %f with lines dashtype 2 title 'trap'
""" % (dat, trap[0])


def dev_script(rows, out):
    want = collections.OrderedDict()
    for r in rows:
        if r["test"] == "dev":
            key = "%s %dus %s" % (r["mode"], int(r["latency_ns"]) // 1000, r["op"])
            want.setdefault(key, {})[r["metric"]] = float(r["value"]) / 1000.0
    if not want:
        return None
    dat = os.path.join(out, "dev.dat")
    with open(dat, "w") as f:
        f.write("# case median p99\n")
        for k, v in want.items():
            f.write('"%s" %s %s\n' % (k, v.get("median_ns", 0), v.get("p99_ns", 0)))
    return """set title 'pmem driver: one 512 B command, submit to the waiter''s return'
set ylabel 'us (log)'
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30
set grid ytics
set key top left
plot '%s' using 2:xtic(1) title 'median', '' using 3 title 'p99'
""" % dat


def draw(script, out, name, stem):
    for term, ext in (("svg size 900,540 dynamic background rgb 'white'", "svg"),
                      ("pngcairo size 900,540", "png")):
        body = "set terminal %s\nset output '%s'\n%s" % (term, os.path.join(out, stem + "." + ext),
                                                        script)
        subprocess.run(["gnuplot"], input=body.encode(), check=True)
    print("plot: %s -> %s/%s.svg, .png" % (name, os.path.relpath(out, ROOT), stem))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bench.csv")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build", "plots")
    if not os.path.exists(src):
        print("plot: no %s: run make bench first" % src)
        return 1
    rows = load(src)
    # One set of figures per page-table isolation mode the CSV holds: the
    # default mode's in out, isolate=on's in out/isolate-on, and so on.
    modes = sorted({r.get("isolate", "off") for r in rows}, key=lambda m: m != "off")
    for mode in modes:
        here = out if mode == "off" else os.path.join(out, "isolate-" + mode)
        figures([r for r in rows if r.get("isolate", "off") == mode], here, src)
    return 0


def figures(rows, out, src):
    os.makedirs(out, exist_ok=True)
    figs = []
    fib = lines_by_u(rows, "fibers", "us_per_call", lambda r: r["path"] + "+" + r["mode"])
    if fib:
        dat = os.path.join(out, "fibers.dat")
        write_blocks(dat, fib)
        figs.append(("seed 000 Figure 1 (bench fibers)", "fibers", by_u_script(
            dat, fib, "seed 000: open, 8 x write, close, reopen, 8 x read, close per worker",
            "us per call (wall time / calls; log)")))
    seed = lines_by_u(rows, "seed", "us_per_call", lambda r: "procs+" + r["path"] + "+" + r["mode"])
    if seed:
        dat = os.path.join(out, "seed.dat")
        write_blocks(dat, seed)
        figs.append(("bench seed", "seed", by_u_script(
            dat, seed, "u processes, each through a trap or its own syscall page", "us per call")))
    for name, stem, fn in (("bench null", "null", null_script), ("bench dev", "dev", dev_script)):
        s = fn(rows, out)
        if s:
            figs.append((name, stem, s))
        else:
            print("plot: no %s rows in %s: skipped" % (stem, src))
    for name, stem, script in figs:
        draw(script, out, name, stem)


if __name__ == "__main__":
    sys.exit(main())
