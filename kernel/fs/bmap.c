// SPDX-License-Identifier: MIT
// Block allocation (the bitmap) and block maps: which disk block holds block n of a file.
#include "inode.h"
#include "log.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Entry i of an indirect block (memcpy: the buffer is bytes). */
static uint32_t entry(const struct fs_buf *b, uint32_t i)
{
	uint32_t v;
	memcpy(&v, b->data + 4 * i, 4);
	return v;
}

/* Keep the first error seen in *err. */
static void keep(int *err, int e)
{
	if (e < 0 && *err == 0)
		*err = e;
}

/* Zero block b through the log (data: it will hold a file's bytes, and
 * may go straight home, fs_log_write_new). */
static int zero_block(uint32_t b, bool data)
{
	struct fs_buf *zb;
	int err = fs_cache_zero(b, &zb);

	if (err == 0) {
		if (data)
			fs_log_write_new(zb);
		else
			fs_log_write(zb);
		fs_cache_put(zb);
	}
	return err;
}

/* Take the first free data block covered by bitmap block bb, from block
 * from on, if any: *out (0: none). Returns 0 or -EIO. */
static int take_free(uint32_t bb, uint32_t from, uint32_t *out)
{
	uint32_t base = bb * FS_BPB, b = MAX(MAX(base, from), fs_sb.data_start);
	uint32_t end = MIN(base + FS_BPB, fs_sb.size);
	struct fs_buf *bp;
	int err = fs_cache_get(fs_sb.bmap_start + bb, &bp);

	*out = 0;
	if (err)
		return err;
	for (; b < end; b++) {
		uint32_t bit = b - base;
		if (bit % 8 == 0 && bp->data[bit / 8] == 0xff) {
			b += 7;
			continue;
		}
		if (!(bp->data[bit / 8] & (1u << (bit % 8)))) {
			bp->data[bit / 8] |= 1u << (bit % 8);
			fs_log_write(bp);
			*out = b;
			break;
		}
	}
	fs_cache_put(bp);
	return 0;
}

/*
 * Where bmap_alloc starts looking: after the block it took last. Only a
 * hint (any value finds a free block if there is one), so a plain atomic
 * word. Scanning from the first data block walked every full bitmap block
 * before the free space (four of them, a byte at a time, on the boot
 * image) for each block a write allocated; and going on past the last
 * block taken leaves a block just freed alone for a while, so a new one
 * has seldom a copy in the log's run and goes straight home.
 */
static uint32_t next_block;

/*
 * bmap_alloc - scan the bitmap from the hint to the end, then from the
 * first data block on; the block found is marked used and zeroed, both
 * through the log. The bitmap block's lock keeps two allocations from
 * taking the same bit.
 */
int bmap_alloc(uint32_t *out, bool data)
{
	uint32_t first = fs_sb.data_start / FS_BPB, nbmap = fs_sb.data_start - fs_sb.bmap_start;
	uint32_t start = __atomic_load_n(&next_block, __ATOMIC_RELAXED), b;

	if (start < fs_sb.data_start || start >= fs_sb.size)
		start = fs_sb.data_start; /* another file system, or past the end */
	/* The hint's bitmap block first (from the hint), the rest in turn,
	 * and the hint's again (for the blocks before the hint). */
	for (uint32_t i = 0; i <= nbmap - first; i++) {
		uint32_t bb = first + (start / FS_BPB - first + i) % (nbmap - first);
		int err = take_free(bb, i == 0 ? start : 0, &b);
		if (err)
			return err;
		if (b) {
			__atomic_store_n(&next_block, b + 1, __ATOMIC_RELAXED);
			if ((err = zero_block(b, data)) < 0) {
				bmap_free(b);
				return err;
			}
			*out = b;
			return 0;
		}
	}
	return -ENOSPC;
}

/* bmap_free - check that b is a used data block, then clear its bit. */
int bmap_free(uint32_t b)
{
	struct fs_buf *bp;
	uint32_t bit = b % FS_BPB;
	int err;

	if (!fs_block_ok(b)) {
		fs_report("freeing a block out of range", b);
		return -EUCLEAN;
	}
	if ((err = fs_cache_get(fs_sb.bmap_start + b / FS_BPB, &bp)) < 0)
		return err;
	if (!(bp->data[bit / 8] & (1u << (bit % 8)))) {
		fs_report("freeing a free block", b);
		err = -EUCLEAN;
	} else {
		bp->data[bit / 8] &= ~(1u << (bit % 8));
		fs_log_write(bp);
		fs_log_freed();
	}
	fs_cache_put(bp);
	return err;
}

