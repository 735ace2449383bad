# SPDX-License-Identifier: MIT
"""Boot tests of the syscall workers beyond the default machine: a million
entries through the pages, two workers on five harts, and none at all.
Each boots the shell on a fresh file system and types usertests commands.
xl_suite takes report(name, ok, detail), like user_tests.user_suite."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import Qemu, print_report  # noqa: E402
from user_tests import TOTALS, VERDICT, Console, report_verdict  # noqa: E402

# The slow table's page tests; the rest of the xl* tests run everywhere.
SLOW = {"xlmillion", "xlorderbig"}


def usertests(con, names, timeout):
    """Run usertests NAMES at the prompt, a few per command (sh takes 16
    words): {name: verdict} and the output."""
    verdicts, out = {}, ""
    for i in range(0, len(names), 10):
        with con.q.lock:
            con.mark = len(con.q.output)
        start = con.mark
        con.q.send("usertests %s\r" % " ".join(names[i:i + 10]))
        con.expect(TOTALS, timeout)
        con.prompt(30)
        with con.q.lock:
            part = con.q.output[start:con.mark]
        verdicts.update(re.findall(VERDICT, part, re.M))
        out += part
    return verdicts, out


def xl_names(con):
    """The xl* tests of usertests' tables, but the slow ones."""
    with con.q.lock:
        con.mark = len(con.q.output)
    start = con.mark
    con.run("usertests -l", r"^xlbasic$")
    with con.q.lock:
        out = con.q.output[start:con.mark]
    return [n for n in re.findall(r"^(xl\w+)$", out, re.M) if n not in SLOW]


def report_each(report, prefix, names, verdicts):
    for n in names:
        report_verdict(report, "%s: usertests %s" % (prefix, n), verdicts.get(n, "no result"))


def boot_shell(name, smp, bootargs, limit):
    # usertests from the shell change pmem settings: not init's own.
    q = Qemu(name, smp=smp, bootargs=bootargs + " pmemctl=open", limit=limit, image="fresh")
    con = Console(q)
    con.prompt(120)
    return q, con


def million(report):
    """1,000,000 echo entries (4 processes x 250,000), every result checked."""
    name = "xl: 1,000,000 echo entries through the pages, 4 processes"
    q = None
    try:
        q, con = boot_shell("xl-million", 4, "", 300)
        t0 = time.monotonic()
        verdicts, out = usertests(con, ["xlmillion"], 240)
        m = re.search(r"entries in (\d+) ms", out)
        ok = verdicts.get("xlmillion") == "OK"
        report(name, ok, "%s; %.0f s on the host" % (m.group(0) if m else verdicts.get(
            "xlmillion", "no result"), time.monotonic() - t0))
    except Exception as e:  # a hang still says where
        report(name, False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()


def two_workers(report):
    """workers=2 on 5 harts: both serve, and every page test passes."""
    prefix = "xl workers=2"
    q = None
    try:
        q, con = boot_shell("xl-workers2", 5, "workers=2", 400)
        harts = re.findall(r"hart (\d+) is a syscall worker", q.output)
        report(prefix + ": two worker harts start", len(harts) == 2, "harts %s" % harts)
        names = xl_names(con)
        verdicts, _ = usertests(con, names, 300)
        report_each(report, prefix, names, verdicts)
        m = con.run("xlstat", r"^served((?:\s+\d+)+)$")
        served = [int(x) for x in m.group(1).split()]
        report(prefix + ": both workers served entries", len(served) == 2 and min(served) > 0,
               "served %s" % served)
    except Exception as e:
        report(prefix + ": the run completes", False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()


def no_workers(report):
    """workers=0: no page can be registered (ENXIO); the page tests skip."""
    prefix = "xl workers=0"
    q = None
    try:
        q, con = boot_shell("xl-workers0", 4, "workers=0", 200)
        report(prefix + ": no worker hart", "is a syscall worker" not in q.output, "")
        names = ["xlnoworkers", "xlbasic", "xldiff", "xlorder", "xlgarbage"]
        verdicts, out = usertests(con, names, 120)
        report_each(report, prefix, names[:1], verdicts)
        for n in names[1:]:  # skipping is what they must do here
            v = verdicts.get(n, "no result")
            report("%s: usertests %s skips" % (prefix, n), v == "skipped", v)
        report(prefix + ": the page tests say why they skip",
               out.count("no syscall workers: skipped") == len(names) - 1, "")
        con.run("xlstat", r"^xlstat: no syscall workers")
        report(prefix + ": xlstat says there are none", True, "")
    except Exception as e:
        report(prefix + ": the run completes", False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()


def xl_suite(report):
    million(report)
    two_workers(report)
    no_workers(report)


if __name__ == "__main__":
    _report = print_report
    which = sys.argv[1:] or ["million", "two", "none"]
    for w, fn in (("million", million), ("two", two_workers), ("none", no_workers)):
        if w in which:
            fn(_report)
