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
