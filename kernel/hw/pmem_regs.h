/* SPDX-License-Identifier: MIT */
/* The pmem device's interface, shared by the device (pmem_dev.c) and the driver (pmem.c). */
#pragma once
#include "lib/types.h"

/*
 * Memory layout (docs/pmem.md): below the top 2 MiB of RAM (QEMU's DTB)
 * lies the media, and below the media the 64 KiB control region: the
 * register block, then the submission queue, then the completion queue.
 *
 *   ctrl + 0x0000  struct pmem_regs       (one page)
 *   ctrl + 0x1000  struct pmem_cmd  sq[PMEM_QDEPTH]
 *   ctrl + 0x2000  struct pmem_cpl  cq[PMEM_QDEPTH]
 *   ctrl + 0x10000 media, capacity x PMEM_BLOCK_SIZE bytes
 *   mem_end - 2 MiB: the DTB's area, not ours
 */
#define PMEM_MAGIC 0x4D454D504947414EUL /* "NAGIPMEM" in memory order */
#define PMEM_VERSION 3 /* 3: per-command IPI target, interrupt coalescing */
#define PMEM_BLOCK_SIZE 512
#define PMEM_QDEPTH 64         /* entries per queue, a power of two */
#define PMEM_MAX_BLOCKS 128    /* per command: 64 KiB */
#define PMEM_CTRL_SIZE 0x10000UL
#define PMEM_SQ_OFFSET 0x1000
#define PMEM_CQ_OFFSET 0x2000
#define PMEM_MEDIA_MAX (64UL << 20)
#define PMEM_TOP_GAP (2UL << 20)
#define PMEM_MAX_LATENCY_NS 1000000000UL /* larger settings are clamped */
#define PMEM_MAX_SPIN_US 1000000        /* so is a spin budget over 1 s */
#define PMEM_MAX_COALESCE_US 100000     /* coalescing waits at most 100 ms (refused above) */
/* The media's last blocks belong to the pmem kernel tests; the file system
 * (kernel/file/rootfs.c, tools/pmemimg.c) ends before them. */
#define PMEM_TEST_BLOCKS 256

/* Register block. Each group has its own 64-byte line, so that what the
 * driver writes and what the device writes never share one. Counters are
 * free-running: sq_tail - sq_head commands are waiting, and so on. */
