/* SPDX-License-Identifier: MIT */
/* Directories and path walks: the file system's internals between inodes and the path calls. */
#pragma once
#include "lib/types.h"

struct inode;

/* dir_lookup - the entry name in directory dp (locked): a reference to
 * its inode (*ip, not locked) and its byte offset (*off, if off is not
 * NULL). -ENOENT, or -EUCLEAN for a damaged directory. */
int dir_lookup(struct inode *dp, const char *name, uint32_t *off, struct inode **ip);
/* dir_link - add the entry name -> inum to dp (locked), in a free slot or
 * at the end. -EEXIST, -ENOSPC, -EUCLEAN, -EIO. Inside a transaction. */
int dir_link(struct inode *dp, const char *name, uint32_t inum);
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
