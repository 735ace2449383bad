// SPDX-License-Identifier: MIT
// The image fuzzer: damaged file systems through fsck, mount and a fixed workload, on the host.
#include "fs_host.h"
#include "kernel/fs/inode.h"
#include "lib/errno.h"
#include "stubs.h"
#include "unit.h"
#include <string.h>

/*
 * A reference image (directories, small and indirect files, a hard link)
 * is damaged in 1-3 ways per round: bit flips anywhere in the metadata,
 * two block pointers swapped, a wrong link count, a wrong size, a
 * directory entry naming an ancestor (a cycle) or a random inode. Then
 * fsck checks it, the kernel's code mounts it and runs a fixed workload
 * (walk and read everything, write, append, link, unlink, mkdir), and
 * fsck checks it again. Built with ASan and UBSan. It must never crash,
 * panic or wait (a wait on the host panics), every call must return a
 * count or an error the file system uses, mount must refuse what fsck
 * calls unusable, what mounted must mount again after the workload (the
 * damage may stay, refused with EUCLEAN, but the file system is not
 * lost), and an image fsck found clean must stay clean. Not checked: a
 * block that two inodes use, or one in use that the bitmap calls free
 * (fsck: "used twice", "marked free"); the kernel cannot see that without
 * a map of every block's owner, and a write through one inode (or to a
 * block allocated anew) may then damage another, the root even.
 *
 *   build/unit/fs_fuzz_test               300 images, seed 1 (make test)
 *   build/unit/fs_fuzz_test SEED COUNT    COUNT images from SEED
 * A failure prints the seed and round; SEED with COUNT 1 from that round
 * replays it (each round's seed is SEED + round).
 */
#define NBLOCKS 1024

static struct memdev md;
static uint8_t *ref, *scratch;
static struct fs_super sb;
static uint64_t rng;
static int failures;
static unsigned by_fsck[3], mounted; /* what the images were */

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)(rng >> 33) % n : 0;
}

static uint8_t *blkp(uint32_t b)
{
	return md.data + (uint64_t)b * FS_BSIZE;
}

static void build_ref(void)
{
	static uint8_t data[40 * FS_BSIZE];

	memdev_init(&md, NBLOCKS);
	CHECK(memdev_mkfs(&md, 128) == 0);
	CHECK(fs_mount(&md.dev) == 0);
	fill(data, sizeof(data), 7);
	CHECK(fs_mkdir(NULL, "/d1") == 0 && fs_mkdir(NULL, "/d1/d2") == 0 && fs_mkdir(NULL, "/d3") == 0);
	CHECK(put_file("/small", data, 100) == 0);
	CHECK(put_file("/d1/big", data, sizeof(data)) == 0); /* an indirect block */
	CHECK(put_file("/d1/d2/f", data, 3 * FS_BSIZE) == 0);
	CHECK(fs_link(NULL, "/small", "/d3/ln") == 0);
	CHECK(fs_mknod(NULL, "/null", 2, 0) == 0);
	CHECK(fs_unmount() == 0);
	memcpy(&sb, blkp(FS_SB_BLOCK), sizeof(sb));
	ref = malloc((size_t)NBLOCKS * FS_BSIZE);
	scratch = malloc((size_t)NBLOCKS * FS_BSIZE);
	memcpy(ref, md.data, (size_t)NBLOCKS * FS_BSIZE);
}

static struct fs_dinode *dinode(uint32_t inum)
{
	return (struct fs_dinode *)(blkp(sb.inode_start + inum / FS_IPB) + inum % FS_IPB * sizeof(struct fs_dinode));
}

/* A used inode's number (1 if none found quickly). */
static uint32_t used_inode(uint16_t type)
{
	for (int tries = 0; tries < 200; tries++) {
		uint32_t i = 1 + rnd(sb.ninodes - 1);
		if (dinode(i)->type && (!type || dinode(i)->type == type))
			return i;
	}
	return 1;
}

