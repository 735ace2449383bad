// SPDX-License-Identifier: MIT
// Inodes: the in-memory table, loading and checking disk inodes, allocating and freeing them.
#include "fs.h"
#include "inode.h"
#include "log.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * The inode table. A referenced inode (ref > 0) is on the hash chain of
 * its inum, where inode_get finds it; one with ref 0 is free, on the free
 * list. ref changes only under the lock: inode_get takes it from 0 to 1
 * (off the free list, onto a chain), inode_dup adds one, and every drop
 * goes through unref(), which moves the inode back at 0, so the lists
 * follow the counts. The lock guards inum, ref, next and the lists; an
 * inode's sleeping lock guards valid and d. An inode with nlink 0 is
 * named by no directory: once its last reference goes, it is freed.
 * next_inum is where inode_alloc starts looking for a free inode.
 */
#define NIHASH FS_NINODE /* chains; a power of two */
static struct {
	struct spinlock lock;
	struct inode *hash[NIHASH];
	struct inode *free;
	uint32_t next_inum;
	struct inode inode[FS_NINODE];
} itable = { .lock = SPINLOCK_INIT("fs_inodes") };

/* Block and byte offset of inode inum. */
static uint32_t iblock(uint32_t inum)
{
	return fs_sb.inode_start + inum / FS_IPB;
}

static uint32_t ioffset(uint32_t inum)
{
	return (inum % FS_IPB) * sizeof(struct fs_dinode);
}

static struct inode **chain(uint32_t inum)
{
	return &itable.hash[inum & (NIHASH - 1)];
}

/* Drop one reference; at the last, ip leaves its chain for the free
 * list. The only place ref falls. Table lock held. */
static void unref(struct inode *ip)
{
	struct inode **pp = chain(ip->inum);

	if (ip->ref < 1)
		panic("fs: inode %u released too often", ip->inum);
	if (--ip->ref > 0)
		return;
	while (*pp && *pp != ip)
		pp = &(*pp)->next;
	if (!*pp)
		panic("fs: inode %u not on its hash chain", ip->inum);
	*pp = ip->next;
	ip->next = itable.free;
	itable.free = ip;
}

/*
 * Unnamed inodes whose last reference went in a transaction too small to
 * free them: each call that may drop such a reference frees them after
 * its transaction (inode_reap_deferred). A full list leaves the rest on
 * the disk as orphans, for the next mount. Inode table lock.
 */
#define NDEFER 16
static uint32_t deferred[NDEFER];
static int ndeferred;

int inode_reset(void)
{
	int err = 0;

	spin_lock(&itable.lock);
	for (int i = 0; i < FS_NINODE; i++)
		if (itable.inode[i].ref)
			err = -EBUSY;
	if (!err) {
		ndeferred = 0; /* inode numbers of the file system that goes */
		itable.next_inum = 1;
		itable.free = NULL;
		memset(itable.hash, 0, sizeof(itable.hash));
	}
	for (int i = FS_NINODE - 1; i >= 0 && !err; i--) {
		struct inode *ip = &itable.inode[i];
		ip->inum = 0;
		ip->valid = false;
		ip->next = itable.free;
		itable.free = ip;
		fs_sleep_init(&ip->lock, "fs_inode");
		fs_sleep_init(&ip->append, "fs_append");
	}
	spin_unlock(&itable.lock);
	return err;
}

int inode_get(uint32_t inum, struct inode **out)
{
	struct inode *ip;

	if (inum < 1 || inum >= fs_sb.ninodes) {
		fs_report("inode number out of range", inum);
		return -EUCLEAN;
	}
	spin_lock(&itable.lock);
	for (ip = *chain(inum); ip && ip->inum != inum; ip = ip->next)
		;
	if (ip) {
		ip->ref++;
	} else if ((ip = itable.free)) {
		itable.free = ip->next;
		ip->inum = inum;
		ip->ref = 1;
		ip->valid = false;
		ip->next = *chain(inum);
		*chain(inum) = ip;
	}
	spin_unlock(&itable.lock);
	*out = ip;
	return ip ? 0 : -ENFILE;
}

