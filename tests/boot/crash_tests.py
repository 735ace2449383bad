# SPDX-License-Identifier: MIT
"""Crash consistency: kill QEMU at random moments during a write-heavy
workload (user/tests/crashload.c) and check the file system after each.

Guest RAM lives in a host file (share=on), so what the pmem device had
written to its media when QEMU died is on disk. After each kill the media
is cut out of that file; fsck (replaying a committed log, as mount would)
must find it clean, and every file whose fsync had returned must hold its
full content (read with fsutil, the kernel's own code). The next boot runs
on the same image, so the kernel's own log replay is exercised too.

    python3 tests/boot/crash_tests.py [RUNS [SEED]]   # or: make crash-test RUNS=100

make test runs it 10 times; a failure names its seed, and the same seed
gives the same kill delays (the moments differ a little with host load).
"""
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import IMGDIR, PMEMIMG, Qemu, Timeout, ROOT, fresh_image, print_report  # noqa: E402

TOOLS = os.path.join(ROOT, "build", "tools")


def pattern(key, n):
    """The bytes crashload writes for pattern key (its pattern())."""
    out = bytearray(n)
    for blk in range(0, n, 512):
        x = (key ^ ((blk >> 9) * 0x9E3779B1)) & 0xFFFFFFFF
        x ^= x >> 15
        for j in range(blk, min(n, blk + 512)):
            out[j] = (x + j) & 0xFF
    return bytes(out)


def tool(*args, **kw):
    return subprocess.run([os.path.join(TOOLS, args[0]), *args[1:]],
                          capture_output=True, **kw)


def durable(log):
    """What the workload's console lines promise: {path: (min_len, key, exact)}.
    Only whole lines count: the kill may cut the last one anywhere, even
    inside its key ("... 11833305" of 1183330526), and a cut line that
    still parses would promise a file the workload never wrote."""
    want = {}
    log = log[:log.rfind("\n") + 1]
    for m in re.finditer(r"^(synced|grown|rm) (\S+)(?: (\d+) (\d+))?$", log, re.M):
        kind, path = m.group(1), "/" + m.group(2)
        if kind == "rm":
            want.pop(path, None)
        elif m.group(3) is not None:
            want[path] = (int(m.group(3)), int(m.group(4)), kind == "synced")
    return want


def durable_check():
    """durable() on a console cut inside a key: None if right, else why not."""
    got = durable("synced r0/f1 632 42\nrm r0/f0\nsynced r0/f2 632 11833305")
    want = {"/r0/f1": (632, 42, True)}
    return None if got == want else "durable() read %r, expected %r" % (got, want)


def check_image(ram, want):
    """fsck the media (installing a committed log, as a mount would), then
    read back every promised file. Returns (problems, whether a log was
    installed)."""
    problems = []
    media = os.path.join(IMGDIR, "fscrash.fs")
    subprocess.run([PMEMIMG, "get", ram, "256M", media], check=True)
    try:
        r = tool("fsck", "-r", media, text=True)
        replayed = "installed a committed transaction" in r.stdout
        if r.returncode != 0:
            lines = [l.split(": ", 1)[-1] for l in (r.stdout + r.stderr).splitlines()]
            problems.append("fsck: %s; first: %s" % (lines[-1], lines[0]))
        for path, (n, key, exact) in sorted(want.items()):
            r = tool("fsutil", media, "cat", path)
            if r.returncode != 0:
                problems.append("%s: %s" % (path, r.stderr.decode().strip()))
            elif (len(r.stdout) != n) if exact else (len(r.stdout) < n):
                problems.append("%s: %d bytes, expected %s%d" % (
                    path, len(r.stdout), "" if exact else ">= ", n))
            elif r.stdout != pattern(key, len(r.stdout)):
                problems.append("%s: content differs" % path)
    finally:
        os.unlink(media)
    return problems, replayed


def one_run(i, ram, rnd):
    """Boot on ram, let the workload run a random while, kill QEMU.
    Returns the console log."""
    mode = "poll" if i % 2 else "irq"
    q = Qemu("fscrash-%d" % i, smp=4, mem="256M", limit=60, image=ram,
             bootargs="init=crashload pmem_mode=%s" % mode)
    try:
        q.expect(r"crashload: run r\d+|fs: not mounting", timeout=40)
        if "fs: not mounting" in q.output:
            raise Timeout("the file system was refused: " + q.output[-300:])
        time.sleep(rnd.uniform(0.1, 2.5))
        if "crashload: done" in q.output or "failed" in q.output:
            raise Timeout("workload ended before the kill: " + q.output[-300:])
        q.kill()
        return q.output
    finally:
        q.close()


def crash_suite(report, runs=10, seed=None):
    """Kill the workload runs times on one image (completions by interrupt and
    by polling in turn); after each kill, check the image. The next boot
    mounts what the kill left, so the kernel's own recovery runs too."""
    why = durable_check()
    report("fs crash: a console line cut by the kill promises nothing", why is None, why or "")
    seed = seed if seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)
    ram = fresh_image("fscrash")
    want = {}
    replays, ok = 0, True
    for i in range(runs):
        name = "fs crash %d/%d (seed %d)" % (i + 1, runs, seed)
        try:
            log = one_run(i, ram, rnd)
            want.update(durable(log))
            fsyncs = len(re.findall(r"^(?:synced|grown) ", log, re.M))
            problems, replayed = check_image(ram, want)
            replays += replayed
            ok = ok and not problems
            report(name + ": fsck clean, every fsynced file whole", not problems,
                   "; ".join(problems[:5]) if problems else
                   "%d fsyncs returned before the kill, %d files checked%s" % (
                       fsyncs, len(want), ", a committed log to install" if replayed else ""))
        except Exception as e:
            ok = False
            report(name, False, "%s: %s" % (type(e).__name__, e))
    if ok:
        os.unlink(ram)  # else kept for a look: build/test-images/fscrash.img
    return replays


if __name__ == "__main__":
    counts = {"passed": 0, "failed": 0, "skipped": 0}

    def report(name, ok, detail="", skip=False):
        counts["skipped" if skip else "passed" if ok else "failed"] += 1
        print_report(name, ok, detail, skip)

    n = crash_suite(report, runs=int(sys.argv[1]) if len(sys.argv) > 1 else 10,
                    seed=int(sys.argv[2]) if len(sys.argv) > 2 else None)
    print("kills that left a committed log for recovery to install: %d" % n)
    print("%d passed, %d failed, %d skipped" % (counts["passed"], counts["failed"],
                                                counts["skipped"]))
    sys.exit(1 if counts["failed"] else 0)
