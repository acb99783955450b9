/* SPDX-License-Identifier: MIT */
/*
 * Xen ELF notes for a PV kernel, for use from assembly:
 *   XEN_ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "libpv")
 *   XEN_ELFNOTE(XEN_ELFNOTE_ENTRY, .quad, _start)
 * A note is: namesz, descsz, type, "Xen\0", desc, each part 4-byte aligned.
 * The notes go in section .note.Xen, which the linker script puts in a
 * PT_NOTE segment.
 */
#ifndef LIBPV_XEN_NOTES_H
#define LIBPV_XEN_NOTES_H

#include <xen/elfnote.h>

#ifdef __ASSEMBLER__
/* clang-format off */
#define XEN_ELFNOTE(type, kind, value)                  \
	.pushsection .note.Xen, "a", @note;             \
	.balign 4;                                      \
	.long 2f - 1f;                                  \
	.long 4f - 3f;                                  \
	.long type;                                     \
1:	.asciz "Xen";                                   \
2:	.balign 4;                                      \
3:	kind value;                                     \
4:	.balign 4;                                      \
	.popsection
/* clang-format on */
#endif

#endif
