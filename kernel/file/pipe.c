// SPDX-License-Identifier: MIT
// Pipes: a one-page ring buffer between a read end and a write end.
#include "file.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "kernel/proc/sched.h"
#include "kernel/spinlock.h"
#include "kernel/mm/uaccess.h"
#include "lib/errno.h"

#define PIPE_SIZE PAGE_SIZE /* writes up to this size are atomic (PIPE_BUF) */
#define NPIPE (NFILE / 2)   /* each pipe holds two files */

/*
 * A pipe. Everything is under lock; copyin/copyout run under it too (they
 * never sleep or fault). Readers sleep on &nwrite (waiting for it to move),
 * writers on &nread.
 */
struct pipe {
	struct spinlock lock;
	char *buf;            /* the ring: one page; NULL while the slot is free */
	uint64_t nread;       /* bytes read since creation */
	uint64_t nwrite;      /* bytes written: nwrite - nread are buffered */
	bool rd_open, wr_open; /* is that end's file still open? */
};

static struct spinlock pool_lock = SPINLOCK_INIT("pipes");
static struct pipe pipes[NPIPE];

/* A free pipe slot with the page p->buf, or NULL. Takes the pool lock. */
static struct pipe *pipe_get(char *page)
{
	struct pipe *p = NULL;

	spin_lock(&pool_lock);
	for (int i = 0; i < NPIPE && !p; i++) {
		if (!pipes[i].buf) {
			p = &pipes[i];
			spin_init(&p->lock, "pipe");
			p->buf = page;
			p->nread = p->nwrite = 0;
			p->rd_open = p->wr_open = true;
		}
	}
	spin_unlock(&pool_lock);
	return p;
}

/* Free a pipe whose ends are both closed, and its page. */
static void pipe_put(struct pipe *p)
{
	char *page = p->buf;

	spin_lock(&pool_lock);
	p->buf = NULL;
	spin_unlock(&pool_lock);
	page_free(page);
}

/* Copy up to n buffered bytes to user memory at uaddr (two parts where the
 * ring wraps). Returns the count moved, or -EFAULT with nothing consumed. */
static long ring_out(struct pipe *p, uint64_t uaddr, uint64_t n)
{
	uint64_t m = MIN(n, p->nwrite - p->nread);
	uint64_t at = p->nread % PIPE_SIZE, first = MIN(m, PIPE_SIZE - at);

	if (copyout(uaddr, p->buf + at, first) < 0 ||
	    copyout(uaddr + first, p->buf, m - first) < 0)
		return -EFAULT;
	p->nread += m;
	return (long)m;
}

/* Copy up to n bytes from user memory at uaddr into the free space. */
static long ring_in(struct pipe *p, uint64_t uaddr, uint64_t n)
{
	uint64_t m = MIN(n, PIPE_SIZE - (p->nwrite - p->nread));
	uint64_t at = p->nwrite % PIPE_SIZE, first = MIN(m, PIPE_SIZE - at);

	if (copyin(p->buf + at, uaddr, first) < 0 ||
	    copyin(p->buf, uaddr + first, m - first) < 0)
		return -EFAULT;
	p->nwrite += m;
	return (long)m;
}

/* read(): wait while empty and a writer exists; 0 (EOF) once none does;
 * else what is buffered, up to n. -EINTR if killed while waiting. */
static long pipe_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	struct pipe *p = f->priv;
	long ret;

	spin_lock(&p->lock);
	while (p->nread == p->nwrite && p->wr_open) {
		if (sleep_on(&p->nwrite, &p->lock) < 0) {
			spin_unlock(&p->lock);
			return -EINTR;
		}
	}
	ret = ring_out(p, uaddr, n);
	if (ret > 0)
		wakeup(&p->nread);
	spin_unlock(&p->lock);
	return ret;
}

/* The free space a write must wait for: all of a write of at most
 * PIPE_SIZE bytes (so it is never interleaved), else any. */
static uint64_t space_needed(uint64_t n, uint64_t left)
{
	return n <= PIPE_SIZE ? left : 1;
}

/* write(): all n bytes, waiting for space as needed. Stops with -EPIPE
 * once no reader is left, -EINTR if killed while waiting, -EFAULT on a
 * bad buffer; after a partial write it returns the bytes written. */
static long pipe_write(struct file *f, uint64_t uaddr, uint64_t n)
{
	struct pipe *p = f->priv;
	uint64_t done = 0;
	long ret = 0;

	spin_lock(&p->lock);
	while (done < n) {
		if (!p->rd_open) {
			ret = -EPIPE;
			break;
		}
		if (PIPE_SIZE - (p->nwrite - p->nread) < space_needed(n, n - done)) {
			if (sleep_on(&p->nread, &p->lock) < 0) {
				ret = -EINTR;
				break;
			}
			continue;
		}
		ret = ring_in(p, uaddr + done, n - done);
		if (ret < 0)
			break;
		done += (uint64_t)ret;
		wakeup(&p->nwrite);
	}
	spin_unlock(&p->lock);
	return done > 0 ? (long)done : ret;
}

static int pipe_stat(struct file *f, struct stat *st)
{
	struct pipe *p = f->priv;

	spin_lock(&p->lock);
	st->size = p->nwrite - p->nread;
	spin_unlock(&p->lock);
	st->type = T_PIPE;
	st->nlink = 1;
	return 0;
}

/* One end's last reference is gone: wake both sides so they see it; the
 * second end to go frees the pipe. */
static void pipe_close(struct file *f)
{
	struct pipe *p = f->priv;
	bool last;

	spin_lock(&p->lock);
	if (f->writable)
		p->wr_open = false;
	else
		p->rd_open = false;
	last = !p->rd_open && !p->wr_open;
	wakeup(&p->nread);
	wakeup(&p->nwrite);
	spin_unlock(&p->lock);
	if (last)
		pipe_put(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.close = pipe_close,
	.waits = true,
};

/*
 * pipe_create - a new empty pipe: *rd reads from it, *wr writes to it.
 * Takes the page allocator, pipe pool and file table locks in turn.
 * Returns 0, -ENOMEM (no page) or -ENFILE (no pipe slot or file).
 */
int pipe_create(struct file **rd, struct file **wr)
{
	char *page = page_alloc();
	struct pipe *p;

	if (!page)
		return -ENOMEM;
	p = pipe_get(page);
	if (!p)
		goto no_pipe;
	*rd = file_alloc(&pipe_ops, p, true, false);
	if (!*rd)
		goto no_rd;
	*wr = file_alloc(&pipe_ops, p, false, true);
	if (!*wr)
		goto no_wr;
	return 0;

no_wr:
	p->wr_open = false; /* no write end: closing the read end frees all */
	file_close(*rd);
	*rd = NULL;
	return -ENFILE;
no_rd:
	pipe_put(p);
	return -ENFILE;
no_pipe:
	page_free(page);
	return -ENFILE;
}
