// SPDX-License-Identifier: MIT
// File contents: reading and writing through block maps, one transaction per chunk written.
#include "fs.h"
#include "inode.h"
#include "log.h"
#include "lib/errno.h"
#include "lib/string.h"
#ifndef NAGI_HOSTED
#include "kernel/mm/uaccess.h"
#endif

/* Move n bytes to dst / from src: kernel memory, or the process's. */
static int copy_to(bool user, uint64_t dst, const void *src, uint64_t n)
{
#ifndef NAGI_HOSTED
	if (user)
		return copyout(dst, src, n);
#else
	if (user)
		return -EFAULT;
#endif
	memcpy((void *)dst, src, n);
	return 0;
}

static int copy_from(bool user, void *dst, uint64_t src, uint64_t n)
{
#ifndef NAGI_HOSTED
	if (user)
		return copyin(dst, src, n);
#else
	if (user)
		return -EFAULT;
#endif
	memcpy(dst, (const void *)src, n);
	return 0;
}

long inode_read(struct inode *ip, bool user, uint64_t dst, uint64_t off, uint64_t n)
{
	static const uint8_t zeros[FS_BSIZE];
	uint64_t tot = 0, m;
	uint32_t blk;
	struct fs_buf *b;
	int err = 0;

	if (off >= ip->d.size)
		return 0;
	n = MIN(n, ip->d.size - off);
	for (; tot < n && !err; tot += m, off += m, dst += m) {
		m = MIN(n - tot, FS_BSIZE - off % FS_BSIZE);
		if (tot && fs_killed())
			break; /* a kill ends a long read at a block: bytes so far */
		if ((err = bmap(ip, off / FS_BSIZE, false, &blk)) < 0)
			break;
		if (blk == 0) { /* a hole */
			if ((err = copy_to(user, dst, zeros, m)) < 0)
				break;
			continue;
		}
		if ((err = fs_cache_get(blk, &b)) < 0)
			break;
		err = copy_to(user, dst, b->data + off % FS_BSIZE, m);
		fs_cache_put(b);
		if (err)
			break;
	}
	return tot ? (long)tot : err;
}

long inode_write(struct inode *ip, bool user, uint64_t src, uint64_t off, uint64_t n)
{
	uint8_t part[FS_BSIZE]; /* the user's bytes before any block is allocated */
	uint64_t tot = 0, m;
	uint32_t blk;
	struct fs_buf *b;
	int err = 0;

	if (off >= FS_MAXBYTES)
		return n ? -EFBIG : 0;
	n = MIN(n, FS_MAXBYTES - off);
	for (; tot < n; tot += m, off += m, src += m) {
		m = MIN(n - tot, FS_BSIZE - off % FS_BSIZE);
		if (tot && fs_killed())
			break; /* as in inode_read; the transaction keeps what is done */
		if ((err = copy_from(user, part, src, m)) < 0 ||
		    (err = bmap(ip, off / FS_BSIZE, true, &blk)) < 0 ||
		    (err = fs_cache_get(blk, &b)) < 0)
			break;
		memcpy(b->data + off % FS_BSIZE, part, m);
		fs_log_write(b);
		fs_cache_put(b);
	}
	if (tot && off > ip->d.size) {
		ip->d.size = (uint32_t)off;
		if ((err = inode_update(ip)) < 0)
			return err;
	}
	return tot ? (long)tot : err;
}

long fs_read(struct inode *ip, bool user, uint64_t dst, uint64_t off, uint64_t n)
{
	long r = fs_log_error();

	if (r < 0 || (r = inode_lock(ip)) < 0)
		return r;
	r = ip->d.type == T_DEVICE ? -EINVAL : inode_read(ip, user, dst, off, n);
	inode_unlock(ip);
	return r;
}

/* The blocks a write of n > 0 bytes at off may log: its k data blocks, a
 * bitmap block for each block it may allocate, and the inode; past the
 * direct blocks also up to 4 new indirect blocks (with their bitmap
 * blocks) and 3 changed ones. An append's offset is not known yet: it
 * may span one block more and reach past the direct blocks. The log
 * stops the kernel if a group logs more than its calls reserved, so
 * this must be a true bound; a tighter one lets more writers share a
 * commit instead of waiting for room (a 512 B write inside the direct
 * blocks: 3 blocks, not 16). */
