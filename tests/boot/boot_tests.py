# SPDX-License-Identifier: MIT
"""Boot tests: boot nagi under QEMU and check what it prints, as a user would."""
import os
import re
import sys
import time

from qemu import MACHINE, ROOT, Qemu

TESTS = []


def boot_test(fn):
    TESTS.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def boot(name, **kw):
    q = Qemu(name, **kw)
    q.expect(r"nagi: \d+ harts? online", timeout=60)
    return q


def banner_case(smp):
    """Every hart starts; with two or more, one of them (by default the
    last, or the next one down if that boots) becomes the pmem device."""
    def test():
        q = Qemu("boot-smp%d" % smp, smp=smp, bootargs="monitor")
        try:
            m = q.expect(r"nagi: (\d+) harts? online", timeout=60)
            elapsed = time.monotonic() - q.start_time
            online = smp - 1 if smp > 1 else 1
            check(int(m.group(1)) == online, "%s harts online, wanted %d" % (m.group(1), online))
            boot_hart = int(q.expect(r"hart (\d+) is the boot hart").group(1))
            roles = dict((int(h), r) for h, r in
                         re.findall(r"hart (\d+) started \(role: ([\w ]+)\)", q.output))
            check(set(roles) == set(range(smp)) - {boot_hart},
                  "started harts %s, boot hart %d" % (sorted(roles), boot_hart))
            dev = [h for h, r in roles.items() if r == "pmem device"]
            want_dev = [] if smp == 1 else [smp - 1 if boot_hart != smp - 1 else smp - 2]
            check(dev == want_dev, "pmem device on harts %s, wanted %s" % (dev, want_dev))
            if dev:
                q.expect(r"nagi: pmem on hart %d: " % dev[0])
            q.expect(r"memory 0x80000000-0x90000000 \(256 MiB\)")
            q.expect(r"timebase 10000000 Hz")
            q.expect(r"nagi: IPIs via ACLINT SSWI \(one store\)")
            q.expect(r"nagi> ")
            q.send("poweroff\r")
            check(q.wait(30) == 0, "poweroff should exit QEMU with status 0")
            return "banner after %.2f s" % elapsed
        finally:
            q.close()
    test.__name__ = "boot_smp%d_banner_and_poweroff" % smp
    return test


for n in (1, 2, 4, 8):
    boot_test(banner_case(n))


@boot_test
def monitor_counts_uart_interrupts():
    q = boot("monitor-intr", bootargs="monitor")
    try:
        q.expect(r"nagi> ")
        q.send("intr\r")
        m = q.expect(r"^\s*10:((?:\s+\d+)+)\s+PLIC\s+uart0", timeout=10)
        counts = [int(x) for x in m.group(1).split()]
        check(sum(counts) >= 5, "uart0 interrupts %s: expected one per typed byte" % counts)
        m = q.expect(r"^\s*TIM:((?:\s+\d+)+)\s+Timer interrupts", timeout=10)
        head = q.expect(r"^\s+((?:HART\d+\s*)+)$", timeout=10).group(1)
        cols = [int(h) for h in re.findall(r"HART(\d+)", head)]
        dev = int(q.expect(r"hart (\d+) started \(role: pmem device\)").group(1))
        ticks = dict(zip(cols, (int(x) for x in m.group(1).split())))
        check(all(n > 0 for h, n in ticks.items() if h != dev),
              "a general hart without timer ticks: %s" % ticks)
        check(ticks.get(dev) == 0, "the pmem device's hart %d took timer ticks: %s" % (dev, ticks))
        q.send("poweroff\r")
        check(q.wait(30) == 0, "poweroff exit status")
    finally:
        q.close()


@boot_test
def unknown_bootarg_is_warned_by_name():
    q = boot("bootargs-unknown", bootargs="monitor frobnicate=3 hz=abc panic=hlt")
    try:
        q.expect(r"unknown argument 'frobnicate'")
        q.expect(r"hz=abc is not a number")
        q.expect(r"panic=hlt is not 'halt'; ignored")
    finally:
        q.close()


@boot_test
def timer_falls_back_to_sbi_without_sstc():
    """A CPU without Sstc: the DTB's ISA string lacks it, and the tick comes
    through SBI set_timer instead of stimecmp, on every hart."""
    q = Qemu("timer-sbi", smp=3, bootargs="ktest=timer_ticks_on_every_hart pmem=off",
             extra=("-cpu", "rv64,sstc=false"), limit=60)
    try:
        q.expect(r"timer via SBI set_timer")
        check(q.wait(60) == 0, "ktest timer_ticks_on_every_hart failed with SBI set_timer")
        q.expect(r"ktest: timer_ticks_on_every_hart ok")
    finally:
        q.close()