/* Where a block address lives: a field of the inode, or entry idx of an
 * indirect block held (locked) as buf. */
struct slot {
	struct inode *ip;
	uint32_t *field;
	struct fs_buf *buf;
	uint32_t idx;
};

static uint32_t slot_read(const struct slot *s)
{
	return s->buf ? entry(s->buf, s->idx) : *s->field;
}

/* Store v in the slot, through the log. */
static int slot_set(const struct slot *s, uint32_t v)
{
	if (!s->buf) {
		*s->field = v;
		return inode_update(s->ip);
	}
	memcpy(s->buf->data + 4 * s->idx, &v, 4);
	fs_log_write(s->buf);
	return 0;
}

/* The block in slot s: checked, or allocated if missing and alloc is set
 * (*fresh tells; data: a file's block, not an indirect one). 0 is a hole. */
static int slot_get(const struct slot *s, bool alloc, bool data, uint32_t *b, bool *fresh)
{
	int err;

	*fresh = false;
	*b = slot_read(s);
	if (*b) {
		if (fs_block_ok(*b))
			return 0;
		fs_report("inode: block number out of range", s->ip->inum);
		return -EUCLEAN;
	}
	if (!alloc)
		return 0;
	if ((err = bmap_alloc(b, data)) < 0)
		return err;
	if ((err = slot_set(s, *b)) < 0) {
		bmap_free(*b);
		return err;
	}
	*fresh = true;
	return 0;
}

/*
 * The data block that slot s leads to through depth levels of indirect
 * blocks, indexed by path[0], path[1]. A block this call allocated is
 * freed again if a deeper level fails, so -ENOSPC leaves no trace.
 */
static int walk(const struct slot *s, const uint32_t *path, int depth, bool alloc, uint32_t *out)
{
	struct fs_buf *b;
	uint32_t blk;
	bool fresh;
	int err = slot_get(s, alloc, depth == 0, &blk, &fresh);

	if (err || depth == 0 || blk == 0) {
		*out = depth == 0 ? blk : 0;
		return err;
	}
	if ((err = fs_cache_get(blk, &b)) == 0) {
		struct slot next = { .ip = s->ip, .buf = b, .idx = path[0] };
		err = walk(&next, path + 1, depth - 1, alloc, out);
		fs_cache_put(b);
	}
	if (err && fresh) {
		bmap_free(blk);
		slot_set(s, 0);
	}
	return err;
}

int bmap(struct inode *ip, uint32_t bn, bool alloc, uint32_t *out)
{
	struct slot s = { .ip = ip };
	uint32_t path[2] = { 0, 0 };

	*out = 0;
	if (bn < FS_NDIRECT) {
		s.field = &ip->d.addrs[bn];
		return walk(&s, path, 0, alloc, out);
	}
	bn -= FS_NDIRECT;
	if (bn < FS_NINDIRECT) {
		s.field = &ip->d.indirect;
		path[0] = bn;
		return walk(&s, path, 1, alloc, out);
	}
	bn -= FS_NINDIRECT;
	if (bn >= FS_NINDIRECT * FS_NINDIRECT)
		return -EFBIG;
	s.field = &ip->d.dindirect;
	path[0] = bn / FS_NINDIRECT;
	path[1] = bn % FS_NINDIRECT;
	return walk(&s, path, 2, alloc, out);
}

/* Free block b and, depth levels down, every block it points to. Only
 * the bitmap changes: the indirect blocks are garbage once free. */
static void free_tree(uint32_t ino, uint32_t b, int depth, int *err)
{
	struct fs_buf *bp;
	int e;

	if (b == 0)
		return;
	if (!fs_block_ok(b)) {
		fs_report("inode: block number out of range", ino);
		keep(err, -EUCLEAN);
		return;
	}
	if (depth > 0) {
		if ((e = fs_cache_get(b, &bp)) < 0) {
			keep(err, e);
		} else {
			for (uint32_t i = 0; i < FS_NINDIRECT; i++)
				free_tree(ino, entry(bp, i), depth - 1, err);
			fs_cache_put(bp);
		}
	}
	keep(err, bmap_free(b));
}

int bmap_trunc(struct inode *ip)
{
	int err = 0;

	for (int i = 0; i < FS_NDIRECT; i++) {
		free_tree(ip->inum, ip->d.addrs[i], 0, &err);
		ip->d.addrs[i] = 0;
	}
	free_tree(ip->inum, ip->d.indirect, 1, &err);
	free_tree(ip->inum, ip->d.dindirect, 2, &err);
	ip->d.indirect = ip->d.dindirect = 0;
	ip->d.size = 0;
	keep(&err, inode_update(ip));
	return err;
}
