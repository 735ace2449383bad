# SPDX-License-Identifier: MIT
"""User-space boot tests: usertests under testinit, the console reports of
the fault demos, and the shell driven as a user would drive it.
Each suite takes report(name, ok, detail), like boot_tests.ktest_suite."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import Qemu, boot_to_exit, print_report  # noqa: E402

# QEMU with 4 harts on a 2-core host is slow: be generous.
LIMIT = 240

# The kernel's report of a faulting process, per demo (usertests runs them).
ADDR = r"0x[0-9a-f]+"
FAULT_REPORTS = [
    ("fault_null", r"Load page fault \(scause 0xd\) at sepc %s, stval 0x0; killed" % ADDR),
    ("fault_ebreak", r"Breakpoint \(scause 0x3\) at sepc %s, stval %s; killed" % (ADDR, ADDR)),
    ("fault_illegal", r"Illegal instruction \(scause 0x2\) at sepc %s, stval %s; killed"
     % (ADDR, ADDR)),
    ("fault_csr", r"Illegal instruction \(scause 0x2\) at sepc %s, stval %s; killed"
     % (ADDR, ADDR)),
]


def fault_line(name, what):
    return r"^pid \d+ \(%s\): %s$" % (re.escape(name), what)


# usertests' lines: one verdict per test, then the totals.
VERDICT = r"^test (\S+): (OK|skipped|FAILED.*)$"
TOTALS = r"^usertests: (\d+) passed, (\d+) failed, (\d+) skipped$"


def verdicts(out):
    """[(name, verdict)] from usertests' output, verdict OK, skipped or FAILED (why)."""
    return re.findall(VERDICT, out, re.M)


def report_verdict(report, name, verdict):
    """A usertests verdict as a result: OK passes, skipped is a skip."""
    report(name, verdict == "OK", "" if verdict in ("OK", "skipped") else verdict,
           skip=verdict == "skipped")


def report_usertests(report, out, status, prefix="usertests"):
    """One result per 'test NAME: ...' line, then one for the totals."""
    lines = verdicts(out)
    for name, verdict in lines:
        report_verdict(report, "%s %s" % (prefix, name), verdict)
    m = re.search(TOTALS, out, re.M)
    ok = (bool(m) and status == 0 and m.group(2) == "0" and
          int(m.group(1)) + int(m.group(3)) == len(lines))
    detail = "QEMU status %s; %s" % (status, m.group(0) if m else "no totals line")
    report("%s: every test passes and QEMU exits 0" % prefix, ok, detail)


def run_testinit(name, bootargs, smp=4, limit=LIMIT):
    """Boot init=testinit on a fresh file system; (output, status). A hang
    still returns what ran."""
    if "pmemctl=" not in bootargs:  # the pmem tests change device settings
        bootargs += " pmemctl=open"
    return boot_to_exit(name, "init=testinit " + bootargs, smp, limit)


def report_fault_lines(report, out):
    for name, what in FAULT_REPORTS:
        report("console reports the %s fault" % name, bool(re.search(fault_line(name, what), out,
                                                                     re.M)), "")
    overflow = fault_line("usertests", r"Store/AMO page fault \(scause 0xf\) at sepc %s, "
                          r"stval %s \(stack overflow\); killed" % (ADDR, ADDR))
    report("console names a stack overflow", bool(re.search(overflow, out, re.M)), "")


def user_suite(report, only=None):
    """Boot with init=testinit on a fresh copy of the file system:
    usertests -s runs the quick and the slow table (not the ones that take
    minutes, fsfull, xlmillion and xlorderbig: usertests -a), init's status
    is QEMU's. only: one test's name, run alone (usertests NAME)."""
    if only:
        out, status = run_testinit("usertests-" + only, "initargs=" + only, limit=LIMIT + 120)
        report_usertests(report, out, status)
        return
    out, status = run_testinit("usertests", "initargs=-s", limit=LIMIT + 120)
    report("usertests: the file system was mounted (the fs tests ran)",
           bool(re.search(r"^fs: / mounted on pmem", out, re.M)) and
           "no file system mounted: skipped" not in out, "")
    report_usertests(report, out, status)
    report("usertests: the slow table ran too",
           all(re.search(r"^test %s: " % t, out, re.M) for t in SLOW_TESTS), "")
    report_fault_lines(report, out)