struct pmem_regs {
	/* Identity: set by the device at reset; magic last. */
	uint64_t magic;       /* 0x00 PMEM_MAGIC once the device is ready */
	uint32_t version;     /* 0x08 PMEM_VERSION */
	uint32_t block_size;  /* 0x0c PMEM_BLOCK_SIZE */
	uint64_t capacity;    /* 0x10 in blocks */
	uint32_t qdepth;      /* 0x18 PMEM_QDEPTH */
	uint32_t max_blocks;  /* 0x1c PMEM_MAX_BLOCKS */
	uint64_t media_base;  /* 0x20 physical address, for information */
	uint8_t pad0[0x18];
	/* Control: written by the driver, read by the device per command. */
	uint32_t enable;      /* 0x40 1: take commands */
	uint32_t mode;        /* 0x44 PMEM_MODE_* */
	uint32_t irq_target;  /* 0x48 hart id that completion IPIs go to */
	uint32_t spin_us;     /* 0x4c idle: watch the doorbell this long, then sleep */
	uint64_t latency_ns;  /* 0x50 emulated media latency */
	uint64_t fail_block;  /* 0x58 fault injection: READ and WRITE touching */
	uint64_t fail_count;  /* 0x60   [fail_block, +fail_count) get PMEM_SC_MEDIA */
	uint32_t coalesce_n;  /* 0x68 interrupt mode: one IPI per this many completions, */
	uint32_t coalesce_us; /* 0x6c   or when the oldest unannounced one is this old */
	uint8_t pad2[0x10];
	/* Doorbells: written by the driver. */
	uint32_t sq_tail;     /* 0x80 commands submitted (the doorbell) */
	uint32_t cq_head;     /* 0x84 completions consumed by the driver */
	uint8_t pad3[0x38];
	/* Device state: written by the device. */
	uint32_t status;      /* 0xc0 PMEM_STATUS_* bits */
	uint32_t need_wakeup; /* 0xc4 1: asleep or about to be; IPI it */
	uint32_t sq_head;     /* 0xc8 commands taken from the queue */
	uint32_t cq_tail;     /* 0xcc completions posted */
	uint8_t pad4[0x30];
	/* Counters: written by the device. */
	uint64_t commands;    /* 0x100 */
	uint64_t errors;      /* 0x108 commands completed with an error */
	uint64_t reads;       /* 0x110 */
	uint64_t writes;      /* 0x118 */
	uint64_t flushes;     /* 0x120 */
	uint64_t sleeps;      /* 0x128 times it went to wfi */
	uint64_t wakeups;     /* 0x130 times it came back */
	uint64_t irqs;        /* 0x138 completion IPIs sent */
	uint64_t bad_doorbells; /* 0x140 sq_tail seen more than qdepth ahead */
	uint64_t bad_cq_heads;  /* 0x148 cq_head seen outside [cq_tail - qdepth, cq_tail] */
	uint64_t stale;         /* 0x150 entries taken with the wrong seq */
	uint64_t media_errors;  /* 0x158 commands failed by fault injection */
	uint64_t bad_configs;   /* 0x160 mode or coalescing registers seen out of range */
	uint64_t bad_targets;   /* 0x168 commands whose irq_hart is no hart to interrupt */
	uint64_t batches;       /* 0x170 coalesced interrupts: the count or the timer was due */
	uint64_t batched;       /* 0x178 completions those announced */
	uint64_t timer_flushes; /* 0x180 batches the timer raised (count not reached) */
};

#define PMEM_MODE_IRQ 0  /* an IPI per completion (or per batch: coalesce_n) */
#define PMEM_MODE_POLL 1 /* no IPI: the driver watches the queue */
/* Coalescing (interrupt mode): coalesce_n <= 1 is an IPI per completion;
 * 2..PMEM_QDEPTH waits for that many, but never longer than coalesce_us
 * (1..PMEM_MAX_COALESCE_US) after the first. A batch sends one IPI to each
 * hart that its completions target. Any other value (or a mode other than
 * IRQ and POLL) sets PMEM_STATUS_CFG_ERROR and the device acts as if
 * coalescing were off (and the mode IRQ): a waiter is never stranded. */

#define PMEM_STATUS_READY 1    /* the device runs and has reset its queues */
#define PMEM_STATUS_ENABLED 2  /* it has seen enable = 1 */
/* Error bits: set while the driver's doorbells make no sense, cleared
 * when they do again. The device never acts on a bad value. */
#define PMEM_STATUS_SQ_ERROR 4 /* sq_tail - sq_head > qdepth: doorbell ignored */
#define PMEM_STATUS_CQ_ERROR 8 /* cq_tail - cq_head > qdepth: no command taken */
#define PMEM_STATUS_CFG_ERROR 16 /* mode or coalescing registers out of range */

/* A submission queue entry. */
struct pmem_cmd {
	uint8_t opcode;  /* 0 PMEM_OP_* */
	uint8_t flags;   /* 1 must be 0 */
	uint16_t cid;    /* 2 command id, echoed in the completion */
	uint32_t count;  /* 4 blocks, 1..PMEM_MAX_BLOCKS (READ, WRITE) */
	uint64_t block;  /* 8 first block */
	uint64_t buf;    /* 16 physical address, 8-byte aligned */
	uint32_t seq;    /* 24 the entry's queue position + 1 (free-running) */
	uint32_t irq_hart; /* 28 interrupt mode: hart id + 1 to interrupt on
			    * completion; 0: the irq_target register's */
};

#define PMEM_OP_READ 1  /* media -> buf */
#define PMEM_OP_WRITE 2 /* buf -> media */
#define PMEM_OP_FLUSH 3 /* earlier writes are durable; block, count, buf ignored */