/* Mark ip seen in seen[]; what is wrong if it was already. */
static const char *see(const struct inode *ip, uint8_t *seen)
{
	if (ip < itable.inode || ip >= itable.inode + FS_NINODE)
		return "a list names something outside the table";
	if (seen[ip - itable.inode]++)
		return "an inode is on the lists twice";
	return NULL;
}

/* The checks of inode_table_check; table lock held. */
static const char *table_bad(void)
{
	static uint8_t seen[FS_NINODE];
	const char *why = NULL;

	memset(seen, 0, sizeof(seen));
	for (struct inode *ip = itable.free; ip && !why; ip = ip->next)
		if (!(why = see(ip, seen)) && ip->ref != 0)
			why = "a referenced inode is on the free list";
	for (int h = 0; h < NIHASH && !why; h++)
		for (struct inode *ip = itable.hash[h]; ip && !why; ip = ip->next) {
			if ((why = see(ip, seen)))
				break;
			if (ip->ref < 1)
				why = "an unreferenced inode is on a hash chain";
			else if (chain(ip->inum) != &itable.hash[h])
				why = "an inode is on another inum's chain";
			for (struct inode *o = ip->next; o && !why; o = o->next)
				if (o->inum == ip->inum)
					why = "two referenced inodes have one inum";
		}
	for (int i = 0; i < FS_NINODE && !why; i++)
		if (!seen[i])
			why = "an inode is on no list";
	return why;
}

const char *inode_table_check(void)
{
	spin_lock(&itable.lock);
	const char *why = table_bad();
	spin_unlock(&itable.lock);
	return why;
}

struct inode *inode_dup(struct inode *ip)
{
	spin_lock(&itable.lock);
	ip->ref++;
	spin_unlock(&itable.lock);
	return ip;
}

/* Does a disk inode name any block? */
static bool has_blocks(const struct fs_dinode *d)
{
	for (int i = 0; i < FS_NDIRECT; i++)
		if (d->addrs[i])
			return true;
	return d->indirect || d->dindirect;
}

/* What is wrong with a disk inode, or NULL. orphan: nlink 0 is allowed. */
static const char *dinode_bad(const struct fs_dinode *d, bool orphan)
{
	if (d->type != T_DIR && d->type != T_FILE && d->type != T_DEVICE)
		return "inode: bad type";
	if (d->nlink == 0 && !orphan)
		return "inode: named but has no links";
	if (d->type == T_DIR && d->nlink == 1)
		return "directory: one link";
	if (d->nlink > FS_MAXLINK)
		return "inode: more links than FS_MAXLINK";
	if (d->size > FS_MAXBYTES)
		return "inode: size too big";
	if (d->type == T_DIR && d->size % sizeof(struct dirent))
		return "directory: size not a multiple of 32";
	if (d->type == T_DEVICE && (d->size || has_blocks(d)))
		return "device: holds blocks or a size"; /* nothing may write through them */
	for (int i = 0; i < FS_NDIRECT; i++)
		if (d->addrs[i] && !fs_block_ok(d->addrs[i]))
			return "inode: block number out of range";
	if ((d->indirect && !fs_block_ok(d->indirect)) ||
	    (d->dindirect && !fs_block_ok(d->dindirect)))
		return "inode: block number out of range";
	return NULL;
}

/* Read ip's disk inode and check it. ip locked. */
static int load(struct inode *ip, bool orphan)
{
	struct fs_buf *b;
	const char *why;
	int err = fs_cache_get(iblock(ip->inum), &b);

	if (err)
		return err;
	memcpy(&ip->d, b->data + ioffset(ip->inum), sizeof(ip->d));
	fs_cache_put(b);
	if ((why = dinode_bad(&ip->d, orphan))) {
		fs_report(why, ip->inum);
		return -EUCLEAN;
	}
	ip->valid = true;
	return 0;
}

