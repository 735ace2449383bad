# SPDX-License-Identifier: MIT
"""Page-table isolation (isolate=on, isolate=asid): the in-kernel tests and
usertests run again with the kernel missing from every user table.
Takes report(name, ok, detail), like the other suites."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot_tests  # noqa: E402
import user_tests  # noqa: E402


def isolate_suite(report):
    """The whole ktest suite and usertests' quick table (not -s's slow
    one) under isolate=on; usertests under isolate=asid. Each boot must
    also say it isolated, and report user faults as usual."""
    boot_tests.ktest_suite(report, extra="isolate=on", prefix="isolate=on ktest")
    for mode in ("on", "asid"):
        out, status = user_tests.run_testinit("isolate-" + mode, "isolate=" + mode)
        said = re.search(r"^isolate: %s: user tables map the trampoline" % mode, out, re.M)
        report("isolate=%s: the kernel says it isolates" % mode, bool(said),
               "" if said else "no 'isolate: %s' line" % mode)
        user_tests.report_usertests(report, out, status, prefix="isolate=%s usertests" % mode)
        # Faults from U-mode, OpenSBI's redirected ones too, enter through the trampoline.
        user_tests.report_fault_lines(
            lambda name, ok, detail="", m=mode: report("isolate=%s: %s" % (m, name), ok, detail),
            out)
