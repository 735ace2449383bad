// SPDX-License-Identifier: MIT
// Building a nagi file system image in memory: format, add files and directories, bitmap.
#include "mkfs_image.h"
#include "lib/errno.h"
#include <string.h>

static uint8_t *block(struct mkfs *m, uint32_t b)
{
	return m->img + (uint64_t)b * FS_BSIZE;
}

static void get_inode(struct mkfs *m, uint32_t inum, struct fs_dinode *d)
{
	memcpy(d, block(m, m->sb.inode_start + inum / FS_IPB) + inum % FS_IPB * sizeof(*d),
	       sizeof(*d));
}

static void put_inode(struct mkfs *m, uint32_t inum, const struct fs_dinode *d)
{
	memcpy(block(m, m->sb.inode_start + inum / FS_IPB) + inum % FS_IPB * sizeof(*d), d,
	       sizeof(*d));
}

/* A fresh (zero) block, or 0 when the disk is full. */
static uint32_t alloc_block(struct mkfs *m)
{
	return m->next_block < m->sb.size ? m->next_block++ : 0;
}

/* The block in *slot, allocated if it is 0. */
static int slot(struct mkfs *m, uint32_t *slot)
{
	if (*slot == 0 && (*slot = alloc_block(m)) == 0)
		return -ENOSPC;
	return 0;
}

/* Slot i of indirect block ind, allocated if needed: *out. */
static int indirect(struct mkfs *m, uint32_t ind, uint32_t i, uint32_t *out)
{
	uint32_t v;
	int err;

	memcpy(&v, block(m, ind) + 4 * i, 4);
	if ((err = slot(m, &v)) < 0)
		return err;
	memcpy(block(m, ind) + 4 * i, &v, 4);
	*out = v;
	return 0;
}

/* The disk block for block bn of d, allocated with its indirect blocks. */
static int map(struct mkfs *m, struct fs_dinode *d, uint32_t bn, uint32_t *out)
{
	uint32_t l2;
	int err;

	if (bn < FS_NDIRECT) {
		err = slot(m, &d->addrs[bn]);
		*out = d->addrs[bn];
		return err;
	}
	bn -= FS_NDIRECT;
	if (bn < FS_NINDIRECT)
		return (err = slot(m, &d->indirect)) < 0 ? err : indirect(m, d->indirect, bn, out);
	bn -= FS_NINDIRECT;
	if (bn >= FS_NINDIRECT * FS_NINDIRECT)
		return -EFBIG;
	if ((err = slot(m, &d->dindirect)) < 0 ||
	    (err = indirect(m, d->dindirect, bn / FS_NINDIRECT, &l2)) < 0)
		return err;
	return indirect(m, l2, bn % FS_NINDIRECT, out);
}

/* Append len bytes to inode inum. */
static int append(struct mkfs *m, uint32_t inum, const void *data, uint32_t len)
{
	struct fs_dinode d;
	const uint8_t *p = data;
	uint32_t b;
	int err = 0;

	get_inode(m, inum, &d);
	if ((uint64_t)d.size + len > FS_MAXBYTES)
		return -EFBIG;
	while (len && err == 0) {
		uint32_t at = d.size % FS_BSIZE, n = len < FS_BSIZE - at ? len : FS_BSIZE - at;
		if ((err = map(m, &d, d.size / FS_BSIZE, &b)) == 0) {
			memcpy(block(m, b) + at, p, n);
			d.size += n;
			p += n;
			len -= n;
		}
	}
	put_inode(m, inum, &d);
	return err;
}

/* Add the entry (name, inum) to directory dir. */
static int link_entry(struct mkfs *m, uint32_t dir, const char *name, uint32_t inum)
{
	struct dirent de = { .inum = inum };

	memcpy(de.name, name, strnlen(name, DIRSIZ));
	return append(m, dir, &de, sizeof(de));
}

int mkfs_lookup(struct mkfs *m, uint32_t dir, const char *name, uint32_t *inum)
{
	struct fs_dinode d;
	struct dirent de;
	uint32_t b;

	get_inode(m, dir, &d);
	for (uint32_t off = 0; off < d.size; off += sizeof(de)) {
		if (map(m, &d, off / FS_BSIZE, &b) < 0)
			return -ENOENT;
		memcpy(&de, block(m, b) + off % FS_BSIZE, sizeof(de));
		if (de.inum && strncmp(de.name, name, DIRSIZ) == 0) {
			if (inum)
				*inum = de.inum;
			return 0;
		}
	}
	return -ENOENT;
}

