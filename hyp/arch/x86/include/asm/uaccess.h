/* SPDX-License-Identifier: MIT */
/*
 * The only way the hypervisor touches guest memory: copies that check the
 * address range first and turn a page fault into -EFAULT instead of a
 * hypervisor crash. A guest pointer is never dereferenced directly.
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm/regs.h>

/* 48-bit canonical: bits 63..47 all equal. */
static inline bool is_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* Is [va, va + len) a range a guest may name (canonical, not ours)? */
bool guest_range_ok(uint64_t va, size_t len);

/* 0 on success, -XEN_EFAULT if any byte could not be copied. */
int copy_from_guest(void *dst, uint64_t guest_va, size_t len);
int copy_to_guest(uint64_t guest_va, const void *src, size_t len);

/* Called for a hypervisor-mode fault: resume at the copy's error exit. */
bool fixup_guest_access(struct cpu_user_regs *regs);

#endif
