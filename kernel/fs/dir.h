/* SPDX-License-Identifier: MIT */
/* Directories and path walks: the file system's internals between inodes and the path calls. */
#pragma once
#include "lib/abi.h"
#include "lib/types.h"

struct inode;

/* dir_lookup - the entry name in directory dp (locked): a reference to
 * its inode (*ip, not locked) and its byte offset (*off, if off is not
 * NULL). -ENOENT, or -EUCLEAN for a damaged directory. */
int dir_lookup(struct inode *dp, const char *name, uint32_t *off, struct inode **ip);
/* dir_lookup_free - dir_lookup without the offset, and on -ENOENT the
 * byte offset of dp's first free slot, or its size if it has none
 * (*slot): where dir_link_at may put name while dp's gen is unchanged. */
int dir_lookup_free(struct inode *dp, const char *name, uint32_t *slot, struct inode **ip);
/* dir_link - add the entry name -> inum to dp (locked), in a free slot or
 * at the end. -EEXIST, -ENOSPC, -EUCLEAN, -EIO. Inside a transaction. */
int dir_link(struct inode *dp, const char *name, uint32_t inum);
/* dir_link_at - add name -> inum at slot, which dir_lookup_free gave
 * while name was missing, dp's gen the same now (so it still is, and the
 * slot is free). dp locked; inside a transaction. 0 or -E*. */
int dir_link_at(struct inode *dp, const char *name, uint32_t inum, uint32_t slot);
/* dir_clear - free the slot at byte offset off of dp (locked). Inside a
 * transaction. 0 or -E*. */
int dir_clear(struct inode *dp, uint32_t off);
/* dir_init - the "." and ".." entries of the new directory dp (locked),
 * whose parent is parent. Inside a transaction. 0 or -E*. */
int dir_init(struct inode *dp, uint32_t parent);
/* dir_names_twice - 1 if two or more entries of dp (locked) name inum,
 * 0 if not, or -E*. */
int dir_names_twice(struct inode *dp, uint32_t inum);
/* dir_is_empty - 1 if dp (locked) holds only "." and "..", 0 if not, or -E*. */
int dir_is_empty(struct inode *dp);
/*
 * dir_walk - follow path from / (a leading '/', or cwd NULL) or from cwd.
 * parent unset: the inode path names (*ip, a new reference, unlocked).
 * parent set: the directory holding its last element (*ip) and that
 * element (name, DIRSIZ + 1 bytes; may be NULL otherwise); -EBUSY if
 * there is none ("/").
 * Inside a transaction (references are dropped on the way).
 */
int dir_walk(struct inode *cwd, const char *path, bool parent, char *name, struct inode **ip);
/* dir_walk_outside - dir_walk (parent unset) outside any transaction: an
 * inode whose last reference the walk drops is left for the caller's
 * inode_reap_deferred (inode_put_outside). For calls that change nothing. */
int dir_walk_outside(struct inode *cwd, const char *path, struct inode **ip);

/* What a walk found missing at its last element: the directory that
 * lacks it (a reference, unlocked), the name, dp's gen then and the slot
 * dir_lookup_free gave. An open that creates uses it instead of walking
 * again, and looks again only if dp's entries changed in between. */
struct dir_miss {
	struct inode *dp;
	char name[DIRSIZ + 1];
	uint32_t gen, slot;
};

/* dir_walk_miss - dir_walk_outside; when it is -ENOENT because the last
 * element is missing from its directory, miss->dp holds that directory
 * (else NULL), for the caller to drop. */
int dir_walk_miss(struct inode *cwd, const char *path, struct dir_miss *miss, struct inode **ip);
