#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The console of a nagi under `make gdb`: connect to QEMU's serial socket
(python3 tools/console.py build/console.sock), keys go to nagi raw, its
output comes here. Ctrl-] leaves. While gdb holds nagi stopped, typed
keys wait in QEMU until it continues."""
import os
import select
import socket
import sys
import termios
import time
import tty


def main(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(600):  # make gdb may still be making the image, starting QEMU
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        print("console: nothing listens on %s: is make gdb running?" % path, file=sys.stderr)
        return 1
    tty_in = sys.stdin.isatty()
    old = termios.tcgetattr(0) if tty_in else None
    print("console: connected to %s; Ctrl-] leaves\r" % path)
    try:
        if tty_in:
            tty.setraw(0)
        while True:
            r, _, _ = select.select([0, s], [], [])
            if s in r:
                data = s.recv(4096)
                if not data:
                    break
                os.write(1, data)
            if 0 in r:
                data = os.read(0, 1024)
                if not data or b"\x1d" in data:
                    break
                s.sendall(data)
    finally:
        if old:
            termios.tcsetattr(0, termios.TCSADRAIN, old)
    print("\nconsole: closed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/console.sock"))
