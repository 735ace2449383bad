#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run nagi's tests: host unit tests, boot tests, the gdb test.

    tests/run.py                 everything (make test)
    tests/run.py SUITE...        some suites (tests/run.py --list names them)
    tests/run.py SUITE:NAME...   one test of a suite, e.g. unit:fs_test,
                                 boot:crash_load_dumps_and_fails, ktest:tlb_shootdown,
                                 user:exitstatus (usertests NAME under testinit)

Prints one PASS, FAIL or SKIP line per test and ends with
'N passed, N failed, N skipped'; exits non-zero on any failure, and on
an unknown suite or test name (after listing the names)."""
import glob
import os
import re
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
import fuzz_tests  # noqa: E402
import isolate_tests  # noqa: E402
import readme_tests  # noqa: E402
import user_tests  # noqa: E402
import xl_tests  # noqa: E402

results = {"passed": 0, "failed": 0, "skipped": 0}
failures = []


def report(name, ok, detail="", skip=False):
    """One result. skip: the test could not check what it is for here; it
    counts as neither a pass nor a failure."""
    word = "SKIP" if skip else "PASS" if ok else "FAIL"
    results["skipped" if skip else "passed" if ok else "failed"] += 1
    if not ok and not skip:
        failures.append(name)
    print("%s %s%s" % (word, name, "  (%s)" % detail if detail else ""), flush=True)


def unit_args(binary):
    if binary.endswith("fdt_test"):
        return [os.path.join(ROOT, "build/dtb/virt-smp4.dtb"),
                os.path.join(ROOT, "build/dtb/virt-smp8.dtb"),
                os.path.join(ROOT, "build/dtb/virt-aclint-smp4.dtb")]
    return []


def unit_binaries():
    return sorted(glob.glob(os.path.join(ROOT, "build/unit/*_test")))


def run_unit_binary(binary):
    """Every PASS/FAIL line is a result; a binary that prints none, or exits
    non-zero without saying which test failed, is a failure itself."""
    name = os.path.basename(binary)
    try:
        p = subprocess.run([binary] + unit_args(binary), capture_output=True,
                           text=True, timeout=120)
        out, status = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        out, status = "", "timeout"
    seen = failed = 0
    for line in out.splitlines():
        if line.startswith(("PASS ", "FAIL ")):
            seen += 1
            failed += line.startswith("FAIL")
            report("%s: %s" % (name, line[5:]), line.startswith("PASS"))
        elif line.strip():
            print("    " + line)
    if seen == 0:
        report(name + " reports its tests", False, "no PASS or FAIL line; status %s" % status)
    elif status != 0 and not failed:
        report(name + " exits cleanly", False, "status %s" % status)


def run_unit(only=None):
    print("== host unit tests", flush=True)
    for binary in unit_binaries():
        if only is None or os.path.basename(binary) == only:
            run_unit_binary(binary)


def timed(test):
    t0 = time.monotonic()
    try:
        note = test()
        report(test.__name__, True, "%.1f s%s" % (time.monotonic() - t0,
                                                 ", " + note if note else ""))
    except Exception as e:
        report(test.__name__, False, "%s: %s; log in build/test-logs/" % (type(e).__name__, e))


def run_boottests(only=None):
    print("== boot tests (QEMU)", flush=True)
    for test in boot_tests.TESTS:
        if only is None or test.__name__ == only:
            timed(test)


def suite(title, fn):
    """A boot suite run as a whole, its seconds on the host printed after it."""
    def run(only=None):
        print("== " + title, flush=True)
        t0 = time.monotonic()
        fn(report) if only is None else fn(report, only)
        print("   (%.0f s)" % (time.monotonic() - t0), flush=True)
    return run


def run_gdb(only=None):
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
    p = subprocess.run([sys.executable, os.path.join(HERE, "gdb/hartprof_test.py")],
                       capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    report("gdb: make profile samples every hart and names kernel functions",
           p.returncode == 0, (p.stdout + p.stderr)[-300:])


def crash(rep, only=None):
    crash_tests.crash_suite(rep, runs=int(os.environ.get("CRASH_RUNS", "10")))


def ktest_names():
    names = []
    for f in glob.glob(os.path.join(ROOT, "tests/kernel/*.c")):
        with open(f) as src:
            names += re.findall(r"^KTEST\((\w+)", src.read(), re.M)
    return sorted(names)


def usertest_names():
    with open(os.path.join(ROOT, "user/tests/usertests.c")) as src:
        return re.findall(r'^\s*\{"(\w+)", test_\w+, \d+\},$', src.read(), re.M)


# The boot suites, in the order make test runs them: name, how, and which
# NAMEs suite:NAME takes (None: the suite runs only as a whole).
BOOT = [
    ("boottests", run_boottests, lambda: [t.__name__ for t in boot_tests.TESTS]),
    ("ktest", suite("in-kernel tests (ktest)", boot_tests.ktest_suite), ktest_names),
    ("user", suite("user tests (usertests -s under init=testinit)", user_tests.user_suite),
     usertest_names),
    ("reserve", suite("user tests with a reserved hart and hz=50", user_tests.reserve_suite),
     None),
    ("xl", suite("syscall workers: a million entries, workers=2 on 5 harts, workers=0",
                 xl_tests.xl_suite), None),
    ("isolate", suite("page-table isolation: ktest, usertests under isolate=on and asid",
                      isolate_tests.isolate_suite), None),
    ("shell", suite("the shell, driven through the console", user_tests.shell_suite), None),
    ("readme", suite("README.md's boot transcript against a real boot",
                     readme_tests.readme_suite), None),
    ("fs", suite("the file system: persistence, damaged images, a full disk",
                 fs_tests.fs_suite), None),
    ("fuzz", suite("the syscall fuzzer, a short run", fuzz_tests.fuzz_suite), None),
    ("crash", suite("crash consistency: QEMU killed in the middle of writes", crash), None),
]


def suites():
    """name -> (run(only), names() or None)."""
    s = {"unit": (run_unit, lambda: [os.path.basename(b) for b in unit_binaries()])}
    for name, run, names in BOOT:
        s[name] = (run, names)
    s["gdb"] = (run_gdb, None)
    return s


GROUPS = {"boot": [b[0] for b in BOOT]}  # a name for several suites


def usage(out=sys.stdout):
    print(__doc__.strip(), file=out)


def list_names(out=sys.stdout):
    print("suites: %s (boot = %s)" % (" ".join(suites()), " ".join(GROUPS["boot"])), file=out)
    for name, (_, names) in suites().items():
        if names:
            print("%s:NAME, NAME one of: %s" % (name, " ".join(names())), file=out)


def plan(args):
    """The (run, only) steps for args, or None if a name is unknown."""
    all_suites, steps = suites(), []
    for arg in args:
        name, _, test = arg.partition(":")
        if name in GROUPS and not test:
            steps += [(all_suites[n][0], None) for n in GROUPS[name]]
            continue
        if name not in all_suites:
            print("run.py: no suite '%s'" % name, file=sys.stderr)
            return None
        run, names = all_suites[name]
        if test and (names is None or test not in names()):
            print("run.py: no test '%s' in suite '%s'" % (test, name), file=sys.stderr)
            return None
        steps.append((run, test or None))
    return steps


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        usage()
        return 0
    if "--list" in argv:
        list_names()
        return 0
    steps = plan(argv or ["unit", "boot", "gdb"])
    if steps is None:
        list_names(sys.stderr)
        return 2
    start = time.monotonic()
    for run, only in steps:
        run(only)
    if failures:
        print("failed: " + ", ".join(failures))
    print("time: %.0f s" % (time.monotonic() - start))
    # The last line; CI reads it.
    print("%d passed, %d failed, %d skipped" % (results["passed"], results["failed"],
                                                results["skipped"]))
    return 1 if results["failed"] or not sum(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
