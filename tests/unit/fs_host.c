// SPDX-License-Identifier: MIT
// Host helpers for the file system tests: the memory device, file shortcuts, a tree hash.
#include "fs_host.h"
#include "unit.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "tools/mkfs_image.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Should this call fail: *after is 0, or counts down to it. */
static bool fails(long *after)
{
	if (*after == 0)
		return true;
	if (*after > 0)
		(*after)--;
	return false;
}

static int mem_read(struct fs_dev *d, uint32_t b, void *buf)
{
	struct memdev *m = d->priv;

	if (b >= d->nblocks || fails(&m->fail_reads_after))
		return -EIO;
	m->reads++;
	memcpy(buf, m->data + (uint64_t)b * FS_BSIZE, FS_BSIZE);
	return 0;
}

static void journal_add(struct memdev *m, uint32_t b, const void *buf)
{
	struct jentry *e;

	if (m->jlen == m->jcap) {
		m->jcap = m->jcap ? 2 * m->jcap : 1024;
		m->journal = realloc(m->journal, m->jcap * sizeof(*m->journal));
	}
	e = &m->journal[m->jlen++];
	e->blockno = b;
	e->data = NULL;
	if (buf) {
		e->data = malloc(FS_BSIZE);
		memcpy(e->data, buf, FS_BSIZE);
	}
}

static int mem_write(struct fs_dev *d, uint32_t b, const void *buf)
{
	struct memdev *m = d->priv;

	if (b >= d->nblocks || fails(&m->fail_writes_after))
		return -EIO;
	if (b <= FS_SB_BLOCK || b >= m->fs_size)
		m->wild++;
	m->writes++;
	memcpy(m->data + (uint64_t)b * FS_BSIZE, buf, FS_BSIZE);
	if (m->record)
		journal_add(m, b, buf);
	return 0;
}

static int mem_flush(struct fs_dev *d)
{
	struct memdev *m = d->priv;

	if (fails(&m->fail_flushes_after))
		return -EIO;
	m->flushes++;
	if (m->record)
		journal_add(m, JOURNAL_FLUSH, NULL);
	return 0;
}

static const struct fs_dev_ops mem_ops = { .read = mem_read, .write = mem_write, .flush = mem_flush };

void memdev_init(struct memdev *m, uint32_t nblocks)
{
	memset(m, 0, sizeof(*m));
	m->dev = (struct fs_dev){ .ops = &mem_ops, .nblocks = nblocks, .priv = m };
	m->data = calloc(nblocks, FS_BSIZE);
	m->fs_size = nblocks;
	m->fail_reads_after = m->fail_writes_after = m->fail_flushes_after = -1;
}

void memdev_free(struct memdev *m)
{
	for (size_t i = 0; i < m->jlen; i++)
		free(m->journal[i].data);
	free(m->journal);
	free(m->data);
	memset(m, 0, sizeof(*m));
}

int memdev_mkfs(struct memdev *m, uint32_t ninodes)
{
	struct mkfs mk;
	int err = mkfs_format(&mk, m->data, m->dev.nblocks, ninodes, 0);

	if (err == 0)
		mkfs_finish(&mk);
	return err;
}

struct msgbuf {
	char *p;
	size_t size, len;
};

static void collect(void *arg, const char *msg)
{
	struct msgbuf *b = arg;
	int n;

	if (!b->p || b->len >= b->size)
		return;
	n = snprintf(b->p + b->len, b->size - b->len, "%s\n", msg);
	b->len += n > 0 ? (size_t)n : 0;
	if (b->len > b->size)
		b->len = b->size;
}

int memdev_fsck(struct memdev *m, int flags, struct fsck_result *r, char *msgs, size_t size)
{
	struct msgbuf b = { msgs, size, 0 };

	if (msgs && size)
		msgs[0] = '\0';
	return fsck_check(m->data, m->dev.nblocks, flags, collect, &b, r);
}

void memdev_mount_fresh(struct memdev *m, uint32_t nblocks, uint32_t ninodes)
{
	memdev_init(m, nblocks);
	CHECK(memdev_mkfs(m, ninodes) == 0);
	CHECK(fs_mount(&m->dev) == 0);
}

