// SPDX-License-Identifier: MIT
// The path calls (open, mkdir, mknod, link, unlink, lookup), each one transaction.
#include "fs.h"
#include "dir.h"
#include "inode.h"
#include "log.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Lock dp, which must be a directory still named (not a removed cwd);
 * dropped on failure. */
static int lock_dir(struct inode *dp)
{
	int err = inode_lock(dp);

	if (err) {
		inode_put(dp);
		return err;
	}
	if (dp->d.type != T_DIR || dp->d.nlink == 0) {
		err = dp->d.type != T_DIR ? -ENOTDIR : -ENOENT;
		inode_unlock_put(dp);
	}
	return err;
}

/* The parent directory of path's last element, locked (*dp), and that
 * element (name). -EBUSY for a path without one ("/"). */
static int lock_parent(struct inode *cwd, const char *path, char *name, struct inode **dp)
{
	int err = dir_walk(cwd, path, true, name, dp);

	return err ? err : lock_dir(*dp);
}

/* create found ip under the name: fine for O_CREATE of a file or device;
 * returned locked. */
static int existing(struct inode *ip, uint16_t type, struct inode **out)
{
	int err = inode_lock(ip);

	if (err) {
		inode_put(ip);
		return err;
	}
	if (type == T_FILE && (ip->d.type == T_FILE || ip->d.type == T_DEVICE)) {
		*out = ip;
		return 0;
	}
	err = type == T_FILE ? -EISDIR : -EEXIST;
	inode_unlock_put(ip);
	return err;
}

/* Fill the new inode ip (locked) and name it in dp (locked) at slot.
 * On failure it is left without links, for inode_put to free. */
static int make(struct inode *dp, struct inode *ip, const char *name, uint32_t slot, int major,
		int minor)
{
	int err;

	ip->d.major = (uint16_t)major;
	ip->d.minor = (uint16_t)minor;
	ip->d.nlink = ip->d.type == T_DIR ? 2 : 1;
	if ((err = inode_update(ip)) < 0)
		goto fail;
	if (ip->d.type == T_DIR && (err = dir_init(ip, dp->inum)) < 0)
		goto fail;
	if ((err = dir_link_at(dp, name, ip->inum, slot)) < 0)
		goto fail;
	if (ip->d.type == T_DIR) {
		dp->d.nlink++; /* the new ".." */
		if ((err = inode_update(dp)) < 0)
			goto fail;
	}
	return 0;
fail:
	ip->d.nlink = 0;
	inode_update(ip);
	return err;
}

/* The inode name in dp (locked; unlocked and dropped here), made with
 * type if missing; returned locked. miss, if not NULL, is what a lookup
 * of name in dp found before dp was locked this time: still true if dp's
 * entries have not changed since (its gen). */
static int create_in(struct inode *dp, const char *name, const struct dir_miss *miss, uint16_t type,
		     int major, int minor, struct inode **out)
{
	struct inode *ip;
	uint32_t slot = 0;
	int err = -ENOENT;

	if (miss && miss->gen == dp->gen)
		slot = miss->slot;
	else if ((err = dir_lookup_free(dp, name, &slot, &ip)) == 0) {
		inode_unlock_put(dp);
		return existing(ip, type, out);
	}
	if (err == -ENOENT && type == T_DIR && dp->d.nlink >= FS_MAXLINK)
		err = -EMLINK;
	else if (err == -ENOENT && (err = inode_alloc(type, &ip)) == 0 &&
		 (err = make(dp, ip, name, slot, major, minor)) < 0)
		inode_unlock_put(ip);
	inode_unlock_put(dp);
	if (err == 0)
		*out = ip;
	return err;
}

/* The inode at path, made with type if missing; returned locked. */
static int create(struct inode *cwd, const char *path, uint16_t type, int major, int minor,
		  struct inode **out)
{
	char name[DIRSIZ + 1];
	struct inode *dp;
	int err = lock_parent(cwd, path, name, &dp);

	if (err)
		return err == -EBUSY ? (type == T_FILE ? -EISDIR : -EEXIST) : err;
	return create_in(dp, name, NULL, type, major, minor, out);
}

/* End the transaction; if that fails, let *ip (a reference the call
 * made, if ip is not NULL) go. Then free what the call's inode_puts left
 * for later (they had no room in its transaction). */
static int end_with(int err, struct inode **ip)
{
	int e = fs_log_end();

	inode_reap_deferred();

	if (err == 0 && e < 0) {
		if (ip)
			fs_iput(*ip);
		err = e;
	}
	return err;
}

