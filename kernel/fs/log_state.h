/* SPDX-License-Identifier: MIT */
/* The log's state, shared by its two halves: log.c (groups: begin, end,
 * commit_group) and log_disk.c (the commit protocol on the disk and
 * recovery at mount). Inside kernel/fs only. */
#pragma once
#include "kernel/spinlock.h"
#include "lib/fs_format.h"
#include "lib/types.h"

struct fs_buf;
struct fs_dev;

struct fs_log_state {
	struct spinlock lock;
	struct fs_dev *dev;
	uint32_t start;       /* the header block */
	uint32_t cap;         /* blocks the log holds */
	uint32_t maxop;       /* blocks each system call reserves */
	uint32_t lo, hi;      /* home blocks must lie in [lo, hi) */
	int outstanding;      /* system calls in the open transaction */
	uint32_t reserved;    /* blocks they may still log: the sum of
			       * member[].need - member[].used */
	struct log_member {
		void *who;        /* fs_self() of the call's thread */
		uint32_t need;    /* blocks it reserved */
		uint32_t used;    /* blocks it added to the group */
	} member[FS_LOGMAX];  /* [0, outstanding): the open calls */
	bool committing;
	bool failed;          /* a commit failed: refuse everything */
	uint64_t seq;         /* the open transaction */
	uint64_t done;        /* the last durable transaction */
	uint32_t n;           /* blocks logged so far */
	uint32_t run;         /* blocks of the run already in the log (head.count) */
	uint32_t run_csum;    /* fs_crc32 over the run's seq and copies */
	bool freed;           /* the open group freed a block */
	uint32_t block[FS_LOGMAX];
	struct fs_buf *buf[FS_LOGMAX];
	bool home[FS_LOGMAX]; /* goes straight home, not through the log */
	/* The group being committed: its blocks as they were when it closed
	 * (log_stage), so that the next group may change the buffers meanwhile. */
	uint32_t cn;
	uint32_t cblock[FS_LOGMAX];
	struct fs_buf *cbuf[FS_LOGMAX];
	bool chome[FS_LOGMAX];
	uint64_t commits, logged, resets;
	uint32_t peak;
	/* Where a group's time goes (fs_now_ns, summed over the commits):
	 * its first call to its close (filling, and waiting for its last
	 * call to end or for the commit before), closing to the commit
	 * point, the commit point to the blocks home. */
	uint64_t open_ns, commit_ns, home_ns;
	uint64_t opened_at;   /* the open group's first call began; 0: none yet */
};

/* fslog - the one log (defined in log.c), under fslog.lock except where noted. */
extern struct fs_log_state fslog;
/* log_stage - the closing group's blocks as they were when it closed
 * (log_disk.c): commit_group fills it, log_commit and log_install write it. */
extern uint8_t log_stage[FS_LOGMAX][FS_BSIZE];

/* log_commit - steps 1-2 of log_disk.c's protocol for the fslog.cn staged
 * blocks; log_install - step 3. One at a time (fslog.committing set), log
 * lock not held. 0 or -EIO. */
int log_commit(void);
int log_install(void);
/* log_reset_run - start a new run at the log's first block, seeded with
 * seq, after making every home write durable. 0 or -EIO. */
int log_reset_run(uint64_t seq);
/* log_in_run - does the run in the log hold a copy of block b (mount would
 * install it)? Log lock. */
bool log_in_run(uint32_t b);
/* log_recover - read and act on the header at mount: install a committed
 * run, ignore a torn header. 0, -EUCLEAN (damage) or -EIO. */
int log_recover(void);