@boot_test
def ipis_through_the_sbi():
    """Without an ACLINT SSWI (plain virt), and with ipi=sbi on a machine
    that has one, IPIs go through the firmware, and every hart takes them."""
    for name, machine, arg in (("ipi-virt", "virt", ""), ("ipi-sbi", MACHINE, " ipi=sbi")):
        q = Qemu(name, smp=4, machine=machine, limit=60,
                 bootargs="ktest=ipi_reaches_every_hart pmem=off" + arg)
        try:
            q.expect(r"nagi: IPIs via SBI \(through the firmware\)")
            check(q.wait(60) == 0, "%s: ktest ipi_reaches_every_hart failed" % name)
            q.expect(r"ktest: ipi_reaches_every_hart ok")
        finally:
            q.close()


def check_headline(out):
    """make bench's headline (tools/bench.py) from these CSV lines: each of
    its ratios is there, with a number."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import bench as bench_tool
    csv = [l[4:] for l in out.splitlines() if l.startswith("csv,")]
    said = "\n".join(bench_tool.headline(["isolate," + csv[0]] + ["off," + r for r in csv[1:]]))
    for want in (r"isolate=off: a trap [\d.]+ ns",
                 r"null through the page: [\d.]+ x a trap at batch 32, [\d.]+ x alone "
                 r"\([\d.]+ x the [\d.]+ ns floor\)",
                 r"a 512 B read at 0 us, median: polled [\d.]+ us, hybrid [\d.]+, by interrupt\n"
                 r"      [\d.]+ \([\d.]+ x polled\), coalesced [\d.]+",
                 r"u = 64, processes: page \+ poll [\d.]+ x trap \+ poll",
                 r"u = 64, fibers: page \+ poll [\d.]+ x fibers \+ trap \+ poll; [\d.]+ x the best",
                 r"trap configuration \((fibers|threads|procs)\+trap\+(irq|poll), [\d.]+ us a call\)",
                 r"a fiber switch [\d.]+ ns, a yield [\d.]+ ns"):
        check(re.search(want, said), "the headline lacks /%s/:\n%s" % (want, said))


@boot_test
def bench_quick_runs_every_section():
    """`bench -q` from the shell: every section prints its rows and a CSV
    line per figure, make bench's headline reads its ratios from them, and
    nothing fails. Times are not checked (make bench)."""
    q = Qemu("bench-quick", smp=4, limit=180, image="fresh", bootargs="pmemctl=open")
    try:
        q.expect(r"^\$ ", timeout=60)
        q.send("bench -q\r")
        q.expect(r"^bench: done$", timeout=170)
        out = q.output
        errors = re.findall(r"^  bench: .*$", out, re.M)  # how bench reports a failure
        check(not errors, "bench said: %s" % "; ".join(errors))
        for missing in ("no page path", "no pmem device", "no file system to write to"):
            check(missing not in out, "bench printed '%s'" % missing)
        null = re.findall(r"^csv,null,(trap|page),-,1,(\d+),0,null,ns,([\d.]+)$", out, re.M)
        check(len(null) == 5 and all(float(v) > 0 for _, _, v in null),
              "null: %d ns rows, wanted 5 (trap and 4 batches)" % len(null))
        ops = re.findall(r"^csv,null,op,-,1,0,0,([a-z/]+),ns,([\d.]+)$", out, re.M)
        check(len(ops) == 8 and all(float(v) > 0 for _, v in ops),
              "null: %d op rows, wanted 8 (nop rdtime rdinstret fence amoadd lr/sc pause call)"
              % len(ops))
        dev = re.findall(r"^csv,dev,driver,(irq|irq\+co|hybrid|poll),1,1,(\d+),(read|write),"
                         r"median_ns,", out, re.M)
        check(len(set(dev)) == 24, "dev: %d median rows, wanted 24 (4 modes x 3 latencies x "
              "read/write)" % len(set(dev)))
        seed = re.findall(r"^csv,seed,(trap|page),(irq|poll),(\d+),1,0,file,ms,([\d.]+)$", out,
                          re.M)
        check(len(seed) == 12 and all(float(v) > 0 for *_, v in seed),
              "seed: %d rows, wanted 12 (u 1 8 64 x trap/page x irq/poll)" % len(seed))
        check_headline(out)
        return "%d csv rows" % len(re.findall(r"^csv,", out, re.M))
    finally:
        q.close()


@boot_test
def bench_fibers_quick_rows():
    """`bench -q fibers`: the switch and yield rows, then a us_per_call row for each of
    the 11 configurations at u = 1, 8, 64 (fibers+pageonly with polling
    only), every one > 0, an explanation for each at u = 64 (with a log
    line that counts its commits), and no
    failure. Times are not checked."""
    q = Qemu("bench-fibers", smp=4, limit=240, image="fresh", bootargs="pmemctl=open")
    try:
        q.expect(r"^\$ ", timeout=60)
        q.send("bench -q fibers\r")
        q.expect(r"^bench: done$", timeout=230)
        out = q.output
        errors = re.findall(r"^  bench: .*$", out, re.M)
        check(not errors, "bench said: %s" % "; ".join(errors))
        check(re.search(r"^csv,fibers,yield,-,2,1,0,yield,ns,[1-9][\d.]*$", out, re.M),
              "no yield row")
        check(re.search(r"^csv,fibers,switch,-,2,1,0,switch,ns,[1-9][\d.]*$", out, re.M),
              "no switch row")
        rows = re.findall(r"^csv,fibers,(fibers\+page|fibers\+pageonly|fibers\+trap|threads\+trap|"
                          r"procs\+trap|procs\+page),"
                          r"(irq|poll),(\d+),1,0,file,us_per_call,([\d.]+)$", out, re.M)
        got = set((p, m, u) for p, m, u, v in rows if float(v) > 0)
        check(len(rows) == 33 and len(got) == 33,
              "%d rows, %d distinct and > 0; wanted 33 (5 paths x 2 modes + pageonly x poll, "
              "x u 1 8 64)" % (len(rows), len(got)))
        explained = re.findall(r"^  (\S+\+\S+\+\S+) +[\d.]+ ms; workers:", out, re.M)
        check(len(set(explained)) == 11, "u=64 explained for %d configurations" % len(explained))
        # every configuration writes, so each one's log line counts commits
        commits = re.findall(r"^ +log: (\d+) commits \(\d+ calls each\), \d+ blocks each; "
                             r"a group \d+ us open, \d+ us to its commit point, \d+ us home", out, re.M)
        check(len(commits) == 11 and all(int(n) > 0 for n in commits),
              "log lines with commits: %s" % commits)
        def entries(name, until):
            block = re.search(r"^  %s .*?(?=^  %s)" % (re.escape(name), re.escape(until)), out,
                              re.M | re.S)
            return sum(int(n) for n in re.findall(r"(\d+) entries,", block.group(0))) if block else 0
        # page-only: every call an entry; fibers+page: lone calls trap, so
        # at the start and the end of a run a few do
        only = entries("fibers+pageonly+poll", "us per call")
        check(only >= 64 * 20, "fibers+pageonly at u=64 submitted %d entries" % only)
        page = entries("fibers+page+poll", "fibers+page+irq")
        check(page >= 64 * 10, "fibers+page at u=64 submitted %d entries" % page)
        return "%d rows" % len(rows)
    finally:
        q.close()


def crash_case(kind, patterns):
    def test():
        q = Qemu("crash-" + kind, bootargs="crash=" + kind, limit=60)
        try:
            status = q.wait(60)
            for p in patterns:
                check(re.search(p, q.output, re.M), "dump lacks /%s/" % p)
            check(status == 2, "exit status %s, wanted 2 (panic)" % status)
        finally:
            q.close()
    test.__name__ = "crash_%s_dumps_and_fails" % kind
    return test


DUMP = [r"panic on hart \d+: unexpected trap in the kernel", r"sepc\s+0x[0-9a-f]{16}",
        r"panic: every other hart has stopped",
        r"insn\s+0x", r"ra  0x[0-9a-f]{16}", r"backtrace", r"#0 0x"]
boot_test(crash_case("load", DUMP + [r"cause\s+Load page fault \(scause 0xd\)",
                                     r"stval 0x0000000000000008"]))
boot_test(crash_case("store", DUMP + [r"cause\s+Store/AMO page fault \(scause 0xf\)"]))
boot_test(crash_case("stack", [r"kernel stack overflow in thread \d+ \(overflow\)",
                               r"cause\s+Store/AMO page fault", r"backtrace"]))
boot_test(crash_case("bootstack", [r"kernel stack overflow on hart \d+'s boot stack",
                                   r"cause\s+Store/AMO page fault", r"backtrace"]))
boot_test(crash_case("illegal", DUMP + [r"cause\s+Illegal instruction \(scause 0x2\)"]))
boot_test(crash_case("ebreak", DUMP + [r"cause\s+Breakpoint \(scause 0x3\)"]))
boot_test(crash_case("lock", [r"panic on hart \d+: spin_lock: crash: already held", r"backtrace"]))
boot_test(crash_case("panic", [r"panic on hart \d+: crash=panic asked for it",
                               r"panic: every other hart has stopped"]))


@boot_test
def pmem_device_hart_and_banner():
    """pmem=0: hart 0 becomes the device, or hands it on if it is the boot hart."""
    q = Qemu("pmem-banner", bootargs="monitor pmem=0")
    try:
        q.expect(r"nagi: \d+ harts? online", timeout=60)
        boot_hart = int(q.expect(r"hart (\d+) is the boot hart").group(1))
        dev = 0
        if boot_hart == 0:
            dev = int(q.expect(r"pmem: hart 0 is the boot hart; the device runs on hart (\d+)")
                      .group(1))
        q.expect(r"hart %d started \(role: pmem device\)" % dev)
        q.expect(r"nagi: pmem on hart %d: 131072 blocks of 512 B \(64 MiB\) at 0x8be00000, "
                 r"interrupt completions, IPI target hart %d, latency 0 ns" % (dev, boot_hart))
        q.expect(r"reserved 0x8bdf0000-0x8fe00000 \(pmem")
        q.expect(r"nagi: 3 harts online")
        q.expect(r"nagi> ")
        q.send("poweroff\r")
        check(q.wait(30) == 0, "poweroff exit status")
        return "device on hart %d, boot hart %d" % (dev, boot_hart)
    finally:
        q.close()


@boot_test
def pmem_refuses_a_dtb_on_its_media():
    """With RAM ending a little past 3 GiB, QEMU's DTB (top 2 MiB below 3 GiB)
    falls on the media: the device must not start (its reset would wipe the
    DTB), and the kernel says why and boots without it."""
    q = Qemu("pmem-dtb", mem="1040M", bootargs="monitor", limit=60)
    try:
        q.expect(r"nagi: pmem: the DTB at 0x[0-9a-f]+-0x[0-9a-f]+ lies on the device's memory "
                 r"0x[0-9a-f]+-0x[0-9a-f]+; no pmem device", timeout=60)
        q.expect(r"nagi: 4 harts online")
        q.expect(r"nagi> ")
        check("role: pmem device" not in q.output and "nagi: pmem on hart" not in q.output,
              "a pmem device started anyway")
        q.send("poweroff\r")
        check(q.wait(30) == 0, "poweroff exit status")
    finally:
        q.close()


def pmem_boot(name, image, test):
    """Boot ktest=test with the pmem device and guest RAM in image."""
    extra = ("-object", "memory-backend-file,id=mem,size=256M,mem-path=%s,share=on" % image,
             "-machine", "memory-backend=mem")
    return Qemu(name, bootargs="ktest=%s pmem=last" % test, extra=extra, limit=90)


@boot_test
def pmem_survives_reboot_and_kill():
    """Write a pattern, get killed; the next boot on the same image finds it."""
    image = os.path.join(ROOT, "build", "pmem-boot-test.img")
    if os.path.exists(image):
        os.remove(image)
    with open(image, "wb") as f:  # sparse, like `make run`'s
        f.truncate(256 << 20)
    try:
        q = pmem_boot("pmem-persist-fresh", image, "pmem_persist_check")
        try:  # a fresh image must fail the check, or it proves nothing
            check(q.wait(60) == 1, "the check passed on an empty image")
        finally:
            q.close()
        q = pmem_boot("pmem-persist-write", image, "pmem_persist_write")
        try:
            q.expect(r"pmem_persist_write: written and flushed; kill QEMU now", timeout=60)
            q.kill()  # no clean shutdown
        finally:
            q.close()
        q = pmem_boot("pmem-persist-check", image, "pmem_persist_check")
        try:
            q.expect(r"pmem_persist_check: the pattern survived", timeout=60)
            check(q.wait(30) == 0, "exit status of the check")
        finally:
            q.close()
    finally:
        os.remove(image)


def ktest_suite(report, only=None, extra="", prefix="ktest"):
    """The in-kernel suite, with the pmem device: one boot, one result per
    test line it prints; a test that printed 'skipped' counts as a skip.
    only: one test's name (ktest=NAME). extra: more boot arguments, named
    in prefix."""
    q = Qemu(prefix.replace(" ", "-").replace("=", "-"), smp=4,
             bootargs=("ktest%s pmem=last %s" % ("=" + only if only else "", extra)).strip(),
             limit=180)
    try:
        try:
            if only in (None, "uart_rx_interrupt"):
                q.expect(r"uart_rx_interrupt: press a key", timeout=120)
                q.send("k")
            status = q.wait(120)
        except Exception as e:  # a hang or crash still reports what ran
            status = "killed (%s)" % e
        for name, body, verdict in re.findall(r"^ktest: (\w+) \.\.\.$(.*?)^ktest: \1 (ok|FAILED)$",
                                              q.output, re.M | re.S):
            skip = verdict == "ok" and re.search(r": skipped$", body, re.M) is not None
            report(prefix + " " + name, verdict == "ok", "", skip=skip)
        m = re.search(r"^ktest: (\d+) passed, (\d+) failed", q.output, re.M)
        report(prefix + " suite exits 0 with totals", bool(m) and status == 0 and not int(m.group(2)),
               "status %s" % status)
    finally:
        q.close()
