// SPDX-License-Identifier: MIT
// Directories: entries checked as they are read, lookup, link, and the path walk.
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "lib/errno.h"
#include "lib/string.h"

#define DIRENT_SIZE ((uint32_t)sizeof(struct dirent))

/* Called on each entry by dir_each, with its inode number and its name
 * (DIRSIZ bytes in the locked buffer, NUL-padded, maybe not terminated):
 * 1 stops the walk, 0 goes on. */
typedef int (*dirent_fn)(uint32_t inum, const char *name, uint32_t off, void *arg);

/* The entries of block bn of dp that lie within its size, through fn.
 * Each entry is looked at where it lies: a scan of a directory is most
 * of a path walk's time, and copying every entry out doubled it. */
static int each_in_block(struct inode *dp, uint32_t bn, dirent_fn fn, void *arg)
{
	struct fs_buf *b;
	uint32_t blk, inum, off = bn * FS_BSIZE;
	uint32_t n = MIN((dp->d.size - off) / DIRENT_SIZE, FS_DPB);
	int r = bmap(dp, bn, false, &blk);

	if (r < 0)
		return r;
	if (blk == 0) {
		fs_report("directory: hole", dp->inum);
		return -EUCLEAN;
	}
	if ((r = fs_cache_get(blk, &b)) < 0)
		return r;
	for (uint32_t i = 0; i < n && r == 0; i++) {
		const uint8_t *de = b->data + i * DIRENT_SIZE;
		__builtin_memcpy(&inum, de + offsetof(struct dirent, inum), sizeof(inum));
		if (inum >= fs_sb.ninodes) {
			fs_report("directory: entry with a bad inode number", dp->inum);
			r = -EUCLEAN;
		} else {
			r = fn(inum, (const char *)de + offsetof(struct dirent, name),
			       off + i * DIRENT_SIZE, arg);
		}
	}
	fs_cache_put(b);
	return r;
}

/* Each entry of dp (locked), in order, checked: 1 if fn stopped, 0 at the
 * end, or -E*. fn runs with a buffer locked: it must not take locks. */
static int dir_each(struct inode *dp, dirent_fn fn, void *arg)
{
	int r = 0;

	for (uint32_t bn = 0; bn * FS_BSIZE < dp->d.size && r == 0; bn++)
		r = each_in_block(dp, bn, fn, arg);
	return r;
}

#define NO_SLOT 0xffffffffu

struct find {
	const char *name;  /* NULL: any used entry but "." and ".." */
	uint32_t off, inum;
	uint32_t slot;     /* the first free slot seen; NO_SLOT: none */
};

static bool dots(const char *name)
{
	return !strncmp(name, ".", DIRSIZ) || !strncmp(name, "..", DIRSIZ);
}

static int match(uint32_t inum, const char *name, uint32_t off, void *arg)
{
	struct find *f = arg;

	if (inum == 0) {
		f->slot = MIN(f->slot, off);
		return 0;
	}
	if (f->name ? name[0] != f->name[0] || strncmp(name, f->name, DIRSIZ) != 0 : dots(name))
		return 0;
	f->off = off;
	f->inum = inum;
	return 1;
}

/* Find name in dp (locked), checked as dir_lookup says: *f filled. */
static int find(struct inode *dp, const char *name, struct find *f, struct inode **ip)
{
	int r;

	*f = (struct find){ .name = name, .slot = NO_SLOT };
	if ((r = dir_each(dp, match, f)) <= 0)
		return r < 0 ? r : -ENOENT;
	if (f->inum == dp->inum && !dots(name)) {
		fs_report("directory: entry names the directory itself", dp->inum);
		return -EUCLEAN;
	}
	/* "." must be the directory, and only the root is its own "..": a
	 * walk through either would go somewhere else without a word. */
	if (!strncmp(name, ".", DIRSIZ) && f->inum != dp->inum) {
		fs_report("directory: '.' names another inode", dp->inum);
		return -EUCLEAN;
	}
	if (!strncmp(name, "..", DIRSIZ) && f->inum == dp->inum && dp->inum != FS_ROOTINO) {
		fs_report("directory: '..' names the directory itself", dp->inum);
		return -EUCLEAN;
	}
	return inode_get(f->inum, ip);
}

int dir_lookup(struct inode *dp, const char *name, uint32_t *off, struct inode **ip)
{
	struct find f;
	int r = find(dp, name, &f, ip);

	if (r == 0 && off)
		*off = f.off;
	return r;
}

int dir_lookup_free(struct inode *dp, const char *name, uint32_t *slot, struct inode **ip)
{
	struct find f;
	int r = find(dp, name, &f, ip);

	if (r == -ENOENT)
		*slot = f.slot != NO_SLOT ? f.slot : dp->d.size;
	return r;
}

