// SPDX-License-Identifier: MIT
// Boot arguments: a table of known keys; anything else is warned about by name.
#include "bootargs.h"
#include "printk.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_ARGS 16
#define ARG_LEN BOOTARG_LEN

static const struct {
	const char *key, *help;
} known[] = {
	{ "ktest", "run the in-kernel tests (ktest=NAME runs one) and exit" },
	{ "crash", "fault on purpose after boot: load store illegal ebreak lock stack bootstack panic" },
	{ "panic", "panic=halt keeps QEMU running after a panic (default: exit 2)" },
	{ "hz", "timer interrupts per second on each hart (default 100)" },
	{ "init", "the first program (default: init)" },
	{ "initargs", "its arguments, separated by commas: initargs=-s,forkall" },
	{ "monitor", "run the kernel monitor instead of user space" },
	{ "reserve", "harts that run only pinned threads, e.g. reserve=2,3" },
	{ "pmem", "the hart that runs the pmem device: pmem=HART, pmem=last (default), pmem=off" },
	{ "pmem_lat", "pmem emulated media latency in ns (default 0)" },
	{ "pmem_mode", "pmem completions: irq (default), poll or hybrid" },
	{ "pmem_coalesce", "pmem interrupt coalescing: pmem_coalesce=N,US (an IPI per N or after US)" },
	{ "pmemctl", "pmemctl=open: any process may change pmem settings (default: init only)" },
	{ "pmem_spin", "microseconds the idle pmem device polls before it sleeps (default 50)" },
	{ "pmem_fail", "pmem fault injection: pmem_fail=BLOCK[,COUNT] fail with media errors" },
	{ "workers", "syscall worker harts (default 1 with at least 4 harts; 0: none)" },
	{ "xl_spin", "microseconds a syscall worker polls before it sleeps (default 200)" },
	{ "isolate", "page-table isolation: off (default), on (satp switch and TLB flush per trap), asid" },
	{ "ipi", "ipi=sbi: raise IPIs through the firmware even if the machine has an ACLINT SSWI" },
	{ "help", "list these arguments" },
};

static struct {
	char key[ARG_LEN], value[ARG_LEN];
} args[MAX_ARGS];
static int nargs;

static bool is_known(const char *key)
{
	for (unsigned i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(known[i].key, key) == 0)
			return true;
	return false;
}

/* Store one word "key" or "key=value"; returns false if it is malformed. */
static bool add_word(const char *w, int len)
{
	const char *eq = memchr(w, '=', len);
	int klen = eq ? eq - w : len;
	int vlen = eq ? len - klen - 1 : 0;

	if (klen == 0 || klen >= ARG_LEN || vlen >= ARG_LEN || nargs == MAX_ARGS)
		return false;
	memcpy(args[nargs].key, w, klen);
	args[nargs].key[klen] = 0;
	if (eq)
		memcpy(args[nargs].value, eq + 1, vlen);
	args[nargs].value[vlen] = 0;
	if (!is_known(args[nargs].key))
		kprintf("bootargs: unknown argument '%s' ignored (try 'help')\n", args[nargs].key);
	nargs++;
	return true;
}

void bootargs_parse(const char *s)
{
	while (*s) {
		int len = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		while (s[len] && s[len] != ' ' && s[len] != '\t')
			len++;
		if (len && !add_word(s, len))
			kprintf("bootargs: malformed or too many: '%.*s'\n", len, s);
		s += len;
	}
}

const char *bootarg_get(const char *key)
{
	for (int i = nargs - 1; i >= 0; i--) /* the last one given wins */
		if (strcmp(args[i].key, key) == 0)
			return args[i].value;
	return NULL;
}

bool bootarg_is(const char *key, const char *value)
{
	const char *v = bootarg_get(key);
	return v && strcmp(v, value) == 0;
}

unsigned long bootarg_ulong(const char *key, unsigned long dflt)
{
	const char *v = bootarg_get(key);
	unsigned long n;
	if (!v)
		return dflt;
	if (parse_ulong(v, &n)) {
		kprintf("bootargs: %s=%s is not a number; using %lu\n", key, v, dflt);
		return dflt;
	}
	return n;
}

int bootarg_words(const char *key, struct bootarg_words *out)
{
	const char *v = bootarg_get(key);
	char *s = out->buf;

	out->n = 0;
	out->dropped = false;
	nagi_strlcpy(out->buf, v ? v : "", sizeof(out->buf));
	while (*s) {
		if (out->n == BOOTARG_MAX_WORDS) {
			out->dropped = true;
			break;
		}
		out->w[out->n++] = s;
		while (*s && *s != ',')
			s++;
		if (*s)
			*s++ = 0;
	}
	return out->n;
}

int bootarg_numbers(const char *key, unsigned long *out, int max)
{
	struct bootarg_words words;
	int n = bootarg_words(key, &words);

	if (words.dropped || n > max)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (parse_ulong(words.w[i], &out[i]))
			return -EINVAL;
	return n;
}

void bootargs_help(void)
{
	kprintf("nagi boot arguments (make run BOOTARGS='...'):\n");
	for (unsigned i = 0; i < ARRAY_SIZE(known); i++)
		kprintf("  %-8s %s\n", known[i].key, known[i].help);
}
