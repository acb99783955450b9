// SPDX-License-Identifier: MIT
/*
 * ACPI tables, read only as far as the hypervisor needs them: the RSDP,
 * the RSDT or XSDT, the MADT (local APICs, I/O APICs, interrupt source
 * overrides) and the HPET table. The rest (AML, power management) is the
 * control domain's business. Every table is checksummed and every length
 * bounded before it is walked.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/page.h>

#define ACPI_TABLE_MAX (1u << 20)

struct acpi_info acpi;

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length; /* revision >= 2 from here */
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

static uint8_t checksum(const void *p, unsigned long len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static int rsdp_valid(const struct rsdp *r)
{
	if (memcmp(r->signature, "RSD PTR ", 8) || checksum(r, 20))
		return 0;
	return r->revision < 2 || !checksum(r, sizeof(*r));
}

static const struct rsdp *scan_for_rsdp(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + sizeof(struct rsdp) <= start + len;
	     a += 16) {
		const struct rsdp *r = maddr_to_virt(a);

		if (rsdp_valid(r))
			return r;
	}
	return NULL;
}

static const struct rsdp *find_rsdp(void)
{
	const struct rsdp *r;
	uint64_t ebda;

	if (boot_info.has_rsdp &&
	    rsdp_valid((const struct rsdp *)boot_info.rsdp))
		return (const struct rsdp *)boot_info.rsdp;
	/* The EBDA's segment is stored at 0x40e; search its first KiB. */
	ebda = (uint64_t)*(const uint16_t *)maddr_to_virt(0x40e) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000) {
		r = scan_for_rsdp(ebda, 1024);
		if (r)
			return r;
	}
	return scan_for_rsdp(0xe0000, 0x20000);
}

/* Map a whole table once its header says how long it is; NULL if bad. */
static const struct sdt_header *map_table(uint64_t ma)
{
	const struct sdt_header *h = map_phys(ma, sizeof(*h), MAP_RO);
	uint32_t len;

	if (!h)
		return NULL;
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_TABLE_MAX)
		return NULL;
	h = map_phys(ma, len, MAP_RO);
	if (!h || checksum(h, len)) {
		pr_warn("ACPI: table at %#lx has a bad checksum, ignored\n",
			(unsigned long)ma);
		return NULL;
	}
	return h;
}

static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h + 44;
	const uint8_t *end = (const uint8_t *)h + h->length;

	acpi.lapic_address = *(const uint32_t *)((const uint8_t *)h + 36);
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint8_t type = p[0], len = p[1];

		if (type == 0 && len >= 8 && (p[4] & 1)) {
			/* Processor local APIC, enabled */
			if (acpi.nr_cpus < CONFIG_NR_CPUS)
				acpi.apic_ids[acpi.nr_cpus++] = p[3];
			else
				acpi.nr_cpus_ignored++;
		} else if (type == 1 && len >= 12 &&
			   acpi.nr_ioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &acpi.ioapics[acpi.nr_ioapics++];

			io->id = p[2];
			io->address = *(const uint32_t *)(p + 4);
			io->gsi_base = *(const uint32_t *)(p + 8);
		} else if (type == 2 && len >= 10 &&
			   acpi.nr_overrides < ACPI_MAX_OVERRIDES) {
			struct acpi_irq_override *o =
				&acpi.overrides[acpi.nr_overrides++];

			o->source_irq = p[3];
			o->gsi = *(const uint32_t *)(p + 4);
			o->flags = *(const uint16_t *)(p + 8);
		} else if (type == 5 && len >= 12) {
			acpi.lapic_address = *(const uint64_t *)(p + 4);
		}
		p += len;
	}
}

static void parse_table(uint64_t ma)
{
	const struct sdt_header *h = map_table(ma);

	if (!h)
		return;
	if (!memcmp(h->signature, "APIC", 4))
		parse_madt(h);
	else if (!memcmp(h->signature, "HPET", 4) && h->length >= 56)
		acpi.hpet_address = *(const uint64_t *)((const uint8_t *)h + 44);
}

void acpi_init(void)
{
	const struct rsdp *r = find_rsdp();
	const struct sdt_header *root;
	unsigned int entry_size, n;
	const uint8_t *entries;

	if (!r) {
		pr_warn("ACPI: no RSDP found; assuming one CPU and no I/O APIC\n");
		return;
	}
	acpi.revision = r->revision;
	memcpy(acpi.oem, r->oem, 6);
	if (r->revision >= 2 && r->xsdt) {
		root = map_table(r->xsdt);
		entry_size = 8;
	} else {
		root = map_table(r->rsdt);
		entry_size = 4;
	}
	if (!root) {
		pr_warn("ACPI: root table unreadable\n");
		return;
	}
	acpi.found = 1;
	entries = (const uint8_t *)root + sizeof(*root);
	n = (root->length - sizeof(*root)) / entry_size;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t ma = entry_size == 8 ?
				      *(const uint64_t *)(entries + 8 * i) :
				      *(const uint32_t *)(entries + 4 * i);

		parse_table(ma);
	}
	pr_info("ACPI: RSDP revision %u, OEM '%s', %s\n", acpi.revision,
		acpi.oem, entry_size == 8 ? "XSDT" : "RSDT");
	pr_info("ACPI: local APIC at %#lx, %u CPU(s)%s\n",
		(unsigned long)acpi.lapic_address, acpi.nr_cpus,
		acpi.nr_cpus_ignored ? " (more ignored: CONFIG_NR_CPUS)" : "");
	for (unsigned int i = 0; i < acpi.nr_ioapics; i++)
		pr_info("ACPI: I/O APIC %u at %#lx, GSI base %u\n",
			acpi.ioapics[i].id,
			(unsigned long)acpi.ioapics[i].address,
			acpi.ioapics[i].gsi_base);
	if (acpi.hpet_address)
		pr_info("ACPI: HPET at %#lx\n",
			(unsigned long)acpi.hpet_address);
}