/* Blocks an open that creates may log: the new inode's block, and the
 * directory grown as a one-block write grows a file (a data block, 4 new
 * and 3 changed indirect blocks, 5 bitmap blocks, its inode). Inodes
 * whose last reference its walk drops grow the reservation or are freed
 * after it (inode_put). */
#define CREATE_BLOCKS (1 + 14)

/* An open of an existing path that changes nothing (no O_TRUNC): no
 * transaction, so it neither waits for room in the log nor for a group's
 * commit. With O_CREATE a missing file is the caller's to make (-ENOENT,
 * and miss says where, as dir_walk_miss does); an existing directory is
 * -EISDIR, as create would say. */
static int open_existing(struct inode *cwd, const char *path, int flags, struct dir_miss *miss,
			 struct inode **out)
{
	struct inode *ip;
	int err = fs_log_error();

	miss->dp = NULL;
	if (err || (err = dir_walk_miss(cwd, path, miss, &ip)) < 0)
		return err;
	if ((err = inode_lock(ip)) == 0) {
		if (ip->d.type == T_DIR && (flags & (O_WRONLY | O_RDWR | O_CREATE)))
			err = -EISDIR;
		inode_unlock(ip);
	}
	if (err)
		inode_put_outside(ip);
	else
		*out = ip;
	return err;
}

/* Let go of the directory a failed walk kept, outside a transaction. */
static void drop_miss(struct dir_miss *miss)
{
	if (miss->dp)
		inode_put_outside(miss->dp);
	miss->dp = NULL;
	inode_reap_deferred();
}

int fs_open(struct inode *cwd, const char *path, int flags, struct inode **out)
{
	struct dir_miss miss = { .dp = NULL };
	struct inode *ip = NULL;
	int err;

	if (!(flags & O_TRUNC)) {
		err = open_existing(cwd, path, flags, &miss, out);
		/* A missing file is O_CREATE's to make; the walk's other
		 * answers are the ones create would give. */
		if (err != -ENOENT || !(flags & O_CREATE)) {
			drop_miss(&miss);
			return err;
		}
		inode_reap_deferred(); /* what the walk let go (miss.dp kept) */
	}
	if ((err = fs_log_reserve(flags & O_TRUNC ? FS_LOGMAX : CREATE_BLOCKS)) < 0) {
		drop_miss(&miss);
		return err;
	}
	if (miss.dp) {
		/* The walk stopped at the missing name: make it there,
		 * without walking and looking again. */
		if ((err = lock_dir(miss.dp)) == 0)
			err = create_in(miss.dp, miss.name, &miss, T_FILE, 0, 0, &ip);
	} else if (flags & O_CREATE) {
		err = create(cwd, path, T_FILE, 0, 0, &ip);
	} else if ((err = dir_walk(cwd, path, false, NULL, &ip)) == 0 &&
		   (err = inode_lock(ip)) < 0) {
		inode_put(ip);
	}
	if (err == 0) {
		if (ip->d.type == T_DIR && (flags & (O_WRONLY | O_RDWR)))
			err = -EISDIR;
		else if ((flags & O_TRUNC) && ip->d.type == T_FILE)
			err = bmap_trunc(ip);
		inode_unlock(ip);
		if (err)
			inode_put(ip);
	}
	err = end_with(err, &ip);
	if (err == 0)
		*out = ip;
	return err;
}

int fs_lookup(struct inode *cwd, const char *path, struct inode **out)
{
	int err = fs_log_error();

	/* Changes nothing: no transaction (dir_walk_outside). */
	if (err == 0)
		err = dir_walk_outside(cwd, path, out);
	inode_reap_deferred();
	return err;
}

/* mkdir and mknod: a new inode of type at path. */
static int make_node(struct inode *cwd, const char *path, uint16_t type, int major, int minor)
{
	struct inode *ip;
	int err = fs_log_begin();

	if (err)
		return err;
	if ((err = create(cwd, path, type, major, minor, &ip)) == 0)
		inode_unlock_put(ip);
	return end_with(err, NULL);
}

int fs_mkdir(struct inode *cwd, const char *path)
{
	return make_node(cwd, path, T_DIR, 0, 0);
}

int fs_mknod(struct inode *cwd, const char *path, int major, int minor)
{
	if (major < 0 || major > 0xffff || minor < 0 || minor > 0xffff)
		return -EINVAL;
	return make_node(cwd, path, T_DEVICE, major, minor);
}

/* Add or take away one link of ip (taking one away undoes an add, so it
 * waits for the lock even when killed). */
