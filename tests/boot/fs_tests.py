# SPDX-License-Identifier: MIT
"""File system boot tests: files survive a reboot, a corrupt or foreign image is
refused with a clear message while the shell still starts, and a full disk
leaves a file system that fsck finds clean. Each suite takes
report(name, ok, detail), like boot_tests.ktest_suite."""
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from qemu import (FS_IMG, IMGDIR, PMEMIMG, ROOT, Qemu, fresh_image,  # noqa: E402
                  print_report)
from user_tests import TOTALS, Console, report_verdict, verdicts  # noqa: E402

MKFS = os.path.join(ROOT, "build", "tools", "mkfs")
FSCK = os.path.join(ROOT, "build", "tools", "fsck")
BSIZE = 512
LIMIT = 120


def shell(name, image, limit=LIMIT, **kw):
    """Boot the normal init on the RAM image; a Console at its first prompt."""
    q = Qemu(name, limit=limit, image=image, **kw)
    con = Console(q)
    con.prompt(60)
    return q, con


def fsck(ram, name):
    """Take the file system out of a RAM image and check it: fsck's output
    and whether it said clean."""
    fs = os.path.join(IMGDIR, name + ".fs")
    subprocess.run([PMEMIMG, "get", ram, "256M", fs], check=True)
    p = subprocess.run([FSCK, fs], capture_output=True, text=True)
    os.remove(fs)
    return p.stdout + p.stderr, p.returncode == 0


# ---- The on-disk format, as much as the tests need (lib/fs_format.h) ----

def block(img, b):
    return img[b * BSIZE:(b + 1) * BSIZE]


def superblock(img):
    f = struct.unpack_from("<8s9I", img, BSIZE)
    return dict(zip(["magic", "version", "size", "ninodes", "nlog", "log_start", "inode_start",
                     "bmap_start", "data_start", "csum"], f))


