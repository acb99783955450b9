/* SPDX-License-Identifier: MIT */
/*
 * Guest kernel images: an untrusted ELF64 buffer in, a validated
 * elf_image_info out. Every offset + size is checked against the buffer
 * with arithmetic that cannot overflow, and every structure is copied out
 * with memcpy, so a hostile image can neither read past the buffer nor
 * cause unaligned accesses. The rules for the Xen notes follow Xen's
 * libelf, so images Xen loads load here, and images it refuses are
 * refused.
 */
#include <lamina/elf_image.h>
#include <lamina/string.h>
#include <xen/elfnote.h>
#include <xen/errno.h>

struct image {
	const uint8_t *data;
	uint64_t len;
	struct elf_image_info *info;
	struct elf64_ehdr ehdr;
	uint32_t xen_notes; /* Xen notes seen */
	uint32_t notes; /* notes of any owner seen */
	bool paddr_offset_set;
	bool virt_base_set;
};

/* Error reporting: a short reason built without printf. */

static void append(char *buf, size_t size, size_t *pos, const char *s)
{
	while (*s && *pos + 1 < size)
		buf[(*pos)++] = *s++;
	buf[*pos] = '\0';
}

static void append_num(char *buf, size_t size, size_t *pos, uint64_t n)
{
	char tmp[21];
	int i = 20;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	append(buf, size, pos, &tmp[i]);
}

/* fail(img, err, "segment ", 2, " overlaps segment ", 1); -1 omits a number */
static int fail(struct image *img, enum elf_image_error err, const char *a,
		int64_t n1, const char *b, int64_t n2)
{
	struct elf_image_info *info = img->info;
	size_t pos = 0;

	info->reason[0] = '\0';
	append(info->reason, sizeof(info->reason), &pos, a);
	if (n1 >= 0)
		append_num(info->reason, sizeof(info->reason), &pos,
			   (uint64_t)n1);
	if (b)
		append(info->reason, sizeof(info->reason), &pos, b);
	if (n2 >= 0)
		append_num(info->reason, sizeof(info->reason), &pos,
			   (uint64_t)n2);
	info->error = err;
	return err == ELF_IMAGE_NOT_ELF || err == ELF_IMAGE_UNSUPPORTED ?
		       -XEN_ENOEXEC :
		       -XEN_EINVAL;
}

#define FAIL(img, err, msg) fail(img, err, msg, -1, NULL, -1)

/* Is [off, off + size) inside the buffer? */
static bool in_image(const struct image *img, uint64_t off, uint64_t size)
{
	return off <= img->len && size <= img->len - off;
}

/* Is [off, off + count * entsize) inside the buffer? */
static bool table_in_image(const struct image *img, uint64_t off,
			   uint64_t count, uint64_t entsize)
{
	/* count and entsize are 16-bit fields: no overflow. */
	return in_image(img, off, count * entsize);
}

static void read_phdr(const struct image *img, uint32_t i,
		      struct elf64_phdr *ph)
{
	memcpy(ph, img->data + img->ehdr.e_phoff + (uint64_t)i * sizeof(*ph),
	       sizeof(*ph));
}

static void read_shdr(const struct image *img, uint32_t i,
		      struct elf64_shdr *sh)
{
	memcpy(sh, img->data + img->ehdr.e_shoff + (uint64_t)i * sizeof(*sh),
	       sizeof(*sh));
}

