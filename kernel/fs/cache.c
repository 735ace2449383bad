// SPDX-License-Identifier: MIT
// The file system's sleeping locks and its LRU buffer cache of disk blocks.
#include "cache.h"
#include "fs.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"
#ifndef NAGI_HOSTED
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/thread.h"
#include "kernel/time.h"
#endif

/* ---- Waiting and the clock: the scheduler and timer in the kernel; on
 * the host a panic and no time. ---- */

#ifdef NAGI_HOSTED
/* Host tests run one thread: a wait could never end. */
void fs_wait(void *chan, struct spinlock *lk)
{
	UNUSED(chan);
	UNUSED(lk);
	panic("fs_wait: would sleep forever (one thread on the host)");
}

void fs_wake(void *chan)
{
	UNUSED(chan);
}

void *fs_host_thread = (void *)1;

void *fs_self(void)
{
	return fs_host_thread;
}

uint64_t fs_now_ns(void)
{
	return 0;
}
#else
void fs_wait(void *chan, struct spinlock *lk)
{
	/* A killed thread gets -EINTR without sleeping: it must still wait
	 * (it holds half a system call), so it yields and lets the caller
	 * check again. */
	if (sleep_on(chan, lk) < 0) {
		spin_unlock(lk);
		sched_yield();
		spin_lock(lk);
	}
}

void fs_wake(void *chan)
{
	wakeup(chan);
}

bool fs_killed(void)
{
	return proc_killed() != 0;
}

void *fs_self(void)
{
	return curthread();
}

uint64_t fs_now_ns(void)
{
	return timer_ns();
}
#endif

void fs_waitq_sleep(struct fs_waitq *q, struct spinlock *lk)
{
	q->waiters++;
	fs_wait(q, lk);
	q->waiters--;
}

void fs_waitq_wake(struct fs_waitq *q)
{
	if (q->waiters)
		fs_wake(q);
}

void fs_sleep_init(struct fs_sleeplock *l, const char *name)
{
	spin_init(&l->lk, name);
	l->locked = false;
	l->owner = NULL;
	l->q.waiters = 0;
}

void fs_sleep_lock(struct fs_sleeplock *l)
{
	spin_lock(&l->lk);
	while (l->locked)
		fs_waitq_sleep(&l->q, &l->lk);
	l->locked = true;
	l->owner = fs_self();
	spin_unlock(&l->lk);
}

int fs_sleep_lock_killable(struct fs_sleeplock *l)
{
	spin_lock(&l->lk);
	while (l->locked) {
		if (fs_killed()) {
			spin_unlock(&l->lk);
			return -EINTR;
		}
		fs_waitq_sleep(&l->q, &l->lk);
	}
	l->locked = true;
	l->owner = fs_self();
	spin_unlock(&l->lk);
	return 0;
}

bool fs_sleep_trylock(struct fs_sleeplock *l)
{
	bool took;

	spin_lock(&l->lk);
	took = !l->locked;
	if (took) {
		l->locked = true;
		l->owner = fs_self();
	}
	spin_unlock(&l->lk);
	return took;
}

void fs_sleep_unlock(struct fs_sleeplock *l)
{
	spin_lock(&l->lk);
	if (!l->locked || l->owner != fs_self())
		panic("fs_sleep_unlock: %s not held", l->lk.name);
	l->locked = false;
	l->owner = NULL;
	fs_waitq_wake(&l->q);
	spin_unlock(&l->lk);
}

bool fs_sleep_holding(struct fs_sleeplock *l)
{
	bool r;

	spin_lock(&l->lk);
	r = l->locked && l->owner == fs_self();
	spin_unlock(&l->lk);
	return r;
}

/* ---- The buffer cache ---- */

/*
 * NBUF buffers on a circular LRU list through head: head.next is the most
 * recently released. A buffer with refcnt 0 may be given another block.
 * Every buffer is also on the hash chain of its blockno, so finding a
 * cached block does not walk the list. The lock guards the list, the
 * chains, blockno, refcnt and the device; valid and data belong to the
 * buffer's sleeping lock.
 */
#define NHASH (2 * FS_NBUF) /* a power of two */
static struct {
	struct spinlock lock;
	struct fs_dev *dev;
	uint32_t limit;
	bool ready;
	struct fs_waitq freed; /* threads asleep for a free buffer */
	struct fs_buf head;
	struct fs_buf *hash[NHASH];
	struct fs_buf buf[FS_NBUF];
} cache = { .lock = SPINLOCK_INIT("fs_cache") };

/* The blocks themselves, static so that a DMA-ing driver may use them. */
static uint8_t blocks[FS_NBUF][FS_BSIZE] __attribute__((aligned(FS_BSIZE)));

