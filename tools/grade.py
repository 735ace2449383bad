#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Grade a lab (docs/labs/): python3 tools/grade.py LAB [TEST].

Each test boots nagi under QEMU (tests/qemu.py) on a fresh copy of the
file system, with its own timeout, and is worth points; the last line is
"Score: N/M" and the exit status is 0 only at full marks. Run it through
`make grade LAB=... [TEST=...]`, which builds first."""
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "tests"), os.path.join(ROOT, "tests", "boot")]
from qemu import Qemu, boot_to_exit  # noqa: E402
from user_tests import Console  # noqa: E402


# What a stub prints (kernel/lab.c, user/lib/lab.c), maybe after a prompt
# on the same line. Only the graded lab's stubs fail its tests: another
# lab's stub (say the pmem driver's, which prints at every boot) is that
# lab's business.
LAB_LINE = r"lab %s: [^\n]*not implemented"
lab_now = r"\w+"  # the lab being graded (run() sets it)


def lab_line(out):
    """The lines the graded lab's stubs printed in out (each once, in
    order, one a line), or None."""
    lines = []
    for m in re.finditer(LAB_LINE % lab_now, out, re.M):
        if m.group(0) not in lines:
            lines.append(m.group(0))
    return "\n    ".join(lines) or None


def boot_init(name, mode, limit, smp=4):
    """Boot init=labtest MODE; its output and exit status (QEMU's)."""
    return boot_to_exit("grade-" + name, "init=labtest initargs=" + mode, smp, limit)


def labtest(mode, *patterns):
    """A test: init=labtest MODE passes and the console shows each pattern,
    in order. MODE "run,CMD,ARG..." runs a command (no console input needed)."""
    def test(name, limit):
        out, status = boot_init(name, mode, limit)
        lab = lab_line(out)
        if lab:
            return False, lab
        word = mode.split(",")[0]
        if not re.search(r"^labtest: %s passed$" % re.escape(word), out, re.M):
            m = re.search(r"^labtest: FAIL .*$", out, re.M)
            return False, m.group(0) if m else "no 'labtest: %s passed' (status %s)" % (mode, status)
        pos = 0
        for p in patterns:
            m = re.compile(p, re.M).search(out, pos)
            if not m:
                return False, "no /%s/ on the console" % p
            pos = m.end()
        return True, ""
    return test


def shell(steps, smp=4):
    """A test: boot the normal init, type each (line, pattern) at the shell."""
    def test(name, limit):
        q = Qemu("grade-" + name, smp=smp, limit=limit, image="fresh")
        con = Console(q)
        try:
            con.prompt(limit)
            for line, pattern in steps:
                # A stub's "lab NAME: ..." line ends the wait at once.
                with q.lock:
                    con.mark = len(q.output)
                q.send(line + "\r")
                m = con.expect(r"(?:%s)|(?P<lab>%s)" % (pattern, LAB_LINE % lab_now), limit)
                if m.group("lab"):
                    return False, m.group("lab")
                con.prompt(limit)
            return True, ""
        except AssertionError as e:
            with q.lock:
                lab = lab_line(q.output)
            return False, lab or str(e)
        finally:
            q.close()
    return test


def usertest(test, bootargs="", smp=4):
    """A test: usertests TEST, alone in a boot (init=testinit), says OK."""
    def run_it(name, limit):
        args = " ".join(a for a in ("init=testinit pmemctl=open", bootargs, "initargs=" + test) if a)
        out, status = boot_to_exit("grade-" + name, args, smp, limit)
        m = re.search(r"^test %s: (.*)$" % re.escape(test), out, re.M)
        verdict = m.group(0) if m else "usertests %s gave no verdict (status %s)" % (test, status)
        lab = lab_line(out)
        if lab:
            return False, verdict + "\n    " + lab
        return bool(m) and m.group(1) == "OK", "" if m and m.group(1) == "OK" else verdict
    return run_it


def ktest(test, bootargs=""):
    """A test: the kernel test TEST (tests/kernel/), alone in a boot, is ok."""
    def run_it(name, limit):
        out, status = boot_to_exit("grade-" + name, "ktest=%s pmem=last %s" % (test, bootargs),
                                   4, limit)
        ok = bool(re.search(r"^ktest: %s ok$" % re.escape(test), out, re.M)) and status == 0
        m = re.search(r"^    \S+:\d+: expected .*$|^ktest: %s FAILED$" % re.escape(test), out, re.M)
        verdict = m.group(0).strip() if m else "ktest %s: %s (status %s)" % (
            test, "ok" if ok else "no verdict", status)
        lab = lab_line(out)
        if lab:
            return False, verdict + "\n    " + lab
        return ok, "" if ok else verdict
    return run_it


PID = r"(\d+)"
# The labs: (test name, points, timeout in seconds, test).
LABS = {
    "syscall": [
        ("trace-trap", 30, 90, labtest(
            "trace-trap", r"^%s: syscall getpid -> \1$" % PID,
            r"^labtest: getpid by trap = \d+$", r"^labtest: getpid untraced")),
        ("trace-page", 30, 90, labtest(
            "trace-page", r"^%s: syscall getpid -> \1$" % PID,
            r"^labtest: getpid by page = \d+$")),
        ("trace-fork", 20, 90, labtest(
            "trace-fork", r"^%s: syscall getpid -> \1$" % PID,
            r"^labtest: child getpid = \d+$")),
        ("trace-command", 20, 120, labtest(
            "run,trace,65536,echo,traced", r"^traced\n\d+: syscall write -> 7$")),
    ],
    "traps": [
        ("alarm", 40, 120, labtest("alarm", r"^labtest: [5-9]\d* upcalls, 0 nested$")),
        ("alarm-regs", 30, 150, labtest("alarm-regs", r"result unchanged$")),
        ("alarm-off", 20, 150, labtest("alarm-off", r"^labtest: 0 upcalls after")),
        ("fatal-trap", 10, 120, labtest(
            "run,fault_null", r"^pid \d+ \(fault_null\): Load page fault \(scause 0xd\) "
            r"at sepc 0x[0-9a-f]+, stval 0x0; killed$", r"^labtest: fault_null ended, status -")),
    ],
    "interrupts": [
        ("console-input", 40, 120, shell([("echo typed", r"^typed$")])),
        ("intr-uart-counted", 30, 120, shell([("intr", r"^\s*10:(\s+\d+)*\s+[1-9]\d*\s.*uart0$")])),
        ("intr-one-hart", 30, 120, shell([("intr", r"^\s*10:(\s+0)*\s+[1-9]\d*(\s+0)*\s+PLIC\s+uart0$")])),
    ],
    # usertests and ktests, one boot each (a lab's stubs never hang: they
    # print their line and do something harmless and wrong).
    "xl": [
        ("xlbasic", 10, 90, usertest("xlbasic")),
        ("ringcq", 10, 90, usertest("ringcq")),
        ("xlblock", 10, 90, usertest("xlblock")),
        ("xlorder", 15, 180, usertest("xlorder")),
        ("xlorder-2workers", 15, 180, usertest("xlorder", "workers=2", smp=5)),
        ("xlwakeup", 15, 90, usertest("xlwakeup")),
        ("xlsleepwake", 25, 180, usertest("xlsleepwake")),
    ],
    "polling": [
        # hybrid and latency-report need the solution; the others check
        # that the driver still works in every mode with it.
        ("hybrid", 35, 90, ktest("pmem_hybrid_completes_every_command")),
        ("latency-report", 25, 90, ktest("pmem_latency_report")),
        ("poll-irq-rw", 10, 90, ktest("pmem_write_read_both_modes")),
        ("mode-switch", 10, 120, ktest("pmem_mode_switch_under_load")),
        ("irq-target", 10, 90, ktest("pmem_irq_goes_to_the_waiters_hart")),
        ("pmemprobe", 5, 90, usertest("pmemprobe")),
        ("xlpmemio", 5, 90, usertest("xlpmemio")),
    ],
    "fibers": [
        ("fiberswitch", 10, 90, usertest("fiberswitch")),
        ("fiberorder", 10, 90, usertest("fiberorder")),
        ("fibermutex", 10, 90, usertest("fibermutex")),
        ("fibersem", 10, 90, usertest("fibersem")),
        ("fibercond", 10, 90, usertest("fibercond")),
        ("fibermany", 10, 120, usertest("fibermany")),
        ("fiberio", 15, 180, usertest("fiberio")),
        ("fiberoverflow", 10, 90, usertest("fiberoverflow")),
        ("fiberpipe", 15, 90, usertest("fiberpipe")),
    ],
}


# The labs whose solutions a lab's tests need besides its own (in the
# student tree of one of these, that lab cannot pass: labs-check OTHERS=1
# does not expect it to).
NEEDS = {
    "syscall": ["xl"],   # trace-page goes through a syscall page
    "polling": ["xl"],   # xlpmemio: device I/O through a page
    "fibers": ["xl"],    # fiberio, fiberpipe: fibers' calls go through pages
}


def run(lab, only=None):
    tests = LABS[lab]
    if only:
        tests = [t for t in tests if t[0] == only]
        if not tests:
            print("grade: lab %s has no test %s (%s)" % (lab, only,
                                                        " ".join(t[0] for t in LABS[lab])))
            return 2
    global lab_now
    lab_now = lab
    score = total = 0
    print("== lab %s ==" % lab, flush=True)
    for name, points, limit, test in tests:
        start = time.monotonic()
        try:
            ok, detail = test(name, limit)
        except Exception as e:  # a harness error is a failed test, not a crash
            ok, detail = False, "%s: %s" % (type(e).__name__, e)
        total += points
        score += points if ok else 0
        print("%-16s %s (%.1fs) %d/%d%s" % (name + ":", "OK" if ok else "FAIL",
                                           time.monotonic() - start, points if ok else 0,
                                           points, "\n    " + detail if detail else ""),
              flush=True)
    print("Score: %d/%d" % (score, total))
    return 0 if score == total else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--needs"] and len(sys.argv) == 3:
        print("\n".join(NEEDS.get(sys.argv[2], [])))
        sys.exit(0)
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in LABS:
        print("usage: grade.py LAB [TEST]   labs: %s" % " ".join(LABS), file=sys.stderr)
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None))
