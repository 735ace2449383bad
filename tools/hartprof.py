# SPDX-License-Identifier: MIT
"""Where each hart spends its time: a sampling profile of a nagi command.

    python3 tools/hartprof.py [--secs S] [--hz HZ] [--bootargs ARGS]
                             [--depth D] [--top N] [--raw FILE] -- COMMAND

Boots build/kernel.elf on a fresh copy of the file system with QEMU's gdb
stub, types COMMAND at the shell, and after half a second lets gdb stop
the machine HZ times a second for S seconds (tools/gdb/sample.py), each
time writing down every hart's pc and its callers. Then it names them
(addr2line) and prints, hart by hart, the functions the samples fell in
("self") and the functions on their stacks ("incl"), in percent of that
hart's samples. Kernel code gets its name; the firmware (OpenSBI, below
the kernel) and user code are counted as <firmware> and <user>.

What a sample can and cannot say: a stop lands between two of QEMU's
translated blocks, so a hart is seen where it was, not in the middle of
an instruction; a hart waiting for QEMU's big lock (an MMIO access, an
IPI through the firmware) is seen where it waits, so the firmware's
share leans high. Each stop costs the guest time, which is why the rate
is low. `make profile CMD="..."` runs it (docs/bench.md, "Profiling").
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import qemu  # noqa: E402

KERNEL_BASE = 0x80200000  # linker.ld: where OpenSBI jumps
FIRMWARE_BASE = 0x80000000
ADDR2LINE = os.environ.get("ADDR2LINE", "riscv64-unknown-elf-addr2line")
NM = os.environ.get("NM", "riscv64-unknown-elf-nm")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample(a, path):
    """Boot, type the command, sample; returns the console's output."""
    port = free_port()
    # seed and bench change the pmem device's settings, which are init's
    # alone unless the kernel allows anyone (docs/pmem.md), as bench.py.
    bootargs = ("%s pmemctl=open" % a.bootargs).strip()
    q = qemu.Qemu("profile", smp=a.smp, bootargs=bootargs, limit=a.secs * 4 + 180,
                  image="fresh", extra=("-gdb", "tcp:127.0.0.1:%d" % port))
    try:
        q.expect(r"^\$ ", 120)
        start = len(q.output)
        q.send(a.command + "\r")
        time.sleep(0.5)
        n = max(1, int(a.secs * a.hz))
        g = subprocess.run(["gdb-multiarch", "-q", "-batch", "-nx",
                            "-ex", "set pagination off", "-ex", "set confirm off",
                            "-ex", "file " + qemu.KERNEL,
                            "-ex", "target remote 127.0.0.1:%d" % port,
                            "-ex", "source " + os.path.join(ROOT, "tools", "gdb", "sample.py"),
                            "-ex", "sample %d %g %s" % (n, a.hz, path),
                            "-ex", "detach"],
                           capture_output=True, text=True, timeout=a.secs * 4 + 120)
        if g.returncode != 0 or not os.path.exists(path):
            sys.stderr.write(g.stderr[-2000:])
            raise SystemExit("profile: gdb failed")
        end = time.monotonic() + 30  # let the command finish, if it does soon
        while "\n$ " not in q.output[start:] and time.monotonic() < end:
            time.sleep(0.2)
        return q.output[:start], q.output[start:]
    finally:
        q.close()


