/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_SYMBOLS_H
#define LAMINA_SYMBOLS_H

/* Name of the function containing addr and the offset into it, or NULL. */
const char *symbol_lookup(unsigned long addr, unsigned long *offset);

#endif