static int check_header(struct image *img)
{
	struct elf64_ehdr *eh = &img->ehdr;
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (img->len < sizeof(*eh))
		return FAIL(img, ELF_IMAGE_TRUNCATED, "ELF header truncated");
	memcpy(eh, img->data, sizeof(*eh));
	if (memcmp(eh->e_ident, magic, sizeof(magic)))
		return FAIL(img, ELF_IMAGE_NOT_ELF, "not an ELF file");
	if (eh->e_ident[4] != ELF_CLASS64)
		return FAIL(img, ELF_IMAGE_NOT_ELF, "not a 64-bit ELF file");
	if (eh->e_ident[5] != ELF_DATA2LSB)
		return FAIL(img, ELF_IMAGE_NOT_ELF, "not little-endian");
	if (eh->e_ident[6] != 1 || eh->e_version != 1)
		return FAIL(img, ELF_IMAGE_NOT_ELF, "unknown ELF version");
	if (eh->e_machine != ELF_EM_X86_64)
		return FAIL(img, ELF_IMAGE_UNSUPPORTED, "not an x86-64 image");
	if (eh->e_type != ELF_ET_EXEC)
		return FAIL(img, ELF_IMAGE_UNSUPPORTED, "not an executable");

	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return FAIL(img, ELF_IMAGE_BAD_PHDRS, "bad e_phentsize");
	if (eh->e_phnum == 0)
		return FAIL(img, ELF_IMAGE_BAD_PHDRS, "no program headers");
	if (eh->e_phnum > ELF_IMAGE_MAX_PHDRS)
		return FAIL(img, ELF_IMAGE_BAD_PHDRS,
			    "too many program headers");
	if (!table_in_image(img, eh->e_phoff, eh->e_phnum, eh->e_phentsize))
		return FAIL(img, ELF_IMAGE_TRUNCATED,
			    "program headers past end of image");

	if (eh->e_shnum == 0)
		return 0;
	if (eh->e_shentsize != sizeof(struct elf64_shdr))
		return FAIL(img, ELF_IMAGE_BAD_SHDRS, "bad e_shentsize");
	if (eh->e_shnum > ELF_IMAGE_MAX_SHDRS)
		return FAIL(img, ELF_IMAGE_BAD_SHDRS, "too many sections");
	if (!table_in_image(img, eh->e_shoff, eh->e_shnum, eh->e_shentsize))
		return FAIL(img, ELF_IMAGE_TRUNCATED,
			    "section headers past end of image");
	if (eh->e_shstrndx >= eh->e_shnum)
		return FAIL(img, ELF_IMAGE_BAD_SHDRS, "bad e_shstrndx");
	return 0;
}

/* Collect PT_LOAD segments: each in the file, none wrapping, sorted. */
static int check_segments(struct image *img)
{
	struct elf_image_info *info = img->info;

	for (uint32_t i = 0; i < img->ehdr.e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_segment *seg, *prev;

		read_phdr(img, i, &ph);
		if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
			continue;
		if (!(ph.p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X)))
			continue; /* as Xen: not loadable */
		if (ph.p_filesz > ph.p_memsz)
			return fail(img, ELF_IMAGE_BAD_SEGMENT,
				    "program header ", i, " has filesz > memsz",
				    -1);
		if (!in_image(img, ph.p_offset, ph.p_filesz))
			return fail(img, ELF_IMAGE_TRUNCATED, "program header ",
				    i, " data past end of image", -1);
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr ||
		    ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return fail(img, ELF_IMAGE_BAD_SEGMENT,
				    "program header ", i,
				    " wraps around the address space", -1);
		if (info->nsegments == ELF_IMAGE_MAX_SEGMENTS)
			return FAIL(img, ELF_IMAGE_BAD_SEGMENT,
				    "too many loadable segments");

		seg = &info->segments[info->nsegments];
		*seg = (struct elf_segment){
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.memsz = ph.p_memsz,
			.paddr = ph.p_paddr,
			.flags = ph.p_flags,
		};
		if (info->nsegments) {
			prev = seg - 1;
			if (seg->paddr < prev->paddr)
				return fail(img, ELF_IMAGE_OVERLAP, "segment ",
					    info->nsegments,
					    " is below segment ",
					    info->nsegments - 1);
			if (seg->paddr < prev->paddr + prev->memsz)
				return fail(img, ELF_IMAGE_OVERLAP, "segment ",
					    info->nsegments,
					    " overlaps segment ",
					    info->nsegments - 1);
		}
		info->nsegments++;
	}
	if (!info->nsegments)
		return FAIL(img, ELF_IMAGE_BAD_SEGMENT, "no loadable segments");
	return 0;
}

