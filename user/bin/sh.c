// SPDX-License-Identifier: MIT
// sh: the shell. Pipes, < and > redirection, ; and &, cd and exit, $?.
#include "../user.h"

/*
 * A line is read, cut into tokens (words and the operators | < > ; &),
 * parsed into jobs (a job is a pipeline: commands joined by |, ended by ;
 * or &, or the end of the line), and the jobs are run one after another.
 *
 * Every job runs in a child that leads a new process group, so that ^C
 * (which kills the console's foreground group) hits the job and not the
 * shell. A pipeline's child forks one process per command and waits for
 * all of them; its exit status is that of the last command.
 */

#define MAXLINE 512
#define MAXARGS 16 /* words per command */
#define MAXCMDS 8  /* commands per pipeline */
#define MAXJOBS 8  /* jobs per line */
#define MAXTOKS 64
#define STATUS_MARK '\1' /* where $? was */

struct tok {
	int kind;   /* 'w' for a word, else the operator: | < > ; & */
	char *word; /* the word, quotes removed, $? marked */
};

struct cmd {
	char *argv[MAXARGS + 1];
	int argc;
	char *in, *out; /* < and > files, or NULL */
};

struct job {
	struct cmd cmd[MAXCMDS];
	int ncmd;
	bool bg; /* ended by & */
};

static int last_status;   /* $? */
static bool interactive;  /* fd 0 is the console: prompt, job control */
static int sh_pgid;       /* the shell's own process group */
static char words[MAXLINE * 2];      /* the line's words */
static char xbuf[MAXLINE * 4];       /* the current job's words with $? expanded */
static unsigned xlen;
static struct tok toks[MAXTOKS];
static struct job jobs[MAXJOBS];

static bool is_op(char c)
{
	return c && strchr("|<>;&", c);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Scan one word from *sp into *wp: quotes group; $? (not in '') becomes
 * STATUS_MARK, to be replaced by the status when its job runs.
 * Returns false if the word storage is full or a quote is not closed. */
static bool lex_word(char **sp, char **wp, char *wend)
{
	char *s = *sp, *w = *wp, quote = 0;

	for (; *s && (quote || (!is_space(*s) && !is_op(*s))); s++) {
		if ((*s == '\'' || *s == '"') && (!quote || quote == *s)) {
			quote = quote ? 0 : *s;
			continue;
		}
		if (w >= wend - 1)
			return false;
		if (s[0] == '$' && s[1] == '?' && quote != '\'') {
			*w++ = STATUS_MARK; /* expanded when the job runs */
			s++;
		} else {
			*w++ = *s;
		}
	}
	*w++ = '\0';
	*sp = s;
	*wp = w;
	return !quote;
}

/* Cut line into toks; returns the number of tokens or -1 on an error. */
static int lex(char *s)
{
	char *w = words;
	int n = 0;

	for (;;) {
		while (is_space(*s))
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == MAXTOKS) {
			fprintf(2, "sh: too many words\n");
			return -1;
		}
		if (is_op(*s)) {
			toks[n++] = (struct tok){ .kind = *s++ };
			continue;
		}
		toks[n] = (struct tok){ .kind = 'w', .word = w };
		if (!lex_word(&s, &w, words + sizeof words)) {
			fprintf(2, "sh: line too long or unclosed quote\n");
			return -1;
		}
		n++;
	}
}

static int syntax_error(int i, int ntok)
{
	if (i < ntok)
		fprintf(2, "sh: syntax error near '%c'\n", toks[i].kind);
	else
		fprintf(2, "sh: syntax error at end of line\n");
	return -1;
}

/* Parse one command from toks[*ip]: words and redirections. */
static int parse_cmd(struct cmd *c, int *ip, int ntok)
{
	int i = *ip;

	*c = (struct cmd){ 0 };
	for (; i < ntok && strchr("w<>", toks[i].kind); i++) {
		struct tok *t = &toks[i];
		if (t->kind != 'w') {
			if (i + 1 >= ntok || toks[i + 1].kind != 'w')
				return syntax_error(i + 1, ntok);
			*(t->kind == '<' ? &c->in : &c->out) = toks[++i].word;
		} else if (c->argc == MAXARGS) {
			fprintf(2, "sh: too many arguments\n");
			return -1;
		} else {
			c->argv[c->argc++] = t->word;
		}
	}
	*ip = i;
	return c->argc ? 0 : syntax_error(i, ntok);
}

