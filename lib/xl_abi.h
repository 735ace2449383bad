/* SPDX-License-Identifier: MIT */
/*
 * The syscall-page ABI (exception-less system calls, docs/xl.md), shared by
 * the kernel and user space. A syscall page is one 4 KiB page of 64-byte
 * lines: line 0 is the header, lines 1..62 are entries, line 63 is the
 * completion queue (CQ). Each entry is one cache line, so the user and a
 * worker hart touching different entries never share a line.
 *
 * Publication (both directions) through the state word:
 *   user:   write nr, arg[], tag of a batch; one release fence; then
 *           state = XL_SUBMITTED for each entry; a release fence; then
 *           hdr.sub_gen changes (a hint: it saves the kernel looks)
 *   kernel: CAS-acquire SUBMITTED -> EXECUTING; copy the entry; run it;
 *           write ret; CAS-release EXECUTING -> COMPLETED; append the
 *           entry's index to the CQ; store-release hdr.cq_tail
 *   user:   load-acquire hdr.cq_tail; for each new CQ record, read ret;
 *           state = XL_FREE; then hdr.cq_head = how far it has read
 * The CQ only says where to look: the state is the truth, and the kernel
 * reads the user's cq_head once per batch and trusts nothing of it.
 */
#pragma once
#include "types.h"

#define XL_PAGE_SIZE 4096
#define XL_LINE 64
#define XL_ENTRIES 62   /* per page: line 0 is the header, line 63 the CQ */
#define XL_CQ_SIZE 64   /* CQ records (one byte each): more than XL_ENTRIES */
#define XL_MAX_PAGES 4  /* per process */
#define XL_MAX_WORKERS 8
/* Entries of one process that may sleep in handlers at once (a syscall
 * thread each); more submitted then complete with -EAGAIN, unrun. A
 * process past XL_RESERVE threads gets more only while XL_HEADROOM of
 * the system's syscall threads stay free for the others. */
#define XL_MAX_BLOCKED 64
#define XL_RESERVE 8
#define XL_HEADROOM 32

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

/* In xl_wait's page mask: before waiting, run the masked pages'
 * SUBMITTED entries on the calling thread (those no worker took yet). */
#define XL_WAIT_SERVE 0x100
_Static_assert(XL_WAIT_SERVE >> XL_MAX_PAGES, "XL_WAIT_SERVE is no page's bit");

/* Header flags, written by the kernel. */
#define XL_NEED_WAKEUP 0x1 /* the worker sleeps: xl_wake() after submitting */
#define XL_STOPPED 0x2     /* an END entry was seen: nothing more is served */

/* Line 0 of a page. The kernel writes it; the user only reads it, except
 * cq_head and sub_gen, which the kernel reads (once per batch or look, as
 * untrusted input).
 * What the user writes elsewhere in it is overwritten or ignored. */
struct xl_header {
	uint32_t flags;      /*  0 XL_NEED_WAKEUP, XL_STOPPED */
	uint32_t worker;     /*  4 hart id of the worker that served the last batch */
	uint64_t completed;  /*  8 entries whose result was published (COMPLETED) */
	uint64_t rejected;   /* 16 of them refused unrun (bad number, forbidden, no thread) */
	uint64_t dropped;    /* 24 results not published: the state changed while EXECUTING */
	uint32_t cq_tail;    /* 32 kernel: CQ records written (cq[i % XL_CQ_SIZE]) */
	uint32_t cq_lost;    /* 36 kernel: completions not recorded: the CQ was full, or
			      *    cq_head was not within XL_CQ_SIZE behind cq_tail */
	uint32_t cq_head;    /* 40 user: CQ records read */
	uint32_t sub_gen;    /* 44 user: += the size of each batch it publishes (a hint:
			      *    the kernel skips an unchanged page, and a look for a
			      *    few new entries stops once it found them) */
	uint32_t busy;       /* 48 kernel: syscall threads (of any process) asleep in
			      *    handlers on the worker that served this page's last
			      *    batch, as of then: a hint that a new entry will wait
			      *    behind others (the library then sleeps, not spins) */
	uint32_t pad32;      /* 52 */
	uint64_t pad;        /* 56 */
} __attribute__((aligned(XL_LINE)));
_Static_assert(sizeof(struct xl_header) == XL_LINE, "xl_header is one line");
_Static_assert(offsetof(struct xl_header, flags) == 0, "xl_header.flags");
_Static_assert(offsetof(struct xl_header, worker) == 4, "xl_header.worker");
_Static_assert(offsetof(struct xl_header, completed) == 8, "xl_header.completed");
_Static_assert(offsetof(struct xl_header, rejected) == 16, "xl_header.rejected");
_Static_assert(offsetof(struct xl_header, dropped) == 24, "xl_header.dropped");
_Static_assert(offsetof(struct xl_header, cq_tail) == 32, "xl_header.cq_tail");
_Static_assert(offsetof(struct xl_header, cq_lost) == 36, "xl_header.cq_lost");
_Static_assert(offsetof(struct xl_header, cq_head) == 40, "xl_header.cq_head");
_Static_assert(offsetof(struct xl_header, sub_gen) == 44, "xl_header.sub_gen");
_Static_assert(offsetof(struct xl_header, busy) == 48, "xl_header.busy");
_Static_assert(offsetof(struct xl_header, pad32) == 52, "xl_header.pad32");
_Static_assert(offsetof(struct xl_header, pad) == 56, "xl_header.pad");

