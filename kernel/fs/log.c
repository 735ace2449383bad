// SPDX-License-Identifier: MIT
// The write-ahead log's groups: transactions begin and end, the last call
// of a group commits it (how a commit reaches the disk: log_disk.c).
#include "log.h"
#include "log_state.h"
#include "fs.h"
#include "cache.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Calls join the open group until its last one ends and commits it; its
 * seq numbers the group. A group is staged (copied) when it closes, so
 * the next one fills meanwhile; its calls return once its commit point
 * is durable, and its blocks go home while the next group fills. */
struct fs_log_state fslog = { .lock = SPINLOCK_INIT("fs_log") };

/* Two wait channels, so that a wake-up rouses only those it may let go:
 * room, for calls waiting to begin (a group closed, the log failed or
 * stopped), and commit_done, for members waiting for their group's
 * commit point and for the commit's end. Both under the log lock. */
static struct fs_waitq room, commit_done;

/* Sleep on ch until woken (log lock held, dropped while asleep). */
static void log_wait(struct fs_waitq *ch)
{
	fs_waitq_sleep(ch, &fslog.lock);
}


/* Join the open transaction with need blocks reserved; a killed caller
 * stops waiting if killable. */
static int begin(uint32_t need, bool killable)
{
	spin_lock(&fslog.lock);
	need = MAX(MIN(need, fslog.maxop), 1u);
	for (;;) {
		if (fslog.failed || !fslog.dev) {
			spin_unlock(&fslog.lock);
			return -EIO;
		}
		/* The group's blocks, what its open calls may still add,
		 * and ours must fit (each need is at least 1, so there are
		 * never more members than the log has blocks). A commit in
		 * flight does not stop a new group from filling. */
		if (fslog.n + fslog.reserved + need <= fslog.cap)
			break;
		if (killable && fs_killed()) {
			spin_unlock(&fslog.lock);
			return -EINTR;
		}
		log_wait(&room);
	}
	fslog.member[fslog.outstanding++] = (struct log_member){ fs_self(), need, 0 };
	if (!fslog.opened_at)
		fslog.opened_at = fs_now_ns();
	fslog.reserved += need;
	spin_unlock(&fslog.lock);
	return 0;
}

/* The calling thread's innermost open call (a thread that begins inside
 * its own call nests: the last one is the inner). Log lock. */
static struct log_member *mine_call(const char *who)
{
	void *me = fs_self();

	for (int i = fslog.outstanding - 1; i >= 0; i--)
		if (fslog.member[i].who == me)
			return &fslog.member[i];
	panic("%s: outside a transaction", who);
}

int fs_log_reserve(uint32_t blocks)
{
	return begin(blocks, true);
}

bool fs_log_grow(uint32_t blocks)
{
	struct log_member *m;
	bool ok;

	spin_lock(&fslog.lock);
	m = mine_call("fs_log_grow");
	blocks = MIN(blocks, fslog.maxop);
	ok = fslog.n + fslog.reserved + blocks <= fslog.cap;
	if (ok) {
		m->need += blocks;
		fslog.reserved += blocks;
	}
	spin_unlock(&fslog.lock);
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
	uint64_t mine = fslog.seq, opened = fslog.opened_at, t0 = fs_now_ns(), t1;
	uint32_t logged = 0, home = fslog.n;
	int err;

	fslog.committing = true;
	fslog.opened_at = 0; /* the next group's first call sets it */
	fslog.cn = fslog.n;
	/* The blocks to log from the front of log_stage, home ones from the
	 * back: log_commit writes the former as one run. */
	for (uint32_t i = 0; i < fslog.n; i++) {
		uint32_t k = fslog.home[i] ? --home : logged++;
		fslog.cblock[k] = fslog.block[i];
		fslog.cbuf[k] = fslog.buf[i];
		fslog.chome[k] = fslog.home[i];
		memcpy(log_stage[k], fslog.buf[i]->data, FS_BSIZE);
	}
	if (fslog.reserved)
		panic("fs_log: a closed group still reserves %u blocks", fslog.reserved);
	fslog.n = 0;
	fslog.freed = false;
	fslog.seq++;
	fs_waitq_wake(&room); /* the next group has the whole log */
	spin_unlock(&fslog.lock);
	err = fslog.cn ? log_commit() : 0;
	spin_lock(&fslog.lock);
	t1 = fs_now_ns();
	/* Past the commit point the group is durable: its members may
	 * return while its blocks go home (the next commit waits for that,
	 * committing stays set). */
	if (!err) {
		fslog.done = mine;
		fs_waitq_wake(&commit_done);
		spin_unlock(&fslog.lock);
		err = fslog.cn ? log_install() : 0;
		spin_lock(&fslog.lock);
	}
	if (fslog.cn > fslog.peak)
		fslog.peak = fslog.cn;
	if (fslog.cn && fslog.done == mine) {
		uint64_t t2 = fs_now_ns();
		fslog.commits++;
		fslog.logged += fslog.cn;
		fslog.open_ns += opened ? t0 - opened : 0;
		fslog.commit_ns += t1 - t0;
		fslog.home_ns += t2 - t1;
	}
	/* Unpinned only now: until its home write, a buffer is the only
	 * place that holds the block's new contents. */
	for (uint32_t i = 0; i < fslog.cn; i++)
		fs_cache_unpin(fslog.cbuf[i]);
	fslog.cn = 0;
	fslog.committing = false;
	if (err) /* before the commit point, the group's calls fail too */
		__atomic_store_n(&fslog.failed, true, __ATOMIC_RELEASE);
	fs_waitq_wake(&commit_done);
	fs_waitq_wake(&room); /* a failed log refuses them */
}