static uint32_t chunk_blocks(uint64_t off, uint64_t n)
{
	uint32_t k;

	if (off != FS_OFF_APPEND && (off + n - 1) / FS_BSIZE < FS_NDIRECT) {
		k = (uint32_t)((off + n - 1) / FS_BSIZE - off / FS_BSIZE + 1);
		return 2 * k + 1;
	}
	k = (uint32_t)((n + 2 * FS_BSIZE - 1) / FS_BSIZE); /* any offset */
	return 2 * k + 12;
}

/* One transaction of fs_write: n bytes at *off (FS_OFF_APPEND: the end,
 * which *off is then set to), spanning at most FS_WRITE_BLOCKS blocks. */
static long write_chunk(struct inode *ip, bool user, uint64_t src, uint64_t *off, uint64_t n)
{
	long r = fs_log_reserve(chunk_blocks(*off, n)), e;

	if (r < 0)
		return r;
	if ((r = inode_lock(ip)) == 0) {
		if (ip->d.type != T_FILE) {
			r = ip->d.type == T_DIR ? -EISDIR : -EINVAL;
		} else {
			if (*off == FS_OFF_APPEND)
				*off = ip->d.size;
			r = inode_write(ip, user, src, *off, n);
		}
		inode_unlock(ip);
	}
	e = fs_log_end();
	return r >= 0 && e < 0 ? e : r;
}

/* fs_write's chunks from *off on; an append's first chunk sets *off. */
static long write_chunks(struct inode *ip, bool user, uint64_t src, uint64_t *off, uint64_t n)
{
	const uint64_t most = (uint64_t)FS_WRITE_BLOCKS * FS_BSIZE;
	uint64_t tot = 0, len, at;
	long r = 0;

	for (; tot < n; tot += (uint64_t)r) {
		if (fs_killed()) {
			r = -EINTR; /* before any transaction: nothing half done */
			break;
		}
		/* An append's offset is unknown here: one block less covers any. */
		if (*off == FS_OFF_APPEND)
			len = MIN(n - tot, most - FS_BSIZE);
		else
			len = MIN(n - tot, most - (*off + tot) % FS_BSIZE);
		at = *off == FS_OFF_APPEND ? FS_OFF_APPEND : *off + tot;
		r = write_chunk(ip, user, src + tot, &at, len);
		if (r <= 0)
			break;
		if (*off == FS_OFF_APPEND)
			*off = at; /* the rest follows the first chunk */
		if ((uint64_t)r < len) {
			tot += (uint64_t)r;
			break; /* an error stopped it */
		}
	}
	return tot ? (long)tot : r;
}

long fs_write(struct inode *ip, bool user, uint64_t src, uint64_t off, uint64_t n)
{
	if (off == FS_OFF_APPEND)
		return fs_append(ip, user, src, n, NULL);
	return write_chunks(ip, user, src, &off, n);
}

long fs_append(struct inode *ip, bool user, uint64_t src, uint64_t n, uint64_t *end)
{
	uint64_t off = FS_OFF_APPEND;
	long r;

	/* Outside any transaction: a chunk's fs_log_begin may wait for a
	 * commit, which needs no inode lock, so no cycle. Other appenders
	 * wait here; other writers do not. */
	if ((r = fs_sleep_lock_killable(&ip->append)) < 0)
		return r;
	r = write_chunks(ip, user, src, &off, n);
	fs_sleep_unlock(&ip->append);
	if (r > 0 && end)
		*end = off + (uint64_t)r;
	return r;
}

int fs_fsync(struct inode *ip)
{
	UNUSED(ip);
	return fs_log_error();
}

int fs_stat(struct inode *ip, struct stat *st)
{
	int err = inode_lock(ip);

	if (err)
		return err;
	st->dev = 1;
	st->ino = ip->inum;
	st->type = (int16_t)ip->d.type;
	st->nlink = (int16_t)ip->d.nlink;
	st->pad = 0;
	st->size = ip->d.size;
	inode_unlock(ip);
	return 0;
}

int fs_getdev(struct inode *ip, int *major, int *minor)
{
	int err = inode_lock(ip);

	if (err)
		return err;
	if (ip->d.type == T_DEVICE) {
		*major = ip->d.major;
		*minor = ip->d.minor;
	} else {
		err = -EINVAL;
	}
	inode_unlock(ip);
	return err;
}
