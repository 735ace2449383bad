/* SPDX-License-Identifier: MIT */
/* Structures and constants shared by the kernel and user space. Every
 * layout here is part of the ABI: offsets are checked at compile time. */
#pragma once
#include "types.h"

/* open() flags, xv6's values. */
#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400
#define O_APPEND 0x800

/* lseek() whence values, as POSIX numbers them. */
#define SEEK_SET 0 /* offset from the start */
#define SEEK_CUR 1 /* from the current position */
#define SEEK_END 2 /* from the end of the file */

/* mknod() major numbers: which driver a device file stands for. */
#define MAJOR_CONSOLE 1 /* /dev/console */
#define MAJOR_NULL 2    /* /dev/null: reads end at once, writes vanish */

/* struct stat types */
#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3
#define T_PIPE 4

struct stat {
	int32_t dev;    /* 0 device of the file system */
	uint32_t ino;   /* 4 inode number */
	int16_t type;   /* 8 T_* */
	int16_t nlink;  /* 10 links */
	uint32_t pad;   /* 12 */
	uint64_t size;  /* 16 bytes */
};
_Static_assert(sizeof(struct stat) == 24, "struct stat");
_Static_assert(offsetof(struct stat, size) == 16, "stat.size");

/* Statuses, as wait() reports them. A process that called exit(n) (or
 * returned n from main) has status n, the whole int, as xv6 keeps it. One
 * the kernel ended has a negative status: minus the number of the Unix
 * signal that would have ended it (xv6 gives -1 for every such end). So
 * exit(139) and a fault are told apart; a shell's $? shows 128 + the signal
 * for the second, as Unix shells do (137, 139), and n & 0xff for the first.
 * Only exit(-9) and exit(-11) look like the kernel's ends, as exit(-1)
 * does in xv6. */
#define EXIT_KILLED (-9)  /* kill() or ^C: SIGKILL; $? 137 */
#define EXIT_FAULT (-11)  /* an exception killed it: SIGSEGV; $? 139 */
#define WIFSIGNALED(st) ((st) == EXIT_KILLED || (st) == EXIT_FAULT) /* the kernel ended it */
#define WIFEXITED(st) (!WIFSIGNALED(st)) /* it called exit() */
#define WEXITSTATUS(st) ((st) & 0xff)    /* with this value, as a Unix shell sees it */
#define WTERMSIG(st) (-(st))             /* why: 9 (killed) or 11 (fault) */

/* The interrupt statistics table returned by the intrstat syscall. */
#define INTR_MAX_HARTS 8
#define INTR_MAX_ROWS 48

struct intr_row {
	char label[8];                    /*   0 "10", "TIM", "IPI0" */
	char desc[40];                    /*   8 "PLIC  uart0" */
	uint64_t count[INTR_MAX_HARTS];   /*  48 per column */
};
_Static_assert(sizeof(struct intr_row) == 112, "intr_row");

struct intr_table {
	uint32_t nharts;                  /*   0 columns in use */
	uint32_t nrows;                   /*   4 rows in use */
	int32_t hartid[INTR_MAX_HARTS];   /*   8 column -> hart id */
	struct intr_row rows[INTR_MAX_ROWS]; /* 40 */
};
_Static_assert(offsetof(struct intr_table, rows) == 40, "intr_table.rows");

/* A directory entry, as read() returns them from a directory fd. */
#define DIRSIZ 28
struct dirent {
	uint32_t inum;      /* 0: a free slot */
	char name[DIRSIZ];  /* 4: NUL-padded, not always NUL-terminated */
};
_Static_assert(sizeof(struct dirent) == 32, "struct dirent");

/* User address space (Sv39 slot 1): text from USER_BASE, heap above it,
 * the stack at the top with an unmapped guard page below it. */
#define USER_BASE 0x40000000UL
#define USER_TOP 0x80000000UL
#define USER_STACK_PAGES 16

/* sysinfo(): what a program may learn about the machine it runs on.
 * role[] holds one HART_ROLE_* per hart id (kernel/hart.h's roles). */
#define HART_ROLE_NONE 0     /* no such hart, or it did not start */
#define HART_ROLE_GENERAL 1  /* runs every thread */
#define HART_ROLE_RESERVED 2 /* runs only threads pinned to it (reserve=) */
#define HART_ROLE_WORKER 3   /* a syscall worker (workers=): no user threads */
#define HART_ROLE_PMEM 4     /* the pmem device: no threads at all */
#define SYSINFO_MAX_HARTS 8

