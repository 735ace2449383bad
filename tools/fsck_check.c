// SPDX-License-Identifier: MIT
// fsck's checker: superblock, log, inodes and their blocks, the directory tree, links, bitmap.
#include "fsck_check.h"
#include "lib/fs_format.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 200      /* problems printed; the rest are counted */
#define BAD_TYPE 0xffff   /* an inode whose type is damaged */

struct ck {
	uint8_t *img;         /* the image checked: maybe a copy with the log installed */
	struct fs_super sb;
	fsck_say_fn say;
	void *arg;
	struct fsck_result *res;
	bool unusable;
	uint32_t *owner;      /* block -> the inode using it, 0: none */
	uint16_t *type;       /* inode -> its type: 0 free, BAD_TYPE damaged */
	uint32_t *refs;       /* inode -> entries naming it in reachable directories */
	uint32_t *parent;     /* directory -> the directory it was found in, 0: not reached */
	uint32_t *dotdot;     /* directory -> what its ".." names */
	uint32_t *queue;      /* directories to scan */
	uint32_t qhead, qtail;
};

static void say(struct ck *c, bool problem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct ck *c, bool problem, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (problem && ++c->res->problems > SHOW_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->say)
		c->say(c->arg, msg);
}

#define PROBLEM(c, ...) say(c, true, __VA_ARGS__)
#define NOTE(c, ...) say(c, false, __VA_ARGS__)
#define FATAL(c, ...) (PROBLEM(c, __VA_ARGS__), (c)->unusable = true)

static uint8_t *blk(struct ck *c, uint32_t b)
{
	return c->img + (uint64_t)b * FS_BSIZE;
}

static uint32_t entry(struct ck *c, uint32_t b, uint32_t i)
{
	uint32_t v;
	memcpy(&v, blk(c, b) + 4 * i, 4);
	return v;
}

static void get_inode(struct ck *c, uint32_t inum, struct fs_dinode *d)
{
	memcpy(d, blk(c, c->sb.inode_start + inum / FS_IPB) + inum % FS_IPB * sizeof(*d),
	       sizeof(*d));
}

static bool in_data(struct ck *c, uint32_t b)
{
	return b >= c->sb.data_start && b < c->sb.size;
}

/* ---- Superblock and log ---- */

static bool check_super(struct ck *c, uint64_t nblocks)
{
	struct fs_super *sb = &c->sb, want;

	if (nblocks <= FS_SB_BLOCK)
		return FATAL(c, "image too small: %lu blocks", (unsigned long)nblocks), false;
	memcpy(sb, blk(c, FS_SB_BLOCK), sizeof(*sb));
	if (memcmp(sb->magic, FS_MAGIC, 8) != 0)
		FATAL(c, "superblock: bad magic: not a nagi file system");
	else if (sb->version != FS_VERSION)
		FATAL(c, "superblock: version %u, expected %u", sb->version, FS_VERSION);
	else if (sb->csum != fs_super_csum(sb))
		FATAL(c, "superblock: checksum mismatch");
	else if (fs_layout(&want, sb->size, sb->ninodes, sb->nlog) < 0)
		FATAL(c, "superblock: %u blocks, %u inodes, log of %u: no valid layout", sb->size,
		      sb->ninodes, sb->nlog);
	else if (sb->log_start != want.log_start || sb->inode_start != want.inode_start ||
		 sb->bmap_start != want.bmap_start || sb->data_start != want.data_start)
		FATAL(c, "superblock: layout fields disagree with its size, inodes and log");
	else if (sb->size > nblocks)
		FATAL(c, "superblock: %u blocks, but the image has only %lu", sb->size,
		      (unsigned long)nblocks);
	if (fs_super_check(sb) != 0 && !c->unusable)
		FATAL(c, "superblock: damaged");
	return !c->unusable;
}