/* One kind of damage, picked at random. */
static void damage(void)
{
	uint32_t meta_end = sb.data_start + 48; /* the tree's blocks follow data_start */
	struct fs_dinode *d;

	switch (rnd(7)) {
	case 0: { /* a bit flip in the metadata or the first data blocks */
		uint8_t *p = blkp(1 + rnd(meta_end - 1));
		uint32_t at = rnd(FS_BSIZE);
		p[at] ^= (uint8_t)(1u << rnd(8));
		break;
	}
	case 1: { /* two block pointers swapped */
		struct fs_dinode *a = dinode(used_inode(0)), *b = dinode(used_inode(0));
		uint32_t *pa = rnd(4) ? &a->addrs[rnd(FS_NDIRECT)] : &a->indirect;
		uint32_t *pb = rnd(4) ? &b->addrs[rnd(FS_NDIRECT)] : &b->indirect;
		uint32_t t = *pa;
		*pa = *pb;
		*pb = t;
		break;
	}
	case 2: /* a wrong link count */
		d = dinode(used_inode(0));
		d->nlink = (uint16_t)rnd(5);
		break;
	case 3: /* a wrong size */
		d = dinode(used_inode(0));
		d->size = rnd(2) ? rnd(64 * FS_BSIZE) : d->size + 1 + rnd(FS_BSIZE);
		break;
	case 4: /* a cycle: an entry in a subdirectory naming a directory */
	case 5: { /* or any inode */
		struct fs_dinode *dir = dinode(used_inode(T_DIR));
		uint32_t b = dir->addrs[0];
		if (b >= sb.data_start && b < sb.size) {
			struct dirent *de = (struct dirent *)blkp(b) + 2 + rnd(FS_BSIZE / sizeof(struct dirent) - 2);
			uint32_t inum = rnd(2) ? used_inode(T_DIR) : rnd(sb.ninodes + 2);
			de->inum = inum;
			memcpy(de->name, "up", 3);
			if (dir->size < (uint32_t)((uint8_t *)(de + 1) - blkp(b)))
				dir->size = (uint32_t)((uint8_t *)(de + 1) - blkp(b));
		}
		break;
	}
	default: { /* a random byte in an indirect block or a directory */
		uint8_t *p = blkp(sb.data_start + rnd(48));
		uint32_t at = rnd(FS_BSIZE);
		p[at] = (uint8_t)rnd(256);
		break;
	}
		break;
	}
}

/* Is err something a file system call may return? */
static bool shared_block; /* fsck found a block used twice, or used but free */

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	shared_block |= strstr(msg, "used twice") || strstr(msg, "but marked free");
}

static bool fs_error(long err)
{
	return err == -EUCLEAN || err == -EIO || err == -ENOENT || err == -ENOTDIR ||
	       err == -EISDIR || err == -EEXIST || err == -ENOSPC || err == -EFBIG ||
	       err == -ENOTEMPTY || err == -EINVAL || err == -EMLINK || err == -EPERM ||
	       err == -ENFILE || err == -EBUSY || err == -ENAMETOOLONG;
}

#define EXPECT(r) expect_ok((long)(r), #r)
static long expect_ok(long r, const char *what)
{
	if (r < 0 && !fs_error(r)) {
		printf("    %s returned %ld\n", what, r);
		failures++;
	}
	return r;
}

/* Read every file and directory under path, depth levels down at most. */
static void walk(const char *path, int depth)
{
	static uint8_t buf[4096];
	struct inode *ip;
	struct stat st;
	int err = fs_lookup(NULL, path, &ip);

	EXPECT(err);
	if (err)
		return;
	EXPECT(fs_stat(ip, &st));
	for (uint64_t off = 0; off < (1u << 16); off += sizeof(buf)) {
		long n = fs_read(ip, false, (uint64_t)buf, off, sizeof(buf));
		EXPECT(n);
		if (n <= 0)
			break;
		if (st.type != T_DIR || depth == 0)
			continue;
		for (long k = 0; k + (long)sizeof(struct dirent) <= n; k += sizeof(struct dirent)) {
			struct dirent *de = (struct dirent *)(buf + k);
			char child[256], name[DIRSIZ + 1];
			if (!de->inum)
				continue;
			memcpy(name, de->name, DIRSIZ);
			name[DIRSIZ] = '\0';
			if (!strcmp(name, ".") || !strcmp(name, "..") || !name[0])
				continue;
			snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", name);
			walk(child, depth - 1);
		}
	}
	fs_iput(ip);
}