struct sysinfo {
	uint32_t hz;          /*  0 timer ticks per second: what uptime() and sleep() count */
	uint32_t nharts;      /*  4 harts online (running threads) */
	uint64_t timebase;    /*  8 ticks per second of the time CSR (rdtime) */
	uint64_t pages_free;  /* 16 free 4 KiB pages in the kernel's allocator */
	uint64_t pages_total; /* 24 pages it manages */
	uint8_t role[SYSINFO_MAX_HARTS]; /* 32 HART_ROLE_* by hart id */
	uint32_t threads_free;  /* 40 unused thread slots (user, syscall and kernel threads) */
	uint32_t threads_total; /* 44 thread slots in all */
	uint64_t kstack_pages;  /* 48 pages slots keep as kernel stacks for their next thread:
				 * free pages + these is what a leak check compares */
};
_Static_assert(sizeof(struct sysinfo) == 56, "struct sysinfo");
_Static_assert(offsetof(struct sysinfo, role) == 32, "sysinfo.role");
_Static_assert(offsetof(struct sysinfo, threads_free) == 40, "sysinfo.threads_free");
_Static_assert(offsetof(struct sysinfo, threads_total) == 44, "sysinfo.threads_total");
_Static_assert(offsetof(struct sysinfo, kstack_pages) == 48, "sysinfo.kstack_pages");

/* statfs(): the mounted file system's size and free space. */
struct statfs {
	uint32_t bsize;     /*  0 bytes per block */
	uint32_t pad;       /*  4 */
	uint64_t blocks;    /*  8 blocks in the file system, metadata included */
	uint64_t bfree;     /* 16 free blocks */
	uint64_t files;     /* 24 inodes that can be used */
	uint64_t ffree;     /* 32 free inodes */
	uint64_t data_start; /* 40 the first block for file contents */
};
_Static_assert(sizeof(struct statfs) == 48, "struct statfs");
_Static_assert(offsetof(struct statfs, bfree) == 16, "statfs.bfree");
_Static_assert(offsetof(struct statfs, ffree) == 32, "statfs.ffree");

/* fsstat(): the file system's log counters since mount (for measuring
 * group commit: commits per call). */
struct fsstat {
	uint64_t commits;   /*  0 groups written to the disk (a group that
			     *    changed nothing is no commit) */
	uint64_t logged;    /*  8 blocks those commits held */
	uint64_t resets;    /* 16 times the log's run was full and started again */
	uint32_t peak;      /* 24 most blocks one commit held */
	uint32_t logcap;    /* 28 blocks the log holds */
	/* Where the commits' time went, in ns summed over them: */
	uint64_t commit_ns; /* 32 closing the group to its commit point (durable) */
	uint64_t home_ns;   /* 40 the commit point to its blocks written home */
	uint64_t open_ns;   /* 48 a group's first call to its close: filling, and
			     *    waiting for its last call or the commit before */
};
_Static_assert(sizeof(struct fsstat) == 56, "struct fsstat");
_Static_assert(offsetof(struct fsstat, peak) == 24, "fsstat.peak");
_Static_assert(offsetof(struct fsstat, commit_ns) == 32, "fsstat.commit_ns");
_Static_assert(offsetof(struct fsstat, home_ns) == 40, "fsstat.home_ns");
_Static_assert(offsetof(struct fsstat, open_ns) == 48, "fsstat.open_ns");

/* pmemctl(op, arg): the pmem driver at run time (docs/pmem.md). */
#define PMEMCTL_MODE 1    /* arg PMEMCTL_IRQ, _POLL or _HYBRID: completion mode */
#define PMEMCTL_LATENCY 2 /* arg: emulated media latency in ns (at most 1 s) */
#define PMEMCTL_STATS 3   /* arg: struct pmem_stats * to fill */
#define PMEMCTL_RESET 4   /* forget the latency samples, zero the counters */
#define PMEMCTL_PROBE 5   /* arg: struct pmem_probe *: time raw commands */
#define PMEMCTL_IRQ 0     /* completions by interrupt (an IPI) */
#define PMEMCTL_POLL 1    /* completions by polling */
#define PMEMCTL_HYBRID 2  /* polling after a nap of half the mean latency */
#define PMEMCTL_COALESCE 6 /* arg N | US << 32: an IPI per N completions or after US us */
/* MODE, LATENCY, RESET and COALESCE change the device: init's (pid 1)
 * alone, unless the kernel booted with pmemctl=open; others get -EPERM. */

/* What PMEMCTL_STATS reports. Latencies are in ticks of timebase Hz,
 * from submit to the completion seen by the driver; counters count from
 * boot or the last PMEMCTL_RESET. */