def symbols():
    """The kernel's symbols by address: for assembly, which has no debug
    information, the label a pc follows (of labels at one address, the
    code's: trap_entry, not tramp_end)."""
    out = subprocess.run([NM, "-n", qemu.KERNEL], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    syms = []
    for line in out:
        f = line.split()
        if len(f) == 3 and f[1] in "tT":
            a = int(f[0], 16)
            if syms and syms[-1][0] == a:
                if marker(f[2]):
                    continue
                syms.pop()
            syms.append((a, f[2]))
    return syms


def marker(sym):
    """A label that marks a place (__kernel_start, tramp_end), not code."""
    return sym.startswith("__") or sym.endswith("_end")


def data_symbols():
    """The kernel's data symbols by address, for naming wait channels."""
    out = subprocess.run([NM, "-n", qemu.KERNEL], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return [(int(f[0], 16), f[2]) for f in (l.split() for l in out)
            if len(f) == 3 and f[1] in "bBdDrR"]


def channel(syms, a):
    """A channel address as symbol+offset (a static object or an array's
    element), or <0x...> for memory the kernel allocated."""
    i = bisect.bisect_right(syms, (a, "\xff")) - 1
    if i < 0 or a - syms[i][0] >= 1 << 20:
        return "<0x%x>" % a
    return syms[i][1] + ("+0x%x" % (a - syms[i][0]) if a != syms[i][0] else "")


def names(addrs):
    """Kernel addresses to function names (addr2line: an inlined function
    by its own name), in one run; assembly by its label."""
    kernel = sorted(a for a in addrs if a >= KERNEL_BASE)
    out = subprocess.run([ADDR2LINE, "-f", "-e", qemu.KERNEL] + ["0x%x" % a for a in kernel],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    name = {a: out[2 * i] for i, a in enumerate(kernel)}
    syms = symbols()
    for a in addrs:
        if a < FIRMWARE_BASE:
            name[a] = "<user>"
        elif a < KERNEL_BASE:
            name[a] = "<firmware>"
        elif name[a] == "??" or name[a].startswith("$") or marker(name[a]):
            i = bisect.bisect_right(syms, (a, "\xff")) - 1
            name[a] = syms[i][1] if i >= 0 else "??"
    return name


def roles(boot):
    """Each hart's role, from the boot lines: general, worker, pmem."""
    return {int(h): role for h, role in re.findall(r"^nagi: hart (\d+) .*\(role: ([^)]+)\)",
                                                     boot, re.M)}


SLEEP_PATH = ("sched", "sleep_on", "sleep_on_until", "fs_waitq_sleep", "fs_wait")


def report_waits(path, top):
    """Where the kernel's threads sleep: channel and the callers that are
    not the sleep itself, in percent of the sleepers seen."""
    rows = [line.split() for line in open(path) if line.startswith("W ")]
    if not rows:
        return
    looks = sum(1 for line in open(path) if line.startswith("S 0 ")) // 4 + 1
    syms = data_symbols()
    name = names({int(a, 16) for r in rows for a in r[2:]})
    c = collections.Counter()
    for r in rows:
        callers = [name[int(a, 16)] for a in r[2:]]
        callers = [f for f in callers if f not in SLEEP_PATH][:3]
        c["%s  %s" % (channel(syms, int(r[1], 16)), " < ".join(callers) or "(stack not read)")] += 1
    print("sleeping threads (every 4th stop, about %.0f asleep at a time): channel  callers"
          % (len(rows) / looks))
    for k, n in c.most_common(top):
        print("  %3.0f%%  %s" % (100.0 * n / len(rows), k))


def report(path, top, depth, role=None):
    rows = [line.split() for line in open(path) if line.startswith("S ")]
    stacks = collections.defaultdict(list)
    for r in rows:
        stacks[int(r[1])].append([int(x, 16) for x in r[2:2 + depth]])
    name = names({a for s in stacks.values() for st in s for a in st})
    for hart in sorted(stacks):
        own, incl = collections.Counter(), collections.Counter()
        for st in stacks[hart]:
            own[name[st[0]]] += 1
            for f in {name[a] for a in st}:
                incl[f] += 1
        total = len(stacks[hart])
        what = " (%s)" % role[hart] if role and hart in role else ""
        print("hart %d%s: %d samples" % (hart, what, total))
        for label, c in (("self", own), ("incl", incl)):
            print("  %s: %s" % (label, ", ".join("%s %.0f%%" % (f, 100.0 * k / total)
                                                 for f, k in c.most_common(top))))
    report_waits(path, top)
    return len(stacks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--secs", type=float, default=10)
    ap.add_argument("--hz", type=float, default=20)
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--bootargs", default="")
    ap.add_argument("--depth", type=int, default=8, help="frames counted for incl")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--raw", default=os.path.join(ROOT, "build", "profile.txt"),
                    help="where the samples are kept")
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    a.command = " ".join(a.command)
    os.makedirs(os.path.dirname(a.raw), exist_ok=True)
    boot, out = sample(a, a.raw)
    print("profile: %s (%g s at %g Hz; samples in %s)" % (a.command, a.secs, a.hz,
                                                          os.path.relpath(a.raw)))
    tail = [l for l in out.replace("\r", "").split("\n") if l.strip()][-4:]
    print("\n".join("  | " + l for l in tail))
    return 0 if report(a.raw, a.top, a.depth, roles(boot)) else 1


if __name__ == "__main__":
    sys.exit(main())
