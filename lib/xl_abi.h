/* SPDX-License-Identifier: MIT */
/*
 * The syscall-page ABI (exception-less system calls, docs/xl.md), shared by
 * the kernel and user space. A syscall page is one 4 KiB page of 64-byte
 * lines: line 0 is the header, lines 1..63 are entries. Each entry is one
 * cache line, so the user and a worker hart touching different entries
 * never share a line.
 *
 * Publication (both directions) through the state word only:
 *   user:   write nr, arg[], tag; store-release state = XL_SUBMITTED
 *   kernel: CAS-acquire SUBMITTED -> EXECUTING; copy the entry; run it;
 *           write ret; CAS-release EXECUTING -> COMPLETED
 *   user:   load-acquire state == XL_COMPLETED; read ret; state = XL_FREE
 * On RISC-V (gcc 12) a store-release is `fence rw,w; sw`, a load-acquire
 * `lw; fence r,rw`, and the CAS an lr.w.aq/sc.w.rl loop.
 */
#pragma once
#include "types.h"

#define XL_PAGE_SIZE 4096
#define XL_LINE 64
#define XL_ENTRIES 63   /* per page: line 0 is the header */
#define XL_MAX_PAGES 4  /* per process */
#define XL_MAX_WORKERS 8
/* Entries of one process that may sleep in handlers at once (a syscall
 * thread each); more submitted then complete with -EAGAIN, unrun. */
#define XL_MAX_BLOCKED 64

/* Entry states (the asynchronous-call design's NONE, HASCALL, EXECUTING,
 * COMPLETED, END; docs/background.md). */
enum xl_state {
	XL_FREE = 0,      /* the user's: fill it in */
	XL_SUBMITTED = 1, /* user -> kernel: please run it */
	XL_EXECUTING = 2, /* a worker took it (the kernel's until COMPLETED) */
	XL_COMPLETED = 3, /* kernel -> user: ret is valid */
	XL_END = 4,       /* user -> kernel: stop serving this page */
};

/* One system call: exactly one cache line. */
struct xl_entry {
	uint32_t state;   /*  0 enum xl_state: the only word both sides write */
	uint16_t nr;      /*  4 system call number (lib/syscall_list.h) */
	uint16_t tag;     /*  6 the user's own; the kernel never reads it */
	uint64_t arg[6];  /*  8 arguments */
	int64_t ret;      /* 56 result, or -E*: valid once COMPLETED */
} __attribute__((aligned(XL_LINE)));
_Static_assert(sizeof(struct xl_entry) == XL_LINE, "xl_entry is one line");
_Static_assert(offsetof(struct xl_entry, state) == 0, "xl_entry.state");
_Static_assert(offsetof(struct xl_entry, nr) == 4, "xl_entry.nr");
_Static_assert(offsetof(struct xl_entry, tag) == 6, "xl_entry.tag");
_Static_assert(offsetof(struct xl_entry, arg) == 8, "xl_entry.arg");
_Static_assert(offsetof(struct xl_entry, ret) == 56, "xl_entry.ret");

/* Header flags, written by the kernel. */
#define XL_NEED_WAKEUP 0x1 /* the worker sleeps: xl_wake() after submitting */
#define XL_STOPPED 0x2     /* an END entry was seen: nothing more is served */

/* Line 0 of a page. The kernel writes it; the user only reads it (what
 * the user writes there is ignored). The counters are atomic adds. */
struct xl_header {
	uint32_t flags;      /*  0 XL_NEED_WAKEUP, XL_STOPPED */
	uint32_t worker;     /*  4 hart id of the worker that served the last entry */
	uint64_t completed;  /*  8 entries whose result was published (COMPLETED) */
	uint64_t rejected;   /* 16 of them refused unrun (bad number, forbidden, no thread) */
	uint64_t dropped;    /* 24 results not published: the state changed while EXECUTING */
	uint64_t pad[4];     /* 32 */
} __attribute__((aligned(XL_LINE)));
_Static_assert(sizeof(struct xl_header) == XL_LINE, "xl_header is one line");
_Static_assert(offsetof(struct xl_header, flags) == 0, "xl_header.flags");
_Static_assert(offsetof(struct xl_header, worker) == 4, "xl_header.worker");
_Static_assert(offsetof(struct xl_header, completed) == 8, "xl_header.completed");
_Static_assert(offsetof(struct xl_header, rejected) == 16, "xl_header.rejected");
_Static_assert(offsetof(struct xl_header, dropped) == 24, "xl_header.dropped");
_Static_assert(offsetof(struct xl_header, pad) == 32, "xl_header.pad");

