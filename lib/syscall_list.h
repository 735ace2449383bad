/* SPDX-License-Identifier: MIT */
/*
 * The one list of system calls: SYSCALL(number, name, argument count, path).
 * It generates the SYS_* numbers (lib/syscall.h), the kernel's handler
 * table and page policy (kernel/syscall.c) and the user stubs
 * (user/lib/syscall.S). path says how a call may travel:
 *   TRAP   only from the calling thread itself (it changes or names that
 *          thread, or waits on the pages): a page refuses it, -ENOTSUP;
 *   PAGE   a trap or a syscall page; it never waits for another program,
 *          so a caller waiting for its page may run it itself
 *          (XL_WAIT_SERVE, SYS_BOUNDED);
 *   WAITS  a trap or a page, but it may wait for another program (a
 *          child, the clock) for as long as that takes: on a page only a
 *          syscall thread runs it;
 *   FD     as PAGE or WAITS by its first argument, a descriptor: WAITS if
 *          that is a pipe or the console (their file_ops say so).
 * Numbers 1-21 are xv6's, so xv6 lab material ports unchanged; 40-49
 * are kept for the exception-less (syscall page) calls.
 * No C here: assembly includes this file too.
 */
SYSCALL(1, fork, 0, TRAP)          /* pid in the parent, 0 in the child */
SYSCALL(2, exit, 1, TRAP)          /* exit(status) */
SYSCALL(3, wait, 1, WAITS)         /* wait(int *status) -> pid */
SYSCALL(4, pipe, 1, PAGE)          /* pipe(int fds[2]) */
SYSCALL(5, read, 3, FD)            /* read(fd, buf, n) -> bytes */
SYSCALL(6, kill, 1, PAGE)          /* kill(pid) */
SYSCALL(7, exec, 2, TRAP)          /* exec(path, argv) */
SYSCALL(8, fstat, 2, PAGE)         /* fstat(fd, struct stat *) */
SYSCALL(9, chdir, 1, PAGE)         /* chdir(path) */
SYSCALL(10, dup, 1, PAGE)          /* dup(fd) -> new fd */
SYSCALL(11, getpid, 0, PAGE)
SYSCALL(12, sbrk, 1, PAGE)         /* sbrk(delta) -> old break */
SYSCALL(13, sleep, 1, WAITS)       /* sleep(ticks) */
SYSCALL(14, uptime, 0, PAGE)       /* ticks since boot */
SYSCALL(15, open, 2, PAGE)         /* open(path, O_* flags) -> fd */
SYSCALL(16, write, 3, FD)          /* write(fd, buf, n) -> bytes */
SYSCALL(17, mknod, 3, PAGE)        /* mknod(path, major, minor) */
SYSCALL(18, unlink, 1, PAGE)       /* unlink(path) */
SYSCALL(19, link, 2, PAGE)         /* link(old, new) */
SYSCALL(20, mkdir, 1, PAGE)        /* mkdir(path) */
SYSCALL(21, close, 1, PAGE)        /* close(fd) */
SYSCALL(22, thread_create, 3, TRAP) /* thread_create(entry, arg, stack_top) -> tid */
SYSCALL(23, thread_exit, 1, TRAP)  /* thread_exit(value) */
SYSCALL(24, thread_join, 2, TRAP)  /* thread_join(tid, long *value) */
SYSCALL(25, intrstat, 2, PAGE)     /* intrstat(struct intr_table *, size) */
SYSCALL(26, setpgid, 2, PAGE)      /* setpgid(pid, pgid): 0 means the caller */
SYSCALL(27, fgset, 1, PAGE)        /* fgset(pgid) -> the old one: the console's ^C target */
SYSCALL(28, gettid, 0, TRAP)
SYSCALL(29, null, 0, PAGE)         /* does nothing: the cost of a syscall */
SYSCALL(30, hartid, 0, PAGE)       /* the hart the caller runs on */
SYSCALL(31, lseek, 3, PAGE)        /* lseek(fd, off, SEEK_*) -> new offset */
SYSCALL(32, fsync, 1, PAGE)        /* fsync(fd): its data is durable */
SYSCALL(33, statfs, 1, PAGE)       /* statfs(struct statfs *): size and free space */
SYSCALL(34, pmemctl, 2, PAGE)      /* pmemctl(PMEMCTL_*, arg): the pmem driver */
SYSCALL(35, sysinfo, 2, PAGE)      /* sysinfo(struct sysinfo *, size): tick rate, memory, harts */
SYSCALL(36, setaffinity, 2, PAGE)  /* setaffinity(tid or 0, hart or -1): pin a thread of ours */
SYSCALL(37, trace, 1, PAGE)        /* trace(mask): print the calls in mask (bit = number); inherited */
SYSCALL(38, sigalarm, 2, TRAP)     /* sigalarm(ticks, handler): call handler every ticks; 0 stops */
SYSCALL(39, sigreturn, 0, TRAP)    /* sigreturn(): end the handler, resume where the alarm came */
/* Exception-less system calls (kernel/xl/xl.c, lib/xl_abi.h, docs/xl.md). */
SYSCALL(40, xl_register, 1, TRAP)  /* xl_register(page) -> page index */
SYSCALL(41, xl_unregister, 1, TRAP) /* xl_unregister(page) */
SYSCALL(42, xl_wait, 3, TRAP)      /* xl_wait(min, timeout ticks, page mask) -> entries COMPLETED */
SYSCALL(43, xl_wake, 0, TRAP)      /* wake this process's worker (NEED_WAKEUP was set) */
SYSCALL(44, echo, 6, PAGE)         /* echo(a0..a5) -> xl_echo_value(): for ordering tests */
SYSCALL(45, xlstat, 2, PAGE)       /* xlstat(struct xl_stats *, size) -> workers */
SYSCALL(46, fsstat, 2, PAGE)       /* fsstat(struct fsstat *, size): the log's commit counters */