/* A committed transaction in h: check it. false if it cannot be replayed. */
static bool check_committed(struct ck *c, const struct fs_loghead *h)
{
	uint32_t crc = fs_crc32(0, &h->seq, sizeof(h->seq));

	if (h->count > c->sb.nlog - 1)
		return FATAL(c, "log: %u blocks in a log of %u", h->count, c->sb.nlog - 1), false;
	for (uint32_t i = 0; i < h->count; i++) {
		if (h->block[i] < c->sb.inode_start || h->block[i] >= c->sb.size)
			return FATAL(c, "log: entry %u names block %u, outside [%u, %u)", i,
				     h->block[i], c->sb.inode_start, c->sb.size), false;
		crc = fs_crc32(crc, blk(c, c->sb.log_start + 1 + i), FS_BSIZE);
	}
	if (crc != h->data_csum)
		return FATAL(c, "log: the committed blocks fail their checksum"), false;
	return true;
}

/* Does every home block of h already hold its last logged copy? The
 * kernel leaves its run of transactions in the log once installed. */
static bool log_installed(struct ck *c, const struct fs_loghead *h)
{
	for (uint32_t i = 0; i < h->count; i++) {
		uint32_t last = i;
		for (uint32_t j = i + 1; j < h->count; j++)
			if (h->block[j] == h->block[i])
				last = j;
		if (memcmp(blk(c, h->block[i]), blk(c, c->sb.log_start + 1 + last), FS_BSIZE))
			return false;
	}
	return true;
}

/* The log: damaged, empty, or committed (installed in the image with
 * FSCK_REPLAY, else in a copy, *copy, that is checked instead). */
static bool check_log(struct ck *c, int flags, uint8_t **copy)
{
	struct fs_loghead h;

	memcpy(&h, blk(c, c->sb.log_start), sizeof(h));
	if (!fs_loghead_ok(&h)) {
		PROBLEM(c, "log: header damaged (bad magic or checksum); the kernel ignores it");
		return true;
	}
	if (h.count == 0)
		return true;
	if (!check_committed(c, &h))
		return false;
	if (log_installed(c, &h))
		return true;
	if (flags & FSCK_REPLAY) {
		NOTE(c, "log: installed a committed transaction of %u blocks", h.count);
		c->res->replayed = true;
	} else {
		PROBLEM(c, "log: a committed transaction of %u blocks is not installed (the "
			   "next mount or fsck -r installs it); checking the image as it will be",
			h.count);
		if (!(*copy = malloc((uint64_t)c->sb.size * FS_BSIZE)))
			return FATAL(c, "out of memory"), false;
		memcpy(*copy, c->img, (uint64_t)c->sb.size * FS_BSIZE);
		c->img = *copy;
	}
	for (uint32_t i = 0; i < h.count; i++)
		memcpy(blk(c, h.block[i]), blk(c, c->sb.log_start + 1 + i), FS_BSIZE);
	h.count = 0;
	h.head_csum = fs_loghead_csum(&h);
	memcpy(blk(c, c->sb.log_start), &h, sizeof(h));
	return true;
}

/* ---- Inodes and their blocks ---- */

/* Claim block b for inode inum, and what it points to, depth levels
 * down; first is the index in the file of the first block under b. */
static void claim(struct ck *c, uint32_t inum, uint32_t b, int depth, uint64_t first,
		  uint64_t nfile, bool quiet)
{
	uint64_t span = depth == 2 ? FS_NINDIRECT : 1;

	if (b == 0)
		return;
	if (first >= nfile && !quiet) {
		PROBLEM(c, "inode %u: block %u is past the end of the file", inum, b);
		quiet = true;
	}
	if (!in_data(c, b)) {
		PROBLEM(c, "inode %u: block number %u out of range", inum, b);
		return;
	}
	if (c->owner[b]) {
		PROBLEM(c, "block %u: used twice (inodes %u and %u)", b, c->owner[b], inum);
		return;
	}
	c->owner[b] = inum;
	for (uint32_t i = 0; depth > 0 && i < FS_NINDIRECT; i++)
		claim(c, inum, entry(c, b, i), depth - 1, first + i * span, nfile, quiet);
}