struct xl_page {
	struct xl_header hdr;               /*    0 */
	struct xl_entry e[XL_ENTRIES];      /*   64 */
	uint8_t cq[XL_CQ_SIZE];             /* 4032 kernel: completed entries' indices */
};
_Static_assert(sizeof(struct xl_page) == XL_PAGE_SIZE, "xl_page is one page");
_Static_assert(offsetof(struct xl_page, e) == XL_LINE, "xl_page.e");
_Static_assert(offsetof(struct xl_page, cq) == XL_PAGE_SIZE - XL_LINE, "xl_page.cq");
_Static_assert(XL_CQ_SIZE > XL_ENTRIES && (XL_CQ_SIZE & (XL_CQ_SIZE - 1)) == 0, "XL_CQ_SIZE");

/* Per-worker counters, as the xlstat syscall returns them (read racily;
 * added once per batch). */
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
	uint64_t instret;    /* 88 instructions retired in the syscall threads' turns that
			      *    ran entries (looks, locks, entries, publication, poll) */
	uint64_t measured;   /* 96 entries of the turns counted in instret: a turn over
			      *    XL_INSTRET_CAP is left out (see there) */
};
/* Under QEMU's -icount, instret is the machine's one virtual clock, not
 * the hart's own count: a turn during which QEMU ran another hart's time
 * slice (a millisecond or more of virtual time) would count that hart's
 * instructions. Turns are far shorter (one of 32 entries, some 20 000). */
#define XL_INSTRET_CAP 1000000
_Static_assert(sizeof(struct xl_worker_stats) == 104, "xl_worker_stats");
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
_Static_assert(offsetof(struct xl_worker_stats, instret) == 88, "xl_worker_stats.instret");
_Static_assert(offsetof(struct xl_worker_stats, measured) == 96, "xl_worker_stats.measured");

struct xl_stats {
	uint32_t nworkers;   /* 0 workers in use (bootarg workers=) */
	uint32_t spin_us;    /* 4 idle spin budget (bootarg xl_spin=) */
	struct xl_worker_stats w[XL_MAX_WORKERS]; /* 8 */
	uint64_t served_here; /* 840 entries callers ran on their own pages while
			       *     they waited (XL_WAIT_SERVE), all processes */
};
_Static_assert(offsetof(struct xl_stats, nworkers) == 0, "xl_stats.nworkers");
_Static_assert(offsetof(struct xl_stats, spin_us) == 4, "xl_stats.spin_us");
_Static_assert(offsetof(struct xl_stats, w) == 8, "xl_stats.w");
_Static_assert(offsetof(struct xl_stats, served_here) == 8 + 104 * XL_MAX_WORKERS,
	       "xl_stats.served_here");
_Static_assert(sizeof(struct xl_stats) == 16 + 104 * XL_MAX_WORKERS, "xl_stats");

/* What the echo syscall returns for its six arguments: every argument
 * matters, and the result is never negative (never mistaken for -E*). */
static inline int64_t xl_echo_value(const uint64_t a[6])
{
	uint64_t v = a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3] + 11 * a[4] + 13 * a[5];
	v ^= v >> 29;
	return (int64_t)(v & 0x7fffffffffffffffUL);
}
