# SPDX-License-Identifier: MIT
# gdb side of tools/hartprof.py: `sample N HZ FILE` stops the machine N
# times, HZ a second, and writes one line per hart and stop to FILE:
#   S <hart> <pc> <caller pc> ...      (innermost first, up to 8 frames)
# gdb numbers QEMU's vCPUs from 1; the hart is that number minus one.
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
            for _ in range(int(n)):
                self.record(out)
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


Sample()