/* Notes. */

static void copy_string(char *dst, const uint8_t *src, size_t len)
{
	size_t n = strnlen((const char *)src, len);

	if (n > ELF_IMAGE_STR - 1)
		n = ELF_IMAGE_STR - 1; /* Xen truncates too */
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int read_numeric(struct image *img, const uint8_t *desc, uint32_t size,
			uint32_t type, uint64_t *out)
{
	uint64_t v = 0;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(img, ELF_IMAGE_BAD_NOTE, "Xen note ", type,
			    " has a bad numeric size", -1);
	for (uint32_t i = size; i > 0; i--)
		v = v << 8 | desc[i - 1];
	*out = v;
	return 0;
}

static bool note_is_string(uint32_t type)
{
	switch (type) {
	case XEN_ELFNOTE_XEN_VERSION:
	case XEN_ELFNOTE_GUEST_OS:
	case XEN_ELFNOTE_GUEST_VERSION:
	case XEN_ELFNOTE_LOADER:
	case XEN_ELFNOTE_PAE_MODE:
	case XEN_ELFNOTE_FEATURES:
	case XEN_ELFNOTE_BSD_SYMTAB:
		return true;
	default:
		return false;
	}
}

static int note_string(struct image *img, uint32_t type, const uint8_t *desc,
		       uint32_t size)
{
	struct elf_image_info *info = img->info;

	/* A string ends at its NUL or at the note's end: Linux's FEATURES
	 * note carries no NUL, and Xen takes it as it is. */
	switch (type) {
	case XEN_ELFNOTE_XEN_VERSION:
		copy_string(info->xen_version, desc, size);
		break;
	case XEN_ELFNOTE_GUEST_OS:
		copy_string(info->guest_os, desc, size);
		break;
	case XEN_ELFNOTE_GUEST_VERSION:
		copy_string(info->guest_version, desc, size);
		break;
	case XEN_ELFNOTE_LOADER:
		copy_string(info->loader, desc, size);
		break;
	case XEN_ELFNOTE_PAE_MODE:
		copy_string(info->pae_mode, desc, size);
		break;
	case XEN_ELFNOTE_BSD_SYMTAB:
		info->bsd_symtab = strnlen((const char *)desc, size) == 3 &&
				   !memcmp(desc, "yes", 3);
		break;
	case XEN_ELFNOTE_FEATURES:
		if (elf_image_parse_features((const char *)desc, size,
					     info->features_supported,
					     info->features_required))
			return FAIL(img, ELF_IMAGE_REFUSED,
				    "requires an unknown feature");
		break;
	}
	return 0;
}

static int note_supported_features(struct image *img, const uint8_t *desc,
				   uint32_t size)
{
	if (size == 0 || size % 4)
		return FAIL(img, ELF_IMAGE_BAD_NOTE,
			    "SUPPORTED_FEATURES note has a bad size");
	for (uint32_t i = 0; i < XENFEAT_NR_SUBMAPS && i < size / 4; i++) {
		uint64_t word;

		read_numeric(img, desc + 4 * i, 4, 0, &word);
		img->info->features_supported[i] |= (uint32_t)word;
	}
	return 0;
}

static int note_numeric(struct image *img, uint32_t type, const uint8_t *desc,
			uint32_t size)
{
	struct elf_image_info *info = img->info;
	uint64_t v = 0;
	int err = read_numeric(img, desc, size, type, &v);

	if (err)
		return err;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		info->entry = v;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		info->hypercall_page = v;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		info->virt_base = v;
		img->virt_base_set = true;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		info->paddr_offset = v;
		img->paddr_offset_set = true;
		break;
	case XEN_ELFNOTE_INIT_P2M:
		info->init_p2m = v;
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		info->mod_start_pfn = v != 0;
		break;
	case XEN_ELFNOTE_SUSPEND_CANCEL:
		info->suspend_cancel = v != 0;
		break;
	case XEN_ELFNOTE_PHYS32_ENTRY:
		info->phys32_entry = v;
		break;
	}
	/* HV_START_LOW, L1_MFN_VALID and unknown types are ignored, as Xen. */
	return 0;
}