void memdev_unmount_clean(struct memdev *m)
{
	struct fsck_result r;

	CHECK(inode_table_check() == NULL);
	CHECK(fs_unmount() == 0);
	CHECK(m->wild == 0);
	CHECK(memdev_fsck(m, 0, &r, NULL, 0) == FSCK_CLEAN);
	memdev_free(m);
}

int put_file(const char *path, const void *data, size_t n)
{
	struct inode *ip;
	int err = fs_open(NULL, path, O_CREATE | O_TRUNC | O_WRONLY, &ip);
	size_t done = 0;
	long w = 0;

	if (err)
		return err;
	while (done < n && w >= 0) { /* after a short write, the next one says why */
		w = fs_write(ip, false, (uint64_t)data + done, done, n - done);
		done += w > 0 ? (size_t)w : 0;
	}
	fs_iput(ip);
	return w < 0 ? (int)w : 0;
}

long get_file(const char *path, void *buf, size_t max)
{
	struct inode *ip;
	int err = fs_open(NULL, path, O_RDONLY, &ip);
	long r;

	if (err)
		return err;
	r = fs_read(ip, false, (uint64_t)buf, 0, max);
	fs_iput(ip);
	return r;
}

int path_stat(const char *path, struct stat *st)
{
	struct inode *ip;
	int err = fs_lookup(NULL, path, &ip);

	if (err)
		return err;
	err = fs_stat(ip, st);
	fs_iput(ip);
	return err;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static int by_name(const void *a, const void *b)
{
	return strncmp(((const struct dirent *)a)->name, ((const struct dirent *)b)->name, DIRSIZ);
}

/* The hash of what path (an inode of type) holds, mixed into h. */
static uint64_t hash_at(uint64_t h, const char *path, int depth);

static uint64_t hash_dir(uint64_t h, const char *path, struct inode *ip, uint64_t size, int depth)
{
	struct dirent *de = malloc(size + sizeof(*de));
	long n = fs_read(ip, false, (uint64_t)de, 0, size);
	char child[512];

	n = n < 0 ? 0 : n / (long)sizeof(*de);
	qsort(de, (size_t)n, sizeof(*de), by_name);
	for (long i = 0; i < n; i++) {
		if (!de[i].inum || !strncmp(de[i].name, ".", DIRSIZ) ||
		    !strncmp(de[i].name, "..", DIRSIZ))
			continue;
		snprintf(child, sizeof(child), "%s/%.28s", path, de[i].name);
		h = mix(h, de[i].name, DIRSIZ);
		h = hash_at(h, child, depth + 1);
	}
	free(de);
	return h;
}

static uint64_t hash_at(uint64_t h, const char *path, int depth)
{
	struct inode *ip;
	struct stat st;
	uint8_t *buf;

	if (depth > 16 || fs_lookup(NULL, path, &ip) < 0 || fs_stat(ip, &st) < 0)
		return mix(h, "?", 1);
	h = mix(h, &st.type, sizeof(st.type));
	h = mix(h, &st.nlink, sizeof(st.nlink));
	h = mix(h, &st.size, sizeof(st.size));
	if (st.type == T_DIR) {
		h = hash_dir(h, path, ip, st.size, depth);
	} else if ((buf = malloc(st.size + 1))) {
		long n = fs_read(ip, false, (uint64_t)buf, 0, st.size);
		h = mix(h, buf, n > 0 ? (size_t)n : 0);
		free(buf);
	}
	fs_iput(ip);
	return h;
}

uint64_t tree_hash(void)
{
	return hash_at(0xcbf29ce484222325ull, "", 0);
}

void fill(void *buf, size_t n, uint64_t seed)
{
	uint8_t *p = buf;
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

void memdev_plant_nlink(struct memdev *m, uint32_t ino, uint16_t n)
{
	struct fs_super sb;
	struct fs_dinode d;
	uint8_t *at;

	memcpy(&sb, m->data + FS_SB_BLOCK * FS_BSIZE, sizeof(sb));
	at = m->data + (uint64_t)(sb.inode_start + ino / FS_IPB) * FS_BSIZE +
	     ino % FS_IPB * sizeof(d);
	memcpy(&d, at, sizeof(d));
	d.nlink = n;
	memcpy(at, &d, sizeof(d));
}