/* Is any of the n bytes at p not zero? */
static bool any_set(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

static void check_inode(struct ck *c, uint32_t inum, const struct fs_dinode *d)
{
	uint64_t nfile = ((uint64_t)d->size + FS_BSIZE - 1) / FS_BSIZE;

	c->type[inum] = d->type;
	c->res->used_inodes++;
	if (d->nlink > FS_MAXLINK)
		PROBLEM(c, "inode %u: nlink %u is more than %u", inum, d->nlink, FS_MAXLINK);
	if (d->size > FS_MAXBYTES)
		PROBLEM(c, "inode %u: size %u is more than a file can hold", inum, d->size);
	if (d->type == T_DIR && d->size % sizeof(struct dirent))
		PROBLEM(c, "inode %u: directory size %u is not a multiple of 32", inum, d->size);
	if (d->type == T_DEVICE && d->size)
		PROBLEM(c, "inode %u: device file with size %u", inum, d->size);
	if (d->type == T_DEVICE && (d->indirect || d->dindirect ||
				    any_set(d->addrs, sizeof(d->addrs))))
		PROBLEM(c, "inode %u: device file holding blocks", inum);
	for (uint32_t i = 0; i < FS_NDIRECT; i++)
		claim(c, inum, d->addrs[i], 0, i, nfile, false);
	claim(c, inum, d->indirect, 1, FS_NDIRECT, nfile, false);
	claim(c, inum, d->dindirect, 2, FS_NDIRECT + FS_NINDIRECT, nfile, false);
}

static void check_inodes(struct ck *c)
{
	static const struct fs_dinode zero;
	struct fs_dinode d;

	get_inode(c, 0, &d);
	if (memcmp(&d, &zero, sizeof(d)))
		PROBLEM(c, "inode 0: not zero (it is never used)");
	for (uint32_t inum = 1; inum < c->sb.ninodes; inum++) {
		get_inode(c, inum, &d);
		if (d.type == 0 && memcmp(&d, &zero, sizeof(d)))
			PROBLEM(c, "inode %u: free, but not zeroed", inum);
		else if (d.type != 0 && d.type != T_DIR && d.type != T_FILE && d.type != T_DEVICE) {
			PROBLEM(c, "inode %u: bad type %u", inum, d.type);
			c->type[inum] = BAD_TYPE;
		} else if (d.type != 0)
			check_inode(c, inum, &d);
	}
}

/* ---- Directories ---- */

/* The disk block of block bn of d, or 0 (a hole, or a damaged address,
 * already reported). */
static uint32_t file_block(struct ck *c, const struct fs_dinode *d, uint32_t bn)
{
	uint32_t b;

	if (bn < FS_NDIRECT)
		return in_data(c, d->addrs[bn]) ? d->addrs[bn] : 0;
	bn -= FS_NDIRECT;
	if (bn < FS_NINDIRECT)
		return in_data(c, d->indirect) && in_data(c, b = entry(c, d->indirect, bn)) ? b : 0;
	bn -= FS_NINDIRECT;
	if (bn >= FS_NINDIRECT * FS_NINDIRECT || !in_data(c, d->dindirect) ||
	    !in_data(c, b = entry(c, d->dindirect, bn / FS_NINDIRECT)))
		return 0;
	return in_data(c, b = entry(c, b, bn % FS_NINDIRECT)) ? b : 0;
}

/* "." and ".." where they belong, and nowhere else. */
static void check_dots(struct ck *c, uint32_t dir, uint32_t k, const char *name, uint32_t inum)
{
	bool dot = !strcmp(name, "."), dotdot = !strcmp(name, "..");

	if (k == 0 && !(dot && inum == dir))
		PROBLEM(c, "directory %u: first entry is not '.' naming itself", dir);
	else if (k == 1 && !dotdot)
		PROBLEM(c, "directory %u: second entry is not '..'", dir);
	else if (k == 1)
		c->dotdot[dir] = inum;
	else if (k > 1 && (dot || dotdot))
		PROBLEM(c, "directory %u: extra '%s' entry", dir, name);
}

/* Entry k of directory dir. */
static void check_entry(struct ck *c, uint32_t dir, uint32_t k, const struct dirent *de)
{
	char name[DIRSIZ + 1];
	uint32_t inum = de->inum;

	memcpy(name, de->name, DIRSIZ);
	name[DIRSIZ] = '\0';
	if (inum == 0) {
		if (k < 2)
			PROBLEM(c, "directory %u: entry %u ('%s') is missing", dir, k,
				k ? ".." : ".");
		return;
	}
	if (inum >= c->sb.ninodes) {
		PROBLEM(c, "directory %u: entry '%s' has bad inode number %u", dir, name, inum);
		return;
	}
	if (!name[0] || strchr(name, '/'))
		PROBLEM(c, "directory %u: entry %u has a bad name", dir, k);
	check_dots(c, dir, k, name, inum);
	if (c->type[inum] == 0 || c->type[inum] == BAD_TYPE) {
		PROBLEM(c, "directory %u: entry '%s' names %s inode %u", dir, name,
			c->type[inum] ? "damaged" : "free", inum);
		return;
	}
	if (c->refs[inum]++ == 0 && c->type[inum] != T_DIR)
		c->res->files++;
	if (c->type[inum] != T_DIR || k < 2 || !strcmp(name, ".") || !strcmp(name, ".."))
		return;
	if (c->parent[inum]) {
		PROBLEM(c, "directory %u: linked twice (in %u, and in %u as '%s')", inum,
			c->parent[inum], dir, name);
		return;
	}
	c->parent[inum] = dir;
	c->queue[c->qtail++] = inum;
}

static int by_name(const void *a, const void *b)
{
	return strncmp(a, b, DIRSIZ);
}

/* Names used twice among the n entries in names. */
static void check_names(struct ck *c, uint32_t dir, char (*names)[DIRSIZ], uint32_t n)
{
	qsort(names, n, DIRSIZ, by_name);
	for (uint32_t i = 1; i < n; i++)
		if (names[i][0] && !strncmp(names[i - 1], names[i], DIRSIZ))
			PROBLEM(c, "directory %u: name '%.28s' appears twice", dir, names[i]);
}

static void scan_dir(struct ck *c, uint32_t dir)
{
	struct fs_dinode d;
	struct dirent de;
	uint32_t n, used = 0, b = 0;
	char (*names)[DIRSIZ];

	get_inode(c, dir, &d);
	n = (uint32_t)(MIN(d.size, FS_MAXBYTES) / sizeof(de));
	names = calloc(n ? n : 1, DIRSIZ);
	c->res->dirs++;
	for (uint32_t k = 0; k < n && names; k++) {
		if (k % FS_DPB == 0 && (b = file_block(c, &d, k / FS_DPB)) == 0)
			PROBLEM(c, "directory %u: block %u of its entries is missing", dir,
				k / FS_DPB);
		if (b == 0)
			continue;
		memcpy(&de, blk(c, b) + k % FS_DPB * sizeof(de), sizeof(de));
		check_entry(c, dir, k, &de);
		if (de.inum)
			memcpy(names[used++], de.name, DIRSIZ);
	}
	if (names)
		check_names(c, dir, names, used);
	free(names);
}

/* The kernel mounts only a root whose "." and ".." name itself. */
static bool root_named_right(struct ck *c)
{
	struct fs_dinode d;
	struct dirent de[2];
	uint32_t b;

	get_inode(c, FS_ROOTINO, &d);
	if (d.size < sizeof(de) || !(b = file_block(c, &d, 0)))
		return false;
	memcpy(de, blk(c, b), sizeof(de));
	return de[0].inum == FS_ROOTINO && !strncmp(de[0].name, ".", DIRSIZ) &&
	       de[1].inum == FS_ROOTINO && !strncmp(de[1].name, "..", DIRSIZ);
}

static void check_tree(struct ck *c)
{
	if (c->type[FS_ROOTINO] != T_DIR) {
		FATAL(c, "root inode %u is not a directory", FS_ROOTINO);
		return;
	}
	if (!root_named_right(c))
		FATAL(c, "root: its '.' and '..' must name the root");
	c->parent[FS_ROOTINO] = FS_ROOTINO;
	c->queue[c->qtail++] = FS_ROOTINO;
	while (c->qhead < c->qtail)
		scan_dir(c, c->queue[c->qhead++]);
	for (uint32_t i = 0; i < c->qtail; i++) {
		uint32_t dir = c->queue[i];
		if (c->dotdot[dir] && c->dotdot[dir] != c->parent[dir])
			PROBLEM(c, "directory %u: '..' names %u, but it is in %u", dir,
				c->dotdot[dir], c->parent[dir]);
	}
}

/* ---- Links and the bitmap ---- */

static void check_links(struct ck *c)
{
	struct fs_dinode d;

	for (uint32_t inum = 1; inum < c->sb.ninodes; inum++) {
		if (c->type[inum] == 0 || c->type[inum] == BAD_TYPE)
			continue;
		get_inode(c, inum, &d);
		if (c->refs[inum] == 0 && d.nlink == 0)
			PROBLEM(c, "inode %u: orphan (no links, no name); the next mount frees it",
				inum);
		else if (c->refs[inum] == 0)
			PROBLEM(c, "inode %u: unreachable (nlink %u, but no directory names it)",
				inum, d.nlink);
		else if (c->refs[inum] != d.nlink)
			PROBLEM(c, "inode %u: nlink is %u, but %u directory entries name it", inum,
				d.nlink, c->refs[inum]);
	}
}

static bool marked(struct ck *c, uint32_t b)
{
	return blk(c, c->sb.bmap_start + b / FS_BPB)[b % FS_BPB / 8] & (1u << (b % 8));
}

static void check_bitmap(struct ck *c)
{
	uint32_t end = (c->sb.data_start - c->sb.bmap_start) * FS_BPB;

	for (uint32_t b = 0; b < c->sb.size; b++) {
		bool used = b < c->sb.data_start || c->owner[b];
		c->res->used_blocks += marked(c, b);
		if (marked(c, b) && !used)
			PROBLEM(c, "block %u: marked in use, but nothing uses it", b);
		else if (!marked(c, b) && b < c->sb.data_start)
			PROBLEM(c, "block %u: metadata, but marked free", b);
		else if (!marked(c, b) && used)
			PROBLEM(c, "block %u: used by inode %u, but marked free", b, c->owner[b]);
	}
	for (uint32_t b = c->sb.size; b < end; b++)
		if (marked(c, b))
			PROBLEM(c, "bitmap: block %u, past the end, is marked in use", b);
}

/* ---- The whole check ---- */

static bool alloc_tables(struct ck *c)
{
	uint32_t n = c->sb.ninodes;

	c->owner = calloc(c->sb.size, sizeof(*c->owner));
	c->type = calloc(n, sizeof(*c->type));
	c->refs = calloc(n, sizeof(*c->refs));
	c->parent = calloc(n, sizeof(*c->parent));
	c->dotdot = calloc(n, sizeof(*c->dotdot));
	c->queue = calloc(n, sizeof(*c->queue));
	return c->owner && c->type && c->refs && c->parent && c->dotdot && c->queue;
}

static void free_tables(struct ck *c)
{
	free(c->owner);
	free(c->type);
	free(c->refs);
	free(c->parent);
	free(c->dotdot);
	free(c->queue);
}

int fsck_check(uint8_t *img, uint64_t nblocks, int flags, fsck_say_fn sayfn, void *arg,
	       struct fsck_result *res)
{
	struct ck c = { .img = img, .say = sayfn, .arg = arg, .res = res };
	uint8_t *copy = NULL;

	memset(res, 0, sizeof(*res));
	if (check_super(&c, nblocks)) {
		res->size = c.sb.size;
		res->ninodes = c.sb.ninodes;
	}
	if (!c.unusable && check_log(&c, flags, &copy)) {
		if (!alloc_tables(&c)) {
			FATAL(&c, "out of memory");
		} else {
			check_inodes(&c);
			check_tree(&c);
			check_links(&c);
			check_bitmap(&c);
		}
		free_tables(&c);
	}
	free(copy);
	if (res->problems > SHOW_MAX)
		NOTE(&c, "... and %u more problems", res->problems - SHOW_MAX);
	res->status = c.unusable ? FSCK_UNUSABLE : res->problems ? FSCK_BROKEN : FSCK_CLEAN;
	return res->status;
}