struct pmem_stats {
	uint32_t present;    /*   0 1 if there is a device */
	uint32_t mode;       /*   4 PMEMCTL_IRQ or PMEMCTL_POLL */
	uint64_t latency_ns; /*   8 emulated media latency */
	uint64_t capacity;   /*  16 media size in 512-byte blocks */
	uint64_t timebase;   /*  24 ticks per second of the lat_* fields */
	uint64_t lat_n;      /*  32 samples (the last 1024 commands at most) */
	uint64_t lat_min;    /*  40 */
	uint64_t lat_median; /*  48 */
	uint64_t lat_p99;    /*  56 */
	uint64_t lat_max;    /*  64 */
	uint64_t commands;   /*  72 device: commands taken */
	uint64_t errors;     /*  80 device: completed with an error status */
	uint64_t reads;      /*  88 */
	uint64_t writes;     /*  96 */
	uint64_t flushes;    /* 104 */
	uint64_t sleeps;     /* 112 device: times it slept (NEED_WAKEUP) */
	uint64_t wakeups;    /* 120 device: times a doorbell IPI woke it */
	uint64_t irqs;       /* 128 device: completion IPIs sent */
	uint64_t doorbell_ipis; /* 136 driver: IPIs sent to wake the device */
	uint64_t stray;      /* 144 driver: completions that matched no request */
	uint32_t coalesce_n; /* 152 interrupt coalescing: an IPI per this many */
	uint32_t coalesce_us; /* 156   or after this many us (0, 0: off) */
	uint64_t batches;    /* 160 device: coalesced interrupts */
	uint64_t batched;    /* 168 device: completions they announced */
	uint64_t timer_flushes; /* 176 device: batches the age limit sent */
	uint64_t bad_configs; /* 184 device: mode or coalescing registers refused */
	uint64_t bad_targets; /* 192 device: commands naming no hart to interrupt */
	uint64_t remote_wakeups; /* 200 driver: waiters woken from another hart */
	uint64_t hybrid_sleeps; /* 208 driver: hybrid waits that napped */
	uint64_t hybrid_polls; /* 216 driver: ... and then had to poll */
	uint64_t killed_waits; /* 224 driver: waits of killed processes */
	uint32_t open;       /* 232 1: pmemctl=open, anyone may change settings */
	uint32_t pad;        /* 236 */
	uint64_t inplace_polls; /* 240 driver: waits on a worker hart that polled in place */
	uint64_t poller_sleeps; /* 248 driver: waits that slept while a worker polled */
};
_Static_assert(sizeof(struct pmem_stats) == 256, "struct pmem_stats");
_Static_assert(offsetof(struct pmem_stats, inplace_polls) == 240, "pmem_stats.inplace_polls");
_Static_assert(offsetof(struct pmem_stats, coalesce_n) == 152, "pmem_stats.coalesce_n");
_Static_assert(offsetof(struct pmem_stats, killed_waits) == 224, "pmem_stats.killed_waits");
_Static_assert(offsetof(struct pmem_stats, lat_n) == 32, "pmem_stats.lat_n");
_Static_assert(offsetof(struct pmem_stats, commands) == 72, "pmem_stats.commands");
_Static_assert(offsetof(struct pmem_stats, stray) == 144, "pmem_stats.stray");

/* PMEMCTL_PROBE: count one-block commands of op, straight to the driver
 * (no file system, no buffer cache), on the media's scratch blocks past
 * the file system; each is timed from before pmem_submit to the return of
 * the wait, as the calling thread sees it. Ticks of timebase Hz. */
#define PMEM_PROBE_READ 0
#define PMEM_PROBE_WRITE 1
#define PMEM_PROBE_MAX 4096
struct pmem_probe {
	uint32_t op;       /*  0 in: PMEM_PROBE_READ or PMEM_PROBE_WRITE */
	uint32_t count;    /*  4 in: commands, 1 to PMEM_PROBE_MAX */
	uint64_t timebase; /*  8 out: ticks per second */
	uint64_t min;      /* 16 out */
	uint64_t median;   /* 24 out */
	uint64_t p99;      /* 32 out */
	uint64_t max;      /* 40 out */
};
_Static_assert(sizeof(struct pmem_probe) == 48, "struct pmem_probe");
_Static_assert(offsetof(struct pmem_probe, timebase) == 8, "pmem_probe.timebase");
_Static_assert(offsetof(struct pmem_probe, median) == 24, "pmem_probe.median");
_Static_assert(offsetof(struct pmem_probe, max) == 40, "pmem_probe.max");