static int xen_note(struct image *img, uint32_t type, const uint8_t *desc,
		    uint32_t size)
{
	img->xen_notes++;
	if (note_is_string(type))
		return note_string(img, type, desc, size);
	if (type == XEN_ELFNOTE_SUPPORTED_FEATURES)
		return note_supported_features(img, desc, size);
	if (type == XEN_ELFNOTE_INFO || type == XEN_ELFNOTE_HV_START_LOW ||
	    type == XEN_ELFNOTE_L1_MFN_VALID || type > XEN_ELFNOTE_MAX)
		return 0;
	return note_numeric(img, type, desc, size);
}

static uint64_t align4(uint64_t n)
{
	return (n + 3) & ~3ull; /* n is at most 2^32 + 3: no overflow */
}

/* Walk the notes in [off, off + size), already checked to be in image. */
static int parse_notes(struct image *img, uint64_t off, uint64_t size)
{
	static const char xen_name[4] = "Xen";

	while (size > 0) {
		struct elf64_nhdr nh;
		uint64_t name_len, desc_len;
		const uint8_t *p = img->data + off;
		int err;

		if (++img->notes > ELF_IMAGE_MAX_NOTES)
			return FAIL(img, ELF_IMAGE_BAD_NOTE, "too many notes");
		if (size < sizeof(nh))
			return FAIL(img, ELF_IMAGE_BAD_NOTE,
				    "note header past end of notes");
		memcpy(&nh, p, sizeof(nh));
		name_len = align4(nh.n_namesz);
		desc_len = align4(nh.n_descsz);
		if (name_len > size - sizeof(nh) ||
		    nh.n_descsz > size - sizeof(nh) - name_len)
			return FAIL(img, ELF_IMAGE_BAD_NOTE,
				    "note data past end of notes");

		if (nh.n_namesz == sizeof(xen_name) &&
		    !memcmp(p + sizeof(nh), xen_name, sizeof(xen_name))) {
			err = xen_note(img, nh.n_type,
				       p + sizeof(nh) + name_len, nh.n_descsz);
			if (err)
				return err;
		}

		/* The last note's padding may be missing. */
		if (desc_len > size - sizeof(nh) - name_len)
			break;
		off += sizeof(nh) + name_len + desc_len;
		size -= sizeof(nh) + name_len + desc_len;
	}
	return 0;
}

static int find_notes(struct image *img)
{
	int err;

	for (uint32_t i = 0; i < img->ehdr.e_phnum; i++) {
		struct elf64_phdr ph;

		read_phdr(img, i, &ph);
		/* Some binutils leave p_offset 0 on notes; Xen skips them. */
		if (ph.p_type != ELF_PT_NOTE || ph.p_offset == 0)
			continue;
		if (!in_image(img, ph.p_offset, ph.p_filesz))
			return fail(img, ELF_IMAGE_TRUNCATED, "note segment ",
				    i, " past end of image", -1);
		err = parse_notes(img, ph.p_offset, ph.p_filesz);
		if (err)
			return err;
	}
	if (img->xen_notes)
		return 0;

	/* No note segment had Xen notes: try note sections. */
	for (uint32_t i = 1; i < img->ehdr.e_shnum; i++) {
		struct elf64_shdr sh;

		read_shdr(img, i, &sh);
		if (sh.sh_type != ELF_SHT_NOTE)
			continue;
		if (!in_image(img, sh.sh_offset, sh.sh_size))
			return fail(img, ELF_IMAGE_TRUNCATED, "note section ",
				    i, " past end of image", -1);
		err = parse_notes(img, sh.sh_offset, sh.sh_size);
		if (err)
			return err;
	}
	return 0;
}

