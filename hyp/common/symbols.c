// SPDX-License-Identifier: MIT
/*
 * Address-to-name lookup for backtraces. The table is generated from a
 * first link of the image (scripts/gensyms.py) and linked into the final
 * one; the first link sees the empty weak table below.
 */
#include <stddef.h>
#include <lamina/symbols.h>

struct symbol {
	unsigned long addr;
	const char *name;
};

__attribute__((weak)) const struct symbol hyp_symbols[] = { { 0, NULL } };
__attribute__((weak)) const unsigned long hyp_symbols_count;

const char *symbol_lookup(unsigned long addr, unsigned long *offset)
{
	size_t lo = 0, hi = hyp_symbols_count;

	/* Binary search for the last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (hyp_symbols[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*offset = addr - hyp_symbols[lo - 1].addr;
	return hyp_symbols[lo - 1].name;
}
