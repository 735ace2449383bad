# SPDX-License-Identifier: MIT
"""The syscall fuzzer (user/bin/fuzz.c) as a boot test: random calls by trap
and through syscall pages from the shell, then the checks fuzz makes after
every round (every burst killable and reaped, no page or thread slot lost)
and the console's (no panic). SEED=N replays a run; make fuzz runs the long
matrix (python3 tests/boot/fuzz_tests.py long)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import Qemu, print_report  # noqa: E402
from user_tests import Console  # noqa: E402

SHORT_CALLS = 10000    # per path, in make test
LONG_CALLS = 100000    # per path, in make fuzz
LONG_MATRIX = [(smp, mode) for smp in (2, 4, 5) for mode in ("irq", "poll")]


def seed():
    """SEED from the environment, or a new one (printed with the result)."""
    s = os.environ.get("SEED")
    return int(s) if s else int.from_bytes(os.urandom(4), "little")


def fuzz_run(report, smp, mode, calls, rounds, limit):
    """One boot: fuzz -s SEED -n calls -r rounds at the shell prompt."""
    s = seed()
    tag = "fuzz smp=%d pmem_mode=%s" % (smp, mode)
    q = Qemu("fuzz-smp%d-%s" % (smp, mode), smp=smp, bootargs="pmem_mode=" + mode,
             limit=limit, image="fresh")
    con = Console(q)
    t0 = time.monotonic()
    try:
        con.prompt(120)
        con.run("fuzz -s %d -n %d -r %d" % (s, calls, rounds),
                r"^fuzz: \d+ trap calls, \d+ page calls; \w+$", timeout=limit - 60)
        out = q.output
        m = re.search(r"^fuzz: (\d+) trap calls, (\d+) page calls; (\w+)$", out, re.M)
        rounds_seen = re.findall(r"^fuzz: round \d+: .*$", out, re.M)
        why = re.findall(r"^fuzz: .*(?:NOT BACK|UNEXPECTED)$", out, re.M)  # what failed a round
        detail = "seed %d (replay: SEED=%d); %s; %.0f s%s" % (
            s, s, m.group(0), time.monotonic() - t0, "".join("\n    " + w for w in why[:8]))
        report("%s: %d rounds, each back to its free pages and thread slots" % (tag, rounds),
               m.group(3) == "ok" and len(rounds_seen) == rounds and
               not any("NOT BACK" in r for r in rounds_seen), detail)
        report("%s: at least %d calls per path" % (tag, calls),
               int(m.group(1)) >= calls and int(m.group(2)) >= calls, detail)
    except Exception as e:
        report(tag + ": the run completes", False, "seed %d: %s: %s" % (s, type(e).__name__, e))
    finally:
        q.close()
    report("%s: no panic" % tag, "panic" not in q.output, "seed %d" % s)


def fuzz_suite(report):
    """make test's short run: 4 harts, interrupt completions."""
    fuzz_run(report, 4, "irq", SHORT_CALLS, 4, 600)


def fuzz_long(report):
    """make fuzz: 2, 4 and 5 harts, both completion modes."""
    for smp, mode in LONG_MATRIX:
        fuzz_run(report, smp, mode, LONG_CALLS, 20, 7200)


if __name__ == "__main__":
    counts = {"passed": 0, "failed": 0, "skipped": 0}

    def _report(name, ok, detail="", skip=False):
        counts["skipped" if skip else "passed" if ok else "failed"] += 1
        print_report(name, ok, detail, skip)

    (fuzz_long if sys.argv[1:] == ["long"] else fuzz_suite)(_report)
    print("%d passed, %d failed, %d skipped" % (counts["passed"], counts["failed"],
                                                counts["skipped"]))
    sys.exit(1 if counts["failed"] else 0)
