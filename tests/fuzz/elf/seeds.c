/* SPDX-License-Identifier: MIT */
/* Writes seed images for the fuzzer: seeds DIR */
#include <stdio.h>

#include "../../unit/elf/builder.h"

static void save(const char *dir, const char *name, const struct builder *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->buf, 1, b->len, f) != b->len) {
		perror(path);
		return;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	static struct builder b;

	if (argc != 2)
		return 2;
	build_notes_image(&b);
	save(argv[1], "notes.elf", &b);
	build_legacy_image(&b, "GUEST_OS=linux,XEN_VER=xen-3.0,"
			       "VIRT_BASE=0xffffffff80000000,"
			       "ELF_PADDR_OFFSET=0x0,"
			       "VIRT_ENTRY=0xffffffff81000040,"
			       "HYPERCALL_PAGE=0x1001,FEATURES=!dom0");
	save(argv[1], "legacy.elf", &b);
	build_notes_image(&b);
	builder_add_section(&b, ".note.Xen", ELF_SHT_NOTE, b.notes,
			    b.notes_len);
	save(argv[1], "sections.elf", &b);
	return 0;
}