/* Write entry (name, inum) at byte offset off of dp. */
static int put_entry(struct inode *dp, uint32_t off, const char *name, uint32_t inum)
{
	struct dirent de = { .inum = inum };
	long n;

	dp->gen++; /* a lookup's free slot and answer may be out of date */
	for (int i = 0; i < DIRSIZ && name[i]; i++)
		de.name[i] = name[i];
	n = inode_write(dp, false, (uint64_t)&de, off, DIRENT_SIZE);
	return n == DIRENT_SIZE ? 0 : n < 0 ? (int)n : -EIO;
}

int dir_link(struct inode *dp, const char *name, uint32_t inum)
{
	struct find f = { .name = name, .slot = NO_SLOT };
	int r = dir_each(dp, match, &f);

	if (r != 0)
		return r < 0 ? r : -EEXIST;
	return put_entry(dp, f.slot != NO_SLOT ? f.slot : dp->d.size, name, inum);
}

int dir_link_at(struct inode *dp, const char *name, uint32_t inum, uint32_t slot)
{
	return put_entry(dp, slot, name, inum);
}

int dir_clear(struct inode *dp, uint32_t off)
{
	return put_entry(dp, off, "", 0);
}

int dir_init(struct inode *dp, uint32_t parent)
{
	int err = put_entry(dp, 0, ".", dp->inum);

	return err ? err : put_entry(dp, DIRENT_SIZE, "..", parent);
}

int dir_is_empty(struct inode *dp)
{
	struct find f = { .name = NULL };
	int r = dir_each(dp, match, &f);

	return r < 0 ? r : !r;
}

/* dir_each's fn for dir_names_twice: count the entries naming arg's inode. */
static int names(uint32_t inum, const char *name, uint32_t off, void *arg)
{
	uint32_t *f = arg; /* f[0]: the inode, f[1]: entries seen */

	UNUSED(name);
	UNUSED(off);
	return inum == f[0] && ++f[1] > 1;
}

int dir_names_twice(struct inode *dp, uint32_t inum)
{
	uint32_t f[2] = { inum, 0 };

	return dir_each(dp, names, f);
}

/* Copy the next element of *path into name and step past it: 1, 0 at the
 * end of the path, or -ENAMETOOLONG. */
static int next_elem(const char **path, char *name)
{
	const char *p = *path, *s;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return 0;
	for (s = p; *p && *p != '/'; p++)
		;
	if (p - s > DIRSIZ)
		return -ENAMETOOLONG;
	memcpy(name, s, (size_t)(p - s));
	name[p - s] = '\0';
	while (*p == '/')
		p++;
	*path = p;
	return 1;
}

/* Step from directory ip (referenced) to its entry name: *next. ip's
 * reference is dropped with put, but kept in miss (if not NULL) when
 * name is missing. */
static int step(struct inode *ip, const char *name, struct inode **next,
		void (*put)(struct inode *), struct dir_miss *miss)
{
	uint32_t slot;
	int err = inode_lock(ip);

	if (err) {
		put(ip);
		return err;
	}
	if (ip->d.type != T_DIR)
		err = -ENOTDIR;
	else
		err = dir_lookup_free(ip, name, &slot, next);
	if (err == -ENOENT && miss) {
		*miss = (struct dir_miss){ .dp = ip, .gen = ip->gen, .slot = slot };
		memcpy(miss->name, name, sizeof(miss->name));
		inode_unlock(ip);
		return err;
	}
	inode_unlock(ip);
	put(ip);
	return err;
}

/* dir_walk, dropping references with put; miss as dir_walk_miss says. */
static int walk(struct inode *cwd, const char *path, bool parent, char *name, struct inode **out,
		void (*put)(struct inode *), struct dir_miss *miss)
{
	char elem[DIRSIZ + 1];
	struct inode *ip;
	int r, err;

	if (!name)
		name = elem;
	if (path[0] == '\0')
		return -ENOENT;
	if (path[0] == '/' || !cwd) {
		if ((err = inode_get(FS_ROOTINO, &ip)) < 0)
			return err;
	} else {
		ip = inode_dup(cwd);
	}
	while ((r = next_elem(&path, name)) > 0) {
		if (parent && *path == '\0') {
			*out = ip; /* the caller locks it and checks that it is a directory */
			return 0;
		}
		if ((err = step(ip, name, &ip, put, *path == '\0' ? miss : NULL)) < 0)
			return err;
	}
	if (r < 0 || parent) {
		put(ip);
		return r < 0 ? r : -EBUSY;
	}
	*out = ip;
	return 0;
}

int dir_walk(struct inode *cwd, const char *path, bool parent, char *name, struct inode **out)
{
	return walk(cwd, path, parent, name, out, inode_put, NULL);
}

int dir_walk_outside(struct inode *cwd, const char *path, struct inode **out)
{
	return walk(cwd, path, false, NULL, out, inode_put_outside, NULL);
}

int dir_walk_miss(struct inode *cwd, const char *path, struct dir_miss *miss, struct inode **out)
{
	miss->dp = NULL;
	return walk(cwd, path, false, NULL, out, inode_put_outside, miss);
}
