/* SPDX-License-Identifier: MIT */
/* The file system's sleeping locks and its buffer cache of disk blocks. */
#pragma once
#include "kernel/spinlock.h"
#include "lib/types.h"

struct fs_dev;

/* A place to sleep that counts its sleepers, under the lock its users
 * hold: a wake-up with nobody asleep skips fs_wake's scan of every
 * thread. The sleeping locks, the cache's wait for a free buffer and the
 * log's two channels are each one. */
struct fs_waitq {
	int waiters;
};

/* A lock held across disk I/O: waiters sleep instead of spinning. */
struct fs_sleeplock {
	struct spinlock lk; /* guards the fields below */
	bool locked;
	void *owner;        /* the holding thread (the host: a dummy) */
	struct fs_waitq q;  /* threads asleep on it */
};

/* fs_sleep_init - a free sleeping lock named name. */
void fs_sleep_init(struct fs_sleeplock *l, const char *name);
/* fs_sleep_lock - take l, sleeping while another thread holds it; killed
 * threads wait too (the file system cannot back out half-way). Thread
 * context, no spinlock held. On the host (one thread) a held lock panics. */
void fs_sleep_lock(struct fs_sleeplock *l);
/* fs_sleep_lock_killable - fs_sleep_lock, but a killed thread stops
 * waiting: 0 (held) or -EINTR (not held). For waits before a call has
 * changed anything, so that a lock held for ever (a cycle on a damaged
 * disk) cannot keep a process from dying. */
int fs_sleep_lock_killable(struct fs_sleeplock *l);
/* fs_sleep_trylock - take l if it is free: true if taken, never waits. */
bool fs_sleep_trylock(struct fs_sleeplock *l);
/* fs_sleep_unlock - release l and wake its waiters. */
void fs_sleep_unlock(struct fs_sleeplock *l);
/* fs_sleep_holding - does the calling thread hold l? */
bool fs_sleep_holding(struct fs_sleeplock *l);
/* fs_wait - sleep on chan with lk held (released while asleep, held again
 * on return), even if the process was killed. Callers loop on their
 * condition. Panics on the host, where nothing could wake the caller. */
void fs_wait(void *chan, struct spinlock *lk);
/* fs_killed - has the calling thread been killed (or its call cancelled)?
 * Long reads and writes stop at the next block when it is. In the kernel
 * the process's kill state; on the host a hook the tests set. */
bool fs_killed(void);
/* fs_wake - wake everything in fs_wait on chan. In the kernel this scans
 * every thread under the scheduler's lock: callers that can tell nobody
 * waits (a count of waiters under lk) skip it. */
void fs_wake(void *chan);
/* fs_self - the calling thread, as a token for ownership (the one
 * thread of a host test: a constant). */
void *fs_self(void);
/* fs_now_ns - the kernel's clock, in nanoseconds since boot (the log
 * times its commits by it); 0 on the host, where nothing is timed. */
uint64_t fs_now_ns(void);
#ifdef NAGI_HOSTED
/* fs_host_thread - what fs_self returns on the host: a test may pose as
 * several threads by setting it (a wait still panics there). */
extern void *fs_host_thread;
#endif

/* fs_waitq_sleep - fs_wait on q, counted in q (lk held: the lock that
 * guards q and the condition the caller loops on). fs_waitq_wake - wake
 * q's sleepers if it has any (lk held): a sleeper counted itself under lk
 * before it slept, and lets lk go only once asleep, so none is missed. */
void fs_waitq_sleep(struct fs_waitq *q, struct spinlock *lk);
void fs_waitq_wake(struct fs_waitq *q);

/* Cached blocks (1 MiB); the log pins up to FS_LOGMAX of them. Seed 000
 * with u files touches about 9 blocks a file: with 256, u = 64 read most
 * of its blocks back from the device (docs/fs.md, "Sixth pass"). */
#define FS_NBUF 2048

/* One cached block. data is valid, and may be used, only while holding lock. */
struct fs_buf {
	uint32_t blockno;
	bool valid;               /* data holds the block's contents */
	int refcnt;               /* holders and log pins; under the cache lock */
	struct fs_sleeplock lock; /* held by the one thread using data */
	struct fs_buf *prev, *next; /* LRU list, most recent first; cache lock */
	struct fs_buf *hnext;     /* next in blockno's hash chain; cache lock */
	uint8_t *data;            /* FS_BSIZE bytes of static memory */
};

/* fs_cache_init - serve blocks [0, limit) of dev from now on (limit is
 * min(dev size, file system size)); forgets every cached block.
 * Returns 0, or -EBUSY if a buffer is still held or pinned. */
int fs_cache_init(struct fs_dev *dev, uint32_t limit);
/* fs_cache_dev - the device the cache serves. */
struct fs_dev *fs_cache_dev(void);
/* fs_cache_get - block blockno, read if not cached, locked for the caller
 * (*bp). Takes the cache lock, then sleeps for the buffer's lock; sleeps
 * for a free buffer if all are held. 0, or -EIO (device error, or
 * blockno past the limit: the caller should have checked it). */
int fs_cache_get(uint32_t blockno, struct fs_buf **bp);
/* fs_cache_zero - as fs_cache_get, but the block is not read: *bp holds
 * zeros (a block just allocated). 0 or -EIO. */
int fs_cache_zero(uint32_t blockno, struct fs_buf **bp);
/* fs_cache_put - release a buffer from fs_cache_get/fs_cache_zero. */
void fs_cache_put(struct fs_buf *b);
/* fs_cache_pin/unpin - keep b cached (it holds logged changes not yet on
 * disk) / let it go again. Cache lock. */
void fs_cache_pin(struct fs_buf *b);
void fs_cache_unpin(struct fs_buf *b);