int fs_log_end(void)
{
	struct log_member *m;
	uint64_t mine;
	int err;

	spin_lock(&fslog.lock);
	m = mine_call("fs_log_end");
	/* What we logged now counts once, in n; what we reserved and did
	 * not log goes back, for calls that begin from now on. No wake-up
	 * for room: there is no wake-one, and waking every waiter at every
	 * end would rouse dozens for a few blocks; they wait for the group
	 * to close (commit_group wakes them), as they always did. */
	fslog.reserved -= m->need - m->used;
	*m = fslog.member[--fslog.outstanding]; /* a later call, not ours */
	mine = fslog.seq;
	/* The last member commits the group once the commit before it is
	 * done; calls that join meanwhile make someone else the last. */
	while (fslog.done < mine && !fslog.failed) {
		if (fslog.seq == mine && fslog.outstanding == 0 && !fslog.committing)
			commit_group();
		else
			log_wait(&commit_done);
	}
	err = fslog.done >= mine ? 0 : -EIO;
	spin_unlock(&fslog.lock);
	if (err)
		kprintf("fs: commit failed, the file system is now refused\n");
	return err;
}

/* Add b to the transaction (home: it may go straight home). Log lock. */
static void add(struct fs_buf *b, bool home)
{
	struct log_member *m = mine_call("fs_log_write");
	uint32_t i;

	for (i = 0; i < fslog.n; i++)
		if (fslog.block[i] == b->blockno)
			return;
	/* Every call reserved what it may log: more is a broken bound. */
	if (m->used >= m->need || fslog.n >= fslog.cap)
		panic("fs_log_write: call logs more than the %u blocks it reserved (block %u)",
		      m->need, b->blockno);
	m->used++;
	fslog.reserved--;
	fslog.block[i] = b->blockno;
	fslog.buf[i] = b;
	fslog.home[i] = home;
	fslog.n++;
	fs_cache_pin(b);
}

void fs_log_write(struct fs_buf *b)
{
	spin_lock(&fslog.lock);
	add(b, false);
	spin_unlock(&fslog.lock);
}

void fs_log_write_new(struct fs_buf *b)
{
	spin_lock(&fslog.lock);
	/* With a commit in flight, the run is changing: log it. */
	add(b, !fslog.freed && !fslog.committing && !log_in_run(b->blockno));
	spin_unlock(&fslog.lock);
}

void fs_log_freed(void)
{
	spin_lock(&fslog.lock);
	fslog.freed = true;
	spin_unlock(&fslog.lock);
}

int fs_log_init(struct fs_dev *dev, const struct fs_super *sb)
{
	spin_lock(&fslog.lock);
	if (fslog.outstanding || fslog.committing) {
		spin_unlock(&fslog.lock);
		return -EBUSY;
	}
	fslog.dev = dev;
	fslog.start = sb->log_start;
	fslog.cap = sb->nlog - 1;
	fslog.maxop = FS_MAXOP(sb->data_start - sb->bmap_start);
	fslog.lo = sb->inode_start;
	fslog.hi = sb->size;
	fslog.n = 0;
	fslog.failed = false;
	spin_unlock(&fslog.lock);
	return log_recover();
}

int fs_log_error(void)
{
	return __atomic_load_n(&fslog.failed, __ATOMIC_ACQUIRE) ? -EIO : 0;
}

int fs_log_stop(void)
{
	int err = 0;

	spin_lock(&fslog.lock);
	while (!fslog.outstanding && fslog.committing) /* the last group going home */
		log_wait(&commit_done);
	if (fslog.outstanding || fslog.committing) {
		spin_unlock(&fslog.lock);
		return -EBUSY;
	}
	if (fslog.dev && !fslog.failed && fslog.run) {
		/* Leave an empty log behind: image tools then see the homes. */
		fslog.committing = true;
		spin_unlock(&fslog.lock);
		err = log_reset_run(fslog.seq);
		spin_lock(&fslog.lock);
		fslog.committing = false;
		fs_waitq_wake(&commit_done);
		fs_waitq_wake(&room);
	}
	if (!err)
		fslog.dev = NULL;
	spin_unlock(&fslog.lock);
	return err;
}

void fs_log_stats(struct fs_stats *s)
{
	s->commits = fslog.commits;
	s->logged = fslog.logged;
	s->resets = fslog.resets;
	s->peak = fslog.peak;
	s->commit_ns = fslog.commit_ns;
	s->home_ns = fslog.home_ns;
	s->open_ns = fslog.open_ns;
	s->maxop = fslog.maxop;
	s->logcap = fslog.cap;
}
