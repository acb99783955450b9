/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for hyp/common/elf_image.c: any input must parse or
 * fail cleanly, and an accepted image must satisfy the invariants the
 * domain builder relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lamina/elf_image.h>

#define REQUIRE(c)                        \
	do {                              \
		if (!(c))                 \
			__builtin_trap(); \
	} while (0)

struct span {
	const struct elf_image_info *info;
	uint64_t written;
};

static int check_write(void *ctx, uint64_t vaddr, const void *src, uint64_t len)
{
	struct span *s = ctx;
	volatile uint8_t sink = 0;

	REQUIRE(vaddr >= s->info->virt_kstart);
	REQUIRE(len <= s->info->virt_kend - vaddr);
	/* Touch the source so ASan sees any read outside the buffer. */
	if (src && len) {
		sink ^= ((const uint8_t *)src)[0];
		sink ^= ((const uint8_t *)src)[len - 1];
	}
	(void)sink;
	s->written += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image_info info;
	/* An exact-size copy, so reading one byte past it is caught. */
	uint8_t *buf = malloc(size ? size : 1);
	struct span span = { &info, 0 };
	uint64_t total = 0;

	memcpy(buf, data, size);
	if (elf_image_parse(buf, size, &info) == 0) {
		REQUIRE(info.nsegments >= 1);
		REQUIRE(info.nsegments <= ELF_IMAGE_MAX_SEGMENTS);
		REQUIRE(info.virt_kstart <= info.virt_kend);
		REQUIRE(info.entry >= info.virt_kstart);
		REQUIRE(info.entry <= info.virt_kend);
		for (uint32_t i = 0; i < info.nsegments; i++) {
			const struct elf_segment *s = &info.segments[i];

			REQUIRE(s->filesz <= s->memsz);
			REQUIRE(s->offset <= size);
			REQUIRE(s->filesz <= size - s->offset);
			if (i)
				REQUIRE(s->paddr >= s[-1].paddr + s[-1].memsz);
			total += s->memsz;
		}
		REQUIRE(elf_image_load(buf, size, &info, check_write, &span) ==
			0);
		REQUIRE(span.written == total);
	} else {
		REQUIRE(info.error != ELF_IMAGE_OK);
		REQUIRE(info.reason[0] != '\0');
		REQUIRE(info.nsegments == 0);
	}
	free(buf);
	return 0;
}