/* Lock ip (killable: a killed caller may get -EINTR) and load it. */
static int lock(struct inode *ip, bool killable)
{
	int err = 0;

	if (ip->ref < 1)
		panic("inode_lock: inode %u not referenced", ip->inum);
	if (!killable)
		fs_sleep_lock(&ip->lock);
	else if ((err = fs_sleep_lock_killable(&ip->lock)) < 0)
		return err;
	if (!ip->valid && (err = load(ip, false)) < 0)
		fs_sleep_unlock(&ip->lock);
	return err;
}

int inode_lock(struct inode *ip)
{
	return lock(ip, true);
}

int inode_trylock(struct inode *ip)
{
	int err = 0;

	if (!fs_sleep_trylock(&ip->lock))
		return -EBUSY;
	if (!ip->valid && (err = load(ip, false)) < 0)
		fs_sleep_unlock(&ip->lock);
	return err;
}

int inode_lock_always(struct inode *ip)
{
	return lock(ip, false);
}

void inode_unlock(struct inode *ip)
{
	fs_sleep_unlock(&ip->lock);
}

int inode_update(struct inode *ip)
{
	struct fs_buf *b;
	int err = fs_cache_get(iblock(ip->inum), &b);

	if (err)
		return err;
	memcpy(b->data + ioffset(ip->inum), &ip->d, sizeof(ip->d));
	fs_log_write(b);
	fs_cache_put(b);
	return 0;
}

/* How put frees the last reference of an unnamed inode: not at all (it
 * stays an orphan on the disk), in the caller's transaction, which
 * reserved the worst case, or only if the transaction can grow to what
 * the free needs, else later (deferred); outside a transaction, later. */
enum put_free { KEEP, FREE_RESERVED, FREE_IF_ROOM, FREE_LATER };

/* Free ip (its last reference, no links) in the caller's transaction? */
static bool may_free_now(struct inode *ip, enum put_free how)
{
	if (how == FREE_RESERVED)
		return true;
	/* No lock needed for d: no one else holds a reference. */
	if (how == FREE_IF_ROOM && fs_log_grow(has_blocks(&ip->d) ? FS_LOGMAX : 1))
		return true;
	spin_lock(&itable.lock);
	if (ndeferred < NDEFER)
		deferred[ndeferred++] = ip->inum;
	spin_unlock(&itable.lock);
	return false;
}

/* Drop a reference; free the inode as how says if it was the last one of
 * an unnamed inode. Nobody else can reach it then: no reference, no name. */
static void put(struct inode *ip, enum put_free how)
{
	spin_lock(&itable.lock);
	if (how != KEEP && ip->ref == 1 && ip->valid && ip->d.nlink == 0) {
		spin_unlock(&itable.lock);
		if (!may_free_now(ip, how)) {
			spin_lock(&itable.lock);
			unref(ip);
			spin_unlock(&itable.lock);
			return;
		}
		fs_sleep_lock(&ip->lock);
		bmap_trunc(ip);
		memset(&ip->d, 0, sizeof(ip->d));
		inode_update(ip);
		ip->valid = false;
		fs_sleep_unlock(&ip->lock);
		spin_lock(&itable.lock);
		itable.next_inum = ip->inum; /* the next create takes it again */
	}
	unref(ip);
	spin_unlock(&itable.lock);
}

void inode_put(struct inode *ip)
{
	put(ip, FREE_IF_ROOM);
}

void inode_put_outside(struct inode *ip)
{
	put(ip, FREE_LATER);
}

void inode_unlock_put(struct inode *ip)
{
	inode_unlock(ip);
	inode_put(ip);
}

/* Claim inode inum in its block b (locked) if it is free: true if so. */
static bool claim(struct fs_buf *b, uint32_t inum, const struct fs_dinode *d)
{
	uint16_t type;

	memcpy(&type, b->data + ioffset(inum), sizeof(type));
	if (type != 0)
		return false;
	memcpy(b->data + ioffset(inum), d, sizeof(*d));
	fs_log_write(b);
	return true;
}

/* Claim the first free inode in the inode block b (locked) from inum
 * on, up to end, and take it into the table (*out, not locked yet): 0,
 * -ENOSPC if the block has none there, or -ENFILE (the claim undone). */
static int claim_in(struct fs_buf *b, uint32_t inum, uint32_t end, const struct fs_dinode *d,
		    struct inode **out)
{
	int err = -ENOSPC;

