# SPDX-License-Identifier: MIT
# gdb side of tools/hartprof.py: `sample N HZ FILE` stops the machine N
# times, HZ a second, and writes one line per hart and stop to FILE:
#   S <hart> <pc> <caller pc> ...      (innermost first, up to 8 frames)
# gdb numbers QEMU's vCPUs from 1; the hart is that number minus one.
# Every fourth stop also writes a line per sleeping kernel thread:
#   W <channel> <return address> ...  (where it called sleep_on from)
# read from threads[] in one piece and walked by frame pointer, through
# the pmem device's hart (paging off: physical memory) and the kernel's
# page table; without that hart, no W lines.
# The stop is a SIGINT to gdb itself, as Ctrl-C would be.
import os
import signal
import threading

import gdb


class Sample(gdb.Command):
    """sample N HZ FILE: N stops, HZ a second, every hart's pc and callers."""

    def __init__(self):
        super().__init__("sample", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        n, hz, path = arg.split()
        gap = 1.0 / float(hz)
        with open(path, "w") as out:
            waits = Sleepers()
            for i in range(int(n)):
                self.record(out)
                if i % 4 == 0:
                    waits.record(out)
                threading.Timer(gap, os.kill, (os.getpid(), signal.SIGINT)).start()
                try:
                    gdb.execute("continue", to_string=True)
                except gdb.error:
                    pass  # "Quit": the stop we asked for

    @staticmethod
    def record(out):
        for t in gdb.selected_inferior().threads():
            pcs = []
            try:
                t.switch()
                f = gdb.newest_frame()
                while f is not None and len(pcs) < 8:
                    pcs.append("%x" % f.pc())
                    f = f.older()
            except gdb.error:
                pass  # a frame gdb cannot unwind (firmware, user code): keep what we have
            if pcs:
                out.write("S %d %s\n" % (t.num - 1, " ".join(pcs)))


class Sleepers:
    """The sleeping threads of threads[]: their channel and callers."""

    def __init__(self):
        t = gdb.lookup_type("struct thread")
        off = {f.name: f.bitpos // 8 for f in t.fields()}
        ctx = {f.name: f.bitpos // 8 for f in gdb.lookup_type("struct context").fields()}
        self.size = t.sizeof
        self.state, self.chan = off["state"], off["chan"]
        self.fp = off["ctx"] + ctx["s"]  # s0, the frame pointer
        self.sleeping = int(gdb.parse_and_eval("T_SLEEPING"))
        arr = gdb.parse_and_eval("threads")
        self.base = int(arr.address)
        self.n = arr.type.sizeof // self.size
        self.inf = gdb.selected_inferior()

    def u64(self, buf, at):
        return int.from_bytes(buf[at:at + 8], "little")

    def physical(self):
        """Select a hart with paging off (the pmem device's), so that reads
        are of physical memory; False if there is none."""
        for t in self.inf.threads():
            t.switch()
            if int(gdb.parse_and_eval("$satp")) == 0:
                return True
        return False

    def walk(self, va):
        """va through the kernel's own page table (Sv39): kernel stacks
        are mapped there, not one to one, and a user table may lack the
        newest. The tables themselves are in RAM mapped one to one."""
        table = self.root
        for level in (2, 1, 0):
            pte = self.u64(bytes(self.inf.read_memory(table + ((va >> (12 + 9 * level)) & 0x1ff) * 8,
                                                      8)), 0)
            if not pte & 1:
                raise gdb.MemoryError("not mapped")
            pa = (pte >> 10) << 12
            if pte & 0xe:  # a leaf: R, W or X
                return pa | (va & ((1 << (12 + 9 * level)) - 1))
            table = pa
        raise gdb.MemoryError("no leaf")

    def record(self, out):
        if not self.physical():
            return
        self.root = self.u64(bytes(self.inf.read_memory(int(gdb.parse_and_eval("&kernel_root")), 8)), 0)
        buf = bytes(self.inf.read_memory(self.base, self.n * self.size))
        for i in range(self.n):
            t = i * self.size
            if int.from_bytes(buf[t + self.state:t + self.state + 4], "little") != self.sleeping:
                continue
            ras, fp = [], self.u64(buf, t + self.fp)
            try:  # ra at fp - 8, the caller's fp at fp - 16
                while fp and len(ras) < 6:
                    frame = bytes(self.inf.read_memory(self.walk(fp - 16), 16))
                    ras.append("%x" % self.u64(frame, 8))
                    fp = self.u64(frame, 0)
            except gdb.MemoryError:
                pass
            out.write("W %x %s\n" % (self.u64(buf, t + self.chan), " ".join(ras)))


Sample()
