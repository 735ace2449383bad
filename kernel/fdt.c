// SPDX-License-Identifier: MIT
// Flattened device tree walker: every read is bounds-checked against the header.
#include "fdt.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_cells(const void *p, int ncells)
{
	uint64_t v = 0;
	for (int i = 0; i < ncells; i++)
		v = v << 32 | fdt_be32((const uint8_t *)p + 4 * i);
	return v;
}

int fdt_init(struct fdt *f, const void *blob)
{
	const uint8_t *b = blob;
	uint32_t off_struct, off_strings;

	if (!b || fdt_be32(b) != FDT_MAGIC || fdt_be32(b + 20) < 16)
		return -EINVAL;
	f->blob = b;
	f->total_size = fdt_be32(b + 4);
	off_struct = fdt_be32(b + 8);
	off_strings = fdt_be32(b + 12);
	f->strings_size = fdt_be32(b + 32);
	f->struct_size = fdt_be32(b + 36);
	if (f->total_size < 40 || off_struct > f->total_size ||
	    f->struct_size > f->total_size - off_struct ||
	    off_strings > f->total_size ||
	    f->strings_size > f->total_size - off_strings || (off_struct & 3))
		return -EINVAL;
	f->structs = b + off_struct;
	f->strings = (const char *)b + off_strings;
	return 0;
}

static uint32_t token(const struct fdt *f, int off)
{
	if (off < 0 || (uint32_t)off + 4 > f->struct_size)
		return FDT_END;
	return fdt_be32(f->structs + off);
}

/* Offset just past a node's name, or past a property, 4-byte aligned. */
static int skip_name(const struct fdt *f, int node)
{
	int len = strnlen((const char *)f->structs + node + 4, f->struct_size - node - 4);
	return ALIGN_UP(node + 4 + len + 1, 4);
}

static int skip_prop(const struct fdt *f, int off)
{
	if ((uint32_t)off + 12 > f->struct_size)
		return -1;
	uint32_t len = fdt_be32(f->structs + off + 4);
	if (len > f->struct_size - off - 12)
		return -1;
	return ALIGN_UP(off + 12 + len, 4);
}

int fdt_next_node(const struct fdt *f, int node, int *depth)
{
	int off = node < 0 ? 0 : skip_name(f, node);
	if (node >= 0)
		(*depth)++;
	while (off >= 0 && (uint32_t)off < f->struct_size) {
		switch (token(f, off)) {
		case FDT_BEGIN_NODE:
			return off;
		case FDT_END_NODE:
			(*depth)--;
			off += 4;
			break;
		case FDT_PROP:
			off = skip_prop(f, off);
			break;
		case FDT_NOP:
			off += 4;
			break;
		default:
			return -1;
		}
	}
	return -1;
}

const char *fdt_name(const struct fdt *f, int node)
{
	return (const char *)f->structs + node + 4;
}

const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *len)
{
	int off = skip_name(f, node);
	for (;;) {
		uint32_t t = token(f, off);
		if (t == FDT_NOP) {
			off += 4;
			continue;
		}
		if (t != FDT_PROP)
			return NULL;
		int next = skip_prop(f, off);
		if (next < 0)
			return NULL;
		uint32_t nameoff = fdt_be32(f->structs + off + 8);
		if (nameoff < f->strings_size &&
		    strncmp(f->strings + nameoff, name, f->strings_size - nameoff) == 0) {
			if (len)
				*len = fdt_be32(f->structs + off + 4);
			return f->structs + off + 12;
		}
		off = next;
	}
}

/* Does a node name ("cpu@0") match a path component ("cpu" or "cpu@0")? */
static bool name_match(const char *name, const char *comp, int clen)
{
	if (strncmp(name, comp, clen) != 0)
		return false;
	return name[clen] == 0 || (name[clen] == '@' && !memchr(comp, '@', clen));
}

int fdt_path(const struct fdt *f, const char *path)
{
	int depth = 0, node = fdt_next_node(f, -1, &depth), want = 1;
	while (*path == '/')
		path++;
	while (*path && node >= 0) {
		const char *end = strchr(path, '/');
		int clen = end ? end - path : (int)strlen(path);
		node = fdt_next_node(f, node, &depth);
		while (node >= 0 && depth >= want) {
			if (depth == want && name_match(fdt_name(f, node), path, clen))
				break;
			node = fdt_next_node(f, node, &depth);
		}
		if (node < 0 || depth < want)
			return -1;
		path += clen;
		while (*path == '/')
			path++;
		want++;
	}
	return node;
}

int fdt_compatible(const struct fdt *f, int from, const char *compat)
{
	int depth = 0, len;
	for (int n = fdt_next_node(f, from, &depth); n >= 0; n = fdt_next_node(f, n, &depth)) {
		const char *p = fdt_getprop(f, n, "compatible", &len);
		for (int i = 0; p && i < len; i += strnlen(p + i, len - i) + 1)
			if (strncmp(p + i, compat, len - i) == 0)
				return n;
	}
	return -1;
}

int fdt_phandle(const struct fdt *f, uint32_t ph)
{
	int depth = 0;
	for (int n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth))
		if (fdt_u32(f, n, "phandle", 0) == ph)
			return n;
	return -1;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[16], depth = 0;
	for (int n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth)) {
		if (depth < 0 || depth >= 16) /* the root is at depth 0 */
			return -1;
		stack[depth] = n;
		if (n == node)
			return depth > 0 ? stack[depth - 1] : -1;
	}
	return -1;
}

uint32_t fdt_u32(const struct fdt *f, int node, const char *name, uint32_t dflt)
{
	int len;
	const void *p = fdt_getprop(f, node, name, &len);
	return p && len >= 4 ? fdt_be32(p) : dflt;
}

int fdt_reg(const struct fdt *f, int node, int i, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent(f, node), len;
	int ac = parent >= 0 ? fdt_u32(f, parent, "#address-cells", 2) : 2;
	int sc = parent >= 0 ? fdt_u32(f, parent, "#size-cells", 1) : 1;
	const uint8_t *p = fdt_getprop(f, node, "reg", &len);
	int stride = 4 * (ac + sc);

	if (!p || ac > 2 || sc > 2 || stride == 0 || (i + 1) * stride > len)
		return -ENOENT;
	p += i * stride;
	*addr = fdt_cells(p, ac);
	*size = sc ? fdt_cells(p + 4 * ac, sc) : 0;
	return 0;
}