/* The fixed workload: everything a damaged image must survive. */
static void workload(void)
{
	static uint8_t data[20 * FS_BSIZE], back[20 * FS_BSIZE];
	struct inode *ip;
	struct statfs sf;

	walk("/", 4);
	fill(data, sizeof(data), 3);
	EXPECT(put_file("/new", data, sizeof(data)));
	EXPECT(get_file("/new", back, sizeof(back)));
	if (fs_open(NULL, "/d1/big", O_RDWR, &ip) == 0) {
		EXPECT(fs_write(ip, false, (uint64_t)data, 3 * FS_BSIZE + 7, 2 * FS_BSIZE));
		EXPECT(fs_append(ip, false, (uint64_t)data, 3 * FS_BSIZE, NULL));
		fs_iput(ip);
	}
	if (EXPECT(fs_open(NULL, "/small", O_RDWR | O_TRUNC, &ip)) == 0)
		fs_iput(ip);
	EXPECT(fs_link(NULL, "/d1/d2/f", "/d3/f2"));
	EXPECT(fs_unlink(NULL, "/d3/ln"));
	EXPECT(fs_unlink(NULL, "/d1/d2/f"));
	EXPECT(fs_unlink(NULL, "/d1/d2/up"));
	EXPECT(fs_unlink(NULL, "/d1/up"));
	EXPECT(fs_unlink(NULL, "/d1/d2"));
	EXPECT(fs_mkdir(NULL, "/d3/sub"));
	EXPECT(fs_unlink(NULL, "/d3/sub"));
	EXPECT(fs_unlink(NULL, "/d3/f2"));
	EXPECT(fs_unlink(NULL, "/d3"));
	EXPECT(fs_statfs(&sf));
	walk("/", 4);
}

/* One damaged image; false on a failure (already printed). */
static bool one_round(uint64_t seed)
{
	struct fsck_result r0, r1;
	int before = failures, err, st0;
	jmp_buf jb;

	rng = seed * 0x9E3779B97F4A7C15ull + 1;
	memcpy(md.data, ref, (size_t)NBLOCKS * FS_BSIZE);
	for (int k = 1 + (int)rnd(3); k > 0; k--)
		damage();
	memcpy(scratch, md.data, (size_t)NBLOCKS * FS_BSIZE);
	shared_block = false;
	st0 = fsck_check(scratch, NBLOCKS, 0, quiet, NULL, &r0);
	panic_jump = &jb;
	if (setjmp(jb)) {
		panic_jump = NULL;
		printf("    seed %lu: panic: %s\n", (unsigned long)seed, panic_message);
		exit(1); /* the core's state is gone: stop here */
	}
	by_fsck[st0 < 0 || st0 > 2 ? 2 : st0]++;
	err = fs_mount(&md.dev);
	mounted += err == 0;
	if (err == 0) {
		if (st0 == FSCK_UNUSABLE) {
			printf("    seed %lu: mounted what fsck calls unusable\n", (unsigned long)seed);
			failures++;
		}
		workload();
		if ((err = fs_unmount()) != 0) {
			printf("    seed %lu: unmount: %d (a reference leaked?)\n", (unsigned long)seed, err);
			exit(1);
		}
		if ((err = fs_mount(&md.dev)) != 0 && !shared_block) {
			printf("    seed %lu: the workload made a mountable image unmountable (%d: %s)\n",
			       (unsigned long)seed, err, fs_last_damage);
			failures++;
		} else if (err == 0 && fs_unmount() != 0) {
			exit(1);
		}
		if (st0 == FSCK_CLEAN &&
		    fsck_check(md.data, NBLOCKS, FSCK_REPLAY, quiet, NULL, &r1) != FSCK_CLEAN) {
			printf("    seed %lu: a clean image is no longer clean after the workload\n",
			       (unsigned long)seed);
			failures++;
		}
	} else if (err != -EUCLEAN && err != -EINVAL && err != -EIO) {
		printf("    seed %lu: mount: %d\n", (unsigned long)seed, err);
		failures++;
	}
	panic_jump = NULL;
	if (failures != before)
		printf("    seed %lu: fsck said %d before\n", (unsigned long)seed, st0);
	return failures == before;
}

static uint64_t first_seed = 1, count = 300;

static void test_damaged_images(void)
{
	for (uint64_t i = 0; i < count; i++)
		if (!one_round(first_seed + i))
			unit_failed_checks++;
	printf("    fs_fuzz: seed %lu, %lu images: fsck clean %u, inconsistent %u, unusable %u; "
	       "%u mounted and ran the workload\n", (unsigned long)first_seed, (unsigned long)count,
	       by_fsck[0], by_fsck[1], by_fsck[2], mounted);
}

int main(int argc, char **argv)
{
	if (argc == 3) {
		first_seed = strtoull(argv[1], NULL, 0);
		count = strtoull(argv[2], NULL, 0);
	}
	build_ref();
	RUN(test_damaged_images);
	memdev_free(&md);
	free(ref);
	free(scratch);
	UNIT_EXIT();
}