struct xl_page {
	struct xl_header hdr;               /*  0 */
	struct xl_entry e[XL_ENTRIES];      /* 64 */
};
_Static_assert(sizeof(struct xl_page) == XL_PAGE_SIZE, "xl_page is one page");
_Static_assert(offsetof(struct xl_page, e) == XL_LINE, "xl_page.e");

/* Per-worker counters, as the xlstat syscall returns them (atomic adds,
 * read racily). */
struct xl_worker_stats {
	int32_t hart;        /*  0 the worker's hart id */
	uint32_t pad;        /*  4 */
	uint64_t served;     /*  8 entries completed (result published) */
	uint64_t rejected;   /* 16 of them refused unrun (bad number, forbidden, no thread) */
	uint64_t parked;     /* 24 times a syscall thread slept inside a handler */
	uint64_t resumed;    /* 32 ... and woke up again (parked - resumed: asleep now) */
	uint64_t polled;     /* 40 pmem completions reaped by polling here */
	uint64_t sleeps;     /* 48 times the worker slept with NEED_WAKEUP */
	uint64_t wakeups;    /* 56 xl_wake calls that woke it */
	uint64_t threads;    /* 64 syscall threads created */
	uint64_t passes;     /* 72 polling passes over the registered pages */
	uint64_t dropped;    /* 80 results not published: the user changed the state */
};
_Static_assert(sizeof(struct xl_worker_stats) == 88, "xl_worker_stats");
_Static_assert(offsetof(struct xl_worker_stats, hart) == 0, "xl_worker_stats.hart");
_Static_assert(offsetof(struct xl_worker_stats, pad) == 4, "xl_worker_stats.pad");
_Static_assert(offsetof(struct xl_worker_stats, served) == 8, "xl_worker_stats.served");
_Static_assert(offsetof(struct xl_worker_stats, rejected) == 16, "xl_worker_stats.rejected");
_Static_assert(offsetof(struct xl_worker_stats, parked) == 24, "xl_worker_stats.parked");
_Static_assert(offsetof(struct xl_worker_stats, resumed) == 32, "xl_worker_stats.resumed");
_Static_assert(offsetof(struct xl_worker_stats, polled) == 40, "xl_worker_stats.polled");
_Static_assert(offsetof(struct xl_worker_stats, sleeps) == 48, "xl_worker_stats.sleeps");
_Static_assert(offsetof(struct xl_worker_stats, wakeups) == 56, "xl_worker_stats.wakeups");
_Static_assert(offsetof(struct xl_worker_stats, threads) == 64, "xl_worker_stats.threads");
_Static_assert(offsetof(struct xl_worker_stats, passes) == 72, "xl_worker_stats.passes");
_Static_assert(offsetof(struct xl_worker_stats, dropped) == 80, "xl_worker_stats.dropped");

struct xl_stats {
	uint32_t nworkers;   /* 0 workers in use (bootarg workers=) */
	uint32_t spin_us;    /* 4 idle spin budget (bootarg xl_spin=) */
	struct xl_worker_stats w[XL_MAX_WORKERS]; /* 8 */
};
_Static_assert(offsetof(struct xl_stats, nworkers) == 0, "xl_stats.nworkers");
_Static_assert(offsetof(struct xl_stats, spin_us) == 4, "xl_stats.spin_us");
_Static_assert(offsetof(struct xl_stats, w) == 8, "xl_stats.w");
_Static_assert(sizeof(struct xl_stats) == 8 + 88 * XL_MAX_WORKERS, "xl_stats");

/* What the echo syscall returns for its six arguments: every argument
 * matters, and the result is never negative (never mistaken for -E*). */
static inline int64_t xl_echo_value(const uint64_t a[6])
{
	uint64_t v = a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3] + 11 * a[4] + 13 * a[5];
	v ^= v >> 29;
	return (int64_t)(v & 0x7fffffffffffffffUL);
}