static int add_link(struct inode *ip, int delta)
{
	int err = delta > 0 ? inode_lock(ip) : inode_lock_always(ip);

	if (err)
		return err;
	if (ip->d.type == T_DIR)
		err = -EPERM;
	else if (delta > 0 && ip->d.nlink >= FS_MAXLINK)
		err = -EMLINK;
	else if (delta < 0 && ip->d.nlink == 0)
		err = -EUCLEAN;
	else {
		ip->d.nlink = (uint16_t)(ip->d.nlink + delta);
		err = inode_update(ip);
	}
	inode_unlock(ip);
	return err;
}

int fs_link(struct inode *cwd, const char *old, const char *new)
{
	char name[DIRSIZ + 1];
	struct inode *ip, *dp;
	int err = fs_log_begin();

	if (err)
		return err;
	if ((err = dir_walk(cwd, old, false, NULL, &ip)) < 0)
		goto out;
	if ((err = add_link(ip, 1)) == 0) {
		if ((err = lock_parent(cwd, new, name, &dp)) == 0) {
			err = dir_link(dp, name, ip->inum);
			inode_unlock_put(dp);
		}
		if (err)
			add_link(ip, -1);
	}
	inode_put(ip);
out:
	return end_with(err, NULL);
}

/* Is dp the ".." of directory ip (both locked)? 0, or -EUCLEAN when
 * it is not: the entry in dp names a directory that lives elsewhere (a
 * directory linked twice, maybe an ancestor: a cycle). */
static int parent_is(struct inode *ip, struct inode *dp)
{
	struct inode *pp;
	int err = dir_lookup(ip, "..", NULL, &pp);

	if (err)
		return err == -ENOENT ? -EUCLEAN : err;
	if (pp->inum != dp->inum) {
		fs_report("directory: named where its '..' does not point", ip->inum);
		err = -EUCLEAN;
	}
	inode_put(pp);
	return err;
}

/* Take the entry at off (naming ip) out of dp; both locked. */
static int unname(struct inode *dp, struct inode *ip, uint32_t off)
{
	int err;

	if (ip->d.type == T_DIR && (err = parent_is(ip, dp)) < 0)
		return err;
	if (ip->d.type == T_DIR && (err = dir_is_empty(ip)) <= 0)
		return err < 0 ? err : -ENOTEMPTY;
	/* A count lower than the names the tree still holds is damage: take
	 * nothing away (a directory keeps its name and "." and each child's
	 * "..": 2 at least after this; an empty one is named once, so 2; a
	 * file's last link goes only if no other entry here names it). */
	if (ip->d.type == T_DIR && (ip->d.nlink != 2 || dp->d.nlink <= 2)) {
		fs_report("directory: link count lower than its names", ip->d.nlink != 2 ? ip->inum : dp->inum);
		return -EUCLEAN;
	}
	if (ip->d.type != T_DIR && ip->d.nlink <= 1 && (err = dir_names_twice(dp, ip->inum)) != 0) {
		if (err > 0)
			fs_report("inode: link count lower than its names", ip->inum);
		return err > 0 ? -EUCLEAN : err;
	}
	if ((err = dir_clear(dp, off)) < 0)
		return err;
	if (ip->d.type == T_DIR) {
		ip->d.nlink = 0; /* its name and its "." */
		dp->d.nlink--;   /* its ".." */
		if ((err = inode_update(dp)) < 0)
			return err;
	} else {
		ip->d.nlink--;
	}
	return inode_update(ip);
}

/* Take the entry name out of dp (locked), whose inode is ip: 0, -EAGAIN
 * (ip was busy: dp was let go, try again), or -E*. ip is locked only if
 * free: waiting for it with dp held could deadlock with a call holding
 * ip and waiting for dp, which a damaged disk makes possible (a directory
 * entry naming an ancestor). So the order of inode locks never depends on
 * what the disk says. */
static int unlink_in(struct inode *dp, const char *name)
{
	struct inode *ip;
	uint32_t off;
	int err = dir_lookup(dp, name, &off, &ip);

	if (err)
		return err;
	if ((err = inode_trylock(ip)) == 0) {
		err = unname(dp, ip, off);
		inode_unlock(ip);
	} else if (err == -EBUSY) {
		inode_unlock(dp); /* wait for ip holding nothing, then again */
		if ((err = inode_lock(ip)) == 0)
			inode_unlock(ip);
		inode_lock_always(dp);
		err = err ? err : -EAGAIN;
	}
	inode_put(ip);
	return err;
}

int fs_unlink(struct inode *cwd, const char *path)
{
	char name[DIRSIZ + 1];
	struct inode *dp;
	int err = fs_log_begin();

	if (err)
		return err;
	do {
		if ((err = lock_parent(cwd, path, name, &dp)) < 0)
			break;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			err = -EINVAL;
		else
			err = unlink_in(dp, name);
		inode_unlock_put(dp);
	} while (err == -EAGAIN);
	return end_with(err, NULL);
}