	for (; inum < end && err == -ENOSPC; inum++) {
		if (!claim(b, inum, d))
			continue;
		if ((err = inode_get(inum, out)) < 0) {
			memset(b->data + ioffset(inum), 0, sizeof(*d)); /* give it back */
			break;
		}
		spin_lock(&itable.lock);
		itable.next_inum = inum + 1;
		spin_unlock(&itable.lock);
	}
	return err;
}

int inode_alloc(uint16_t type, struct inode **out)
{
	struct fs_dinode d = { .type = type };
	uint32_t inum, start, end;
	struct fs_buf *b;
	int err = -ENOSPC;

	spin_lock(&itable.lock);
	start = itable.next_inum;
	spin_unlock(&itable.lock);
	if (start < 1 || start >= fs_sb.ninodes)
		start = 1;
	/* A block at a time from the hint on, round to it again (its block
	 * is looked at twice: from it, then up to it). */
	inum = start;
	do {
		end = MIN((inum / FS_IPB + 1) * FS_IPB, fs_sb.ninodes);
		if (inum < start && end > start)
			end = start;
		if ((err = fs_cache_get(iblock(inum), &b)) < 0)
			return err;
		err = claim_in(b, inum, end, &d, out);
		fs_cache_put(b);
		inum = end == fs_sb.ninodes ? 1 : end;
	} while (err == -ENOSPC && inum != start);
	if (err)
		return err;
	/* Locked only now: holding its block while waiting for the lock of
	 * an inode another call can reach (a damaged entry naming it) could
	 * deadlock with that call's load of the block. */
	fs_sleep_lock(&(*out)->lock);
	(*out)->d = d;
	(*out)->valid = true;
	return 0;
}

/* Free inode inum if it is an orphan. Returns 1 if it was, 0, or -E*. */
static int reap(uint32_t inum)
{
	struct inode *ip;
	int err;

	if ((err = fs_log_begin_always()) < 0)
		return err;
	if ((err = inode_get(inum, &ip)) == 0) {
		fs_sleep_lock(&ip->lock);
		err = load(ip, true);
		fs_sleep_unlock(&ip->lock);
		put(ip, err == 0 ? FREE_RESERVED : KEEP);
	}
	int e = fs_log_end();
	return err ? err : e ? e : 1;
}

void inode_reap_deferred(void)
{
	for (;;) {
		uint32_t inum = 0;
		spin_lock(&itable.lock);
		if (ndeferred > 0)
			inum = deferred[--ndeferred];
		spin_unlock(&itable.lock);
		if (!inum || reap(inum) == -EIO)
			return;
	}
}

int inode_reap_orphans(void)
{
	struct fs_dinode d;
	struct fs_buf *b;
	int n = 0, err;

	for (uint32_t inum = 1; inum < fs_sb.ninodes; inum++) {
		if ((err = fs_cache_get(iblock(inum), &b)) < 0)
			return err;
		memcpy(&d, b->data + ioffset(inum), sizeof(d));
		fs_cache_put(b);
		if (d.type && d.nlink == 0) {
			if ((err = reap(inum)) == -EIO)
				return err;
			n += err > 0; /* a damaged orphan stays, reported */
		}
	}
	return n;
}

/* ---- The public calls on inodes ---- */

struct inode *fs_idup(struct inode *ip)
{
	return inode_dup(ip);
}

void fs_iput(struct inode *ip)
{
	/* Only the last reference to an inode without links frees it; any
	 * other drop needs no transaction. Nobody can unlink ip without a
	 * reference of their own, so nlink cannot fall after this check. */
	spin_lock(&itable.lock);
	if (!(ip->ref == 1 && ip->valid && ip->d.nlink == 0)) {
		unref(ip);
		spin_unlock(&itable.lock);
		return;
	}
	spin_unlock(&itable.lock);
	if (fs_log_begin_always() < 0) {
		put(ip, KEEP); /* the file system is dead: just let go */
		return;
	}
	put(ip, FREE_RESERVED);
	fs_log_end();
}