SLOW_TESTS = ["forkall", "exitwait", "forkfork", "killrace", "execmany", "sbrkall", "pipemany",
              "threadall"]
# Affinity and time with a reserved hart and another tick rate.
RESERVE_TESTS = ["sysinfo", "sleep", "sleepcmd", "pin", "badpin", "pininherit", "reserved",
                 "preempt", "thread", "killspin", "pmemperm"]


def reserve_suite(report):
    """5 harts with hart 1 reserved for pinned threads (the others: general,
    a syscall worker, the pmem device) and hz=50: pinning, the reserved
    hart, and sleep's real-time length."""
    # pmemctl=init: pmemperm sees an ordinary process refused (-EPERM).
    out, status = run_testinit("usertests-reserve", "reserve=1 hz=50 pmemctl=init initargs=" +
                               ",".join(RESERVE_TESTS), smp=5)
    report("reserve=1: hart 1 is reserved for pinned threads",
           bool(re.search(r"hart 1 (started|is the boot hart) \(role: reserved for pinned threads\)",
                          out, re.M)), "")
    report("reserve=1: usertests ran every test asked for",
           all(re.search(r"^test %s: " % t, out, re.M) for t in RESERVE_TESTS) and
           "reserved: no reserved hart" not in out, "")
    report_usertests(report, out, status, prefix="reserve=1 hz=50: usertests")


class Console:
    """Reads q's output from a moving mark, so each step sees only what is new."""

    def __init__(self, q):
        self.q = q
        self.mark = 0

    def expect(self, pattern, timeout=30):
        end = min(time.monotonic() + timeout, self.q.deadline)
        rx = re.compile(pattern, re.M)
        while True:
            with self.q.lock:
                m = rx.search(self.q.output, self.mark)
            if m:
                self.mark = m.end()
                return m
            if time.monotonic() > end or self.q.proc.poll() is not None:
                raise AssertionError("no /%s/ within %ss" % (pattern, timeout))
            time.sleep(0.05)

    def prompt(self, timeout=30):
        self.expect(r"\$ ", timeout)

    def run(self, line, pattern, timeout=30):
        """Type a line at the prompt, wait for pattern, then the next prompt."""
        with self.q.lock:
            self.mark = len(self.q.output)
        self.q.send(line + "\r")
        m = self.expect(pattern, timeout)
        self.prompt(timeout)
        return m


def ctrl_c_step(con):
    """A foreground sleep, ^C, then the shell reports it killed: status 137."""
    with con.q.lock:
        con.mark = len(con.q.output)
    con.q.send("sleep 100000\r")
    time.sleep(2)
    con.q.send("\x03")
    con.expect(r"\[pid \d+: killed\]")
    con.prompt()
    con.run("echo $?", r"^137$")


def since(con, start):
    with con.q.lock:
        return con.q.output[start:con.mark]


def now(con):
    with con.q.lock:
        return len(con.q.output)


def refuse(text, pattern, what):
    if re.search(pattern, text, re.M):
        raise AssertionError("%s: /%s/ in %r" % (what, pattern, text))


def exit139_step(con):
    """exit(139) is a normal exit: $? is 139, but no fault is reported."""
    start = now(con)
    con.run("usertests -exit 139; echo $?", r"^139$")
    refuse(since(con, start), r"(fault|killed)\]", "the shell reported a kill for exit(139)")


def kill_line_step(con):
    """^U throws away the line typed so far."""
    start = con.mark = now(con)
    con.q.send("echo wrong\x15echo right\r")
    con.expect(r"^right$")
    con.prompt()
    refuse(since(con, start), r"^wrong", "^U left the killed text")


