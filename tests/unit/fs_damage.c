// SPDX-License-Identifier: MIT
// Shared by the damaged-image tests: the reference image, and checks on a damaged copy.
#include "fs_damage.h"
#include "kernel/fs/inode.h"
#include "unit.h"
#include <string.h>

struct ref_image ref;
struct memdev md;
char msgs[16384];

uint8_t *blk(uint32_t b)
{
	return md.data + (uint64_t)b * FS_BSIZE;
}

void get_dinode(uint32_t inum, struct fs_dinode *d)
{
	memcpy(d, blk(ref.sb.inode_start + inum / FS_IPB) + inum % FS_IPB * 64, sizeof(*d));
}

void put_dinode(uint32_t inum, const struct fs_dinode *d)
{
	memcpy(blk(ref.sb.inode_start + inum / FS_IPB) + inum % FS_IPB * 64, d, sizeof(*d));
}

struct dirent *dirent_at(uint32_t dir, uint32_t k)
{
	struct fs_dinode d;

	get_dinode(dir, &d);
	return (struct dirent *)(blk(d.addrs[0]) + k * sizeof(struct dirent));
}

uint32_t *indirect_at(uint32_t inum, uint32_t k)
{
	struct fs_dinode d;

	get_dinode(inum, &d);
	return (uint32_t *)(blk(d.indirect) + 4 * k);
}

void set_bit(uint32_t b, bool on)
{
	uint8_t *byte = blk(ref.sb.bmap_start + b / FS_BPB) + b % FS_BPB / 8;
	*byte = on ? *byte | (1u << (b % 8)) : *byte & ~(1u << (b % 8));
}

static uint32_t inum_of(const char *path)
{
	struct stat st;
	return path_stat(path, &st) == 0 ? st.ino : 0;
}

void build_ref(void)
{
	static uint8_t data[80 * 1024];

	memdev_init(&md, NBLOCKS);
	CHECK(memdev_mkfs(&md, 64) == 0);
	CHECK(fs_mount(&md.dev) == 0);
	fill(data, sizeof(data), 3);
	CHECK(fs_mkdir(NULL, "/d") == 0);
	CHECK(put_file("/d/f", data, 3072) == 0);
	CHECK(put_file("/big", data, sizeof(data)) == 0);
	CHECK(put_file("/g", data, 100) == 0);
	CHECK(fs_mknod(NULL, "/dev0", 2, 0) == 0);
	ref.d = inum_of("/d");
	ref.f = inum_of("/d/f");
	ref.big = inum_of("/big");
	ref.g = inum_of("/g");
	ref.dev = inum_of("/dev0");
	CHECK(fs_unmount() == 0);
	memcpy(&ref.sb, md.data + FS_SB_BLOCK * FS_BSIZE, sizeof(ref.sb));
	ref.img = md.data;
	md.data = NULL;
	memdev_free(&md);
}

void start(void)
{
	memdev_init(&md, NBLOCKS);
	memcpy(md.data, ref.img, (size_t)NBLOCKS * FS_BSIZE);
	fs_last_damage[0] = '\0';
}

void expect_fsck(int status, const char *want)
{
	struct fsck_result r;
	int s = memdev_fsck(&md, 0, &r, msgs, sizeof(msgs));
	bool ok = s == status && (!want || strstr(msgs, want));

	if (!ok)
		printf("    fsck said %d, wanted %d with '%s':\n%s", s, status, want ? want : "",
		       msgs);
	CHECK(ok);
}

void expect_mount(int err, const char *why)
{
	int got = fs_mount(&md.dev);

	if (got != err || (why && !strstr(fs_last_damage, why)))
		printf("    mount: %d (%s), wanted %d '%s'\n", got, fs_last_damage, err, why);
	CHECK(got == err);
	CHECK(!why || strstr(fs_last_damage, why));
}

void stop(bool mounted)
{
	if (mounted)
		CHECK(fs_unmount() == 0);
	CHECK(md.wild == 0);
	memdev_free(&md);
}

void reseal(struct fs_super *sb)
{
	sb->csum = fs_super_csum(sb);
	memcpy(blk(FS_SB_BLOCK), sb, sizeof(*sb));
}

void plant_log(uint32_t target, uint32_t count, const uint8_t *data, bool good_csum)
{
	struct fs_loghead h = { .magic = FS_LOG_MAGIC, .count = count, .seq = 41 };
	uint32_t c = fs_crc32(0, &h.seq, sizeof(h.seq));

	for (uint32_t i = 0; i < count && i < FS_LOGMAX; i++) {
		h.block[i] = target + i;
		if (i + 1 < ref.sb.nlog) {
			memcpy(blk(ref.sb.log_start + 1 + i), data, FS_BSIZE);
			c = fs_crc32(c, data, FS_BSIZE);
		}
	}
	h.data_csum = c ^ !good_csum;
	h.head_csum = fs_loghead_csum(&h);
	memcpy(blk(ref.sb.log_start), &h, sizeof(h));
}