/* A completion queue entry. phase is written last; it is 1 on the first
 * lap of the ring, 0 on the second, and so on, so an entry whose phase is
 * not the lap's is stale. */
struct pmem_cpl {
	uint16_t cid;     /* 0 the command's id */
	uint8_t status;   /* 2 PMEM_SC_* */
	uint8_t phase;    /* 3 */
	uint32_t sq_head; /* 4 the device's sq_head after taking the command */
	uint64_t ticks;   /* 8 time the device spent on it (time CSR ticks) */
};

#define PMEM_SC_OK 0
#define PMEM_SC_BAD_OPCODE 1 /* not READ, WRITE or FLUSH, or flags != 0 */
#define PMEM_SC_BAD_COUNT 2  /* 0 or more than PMEM_MAX_BLOCKS */
#define PMEM_SC_BAD_RANGE 3  /* blocks past the end of the media */
#define PMEM_SC_BAD_ALIGN 4  /* buf not 8-byte aligned */
#define PMEM_SC_BAD_BUFFER 5 /* buf outside usable RAM, or on the device's own memory */
#define PMEM_SC_MEDIA 6      /* media error: blocks in the fault-injection range */
#define PMEM_SC_STALE 7      /* seq is not the entry's position + 1: not executed */

/* The seq of the entry at free-running queue position n. Never 0 on the
 * first lap, so a cleared queue holds only stale entries. */
static inline uint32_t pmem_seq(uint32_t n)
{
	return n + 1;
}

#define CHECK_OFF(s, f, off) _Static_assert(offsetof(struct s, f) == (off), #s "." #f)
CHECK_OFF(pmem_regs, magic, 0x00);
CHECK_OFF(pmem_regs, version, 0x08);
CHECK_OFF(pmem_regs, block_size, 0x0c);
CHECK_OFF(pmem_regs, capacity, 0x10);
CHECK_OFF(pmem_regs, qdepth, 0x18);
CHECK_OFF(pmem_regs, max_blocks, 0x1c);
CHECK_OFF(pmem_regs, media_base, 0x20);
CHECK_OFF(pmem_regs, enable, 0x40);
CHECK_OFF(pmem_regs, mode, 0x44);
CHECK_OFF(pmem_regs, irq_target, 0x48);
CHECK_OFF(pmem_regs, spin_us, 0x4c);
CHECK_OFF(pmem_regs, latency_ns, 0x50);
CHECK_OFF(pmem_regs, fail_block, 0x58);
CHECK_OFF(pmem_regs, fail_count, 0x60);
CHECK_OFF(pmem_regs, coalesce_n, 0x68);
CHECK_OFF(pmem_regs, coalesce_us, 0x6c);
CHECK_OFF(pmem_regs, sq_tail, 0x80);
CHECK_OFF(pmem_regs, cq_head, 0x84);
CHECK_OFF(pmem_regs, status, 0xc0);
CHECK_OFF(pmem_regs, need_wakeup, 0xc4);
CHECK_OFF(pmem_regs, sq_head, 0xc8);
CHECK_OFF(pmem_regs, cq_tail, 0xcc);
CHECK_OFF(pmem_regs, commands, 0x100);
CHECK_OFF(pmem_regs, errors, 0x108);
CHECK_OFF(pmem_regs, reads, 0x110);
CHECK_OFF(pmem_regs, writes, 0x118);
CHECK_OFF(pmem_regs, flushes, 0x120);
CHECK_OFF(pmem_regs, sleeps, 0x128);
CHECK_OFF(pmem_regs, wakeups, 0x130);
CHECK_OFF(pmem_regs, irqs, 0x138);
CHECK_OFF(pmem_regs, bad_doorbells, 0x140);
CHECK_OFF(pmem_regs, bad_cq_heads, 0x148);
CHECK_OFF(pmem_regs, stale, 0x150);
CHECK_OFF(pmem_regs, media_errors, 0x158);
CHECK_OFF(pmem_regs, bad_configs, 0x160);
CHECK_OFF(pmem_regs, bad_targets, 0x168);
CHECK_OFF(pmem_regs, batches, 0x170);
CHECK_OFF(pmem_regs, batched, 0x178);
CHECK_OFF(pmem_regs, timer_flushes, 0x180);
CHECK_OFF(pmem_cmd, opcode, 0);
CHECK_OFF(pmem_cmd, flags, 1);
CHECK_OFF(pmem_cmd, cid, 2);
CHECK_OFF(pmem_cmd, count, 4);
CHECK_OFF(pmem_cmd, block, 8);
CHECK_OFF(pmem_cmd, buf, 16);
CHECK_OFF(pmem_cmd, seq, 24);
CHECK_OFF(pmem_cmd, irq_hart, 28);
CHECK_OFF(pmem_cpl, cid, 0);
CHECK_OFF(pmem_cpl, status, 2);
CHECK_OFF(pmem_cpl, phase, 3);
CHECK_OFF(pmem_cpl, sq_head, 4);
CHECK_OFF(pmem_cpl, ticks, 8);
#undef CHECK_OFF
_Static_assert(sizeof(struct pmem_regs) <= PMEM_SQ_OFFSET, "registers fit their page");
_Static_assert(sizeof(struct pmem_cmd) == 32 && sizeof(struct pmem_cpl) == 16, "entry sizes");
_Static_assert(PMEM_SQ_OFFSET + PMEM_QDEPTH * sizeof(struct pmem_cmd) <= PMEM_CQ_OFFSET, "sq");
_Static_assert(PMEM_CQ_OFFSET + PMEM_QDEPTH * sizeof(struct pmem_cpl) <= PMEM_CTRL_SIZE, "cq");
_Static_assert((PMEM_QDEPTH & (PMEM_QDEPTH - 1)) == 0, "queue depth is a power of two");