def feed(con, command, *chunks):
    """Run command, then type each chunk a moment apart (the program reads
    the console meanwhile)."""
    con.mark = now(con)
    con.q.send(command + "\r")
    for chunk in chunks:
        time.sleep(0.7)
        con.q.send(chunk)


def eof_step(con):
    """^D on an empty line ends cat's input: wc sees 2 lines, 3 words."""
    feed(con, "cat | wc", "a b\rc\r", "\x04")
    con.expect(r"^\s*2\s+3\s+6\b")
    con.prompt()


def eof_midline_step(con):
    """^D after some text hands that text over; a second one is EOF."""
    feed(con, "cat | wc", "xy\x04", "\x04")
    con.expect(r"\s0\s+1\s+2\s*$")
    con.prompt()


def make_grep_file(con):
    """cat > gf, three lines typed, ^D: the file the grep steps read."""
    feed(con, "cat > gf", "one x\rtwo\rthree x\r", "\x04")
    con.prompt()
    con.run("wc gf", r"^\s*3\s+5\s+18\s+gf$")


def grep_redirect_step(con):
    """grep x < gf: the lines with an x, from standard input."""
    start = now(con)
    con.run("grep x < gf", r"^one x\nthree x$")
    refuse(since(con, start), r"^two$", "grep printed a line without x")


def background_kill_step(con):
    """A background sleep, then kill PID: the shell reports it killed."""
    pid = con.run("sleep 100 &", r"^\[(\d+)\]$").group(1)
    con.run("kill %s; sleep 0.5" % pid, r"^\[pid %s: killed\]$" % pid)


def intr_sleep_step(con, hz=100):
    """intr sleep 1: about hz ticks and a second, its exit status."""
    m = con.run("intr sleep 1", r"^intr: 'sleep' \(pid \d+, started on hart \d+\) ran (\d+) "
                r"ticks \((\d+) ms\), exit status 0\.$")
    ticks, ms = int(m.group(1)), int(m.group(2))
    if not (hz <= ticks < hz * 2 and 1000 <= ms < 2000):
        raise AssertionError("intr sleep 1: %d ticks, %d ms" % (ticks, ms))


def exit_step(con):
    """exit ends the shell; init starts a new one that answers."""
    con.q.send("exit\r")
    con.expect(r"init: sh \(pid \d+\) exited with status 0")
    con.prompt(60)
    con.run("echo again", r"^again$")


INTR_HEAD = r"^intr: '%s' \(pid \d+, started on hart \d+\) ran \d+ ticks \(\d+ ms\), "