/* FEATURES strings. */

static const char *const feature_names[] = {
	[XENFEAT_writable_page_tables] = "writable_page_tables",
	[XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
	[XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
	[XENFEAT_highmem_assist] = "highmem_assist",
	[XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
	[XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
	[XENFEAT_hvm_pirqs] = "hvm_pirqs",
	[XENFEAT_dom0] = "dom0",
	[XENFEAT_grant_map_identity] = "grant_map_identity",
	[XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
	[XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
	[XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
	[XENFEAT_not_direct_mapped] = "not_direct_mapped",
	[XENFEAT_direct_mapped] = "direct_mapped",
};

#define NR_FEATURE_NAMES (sizeof(feature_names) / sizeof(feature_names[0]))

static int feature_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_FEATURE_NAMES; i++)
		if (strlen(feature_names[i]) == len &&
		    !memcmp(feature_names[i], name, len))
			return (int)i;
	return -1;
}

int elf_image_parse_features(const char *s, size_t len, uint32_t *supported,
			     uint32_t *required)
{
	size_t pos = 0;

	len = strnlen(s, len);
	while (pos < len) {
		size_t end = pos;
		bool must;
		int bit;

		while (end < len && s[end] != '|')
			end++;
		must = s[pos] == '!';
		bit = feature_lookup(s + pos + must, end - pos - must);
		if (bit >= 0) {
			supported[bit / 32] |= 1u << (bit % 32);
			if (must)
				required[bit / 32] |= 1u << (bit % 32);
		} else if (must) {
			return -XEN_EINVAL; /* unknown names are only hints */
		}
		pos = end + 1;
	}
	return 0;
}

/* The legacy __xen_guest section: "KEY=VALUE,KEY=VALUE,...". */

#define GUEST_KEY_MAX 31 /* Xen's limits: longer keys never match */
#define GUEST_VALUE_MAX 127

/* strtoull(s, NULL, 0) over exactly len bytes, which must all be digits. */
static bool parse_number(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	} else if (len > 1 && s[0] == '0') {
		base = 8;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool key_is(const char *key, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(key, want, len);
}

static void copy_value(char *dst, const char *v, size_t len)
{
	if (len > ELF_IMAGE_STR - 1)
		len = ELF_IMAGE_STR - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static int guest_pair(struct image *img, const char *key, size_t klen,
		      const char *val, size_t vlen)
{
	struct elf_image_info *info = img->info;
	uint64_t *num = NULL;
	uint64_t v;

	if (key_is(key, klen, "LOADER"))
		copy_value(info->loader, val, vlen);
	else if (key_is(key, klen, "GUEST_OS"))
		copy_value(info->guest_os, val, vlen);
	else if (key_is(key, klen, "GUEST_VER"))
		copy_value(info->guest_version, val, vlen);
	else if (key_is(key, klen, "XEN_VER"))
		copy_value(info->xen_version, val, vlen);
	else if (key_is(key, klen, "PAE"))
		copy_value(info->pae_mode, val, vlen);
	else if (key_is(key, klen, "BSD_SYMTAB"))
		info->bsd_symtab = true; /* presence is enough */
	else if (key_is(key, klen, "FEATURES")) {
		if (elf_image_parse_features(val, vlen,
					     info->features_supported,
					     info->features_required))
			return FAIL(img, ELF_IMAGE_REFUSED,
				    "requires an unknown feature");
	} else if (key_is(key, klen, "VIRT_BASE")) {
		num = &info->virt_base;
		img->virt_base_set = true;
	} else if (key_is(key, klen, "VIRT_ENTRY")) {
		num = &info->entry;
	} else if (key_is(key, klen, "ELF_PADDR_OFFSET")) {
		num = &info->paddr_offset;
		img->paddr_offset_set = true;
	} else if (key_is(key, klen, "HYPERCALL_PAGE")) {
		num = &info->hypercall_page;
	}
	if (!num)
		return 0;
	if (!parse_number(val, vlen, &v))
		return FAIL(img, ELF_IMAGE_BAD_GUEST_INFO,
			    "__xen_guest has a bad number");
	if (num == &info->hypercall_page) {
		if (v > (UINT64_MAX >> 12))
			return FAIL(img, ELF_IMAGE_BAD_GUEST_INFO,
				    "__xen_guest HYPERCALL_PAGE too large");
		v <<= 12; /* a page number; virt_base is added later */
	}
	*num = v;
	return 0;
}

static int parse_guest_info(struct image *img, const char *s, size_t len)
{
	size_t pos = 0;

	len = strnlen(s, len);
	while (pos < len) {
		size_t end = pos, eq;
		int err;

		while (end < len && s[end] != ',')
			end++;
		for (eq = pos; eq < end && s[eq] != '='; eq++)
			;
		if (eq - pos > GUEST_KEY_MAX ||
		    (eq < end && end - eq - 1 > GUEST_VALUE_MAX))
			return FAIL(img, ELF_IMAGE_BAD_GUEST_INFO,
				    "__xen_guest entry too long");
		err = guest_pair(img, s + pos, eq - pos, s + eq + (eq < end),
				 end - eq - (eq < end));
		if (err)
			return err;
		pos = end + 1;
	}
	img->info->legacy = true;
	if (img->virt_base_set && img->info->hypercall_page != ELF_IMAGE_UNSET)
		img->info->hypercall_page += img->info->virt_base;
	return 0;
}

/* Find the section called "__xen_guest"; 0 if there is none. */
static int find_guest_info(struct image *img, bool *found)
{
	static const char name[] = "__xen_guest";
	struct elf64_shdr strtab, sh;

	*found = false;
	if (img->ehdr.e_shnum == 0)
		return 0;
	read_shdr(img, img->ehdr.e_shstrndx, &strtab);
	if (!in_image(img, strtab.sh_offset, strtab.sh_size))
		return FAIL(img, ELF_IMAGE_TRUNCATED,
			    "section names past end of image");
	for (uint32_t i = 1; i < img->ehdr.e_shnum; i++) {
		read_shdr(img, i, &sh);
		if (sh.sh_name >= strtab.sh_size ||
		    strtab.sh_size - sh.sh_name < sizeof(name) ||
		    memcmp(img->data + strtab.sh_offset + sh.sh_name, name,
			   sizeof(name)))
			continue;
		if (!in_image(img, sh.sh_offset, sh.sh_size))
			return fail(img, ELF_IMAGE_TRUNCATED, "section ", i,
				    " past end of image", -1);
		*found = true;
		return parse_guest_info(img,
					(const char *)img->data + sh.sh_offset,
					sh.sh_size);
	}
	return 0;
}

/* Xen's acceptance rules and address arithmetic. */
static int check_addresses(struct image *img)
{
	struct elf_image_info *info = img->info;
	const struct elf_segment *last = &info->segments[info->nsegments - 1];
	uint64_t pstart = info->segments[0].paddr;
	uint64_t pend = last->paddr + last->memsz;
	uint64_t offset;

	if (strncmp(info->loader, "generic", 7) &&
	    strncmp(info->guest_os, "linux", 5))
		return FAIL(img, ELF_IMAGE_REFUSED,
			    "loader is not generic and guest is not linux");
	if (strncmp(info->xen_version, "xen-3.0", 7))
		return FAIL(img, ELF_IMAGE_REFUSED,
			    "not built for xen-3.0 interface");
	if (img->paddr_offset_set && !img->virt_base_set)
		return FAIL(img, ELF_IMAGE_REFUSED,
			    "PADDR_OFFSET set without VIRT_BASE");
	if (!img->paddr_offset_set)
		info->paddr_offset = info->legacy ? info->virt_base : 0;

	/* Xen computes these modulo 2^64; refuse what would wrap. */
	offset = info->virt_base - info->paddr_offset;
	info->virt_kstart = pstart + offset;
	info->virt_kend = pend + offset;
	if (info->virt_kend < info->virt_kstart)
		return FAIL(img, ELF_IMAGE_BAD_ADDRESS,
			    "image wraps around the address space");
	for (uint32_t i = 0; i < info->nsegments; i++)
		info->segments[i].vaddr = info->segments[i].paddr + offset;

	if (info->entry == ELF_IMAGE_UNSET)
		info->entry = img->ehdr.e_entry;
	if (info->entry < info->virt_kstart || info->entry > info->virt_kend)
		return FAIL(img, ELF_IMAGE_BAD_ADDRESS,
			    "entry point outside the image");
	if (info->virt_base > info->virt_kstart)
		return FAIL(img, ELF_IMAGE_BAD_ADDRESS,
			    "image starts below VIRT_BASE");
	if (info->init_p2m != ELF_IMAGE_UNSET &&
	    info->init_p2m >= info->virt_kstart &&
	    info->init_p2m < info->virt_kend)
		return FAIL(img, ELF_IMAGE_BAD_ADDRESS,
			    "INIT_P2M inside the image");
	if (info->hypercall_page != ELF_IMAGE_UNSET &&
	    ((info->hypercall_page & 0xfff) ||
	     info->hypercall_page < info->virt_kstart ||
	     info->hypercall_page >= info->virt_kend ||
	     info->virt_kend - info->hypercall_page < 4096))
		return FAIL(img, ELF_IMAGE_BAD_ADDRESS,
			    "hypercall page outside the image");
	return 0;
}

int elf_image_parse(const void *image, size_t len, struct elf_image_info *info)
{
	struct image img = { .data = image, .len = len, .info = info };
	bool legacy = false;
	int err;

	*info = (struct elf_image_info){
		.entry = ELF_IMAGE_UNSET,
		.hypercall_page = ELF_IMAGE_UNSET,
		.init_p2m = ELF_IMAGE_UNSET,
		.phys32_entry = ELF_IMAGE_UNSET,
	};
	if (!image)
		return FAIL(&img, ELF_IMAGE_TRUNCATED, "no image");
	err = check_header(&img);
	if (!err)
		err = check_segments(&img);
	if (!err)
		err = find_notes(&img);
	if (!err && !img.xen_notes)
		err = find_guest_info(&img, &legacy);
	if (!err && !img.xen_notes && !legacy)
		err = FAIL(&img, ELF_IMAGE_NOT_XEN,
			   "no Xen ELF notes or __xen_guest section");
	if (!err)
		err = check_addresses(&img);
	if (err)
		info->nsegments = 0;
	return err;
}

int elf_image_load(const void *image, size_t len,
		   const struct elf_image_info *info, elf_image_write_fn write,
		   void *ctx)
{
	const uint8_t *data = image;
	int err;

	for (uint32_t i = 0; i < info->nsegments; i++) {
		const struct elf_segment *s = &info->segments[i];

		/* The info may not belong to this buffer: check again. */
		if (s->offset > len || s->filesz > len - s->offset ||
		    s->filesz > s->memsz)
			return -XEN_EINVAL;
	}
	for (uint32_t i = 0; i < info->nsegments; i++) {
		const struct elf_segment *s = &info->segments[i];

		if (s->filesz) {
			err = write(ctx, s->vaddr, data + s->offset, s->filesz);
			if (err)
				return err;
		}
		if (s->memsz > s->filesz) {
			err = write(ctx, s->vaddr + s->filesz, NULL,
				    s->memsz - s->filesz);
			if (err)
				return err;
		}
	}
	return 0;
}