uint16_t mkfs_type(struct mkfs *m, uint32_t inum)
{
	struct fs_dinode d;

	get_inode(m, inum, &d);
	return d.type;
}

/* Is name an entry of directory dir? */
static int has_entry(struct mkfs *m, uint32_t dir, const char *name)
{
	return mkfs_lookup(m, dir, name, NULL) == 0;
}

/* A new inode of type with nlink links. */
static int new_inode(struct mkfs *m, uint16_t type, uint16_t nlink, uint32_t *inum)
{
	struct fs_dinode d = { .type = type, .nlink = nlink };

	if (m->next_inum >= m->sb.ninodes)
		return -ENOSPC;
	*inum = m->next_inum++;
	put_inode(m, *inum, &d);
	return 0;
}

/* "." and ".." of the new directory inum, and the parent's extra link. */
static int init_dir(struct mkfs *m, uint32_t inum, uint32_t parent)
{
	struct fs_dinode d;
	int err;

	if ((err = link_entry(m, inum, ".", inum)) < 0 ||
	    (err = link_entry(m, inum, "..", parent)) < 0)
		return err;
	if (parent != inum) {
		get_inode(m, parent, &d);
		d.nlink++;
		put_inode(m, parent, &d);
	}
	return 0;
}

uint32_t mkfs_default_inodes(uint32_t size)
{
	uint32_t n = size / 32;
	return n < 64 ? 64 : n;
}

int mkfs_format(struct mkfs *m, uint8_t *img, uint32_t size, uint32_t ninodes, uint32_t nlog)
{
	struct fs_loghead head = { .magic = FS_LOG_MAGIC };
	uint32_t root;

	memset(m, 0, sizeof(*m));
	if (fs_layout(&m->sb, size, ninodes ? ninodes : mkfs_default_inodes(size),
		      nlog ? nlog : fs_default_nlog(size)) < 0)
		return -EINVAL;
	m->img = img;
	memset(img, 0, (uint64_t)size * FS_BSIZE);
	m->sb.csum = fs_super_csum(&m->sb);
	memcpy(block(m, FS_SB_BLOCK), &m->sb, sizeof(m->sb));
	head.head_csum = fs_loghead_csum(&head);
	memcpy(block(m, m->sb.log_start), &head, sizeof(head));
	m->next_block = m->sb.data_start;
	m->next_inum = FS_ROOTINO;
	if (new_inode(m, T_DIR, 2, &root) < 0 || init_dir(m, root, root) < 0)
		return -EINVAL;
	return 0;
}

/* Can name be a new entry of dir? 0, or why not. */
static int new_name(struct mkfs *m, uint32_t dir, const char *name)
{
	if (strlen(name) > DIRSIZ)
		return -ENAMETOOLONG;
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return has_entry(m, dir, name) ? -EEXIST : 0;
}

int mkfs_add(struct mkfs *m, uint32_t dir, const char *name, uint16_t type, const void *data,
	     uint32_t len, uint32_t *inum)
{
	uint32_t ino;
	int err;

	if (type != T_FILE && type != T_DIR)
		return -EINVAL;
	if ((err = new_name(m, dir, name)) < 0)
		return err;
	if ((err = new_inode(m, type, type == T_DIR ? 2 : 1, &ino)) < 0)
		return err;
	if (type == T_DIR)
		err = init_dir(m, ino, dir);
	else
		err = append(m, ino, data, len);
	if (err == 0)
		err = link_entry(m, dir, name, ino);
	if (err == 0 && inum)
		*inum = ino;
	return err;
}

int mkfs_mknod(struct mkfs *m, uint32_t dir, const char *name, uint16_t major, uint16_t minor,
	       uint32_t *inum)
{
	struct fs_dinode d;
	uint32_t ino;
	int err;

	if ((err = new_name(m, dir, name)) < 0 || (err = new_inode(m, T_DEVICE, 1, &ino)) < 0)
		return err;
	get_inode(m, ino, &d);
	d.major = major;
	d.minor = minor;
	put_inode(m, ino, &d);
	if ((err = link_entry(m, dir, name, ino)) == 0 && inum)
		*inum = ino;
	return err;
}

void mkfs_finish(struct mkfs *m)
{
	for (uint32_t b = 0; b < m->next_block; b++)
		block(m, m->sb.bmap_start + b / FS_BPB)[b % FS_BPB / 8] |= 1u << (b % 8);
}