/* Where the device lives in a machine with RAM [mem_base, mem_base + size). */
struct pmem_layout {
	uint64_t ctrl;   /* control region: registers and queues */
	uint64_t media;  /* first byte of the media */
	uint64_t end;    /* first byte past the media */
};

/* pmem_layout_of - the layout for this RAM: 64 MiB of media, less on small
 * machines (a quarter of RAM, whole MiB); ctrl = end = 0 if RAM is too
 * small for any. Pure arithmetic; used by device, driver and allocator.
 * It assumes the DTB sits in the top PMEM_TOP_GAP of RAM, as QEMU puts
 * it only when RAM ends below 3 GiB: pmem_hart checks at boot. */
static inline struct pmem_layout pmem_layout_of(uint64_t mem_base, uint64_t mem_size)
{
	struct pmem_layout l = { 0, 0, 0 };
	uint64_t media = MIN(PMEM_MEDIA_MAX, ALIGN_DOWN(mem_size / 4, 1UL << 20));
	if (media == 0 || mem_size < media + PMEM_CTRL_SIZE + PMEM_TOP_GAP + (16UL << 20))
		return l;
	l.end = mem_base + mem_size - PMEM_TOP_GAP;
	l.media = l.end - media;
	l.ctrl = l.media - PMEM_CTRL_SIZE;
	return l;
}

/* The lap's phase for the n-th completion (n free-running). */
static inline uint8_t pmem_phase(uint32_t n)
{
	return ((n / PMEM_QDEPTH) & 1) ^ 1;
}

/* MMIO discipline: every shared field through these, never a plain access.
 * The fences are RISC-V's: order the named accesses before and after. */
#define pmem_read(field) (*(const volatile __typeof__(field) *)&(field))
#define pmem_write(field, v) (*(volatile __typeof__(field) *)&(field) = (v))
static inline void pmem_fence_w_w(void) { __asm__ volatile("fence w, w" ::: "memory"); }
static inline void pmem_fence_r_r(void) { __asm__ volatile("fence r, r" ::: "memory"); }
static inline void pmem_fence_rw_rw(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
