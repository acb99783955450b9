// SPDX-License-Identifier: MIT
/*
 * Multiboot1 and multiboot2 information, copied into boot_info. The info
 * block is read through the early direct map (first 4 GiB), and every
 * length inside it is bounded before use.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/string.h>
#include <asm/page.h>

#define MB1_BOOT_MAGIC 0x2badb002
#define MB2_BOOT_MAGIC 0x36d76289

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER (1u << 9)

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

/* Bound on the info block we walk: far beyond any real loader's. */
#define MB_INFO_MAX (1u << 20)
#define EARLY_MAP_LIMIT (4ULL << 30)

struct boot_info boot_info;

static const void *phys(uint64_t ma)
{
	return maddr_to_virt(ma);
}

/* Copy a NUL-terminated string that lives at a machine address. */
static void copy_string(char *dst, unsigned long size, uint64_t ma)
{
	const char *src;
	unsigned long i;

	dst[0] = '\0';
	if (!ma || ma >= EARLY_MAP_LIMIT - size)
		return;
	src = phys(ma);
	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static void add_mem(uint64_t base, uint64_t len, uint32_t type)
{
	if (boot_info.nr_mem >= BOOT_MAX_MEM_RANGES) {
		boot_info.dropped++;
		return;
	}
	boot_info.mem[boot_info.nr_mem++] =
		(struct boot_mem_range){ base, len, type };
}

static void add_module(uint64_t start, uint64_t end, uint64_t string)
{
	struct boot_module *m;

	if (boot_info.nr_modules >= BOOT_MAX_MODULES || end < start) {
		boot_info.dropped++;
		return;
	}
	m = &boot_info.modules[boot_info.nr_modules++];
	m->start = start;
	m->end = end;
	copy_string(m->string, sizeof(m->string), string);
}

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb1_module {
	uint32_t start, end, string, reserved;
};

struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

static void parse_mb1(uint64_t info_ma)
{
	const struct mb1_info *mbi = phys(info_ma);

	if (mbi->flags & MB1_INFO_CMDLINE)
		copy_string(boot_info.cmdline, sizeof(boot_info.cmdline),
			    mbi->cmdline);
	if (mbi->flags & MB1_INFO_LOADER)
		copy_string(boot_info.loader, sizeof(boot_info.loader),
			    mbi->boot_loader_name);
	if (mbi->flags & MB1_INFO_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

		while (p + sizeof(struct mb1_mmap_entry) <= end) {
			const struct mb1_mmap_entry *e = phys(p);

			add_mem(e->base, e->len, e->type);
			if (e->size < 20)
				break; /* malformed: would not advance */
			p += e->size + 4;
		}
	} else {
		/* Only the two classic sizes: low memory and memory above 1M. */
		add_mem(0, (uint64_t)mbi->mem_lower << 10, BOOT_MEM_RAM);
		add_mem(1 << 20, (uint64_t)mbi->mem_upper << 10, BOOT_MEM_RAM);
	}
	if (mbi->flags & MB1_INFO_MODS) {
		const struct mb1_module *mod = phys(mbi->mods_addr);

		for (uint32_t i = 0; i < mbi->mods_count; i++)
			add_module(mod[i].start, mod[i].end, mod[i].string);
	}
}

struct mb2_tag {
	uint32_t type, size;
};

static void parse_mb2_mmap(uint64_t tag_ma, uint32_t size)
{
	const uint32_t *hdr = phys(tag_ma + 8);
	uint32_t entry_size = hdr[0];
	uint64_t p = tag_ma + 16, end = tag_ma + size;

	if (entry_size < 24)
		return;
	for (; p + entry_size <= end; p += entry_size) {
		const uint64_t *e = phys(p);

		add_mem(e[0], e[1], (uint32_t)e[2]);
	}
}

static void parse_mb2(uint64_t info_ma)
{
	uint32_t total = *(const uint32_t *)phys(info_ma);
	uint64_t p = info_ma + 8, end;

	if (total > MB_INFO_MAX)
		total = MB_INFO_MAX;
	end = info_ma + total;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = phys(p);

		if (tag->type == MB2_TAG_END || tag->size < 8 ||
		    p + tag->size > end)
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			copy_string(boot_info.cmdline,
				    sizeof(boot_info.cmdline), p + 8);
			break;
		case MB2_TAG_LOADER:
			copy_string(boot_info.loader, sizeof(boot_info.loader),
				    p + 8);
			break;
		case MB2_TAG_MODULE: {
			const uint32_t *m = phys(p + 8);

			add_module(m[0], m[1], p + 16);
			break;
		}
		case MB2_TAG_MMAP:
			parse_mb2_mmap(p, tag->size);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 copy when both are given. */
			if (!boot_info.has_rsdp ||
			    tag->type == MB2_TAG_ACPI_NEW) {
				uint32_t n = tag->size - 8;

				if (n > sizeof(boot_info.rsdp))
					n = sizeof(boot_info.rsdp);
				memcpy(boot_info.rsdp, phys(p + 8), n);
				boot_info.has_rsdp = 1;
			}
			break;
		}
		p += (tag->size + 7) & ~7u;
	}
}

/*
 * QEMU and GRUB legacy put the image's own path first on the command line;
 * GRUB 2 does not. Drop that first word, as Xen does.
 */
static void strip_image_name(void)
{
	char *s = boot_info.cmdline;
	unsigned long i = 0;

	if (!strncmp(boot_info.loader, "GRUB 2", 6))
		return;
	while (s[i] == ' ')
		i++;
	while (s[i] && s[i] != ' ')
		i++;
	while (s[i] == ' ')
		i++;
	memmove(s, s + i, strlen(s + i) + 1);
}

int multiboot_parse(uint32_t magic, uint64_t info_ma)
{
	if (info_ma >= EARLY_MAP_LIMIT - MB_INFO_MAX)
		return -1;
	if (magic == MB1_BOOT_MAGIC) {
		boot_info.multiboot_version = 1;
		parse_mb1(info_ma);
	} else if (magic == MB2_BOOT_MAGIC) {
		boot_info.multiboot_version = 2;
		parse_mb2(info_ma);
	} else {
		return -1;
	}
	strip_image_name();
	return 0;
}