/* Parse the whole line into jobs; returns their number or -1. */
static int parse(int ntok)
{
	int i = 0, n = 0;

	while (i < ntok) {
		struct job *j = &jobs[n];
		if (n == MAXJOBS) {
			fprintf(2, "sh: too many commands on one line\n");
			return -1;
		}
		for (j->ncmd = 0;; i++) { /* commands joined by | */
			if (j->ncmd == MAXCMDS) {
				fprintf(2, "sh: pipeline too long\n");
				return -1;
			}
			if (parse_cmd(&j->cmd[j->ncmd++], &i, ntok) < 0)
				return -1;
			if (i >= ntok || toks[i].kind != '|')
				break;
		}
		j->bg = i < ntok && toks[i].kind == '&';
		if (i < ntok && toks[i].kind != ';' && toks[i].kind != '&')
			return syntax_error(i, ntok);
		i++, n++;
		if (j->bg && i < ntok && toks[i].kind == ';')
			i++; /* "sleep 1 & ; intr": the ; after & adds nothing */
	}
	return n;
}

/* Make fd refer to path (opened with flags); exits the child on failure. */
static void redirect(int fd, const char *path, int flags)
{
	int f = open(path, flags);

	if (f < 0) {
		fprintf(2, "sh: %s: cannot open%s: %s%s\n", path,
			fd ? " for writing" : "", strerror(f),
			f == -EROFS ? " (no file system mounted: the boot files are read-only)"
				    : "");
		exit(1);
	}
	if (f != fd) {
		close(fd);
		if (dup(f) != fd) {
			fprintf(2, "sh: %s: cannot redirect\n", path);
			exit(1);
		}
		close(f);
	}
}

/* A builtin (cd, exit) run in the shell's own process; false if c isn't one. */
static bool builtin(struct cmd *c)
{
	if (!strcmp(c->argv[0], "exit"))
		exit(c->argc > 1 ? atoi(c->argv[1]) : last_status);
	if (strcmp(c->argv[0], "cd"))
		return false;
	const char *dir = c->argc > 1 ? c->argv[1] : "/";
	int err = chdir(dir);
	if (err < 0)
		fprintf(2, "sh: cd: %s: %s\n", dir, strerror(err));
	last_status = err < 0;
	return true;
}

/* Run one command in this (child) process: redirect, then exec. */
static void __attribute__((noreturn)) run_cmd(struct cmd *c)
{
	if (c->in)
		redirect(0, c->in, O_RDONLY);
	if (c->out)
		redirect(1, c->out, O_WRONLY | O_CREATE | O_TRUNC);
	if (builtin(c))
		exit(last_status);
	int err = exec_cmd(c->argv[0], c->argv); /* here, or in / */
	if (err == -ENOENT) {
		fprintf(2, "sh: %s: not found\n", c->argv[0]);
		exit(127);
	}
	fprintf(2, "sh: %s: cannot run: %s\n", c->argv[0], strerror(err));
	exit(126);
}

/* Run a pipeline of j->ncmd commands as children of this process: each
 * reads the pipe from the one before it. Returns the last one's status. */
static int run_pipeline(struct job *j)
{
	int prev = -1, last = -1, status = 0, st, w;

	for (int i = 0; i < j->ncmd; i++) {
		int fds[2] = { -1, -1 };
		bool more = i + 1 < j->ncmd;
		if (more && pipe(fds) < 0) {
			fprintf(2, "sh: pipe failed\n");
			break;
		}
		last = fork();
		if (last == 0) {
			if (prev >= 0)
				close(0), dup(prev), close(prev);
			if (more)
				close(1), dup(fds[1]), close(fds[0]), close(fds[1]);
			run_cmd(&j->cmd[i]);
		}
		if (prev >= 0)
			close(prev);
		if (more)
			close(fds[1]), prev = fds[0];
		if (last < 0) {
			fprintf(2, "sh: fork: %s\n", strerror(last));
			break;
		}
	}
	while ((w = wait(&st)) >= 0)
		if (w == last)
			status = st;
	return status;
}

/* What became of a job, if it did not simply exit. Only wait()'s
 * negative statuses are kernel kills (lib/abi.h): exit(139) is no fault. */
static void report(int pid, int status, bool bg)
{
	const char *how = status == EXIT_KILLED ? "killed" : status == EXIT_FAULT ? "fault" : NULL;

	if (how)
		printf("[pid %d: %s]\n", pid, how);
	else if (WIFSIGNALED(status))
		printf("[pid %d: ended by signal %d]\n", pid, WTERMSIG(status));
	else if (bg)
		printf("[pid %d: done, status %d]\n", pid, status);
}

