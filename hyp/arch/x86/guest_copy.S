/* SPDX-License-Identifier: MIT */
/*
 * raw_guest_copy(dst, src, len) -> bytes NOT copied (0 on success).
 * A fault on the rep movsb lands in fixup_guest_access(), which resumes at
 * guest_copy_fault with rcx still holding the bytes left.
 */
	.text
	.globl raw_guest_copy, guest_copy_insn, guest_copy_fault
raw_guest_copy:
	movq %rdx, %rcx
guest_copy_insn:
	rep movsb
	xorl %eax, %eax
	ret
guest_copy_fault:
	movq %rcx, %rax
	ret

/*
 * load_guest_selectors(sel[4]) loads a vCPU's ds, es, fs, gs. A selector
 * whose descriptor is no longer usable faults; fixup_guest_access() then
 * retries the load with the null selector in eax and sets edx. Returns
 * nonzero if any selector was replaced (the guest's failsafe callback is
 * due); the caller rewrites the fs/gs bases after.
 */
	.macro LOAD_SEL seg, off
	movzwl \off(%rdi), %eax
load_\seg\()_insn:
	movl %eax, %\seg
load_\seg\()_done:
	.endm

	.globl load_guest_selectors
	.globl load_ds_insn, load_es_insn, load_fs_insn, load_gs_insn
	.globl load_ds_done, load_es_done, load_fs_done, load_gs_done
load_guest_selectors:
	xorl %edx, %edx
	LOAD_SEL ds, 0
	LOAD_SEL es, 2
	LOAD_SEL fs, 4
	LOAD_SEL gs, 6
	movl %edx, %eax
	ret
