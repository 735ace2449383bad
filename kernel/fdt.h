/* SPDX-License-Identifier: MIT */
/* A read-only walker over a flattened device tree (DTB) blob. */
#pragma once
#include "../lib/types.h"

struct fdt {
	const uint8_t *blob;
	const uint8_t *structs; /* structure block */
	const char *strings;    /* strings block */
	uint32_t struct_size, strings_size, total_size;
};

/* Nodes are named by their byte offset in the structure block; -1 is none. */

/* fdt_init - check the header of blob; returns 0 or -EINVAL. */
int fdt_init(struct fdt *f, const void *blob);
/* fdt_next_node - the node after node in document order (-1: the root);
 * *depth is adjusted by how far the walk went down or up. */
int fdt_next_node(const struct fdt *f, int node, int *depth);
/* fdt_name - the node's name ("" for the root), never NULL for a valid node. */
const char *fdt_name(const struct fdt *f, int node);
/* fdt_getprop - a property's value and length, or NULL if absent. */
const void *fdt_getprop(const struct fdt *f, int node, const char *name, int *len);
/* fdt_path - the node at an absolute path such as "/cpus" (no unit needed). */
int fdt_path(const struct fdt *f, const char *path);
/* fdt_compatible - the first node after from whose compatible list holds compat. */
int fdt_compatible(const struct fdt *f, int from, const char *compat);
/* fdt_phandle - the node whose phandle is ph. */
int fdt_phandle(const struct fdt *f, uint32_t ph);
/* fdt_parent - the parent of node (-1 for the root). */
int fdt_parent(const struct fdt *f, int node);
/* fdt_reg - entry i of a node's reg property, sized by its parent's cells. */
int fdt_reg(const struct fdt *f, int node, int i, uint64_t *addr, uint64_t *size);
/* fdt_u32 - a one-cell property, or dflt if missing. */
uint32_t fdt_u32(const struct fdt *f, int node, const char *name, uint32_t dflt);
/* fdt_be32/64 - read a big-endian cell from an unaligned pointer. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_cells(const void *p, int ncells);
