#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make gdb holds QEMU; make console types at nagi through the console
socket: boot under gdb (continue), connect tools/console.py, run a command
at the shell, see its output. Exits 0 on success. Ends every process it
started (they carry a marker in their environment), even on failure."""
import os
import re
import select
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMG = "build/test-images/gdb-console.img"
SOCK = "build/test-images/gdb-console.sock"
MARK = "nagi-console-test.%d" % os.getpid()


def ours():
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != os.getpid():
            try:
                with open("/proc/%s/environ" % d, "rb") as f:
                    if ("NAGI_CONSOLE_TEST=" + MARK).encode() in f.read().split(b"\0"):
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def main():
    os.chdir(ROOT)
    for f in (IMG, IMG + ".made", IMG + ".updated", SOCK):
        if os.path.exists(f):
            os.remove(f)
    env = dict(os.environ, NAGI_CONSOLE_TEST=MARK)
    gdb = subprocess.Popen(["make", "-s", "--no-print-directory", "gdb", "SMP=2", "BOOTARGS=",
                            "PMEM_IMG=" + IMG, "CONSOLE_SOCK=" + SOCK,
                            "GDBFLAGS=-batch -ex continue"], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    con = subprocess.Popen([sys.executable, "tools/console.py", SOCK], env=env,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = b""

    def expect(pattern, timeout):
        nonlocal out
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if re.search(pattern, out.decode("utf-8", "replace").replace("\r", ""), re.M):
                return True
            r, _, _ = select.select([con.stdout], [], [], 0.2)
            if r:
                data = os.read(con.stdout.fileno(), 4096)
                if not data:
                    break
                out += data
        return False

    try:
        ok = expect(r"\$ $", 120)
        if ok:
            for ch in b"echo through-the-socket\r":
                con.stdin.write(bytes([ch]))
                con.stdin.flush()
                time.sleep(0.005)
            ok = expect(r"^through-the-socket$", 60)
        print("CONSOLE-TEST %s" % ("PASS" if ok else "FAIL"))
        if not ok:
            print(out.decode("utf-8", "replace")[-1500:])
        return 0 if ok else 1
    finally:
        for p in ours():
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        time.sleep(1)
        for p in ours():
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        gdb.wait(timeout=10)
        con.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