def inode_at(img, inum):
    """Byte offset of inode inum's 64-byte disk inode."""
    sb = superblock(img)
    return (sb["inode_start"] + inum // 8) * BSIZE + inum % 8 * 64


def root_entry(img, name):
    """The inode number of name in / (in the root's direct blocks)."""
    for addr in struct.unpack_from("<11I", img, inode_at(img, 1) + 12):
        d = block(img, addr) if addr else b""
        for off in range(0, len(d), 32):
            inum, raw = struct.unpack_from("<I28s", d, off)
            if inum and raw.rstrip(b"\0").decode() == name:
                return inum
    raise AssertionError("no %s in /" % name)


def corrupt_image(name, change):
    """A fresh RAM image whose file system was changed by change(bytearray)."""
    with open(FS_IMG, "rb") as f:
        img = bytearray(f.read())
    change(img)
    os.makedirs(IMGDIR, exist_ok=True)
    fs = os.path.join(IMGDIR, name + ".fs")
    with open(fs, "wb") as f:
        f.write(img)
    try:
        return fresh_image(name, fs_img=fs)
    finally:
        os.remove(fs)


def bad_magic(img):
    img[BSIZE:BSIZE + 8] = b"NOTNAGI!"


def root_block_out_of_range(img):
    struct.pack_into("<I", img, inode_at(img, 1) + 12 + 4, 0x7fffff00)  # addrs[1]


def sh_block_out_of_range(img):
    struct.pack_into("<I", img, inode_at(img, root_entry(img, "sh")) + 12, 0x7fffff00)


# ---- The tests ----

def persistence(report):
    """Files made in one boot are there in the next, after QEMU was killed."""
    ram = fresh_image("fs-persist")
    name = "fs: files survive QEMU being killed and a reboot"
    try:
        q, con = shell("fs-persist-1", ram)
        try:
            con.run("mkdir /keep; echo persistent data > /keep/a; ln /keep/a /keep/b; cat /keep/b",
                    r"^persistent data$")
            con.run("rm /README; ls /keep", r"^b\s+file")
        finally:
            q.close()  # killed: no clean shutdown
        out, clean = fsck(ram, "fs-persist")
        report("fs: the image is clean after QEMU was killed", clean, out.strip()[-200:])
        q, con = shell("fs-persist-2", ram)
        try:
            con.run("cat /keep/a", r"^persistent data$")
            con.run("stat /keep/b", r"^/keep/b: file, inode \d+, 2 links, 16 bytes$")
            con.run("cat /README", r"cat: /README: ENOENT")
            report(name, True, "")
        except AssertionError as e:
            report(name, False, str(e))
        finally:
            q.close()
    finally:
        os.remove(ram)


CORRUPT = [
    ("magic", "bad magic", bad_magic,
     [r"^fs: superblock: not a nagi file system \(1\)$",
      r"^fs: not mounting the pmem file system: no nagi file system on the media \(EINVAL\)"]),
    ("root", "a block number out of range in /", root_block_out_of_range,
     [r"^fs: inode: block number out of range \(1\)$",
      r"^fs: not mounting the pmem file system: the file system is damaged \(EUCLEAN\)"]),
]


def corrupt_refused(report):
    """A damaged or foreign image is refused at mount with a clear line; the
    shell starts from the boot file set, read-only."""
    for tag, what, change, lines in CORRUPT:
        name = "fs: an image with %s is refused at mount, the shell starts" % what
        ram = corrupt_image("fs-corrupt", change)
        q = None
        try:
            q, con = shell("fs-corrupt-" + tag, ram)
            for pat in lines:
                q.expect(pat, 5)
            con.run("echo x > f", r"sh: f: cannot open for writing: EROFS")
            con.run("ls", r"^usertests\s+file")
            report(name, "panic" not in q.output, "")
        except Exception as e:
            report(name, False, "%s: %s" % (type(e).__name__, e))
        finally:
            if q:
                q.close()
            os.remove(ram)


def media_error_refused(report):
    """pmem_fail=1: the device fails every read of the superblock with a
    media error; the mount says EIO and the shell starts, read-only."""
    name = "fs: a media error under the superblock (pmem_fail=1) is EIO at mount"
    ram = fresh_image("fs-media-error")
    q = None
    try:
        q, con = shell("fs-media-error", ram, bootargs="pmem_fail=1")
        q.expect(r"^nagi: pmem: blocks 1-1 fail with media errors \(pmem_fail\)$", 5)
        q.expect(r"^fs: not mounting the pmem file system: the device failed \(EIO\)", 5)
        con.run("echo x > f", r"sh: f: cannot open for writing: EROFS")
        report(name, "panic" not in q.output, "")
    except Exception as e:
        report(name, False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()
        os.remove(ram)


def damage_at_use(report):
    """The shell's own program is damaged (a block number out of range):
    the mount succeeds, exec finds the damage, says so and runs the boot
    file set's copy; reading the file fails with EUCLEAN; the rest works."""
    name = "fs: a damaged /sh is refused at use (EUCLEAN), the shell still starts"
    ram = corrupt_image("fs-damaged-file", sh_block_out_of_range)
    q = None
    try:
        q, con = shell("fs-damaged-file", ram)
        q.expect(r"^fs: inode: block number out of range \(\d+\)$", 1)
        q.expect(r"^exec: sh: EUCLEAN on the file system; running the boot file set's sh$", 1)
        con.run("cat /sh", r"cat: /sh: EUCLEAN")
        con.run("echo still fine > f; cat f", r"^still fine$")
        report(name, "panic" not in q.output, "")
    except Exception as e:
        report(name, False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()
        os.remove(ram)


# usertests' quick fs tests, in groups the shell takes (16 words a command);
# fspmem is left out: it switches the mode and latency itself. fiberinplace
# needs polled mode: here it runs, not skipped.
POLLED_FS_TESTS = [
    "fscreate fsappend fsseek fsshare fsbig fsmany fsdirs fsdirread fslinks",
    "fsunlinkopen fsmknod fsconcurrent fsappendbig fskill fspipe fsexec fsfsync fsbadargs",
    "fiberinplace",
]


def polled_under_load(report):
    """The fs usertests with polled completions and 10 us of media latency
    from boot (pmem_mode=poll pmem_lat=10000): every one passes, and the
    device sent no completion IPI all along (about 40 s)."""
    q = None
    try:
        q, con = shell("fs-polled", "fresh", limit=480,
                       bootargs="pmem_mode=poll pmem_lat=10000 pmemctl=open")
        q.expect(r"^nagi: pmem on hart \d+: .* polled completions, .* latency 10000 ns$", 1)
        for group in POLLED_FS_TESTS:
            con.run("usertests " + group, TOTALS, timeout=240)
        lines = verdicts(q.output)
        for name, verdict in lines:
            report_verdict(report, "usertests (polled, 10 us latency) " + name, verdict)
        want = sum(len(g.split()) for g in POLLED_FS_TESTS)
        report("usertests (polled, 10 us latency): all %d ran" % want, len(lines) == want,
               "%d result lines" % len(lines))
        m = con.run("pmem", r"^device slept \d+ times, woken \d+ times \(doorbell IPIs \d+\); "
                    r"completion IPIs (\d+)$")
        mode = re.search(r"^pmem: \d+ blocks of 512 B, (\w+) completions, latency (\d+) ns$",
                         q.output, re.M)
        lat = re.search(r"submit to completion \(us\): min ([\d.]+)", q.output, re.M)
        ok = (mode and mode.groups() == ("polled", "10000") and m.group(1) == "0" and lat and
              float(lat.group(1)) >= 10.0)
        report("pmem: polled, 10 us, no completion IPI, no command under 10 us", bool(ok),
               "%s; completion IPIs %s; min %s us" % (mode.groups() if mode else None,
                                                      m.group(1), lat.group(1) if lat else "?"))
    except Exception as e:
        report("usertests (polled, 10 us latency)", False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()


def full_disk(report):
    """usertests fsfull on a small file system: ENOSPC, data intact, space
    back; then fsck finds the image clean."""
    name = "fs: a full small disk: usertests fsfull passes"
    progs = [os.path.join(ROOT, "build", p) for p in
             ("user/bin/init", "user/bin/sh", "user/tests/usertests")]
    fs = os.path.join(IMGDIR, "fs-full.fs")
    os.makedirs(IMGDIR, exist_ok=True)
    subprocess.run([MKFS, "-n", "/dev/console=1,0", fs, "2M"] + progs, check=True,
                   capture_output=True)
    ram = fresh_image("fs-full", fs_img=fs)
    os.remove(fs)
    q = None
    try:
        q, con = shell("fs-full", ram)
        con.run("usertests fsfull", TOTALS, timeout=90)
        m = re.search(r"^test fsfull: (.*)$", q.output, re.M)
        report(name, bool(m) and m.group(1) == "OK", m.group(1) if m else "no result line")
        q.close()
        q = None
        out, clean = fsck(ram, "fs-full")
        report("fs: fsck finds the once-full disk clean", clean, out.strip()[-300:])
    except Exception as e:
        report(name, False, "%s: %s" % (type(e).__name__, e))
    finally:
        if q:
            q.close()
        os.remove(ram)


def program_update_keeps_files(report):
    """A rebuilt program goes into an existing pmem image (make's
    PMEM_IMG.updated rule, which make run uses): the program is replaced and
    a file made inside nagi stays. No boot: the image is read with fsutil."""
    name = "fs: a changed program goes into the existing image, files made in it stay"
    img = os.path.join(IMGDIR, "program-update.img")
    fsutil = os.path.join(ROOT, "build", "tools", "fsutil")
    prog = os.path.join(ROOT, "build", "user", "bin", "hello")
    env = dict(os.environ, MAKEFLAGS="")

    def make(target):
        return subprocess.run(["make", "-s", "--no-print-directory", "PMEM_IMG=" + img, target],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    def fs(*args):
        off = subprocess.run([PMEMIMG, "offset", "256M"], capture_output=True, text=True,
                             check=True).stdout.strip()
        return subprocess.run([fsutil, "-o", off, img] + list(args), capture_output=True,
                              timeout=60)

    os.makedirs(IMGDIR, exist_ok=True)
    for f in (img, img + ".made", img + ".updated"):
        if os.path.exists(f):
            os.remove(f)
    try:
        made = make(img + ".updated")
        mine = os.path.join(IMGDIR, "program-update.mine")
        with open(mine, "w") as f:
            f.write("a student's file\n")
        put = fs("put", "/mine", mine)
        os.remove(mine)
        os.utime(prog)  # as if just rebuilt
        again = make(img + ".updated")
        with open(prog, "rb") as f:
            want_prog = f.read()
        got_prog, got_mine = fs("cat", "/hello"), fs("cat", "/mine")
        problems = [what for what, bad in [
            ("the first make failed: " + made.stderr, made.returncode != 0),
            ("fsutil put failed", put.returncode != 0),
            ("the second make failed: " + again.stderr, again.returncode != 0),
            ("make did not say it put the program: " + again.stdout.strip(),
             not re.search(r"^nagi: 1 changed program\(s\) put into", again.stdout, re.M)),
            ("/hello is not the rebuilt program", got_prog.stdout != want_prog),
            ("/mine is gone or changed", got_mine.stdout != b"a student's file\n"),
        ] if bad]
        report(name, not problems, "; ".join(problems))
    finally:
        for f in (img, img + ".made", img + ".updated"):
            if os.path.exists(f):
                os.remove(f)


def fs_suite(report):
    persistence(report)
    corrupt_refused(report)
    media_error_refused(report)
    damage_at_use(report)
    polled_under_load(report)
    full_disk(report)
    program_update_keeps_files(report)


if __name__ == "__main__":
    _report = print_report
    fs_suite(_report)
