#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run every nagi test: host unit tests, boot tests, the gdb test.
Ends with 'N passed, N failed'; exits non-zero on any failure."""
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "boot"))

import boot_tests  # noqa: E402
import crash_tests  # noqa: E402
import fs_tests  # noqa: E402
import readme_tests  # noqa: E402
import user_tests  # noqa: E402
import xl_tests  # noqa: E402

results = {"passed": 0, "failed": 0}
failures = []


def report(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    if not ok:
        failures.append(name)
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "  (%s)" % detail if detail else ""),
          flush=True)


def unit_args(binary):
    if binary.endswith("fdt_test"):
        return [os.path.join(ROOT, "build/dtb/virt-smp4.dtb"),
                os.path.join(ROOT, "build/dtb/virt-smp8.dtb")]
    return []


def run_unit():
    print("== host unit tests", flush=True)
    for binary in sorted(glob.glob(os.path.join(ROOT, "build/unit/*_test"))):
        name = os.path.basename(binary)
        try:
            p = subprocess.run([binary] + unit_args(binary), capture_output=True,
                               text=True, timeout=120)
            out, status = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired:
            out, status = "", "timeout"
        seen = 0
        for line in out.splitlines():
            if line.startswith(("PASS ", "FAIL ")):
                seen += 1
                report("%s: %s" % (name, line[5:]), line.startswith("PASS"))
            elif line.strip():
                print("    " + line)
        if status != 0 and (seen == 0 or "FAIL" not in out):
            report(name + " exits cleanly", False, "status %s" % status)


def run_boot():
    print("== boot tests (QEMU)", flush=True)
    for test in boot_tests.TESTS:
        t0 = time.monotonic()
        try:
            note = test()
            report(test.__name__, True, "%.1f s%s" % (time.monotonic() - t0,
                                                     ", " + note if note else ""))
        except Exception as e:
            report(test.__name__, False, "%s: %s; log in build/test-logs/" % (type(e).__name__, e))
    print("== in-kernel tests (ktest)", flush=True)
    boot_tests.ktest_suite(report)
    print("== user tests (usertests -s under init=testinit)", flush=True)
    user_tests.user_suite(report)
    print("== user tests with a reserved hart and hz=50", flush=True)
    user_tests.reserve_suite(report)
    print("== syscall workers: a million entries, workers=2 on 5 harts, workers=0", flush=True)
    xl_tests.xl_suite(report)
    print("== the shell, driven through the console", flush=True)
    user_tests.shell_suite(report)
    print("== README.md's boot transcript against a real boot", flush=True)
    readme_tests.readme_suite(report)
    print("== the file system: persistence, damaged images, a full disk", flush=True)
    fs_tests.fs_suite(report)
    print("== crash consistency: QEMU killed in the middle of writes", flush=True)
    crash_tests.crash_suite(report, runs=int(os.environ.get("CRASH_RUNS", "10")))


def run_gdb():
    print("== gdb test", flush=True)
    p = subprocess.run(["sh", os.path.join(HERE, "gdb/run.sh")], capture_output=True,
                       text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    line = [l for l in p.stdout.splitlines() if l.startswith("GDB-TEST")]
    report("gdb stops at trap_handler with a sensible scause", p.returncode == 0,
           line[-1] if line else (p.stdout + p.stderr)[-300:])
    p = subprocess.run(["sh", os.path.join(HERE, "gdb/student.sh")], capture_output=True,
                       text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    report("gdb: OPT=-O0, the pmem image, break-ecall, user-symbols", p.returncode == 0,
           (p.stdout + p.stderr)[-300:])
    p = subprocess.run([sys.executable, os.path.join(HERE, "gdb/console_test.py")],
                       capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    report("gdb: make console types at nagi while gdb holds QEMU", p.returncode == 0,
           (p.stdout + p.stderr)[-300:])


def main():
    start = time.monotonic()
    only = sys.argv[1:] or ["unit", "boot", "gdb"]
    if "unit" in only:
        run_unit()
    if "boot" in only:
        run_boot()
    if "gdb" in only:
        run_gdb()
    if failures:
        print("failed: " + ", ".join(failures))
    print("time: %.0f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
