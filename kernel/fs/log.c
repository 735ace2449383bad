// SPDX-License-Identifier: MIT
// The write-ahead log: group commit, crash recovery at mount.
#include "log.h"
#include "fs.h"
#include "cache.h"
#include "inode.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * How a transaction reaches the disk (commit). The log area holds a run
 * of transactions since the last reset, and the header lists them all:
 *   1. the changed blocks are copied to the log, after the run's copies,
 *      in one command (a run of blocks); then a flush (which also makes
 *      the last commit's home writes durable)
 *   2. the header is written with the run's count: the commit point; flush
 *   3. each block is written home, not flushed, all sent before any is
 *      waited for: the next commit's step 1 flush, or a reset's, orders
 *      them before anything that relies on them. The group's calls
 *      return at 2 (their work is durable); the next commit waits for 3
 * When the run would not fit, a reset first: flush (every home write is
 * durable), the header with count 0, flush; the run starts again at the
 * log's first block. A crash before 2 leaves the old state: the header
 * still names the earlier run, whose copies are untouched, and every
 * transaction before it is home or in it; after 2 the new one (mount
 * installs the whole run again, in order: installing is idempotent). A
 * commit costs n + 4 device commands for n blocks (2n + 3 on a device
 * without write_run), and each block is checksummed once. Calls join the
 * open group until its last one ends and commits it; its seq numbers the
 * group, and seeds the run's checksum if it is the run's first. A group
 * is staged (copied) when it closes, so the next one fills meanwhile.
 */
static struct {
	struct spinlock lock;
	struct fs_dev *dev;
	uint32_t start;       /* the header block */
	uint32_t cap;         /* blocks the log holds */
	uint32_t maxop;       /* blocks each system call reserves */
	uint32_t lo, hi;      /* home blocks must lie in [lo, hi) */
	int outstanding;      /* system calls in the open transaction */
	uint32_t reserved;    /* blocks they may still log: the sum of
			       * member[].need - member[].used */
	struct member {
		void *who;        /* fs_self() of the call's thread */
		uint32_t need;    /* blocks it reserved */
		uint32_t used;    /* blocks it added to the group */
	} member[FS_LOGMAX];  /* [0, outstanding): the open calls */
	bool committing;
	bool failed;          /* a commit failed: refuse everything */
	uint64_t seq;         /* the open transaction */
	uint64_t done;        /* the last durable transaction */
	uint32_t n;           /* blocks logged so far */
	uint32_t run;         /* blocks of the run already in the log (head.count) */
	uint32_t run_csum;    /* fs_crc32 over the run's seq and copies */
	bool freed;           /* the open group freed a block */
	uint32_t block[FS_LOGMAX];
	struct fs_buf *buf[FS_LOGMAX];
	bool home[FS_LOGMAX]; /* goes straight home, not through the log */
	/* The group being committed: its blocks as they were when it closed
	 * (stage), so that the next group may change the buffers meanwhile. */
	uint32_t cn;
	uint32_t cblock[FS_LOGMAX];
	struct fs_buf *cbuf[FS_LOGMAX];
	bool chome[FS_LOGMAX];
	uint64_t commits, logged, resets;
	uint32_t peak;
} log = { .lock = SPINLOCK_INIT("fs_log") };

/* The header as written, and a block for recovery; static for the driver. */
static struct fs_loghead head __attribute__((aligned(FS_BSIZE)));
static uint8_t scratch[FS_BSIZE] __attribute__((aligned(FS_BSIZE)));
static uint8_t stage[FS_LOGMAX][FS_BSIZE] __attribute__((aligned(FS_BSIZE)));

static int dev_write(uint32_t b, const void *data)
{
	return log.dev->ops->write(log.dev, b, data) < 0 ? -EIO : 0;
}

/* n consecutive blocks from b: one command if the device has write_run. */
static int dev_write_run(uint32_t b, uint32_t n, const uint8_t *data)
{
	const struct fs_dev_ops *o = log.dev->ops;
	if (o->write_run)
		return o->write_run(log.dev, b, n, data) < 0 ? -EIO : 0;
	for (uint32_t i = 0; i < n; i++)
		if (dev_write(b + i, data + (uint64_t)i * FS_BSIZE) < 0)
			return -EIO;
	return 0;
}

/* n blocks from data to blocks[]: all sent before any is waited for, if
 * the device has write_many. */
static int dev_write_many(uint32_t n, const uint32_t *blocks, const uint8_t *data)
{
	const struct fs_dev_ops *o = log.dev->ops;
	if (o->write_many)
		return n && o->write_many(log.dev, n, blocks, data) < 0 ? -EIO : 0;
	for (uint32_t i = 0; i < n; i++)
		if (dev_write(blocks[i], data + (uint64_t)i * FS_BSIZE) < 0)
			return -EIO;
	return 0;
}

static int dev_read(uint32_t b, void *data)
{
	return log.dev->ops->read(log.dev, b, data) < 0 ? -EIO : 0;
}

static int dev_flush(void)
{
	return log.dev->ops->flush(log.dev) < 0 ? -EIO : 0;
}

/* Write the header for count blocks (block[] and data_csum already set),
 * then flush. */
static int write_head(uint32_t count, uint64_t seq)
{
	head.magic = FS_LOG_MAGIC;
	head.count = count;
	head.seq = seq;
	head.head_csum = fs_loghead_csum(&head);
	if (dev_write(log.start, &head) < 0)
		return -EIO;
	return dev_flush();
}

/* Start a new run at the log's first block, seeded with seq: every home
 * write so far made durable, then an empty header. */
static int reset_run(uint64_t seq)
{
	memset(head.block, 0, sizeof(head.block));
	head.data_csum = 0;
	if (dev_flush() < 0 || write_head(0, seq) < 0)
		return -EIO;
	log.run = 0;
	log.run_csum = fs_crc32(0, &seq, sizeof(seq));
	log.resets++;
	return 0;
}

/* Steps 1-2 above for the log.cn staged blocks. The n to be logged come
 * first in stage (commit_group), so their copies are one run of the log
 * and go out in one command; blocks marked home (fs_log_write_new) are
 * written home in step 1 instead, and need no copy. One commit runs at a
 * time (committing is set). */
static int commit(void)
{
	uint32_t n = 0, at, c;

	for (uint32_t i = 0; i < log.cn; i++)
		n += !log.chome[i];
	if (log.run + n > log.cap && reset_run(log.seq) < 0)
		return -EIO;
	at = log.run;
	c = log.run_csum;
	if (dev_write_many(log.cn - n, &log.cblock[n], stage[n]) < 0)
		return -EIO;
	if (n && dev_write_run(log.start + 1 + at, n, stage[0]) < 0)
		return -EIO;
	for (uint32_t i = 0; i < n; i++) {
		c = fs_crc32(c, stage[i], FS_BSIZE);
		head.block[at + i] = log.cblock[i];
	}
	if (dev_flush() < 0)
		return -EIO;
	if (n == 0)
		return 0;
	head.data_csum = c;
	if (write_head(at + n, head.seq) < 0)
		return -EIO;
	log.run = at + n;
	log.run_csum = c;
	return 0;
}

/* Step 3 for the staged blocks that went through the log. */
static int install(void)
{
	uint32_t n = 0;

	while (n < log.cn && !log.chome[n])
		n++;
	return dev_write_many(n, log.cblock, stage[0]);
}

/* Two wait channels, so that a wake-up rouses only those it may let go:
 * room, for calls waiting to begin (a group closed, the log failed or
 * stopped), and commit_done, for members waiting for their group's
 * commit point and for the commit's end. Both under the log lock. */
static struct fs_waitq room, commit_done;

/* Sleep on ch until woken (log lock held, dropped while asleep). */
static void log_wait(struct fs_waitq *ch)
{
	fs_waitq_sleep(ch, &log.lock);
}


/* Join the open transaction with need blocks reserved; a killed caller
 * stops waiting if killable. */
static int begin(uint32_t need, bool killable)
{
	spin_lock(&log.lock);
	need = MAX(MIN(need, log.maxop), 1u);
	for (;;) {
		if (log.failed || !log.dev) {
			spin_unlock(&log.lock);
			return -EIO;
		}
		/* The group's blocks, what its open calls may still add,
		 * and ours must fit (each need is at least 1, so there are
		 * never more members than the log has blocks). A commit in
		 * flight does not stop a new group from filling. */
		if (log.n + log.reserved + need <= log.cap)
			break;
		if (killable && fs_killed()) {
			spin_unlock(&log.lock);
			return -EINTR;
		}
		log_wait(&room);
	}
	log.member[log.outstanding++] = (struct member){ fs_self(), need, 0 };
	log.reserved += need;
	spin_unlock(&log.lock);
	return 0;
}

/* The calling thread's innermost open call (a thread that begins inside
 * its own call nests: the last one is the inner). Log lock. */
static struct member *mine_call(const char *who)
{
	void *me = fs_self();

	for (int i = log.outstanding - 1; i >= 0; i--)
		if (log.member[i].who == me)
			return &log.member[i];
	panic("%s: outside a transaction", who);
}

int fs_log_reserve(uint32_t blocks)
{
	return begin(blocks, true);
}

bool fs_log_grow(uint32_t blocks)
{
	struct member *m;
	bool ok;

	spin_lock(&log.lock);
	m = mine_call("fs_log_grow");
	blocks = MIN(blocks, log.maxop);
	ok = log.n + log.reserved + blocks <= log.cap;
	if (ok) {
		m->need += blocks;
		log.reserved += blocks;
	}
	spin_unlock(&log.lock);
	return ok;
}

int fs_log_begin(void)
{
	return begin(FS_LOGMAX, true); /* capped at the worst case */
}

int fs_log_begin_always(void)
{
	return begin(FS_LOGMAX, false);
}

/* Close the open group (its last member has ended and no commit runs),
 * stage its blocks and commit them, while the next group opens. Log lock
 * held on entry and exit; the buffers cannot change while it stages them:
 * the group has no member left, and a new one needs the lock to begin. */
static void commit_group(void)
{
	uint64_t mine = log.seq;
	int err;

	uint32_t logged = 0, home = log.n;

	log.committing = true;
	log.cn = log.n;
	/* The blocks to log from the front of stage, home ones from the
	 * back: commit writes the former as one run. */
	for (uint32_t i = 0; i < log.n; i++) {
		uint32_t k = log.home[i] ? --home : logged++;
		log.cblock[k] = log.block[i];
		log.cbuf[k] = log.buf[i];
		log.chome[k] = log.home[i];
		memcpy(stage[k], log.buf[i]->data, FS_BSIZE);
	}
	if (log.reserved)
		panic("fs_log: a closed group still reserves %u blocks", log.reserved);
	log.n = 0;
	log.freed = false;
	log.seq++;
	fs_waitq_wake(&room); /* the next group has the whole log */
	spin_unlock(&log.lock);
	err = log.cn ? commit() : 0;
	spin_lock(&log.lock);
	/* Past the commit point the group is durable: its members may
	 * return while its blocks go home (the next commit waits for that,
	 * committing stays set). */
	if (!err) {
		log.done = mine;
		fs_waitq_wake(&commit_done);
		spin_unlock(&log.lock);
		err = log.cn ? install() : 0;
		spin_lock(&log.lock);
	}
	if (log.cn > log.peak)
		log.peak = log.cn;
	if (log.cn && log.done == mine) {
		log.commits++;
		log.logged += log.cn;
	}
	/* Unpinned only now: until its home write, a buffer is the only
	 * place that holds the block's new contents. */
	for (uint32_t i = 0; i < log.cn; i++)
		fs_cache_unpin(log.cbuf[i]);
	log.cn = 0;
	log.committing = false;
	if (err) /* before the commit point, the group's calls fail too */
		__atomic_store_n(&log.failed, true, __ATOMIC_RELEASE);
	fs_waitq_wake(&commit_done);
	fs_waitq_wake(&room); /* a failed log refuses them */
}

int fs_log_end(void)
{
	struct member *m;
	uint64_t mine;
	int err;

	spin_lock(&log.lock);
	m = mine_call("fs_log_end");
	/* What we logged now counts once, in n; what we reserved and did
	 * not log goes back, for calls that begin from now on. No wake-up
	 * for room: there is no wake-one, and waking every waiter at every
	 * end would rouse dozens for a few blocks; they wait for the group
	 * to close (commit_group wakes them), as they always did. */
	log.reserved -= m->need - m->used;
	*m = log.member[--log.outstanding]; /* a later call, not ours */
	mine = log.seq;
	/* The last member commits the group once the commit before it is
	 * done; calls that join meanwhile make someone else the last. */
	while (log.done < mine && !log.failed) {
		if (log.seq == mine && log.outstanding == 0 && !log.committing)
			commit_group();
		else
			log_wait(&commit_done);
	}
	err = log.done >= mine ? 0 : -EIO;
	spin_unlock(&log.lock);
	if (err)
		kprintf("fs: commit failed, the file system is now refused\n");
	return err;
}

/* Add b to the transaction (home: it may go straight home). Log lock. */
static void add(struct fs_buf *b, bool home)
{
	struct member *m = mine_call("fs_log_write");
	uint32_t i;

	for (i = 0; i < log.n; i++)
		if (log.block[i] == b->blockno)
			return;
	/* Every call reserved what it may log: more is a broken bound. */
	if (m->used >= m->need || log.n >= log.cap)
		panic("fs_log_write: call logs more than the %u blocks it reserved (block %u)",
		      m->need, b->blockno);
	m->used++;
	log.reserved--;
	log.block[i] = b->blockno;
	log.buf[i] = b;
	log.home[i] = home;
	log.n++;
	fs_cache_pin(b);
}

/* Does the run in the log hold a copy of block b (mount would install it)? */
static bool in_run(uint32_t b)
{
	for (uint32_t i = 0; i < log.run; i++)
		if (head.block[i] == b)
			return true;
	return false;
}

void fs_log_write(struct fs_buf *b)
{
	spin_lock(&log.lock);
	add(b, false);
	spin_unlock(&log.lock);
}

void fs_log_write_new(struct fs_buf *b)
{
	spin_lock(&log.lock);
	/* With a commit in flight, the run is changing: log it. */
	add(b, !log.freed && !log.committing && !in_run(b->blockno));
	spin_unlock(&log.lock);
}

void fs_log_freed(void)
{
	spin_lock(&log.lock);
	log.freed = true;
	spin_unlock(&log.lock);
}

/* Check a committed header read at mount and its copies. 0 or -EUCLEAN. */
static int check_committed(void)
{
	uint32_t c = fs_crc32(0, &head.seq, sizeof(head.seq));

	if (head.count > log.cap) {
		fs_report("log: transaction larger than the log", head.count);
		return -EUCLEAN;
	}
	for (uint32_t i = 0; i < head.count; i++) {
		if (head.block[i] < log.lo || head.block[i] >= log.hi) {
			fs_report("log: block number out of range", head.block[i]);
			return -EUCLEAN;
		}
		if (dev_read(log.start + 1 + i, scratch) < 0)
			return -EIO;
		c = fs_crc32(c, scratch, FS_BSIZE);
	}
	if (c != head.data_csum) {
		fs_report("log: logged blocks fail their checksum", (uint32_t)head.seq);
		return -EUCLEAN;
	}
	return 0;
}

/* Install the checked committed transaction in head, then clear it. */
static int replay(void)
{
	for (uint32_t i = 0; i < head.count; i++)
		if (dev_read(log.start + 1 + i, scratch) < 0 ||
		    dev_write(head.block[i], scratch) < 0)
			return -EIO;
	if (dev_flush() < 0)
		return -EIO;
	return write_head(0, head.seq);
}

/* Read and act on the header at mount. */
static int recover(void)
{
	int err;

	if (dev_read(log.start, &head) < 0)
		return -EIO;
	if (!fs_loghead_ok(&head)) {
		fs_report("log: header damaged (a torn write?), ignored", log.start);
		memset(&head, 0, sizeof(head));
		if ((err = write_head(0, 0)) < 0)
			return err;
	} else if (head.count) {
		if ((err = check_committed()) < 0 || (err = replay()) < 0)
			return err;
	}
	log.done = head.seq;
	log.seq = head.seq + 1;
	log.run = 0;
	log.run_csum = fs_crc32(0, &head.seq, sizeof(head.seq));
	return 0;
}

int fs_log_init(struct fs_dev *dev, const struct fs_super *sb)
{
	spin_lock(&log.lock);
	if (log.outstanding || log.committing) {
		spin_unlock(&log.lock);
		return -EBUSY;
	}
	log.dev = dev;
	log.start = sb->log_start;
	log.cap = sb->nlog - 1;
	log.maxop = FS_MAXOP(sb->data_start - sb->bmap_start);
	log.lo = sb->inode_start;
	log.hi = sb->size;
	log.n = 0;
	log.failed = false;
	spin_unlock(&log.lock);
	return recover();
}

int fs_log_error(void)
{
	return __atomic_load_n(&log.failed, __ATOMIC_ACQUIRE) ? -EIO : 0;
}

int fs_log_stop(void)
{
	int err = 0;

	spin_lock(&log.lock);
	while (!log.outstanding && log.committing) /* the last group going home */
		log_wait(&commit_done);
	if (log.outstanding || log.committing) {
		spin_unlock(&log.lock);
		return -EBUSY;
	}
	if (log.dev && !log.failed && log.run) {
		/* Leave an empty log behind: image tools then see the homes. */
		log.committing = true;
		spin_unlock(&log.lock);
		err = reset_run(log.seq);
		spin_lock(&log.lock);
		log.committing = false;
		fs_waitq_wake(&commit_done);
		fs_waitq_wake(&room);
	}
	if (!err)
		log.dev = NULL;
	spin_unlock(&log.lock);
	return err;
}

void fs_log_stats(struct fs_stats *s)
{
	s->commits = log.commits;
	s->logged = log.logged;
	s->resets = log.resets;
	s->peak = log.peak;
	s->maxop = log.maxop;
	s->logcap = log.cap;
}