/* Move b to the front (most recent) of the list. Cache lock held. */
static void to_front(struct fs_buf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
	b->next = cache.head.next;
	b->prev = &cache.head;
	cache.head.next->prev = b;
	cache.head.next = b;
}

static struct fs_buf **chain(uint32_t blockno)
{
	return &cache.hash[blockno & (NHASH - 1)];
}

/* Move b from its blockno's chain to that of blockno. Cache lock held. */
static void rehash(struct fs_buf *b, uint32_t blockno)
{
	struct fs_buf **pp = chain(b->blockno);

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	b->blockno = blockno;
	b->hnext = *chain(blockno);
	*chain(blockno) = b;
}

/* Build the list and the chains once (every buffer names block 0).
 * Cache lock held. */
static void setup(void)
{
	cache.head.prev = cache.head.next = &cache.head;
	for (int i = 0; i < FS_NBUF; i++) {
		struct fs_buf *b = &cache.buf[i];
		b->data = blocks[i];
		fs_sleep_init(&b->lock, "fs_buf");
		b->next = cache.head.next;
		b->prev = &cache.head;
		cache.head.next->prev = b;
		cache.head.next = b;
		b->blockno = 0;
		b->hnext = *chain(0);
		*chain(0) = b;
	}
	cache.ready = true;
}

int fs_cache_init(struct fs_dev *dev, uint32_t limit)
{
	int err = 0;

	spin_lock(&cache.lock);
	if (!cache.ready)
		setup();
	for (int i = 0; i < FS_NBUF; i++)
		if (cache.buf[i].refcnt)
			err = -EBUSY;
	if (!err) {
		for (int i = 0; i < FS_NBUF; i++)
			cache.buf[i].valid = false;
		cache.dev = dev;
		cache.limit = limit;
	}
	spin_unlock(&cache.lock);
	return err;
}

struct fs_dev *fs_cache_dev(void)
{
	return cache.dev;
}

/* The buffer for blockno, referenced (not locked): the cached one, else the
 * least recently used free one, else wait for one. Takes the cache lock. */
static struct fs_buf *lookup(uint32_t blockno)
{
	struct fs_buf *b;

	spin_lock(&cache.lock);
	for (;;) {
		for (b = *chain(blockno); b; b = b->hnext)
			if (b->blockno == blockno && (b->refcnt || b->valid))
				goto found;
		for (b = cache.head.prev; b != &cache.head; b = b->prev)
			if (b->refcnt == 0) {
				rehash(b, blockno);
				b->valid = false;
				goto found;
			}
		fs_waitq_sleep(&cache.freed, &cache.lock);
	}
found:
	b->refcnt++;
	spin_unlock(&cache.lock);
	return b;
}

/* Drop one reference; a free buffer becomes the most recent. Cache lock. */
static void unref(struct fs_buf *b)
{
	spin_lock(&cache.lock);
	if (b->refcnt < 1)
		panic("fs_cache: buffer of block %u released too often", b->blockno);
	if (--b->refcnt == 0) {
		to_front(b);
		fs_waitq_wake(&cache.freed);
	}
	spin_unlock(&cache.lock);
}

/* A locked buffer for blockno, read from the device if read is set and it
 * is not cached. 0 or -EIO. */
static int get(uint32_t blockno, bool read, struct fs_buf **bp)
{
	struct fs_buf *b;

	if (!cache.dev || blockno >= cache.limit)
		return -EIO;
	b = lookup(blockno);
	fs_sleep_lock(&b->lock);
	if (!b->valid && read) {
		if (cache.dev->ops->read(cache.dev, blockno, b->data) < 0) {
			fs_sleep_unlock(&b->lock);
			unref(b);
			return -EIO;
		}
		b->valid = true;
	}
	*bp = b;
	return 0;
}

int fs_cache_get(uint32_t blockno, struct fs_buf **bp)
{
	return get(blockno, true, bp);
}

int fs_cache_zero(uint32_t blockno, struct fs_buf **bp)
{
	int err = get(blockno, false, bp);

	if (err == 0) {
		memset((*bp)->data, 0, FS_BSIZE);
		(*bp)->valid = true;
	}
	return err;
}

void fs_cache_put(struct fs_buf *b)
{
	if (!fs_sleep_holding(&b->lock))
		panic("fs_cache_put: block %u not held", b->blockno);
	fs_sleep_unlock(&b->lock);
	unref(b);
}

void fs_cache_pin(struct fs_buf *b)
{
	spin_lock(&cache.lock);
	b->refcnt++;
	spin_unlock(&cache.lock);
}

void fs_cache_unpin(struct fs_buf *b)
{
	unref(b);
}