# In order: (name, command line, pattern of its output) or (name, step(con)).
SHELL_STEPS = [
    ("shell: echo hello | wc counts 1 1 6", "echo hello | wc", r"^\s*1\s+1\s+6\b"),
    ("shell: fault_null is killed with a report", "fault_null",
     fault_line("fault_null", FAULT_REPORTS[0][1])),
    ("shell: echo $? shows 139 after a fault", "echo $?", r"^139$"),
    ("shell: echo $? shows 0 after a success", "echo $?", r"^0$"),
    ("shell: exit(139) is reported as an exit, not a fault", exit139_step),
    ("shell: ls lists usertests: name, type, inode, size", "ls",
     r"^usertests\s+file\s+\d+\s+\d+$"),
    ("shell: intr shows a TIM row", "intr", r"^\s*TIM:(\s+\d+)+"),
    ("shell: mkdir makes a directory", "mkdir tdir; stat tdir",
     r"^tdir: directory, inode \d+, 2 links, 64 bytes$"),
    ("shell: cd into it; ls shows . and ..", "cd tdir; ls", r"^\.\.\s+dir\s+1\s+\d+$"),
    ("shell: echo > file writes a file", "echo some words > note; echo $?", r"^0$"),
    ("shell: cat reads it back", "cat note", r"^some words$"),
    ("shell: ls shows the file and its size", "ls", r"^note\s+file\s+\d+\s+11$"),
    ("shell: programs run from any directory", "wc note", r"^\s*1\s+2\s+11\b"),
    ("shell: intr CMD from a subdirectory finds CMD in /", "intr echo sub", INTR_HEAD % "echo"),
    ("shell: ln and stat show two links", "ln note other; stat other",
     r"^other: file, inode \d+, 2 links, 11 bytes$"),
    ("shell: rm of a non-empty directory is refused", "cd /; rm tdir",
     r"rm: tdir: ENOTEMPTY"),
    ("shell: rm removes the files, then the directory", "rm tdir/note tdir/other tdir; ls tdir",
     r"ls: tdir: ENOENT"),
    ("shell: df reports free space", "df", r"^pmem\s+512\s+\d+\s+\d+\s+\d+"),
    ("console: backspace rubs out a character", "echo abc\x7fX", r"^abX$"),
    ("console: backspace over several", "echo abcd\x7f\x7f\x7fzz", r"^azz$"),
    ("console: ^U kills the line typed so far", kill_line_step),
    ("console: ^D ends cat's input", eof_step),
    ("console: ^D after text hands it over, a second ends input", eof_midline_step),
    ("shell: cat > gf takes lines from the console", make_grep_file),
    ("shell: grep x < gf reads standard input", grep_redirect_step),
    ("shell: grep PATTERN FILE finds the line", "grep two gf", r"^two$"),
    ("shell: grep without a match: status 1", "grep nothing gf; echo $?", r"^1$"),
    ("shell: rm gf", "rm gf; echo $?", r"^0$"),
    ("shell: kill 1 is refused (init)", "kill 1", r"^kill: 1: EPERM$"),
    ("shell: kill of no such pid", "kill 99999", r"^kill: 99999: ESRCH$"),
    ("shell: kill with no number", "kill abc", r"^kill: abc: EINVAL$"),
    ("shell: & runs in the background; kill PID ends it", background_kill_step),
    ("shell: sleep 0.2 succeeds", "sleep 0.2; echo $?", r"^0$"),
    ("shell: '& ;' accepted; a background notice waits for the foreground job's output",
     "sleep 0.2 & ; intr sleep 1",
     r"^intr: 'sleep' .*\n(.*\n)*?\[pid \d+: done, status 0\]$"),
    ("shell: sleep with a bad number: usage, status 1", "sleep 1x; echo $?",
     r"usage: sleep SECONDS.*\n(.*\n)*?1$"),
    ("shell: intr CMD prints its deltas, SYS row included", "intr echo hi",
     INTR_HEAD % "echo" + r"exit status 0\.\n(.*\n)*?\s*SYS:(\s+\d+)+"),
    ("shell: intr sleep 1 runs about a second", intr_sleep_step),
    ("shell: intr of a faulting command says so", "intr fault_null",
     INTR_HEAD % "fault_null" + r"killed by the kernel, signal 11\.$"),
    ("shell: ^C kills a foreground job", ctrl_c_step),
    ("shell: exit, and init starts a new shell", exit_step),
]


def shell_suite(report):
    """Boot the normal init on a fresh copy of the file system and use the
    shell; QEMU is killed at the end."""
    q = Qemu("shell", smp=4, limit=LIMIT, image="fresh")
    con = Console(q)
    try:
        try:
            con.prompt(120)
        except AssertionError as e:
            report("shell: a prompt after boot", False, str(e))
            return
        for step in SHELL_STEPS:
            name = step[0]
            try:
                if len(step) == 2:
                    step[1](con)
                else:
                    con.run(step[1], step[2])
                report(name, True, "")
            except AssertionError as e:
                report(name, False, str(e))
    finally:
        q.close()


if __name__ == "__main__":
    _report = print_report
    which = sys.argv[1:] or ["user", "reserve", "shell"]
    if "user" in which:
        user_suite(_report)
    if "reserve" in which:
        reserve_suite(_report)
    if "shell" in which:
        shell_suite(_report)
