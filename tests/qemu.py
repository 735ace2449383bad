# SPDX-License-Identifier: MIT
"""Drive one QEMU run of nagi: send input, wait for output, always time out."""
import os
import re
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, "build", "kernel.elf")
# aclint=on: the ACLINT's SSWI lets the kernel raise IPIs without the
# firmware (docs/interrupts.md); as the Makefile's QEMUOPTS.
MACHINE = "virt,aclint=on"
LOGDIR = os.path.join(ROOT, "build", "test-logs")
# The prepared file system (Makefile FS_IMG, made for the default MEM=256M)
# and the tool that puts it on the pmem media of a RAM image.
FS_IMG = os.path.join(ROOT, "build", "fs.img")
PMEMIMG = os.path.join(ROOT, "build", "tools", "pmemimg")
IMGDIR = os.path.join(ROOT, "build", "test-images")


def fresh_image(name, fs_img=FS_IMG, mem="256M"):
    """A new RAM image for one run: fs_img on the media, nothing else.
    Tests never touch the user's build/pmem.img."""
    os.makedirs(IMGDIR, exist_ok=True)
    path = os.path.join(IMGDIR, name + ".img")
    subprocess.run([PMEMIMG, "new", path, mem, fs_img], check=True)
    return path


def image_args(path, mem="256M"):
    """QEMU options that keep guest RAM (and so the pmem media) in path."""
    return ("-object", "memory-backend-file,id=mem,size=%s,mem-path=%s,share=on" % (mem, path),
            "-machine", "memory-backend=mem")


def print_report(name, ok, detail="", skip=False):
    """The report(name, ok, detail, skip) of a suite run on its own."""
    print("%s %s%s" % ("SKIP" if skip else "PASS" if ok else "FAIL", name,
                       "  (%s)" % detail if detail else ""), flush=True)


class Timeout(Exception):
    pass


class Qemu:
    """A nagi boot under QEMU with its console on a pipe.

    Every wait has a deadline and the whole run has one (limit), after which
    QEMU is killed: a test can fail, but it can never hang CI.
    """

    def __init__(self, name, smp=4, mem="256M", bootargs="", limit=120, extra=(), image=None,
                 machine=MACHINE):
        """image: None (RAM starts empty: no file system), "fresh" (a new
        copy of the prepared file system, deleted by close()) or the path
        of a RAM image to use and keep. machine: QEMU's -machine."""
        self.name = name
        self.output = ""
        self.lock = threading.Lock()
        self.start_time = time.monotonic()
        self.deadline = self.start_time + limit
        self.fresh = image == "fresh"
        self.image = fresh_image(name, mem=mem) if self.fresh else image
        if self.image:
            extra = image_args(self.image, mem) + tuple(extra)
        cmd = ["qemu-system-riscv64", "-machine", machine, "-bios", "default",
               "-smp", str(smp), "-m", mem, "-kernel", KERNEL,
               "-append", bootargs, "-display", "none", "-serial", "stdio",
               "-monitor", "none", *extra]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            if not data:
                break
            with self.lock:
                self.output += data.decode("utf-8", "replace").replace("\r", "")

    def expect(self, pattern, timeout=30):
        """Wait for a regex in the output; return its match or raise Timeout."""
        end = min(time.monotonic() + timeout, self.deadline)
        while True:
            with self.lock:
                m = re.search(pattern, self.output, re.M)
            if m:
                return m
            if time.monotonic() > end or self.proc.poll() is not None and not self.reader.is_alive():
                raise Timeout("no /%s/ within %ss" % (pattern, timeout))
            time.sleep(0.05)

    def send(self, text):
        """Type text on the console, a byte at a time like a person would."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(0.002)

    def wait(self, timeout=60):
        """Wait for QEMU to exit; kill it at the deadline. Returns the status."""
        try:
            status = self.proc.wait(timeout=max(0.1, min(timeout, self.deadline - time.monotonic())))
            # QEMU has exited, but its last lines may still be in the pipe:
            # callers check the output next.
            self.reader.join(timeout=5)
            return status
        except subprocess.TimeoutExpired:
            self.kill()
            raise Timeout("QEMU still running after %ss" % timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        self.kill()
        self.reader.join(timeout=5)
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.path.join(LOGDIR, self.name + ".log"), "w") as f:
            f.write(self.output)
        if self.fresh and os.path.exists(self.image):
            os.remove(self.image)


def boot_to_exit(name, bootargs, smp=4, limit=120):
    """Boot on a fresh file system and wait for QEMU to exit; (output,
    status). A hang or a timeout still returns what ran, with a status
    that says so."""
    q = Qemu(name, smp=smp, bootargs=bootargs, limit=limit, image="fresh")
    try:
        try:
            status = q.wait(limit)
        except Exception as e:  # the timeout: report what ran
            status = "killed (%s)" % e
        q.reader.join(timeout=5)
        with q.lock:
            return q.output, status
    finally:
        q.close()