/* $? for a wait() status: the exit value, or 128 + the signal, as Unix
 * shells show a killed job (137 killed, 139 fault). */
static int shell_status(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Wait for pid; background jobs that end meanwhile are reported after it,
 * so that their notices do not land in the middle of its output. */
static int wait_for(int pid)
{
	static struct { int pid, status; } ended[16];
	int status, w, n = 0, lost = 0;

	while ((w = wait(&status)) != pid) {
		if (w < 0) {
			status = 1; /* no such child: as if it exited 1 */
			break;
		}
		if (n < (int)(sizeof(ended) / sizeof(ended[0])))
			ended[n].pid = w, ended[n++].status = status;
		else
			lost++;
	}
	if (w == pid)
		report(pid, status, false);
	for (int i = 0; i < n; i++)
		report(ended[i].pid, ended[i].status, true);
	if (lost)
		printf("[%d more background jobs ended]\n", lost);
	return status;
}

/* Hand the console's ^C back from a job: to nobody while the shell waits
 * at its prompt (the shell must survive ^C), or to the shell's own group
 * if the kernel doesn't accept "nobody". */
static void console_reclaim(void)
{
	if (interactive && fgset(0) < 0)
		fgset(sh_pgid);
}

/* w with every STATUS_MARK replaced by $?, the status of the job before. */
static char *expand(char *w)
{
	char *out = xbuf + xlen;

	if (!w || !strchr(w, STATUS_MARK))
		return w;
	for (; *w && xlen + 4 < sizeof xbuf; w++) {
		if (*w == STATUS_MARK)
			xlen += snprintf(xbuf + xlen, 4, "%d", last_status & 255);
		else
			xbuf[xlen++] = *w;
	}
	xbuf[xlen++] = '\0';
	return out;
}

/* Start job j in a child (its own process group when interactive). */
static void run_job(struct job *j)
{
	xlen = 0;
	for (int i = 0; i < j->ncmd; i++) {
		struct cmd *c = &j->cmd[i];
		for (int k = 0; k < c->argc; k++)
			c->argv[k] = expand(c->argv[k]);
		c->in = expand(c->in);
		c->out = expand(c->out);
	}
	if (!j->bg && j->ncmd == 1 && builtin(&j->cmd[0]))
		return;
	int pid = fork();
	if (pid == 0) {
		if (interactive)
			setpgid(0, 0);
		if (interactive && !j->bg)
			fgset(getpid());
		if (j->ncmd == 1)
			run_cmd(&j->cmd[0]);
		exit(shell_status(run_pipeline(j))); /* 139 if the last one faulted */
	}
	if (pid < 0) {
		fprintf(2, "sh: fork: %s\n", strerror(pid));
		last_status = 1;
		return;
	}
	if (interactive) { /* the child does the same: whoever runs first wins */
		setpgid(pid, pid);
		if (!j->bg)
			fgset(pid);
	}
	if (j->bg) {
		printf("[%d]\n", pid);
		last_status = 0;
	} else {
		last_status = shell_status(wait_for(pid));
		console_reclaim();
	}
}

/* Read a line into buf; false at end of input. Over-long lines are dropped. */
static bool read_line(char *buf, int max)
{
	for (;;) {
		if (interactive)
			fprintf(2, "$ ");
		if (!gets(buf, max))
			return false;
		size_t len = strlen(buf);
		if (len + 1 < (size_t)max || buf[len - 1] == '\n')
			return true;
		while (gets(buf, max) && buf[strlen(buf) - 1] != '\n')
			;
		fprintf(2, "sh: line too long (max %d)\n", max - 2);
	}
}

int main(void)
{
	static char line[MAXLINE];
	struct stat st;

	interactive = fstat(0, &st) == 0 && st.type == T_DEVICE;
	if (interactive) {
		setpgid(0, 0); /* a group of our own, safe from our jobs' ^C */
		sh_pgid = getpid();
		console_reclaim();
	}
	while (read_line(line, sizeof line)) {
		int n = lex(line);
		if (n > 0)
			n = parse(n);
		if (n < 0)
			last_status = 2;
		for (int i = 0; i < n; i++)
			run_job(&jobs[i]);
	}
	if (interactive)
		printf("exit\n"); /* ^D echoes nothing: end the prompt's line */
	return last_status;
}
