// SPDX-License-Identifier: MIT
/*
 * The boot domain builder: turns the first multiboot module (a PV kernel
 * ELF) and the second (its initrd) into a running domain, with the
 * start-of-day state the x86-64 PV ABI promises:
 *
 *   virt_base ... kernel | initrd | P2M list | start_info | page tables |
 *   boot stack | padding (>= 512 KiB, to a 4 MiB boundary) ... v_end
 *
 * all mapped by the initial page tables (themselves mapped read-only),
 * rsi = start_info, rsp = end of the boot stack, the L4 pinned.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/domain.h>
#include <lamina/elf_image.h>
#include <lamina/event.h>
#include <lamina/heap.h>
#include <lamina/mm.h>
#include <lamina/options.h>
#include <lamina/printk.h>
#include <lamina/sched_credit.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/dom_build.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv_mm.h>
#include <asm/time.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define MB(x) ((uint64_t)(x) << 20)
#define ROUND_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define DEFAULT_DOM0_MEM MB(512)
#define HYPERVISOR_RESERVE_PAGES 4096 /* 16 MiB kept for the hypervisor */

struct layout {
	uint64_t v_start, v_end;
	uint64_t kern_start, kern_end;
	uint64_t initrd_start, initrd_len;
	uint64_t p2m_start;
	uint64_t start_info;
	uint64_t store, console; /* unprivileged domains' ring pages, or 0 */
	uint64_t pt_start, nr_pt;
	uint64_t stack_start;
};

struct builder {
	struct domain *d;
	struct layout l;
	uint64_t nr_pages;
	uint64_t *p2m;
	const uint8_t *image;
	uint64_t image_len;
	struct elf_image_info info;
	uint64_t next_pt; /* next free page-table pfn */
};

static uint64_t tables_needed(uint64_t start, uint64_t end)
{
	uint64_t n = 1; /* the L4 */

	/* One table per distinct region each level's entries cover. */
	for (int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9)
		n += ((end - 1) >> shift) - (start >> shift) + 1;
	return n;
}

static void compute_layout(struct builder *b, uint64_t initrd_len,
			   bool control)
{
	struct layout *l = &b->l;

	l->v_start = b->info.virt_base;
	l->kern_start = b->info.virt_kstart;
	l->kern_end = b->info.virt_kend;
	l->initrd_start = ROUND_UP(l->kern_end, PAGE_SIZE);
	l->initrd_len = initrd_len;
	l->p2m_start = ROUND_UP(l->initrd_start + initrd_len, PAGE_SIZE);
	l->start_info = ROUND_UP(l->p2m_start + b->nr_pages * 8, PAGE_SIZE);
	l->pt_start = l->start_info + PAGE_SIZE;
	if (!control) {
		/* xenstore and console rings follow start_info, as Xen's
		 * domain builder places them. */
		l->store = l->pt_start;
		l->console = l->store + PAGE_SIZE;
		l->pt_start = l->console + PAGE_SIZE;
	}
	for (l->nr_pt = 1;; l->nr_pt++) {
		uint64_t stack_end;

		l->stack_start = l->pt_start + l->nr_pt * PAGE_SIZE;
		stack_end = l->stack_start + PAGE_SIZE;
		l->v_end = ROUND_UP(stack_end, MB(4));
		if (l->v_end - stack_end < 512 * 1024)
			l->v_end += MB(4);
		if (tables_needed(l->v_start, l->v_end) <= l->nr_pt)
			break;
	}
}

static uint64_t va_to_pfn(const struct builder *b, uint64_t va)
{
	return (va - b->l.v_start) >> PAGE_SHIFT;
}

static void *va_to_hyp(const struct builder *b, uint64_t va)
{
	uint64_t mfn = b->p2m[va_to_pfn(b, va)];

	return (uint8_t *)maddr_to_virt(mfn << PAGE_SHIFT) +
	       (va & (PAGE_SIZE - 1));
}

static bool va_in_mapping(const struct builder *b, uint64_t va, uint64_t len)
{
	return va >= b->l.v_start && len <= b->l.v_end - va;
}

/* Copy (or zero, src NULL) into the new domain's memory by guest VA. */
static int write_guest(void *ctx, uint64_t va, const void *src, uint64_t len)
{
	struct builder *b = ctx;

	if (!va_in_mapping(b, va, len))
		return -XEN_EINVAL;
	while (len) {
		uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		if (src) {
			memcpy(va_to_hyp(b, va), src, chunk);
			src = (const uint8_t *)src + chunk;
		} else {
			memset(va_to_hyp(b, va), 0, chunk);
		}
		va += chunk;
		len -= chunk;
	}
	return 0;
}

static int allocate_memory(struct builder *b)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < b->nr_pages * 8)
		order++;
	b->p2m = alloc_hyp_pages(order);
	if (!b->p2m)
		return -XEN_ENOMEM;
	for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++) {
		void *page = alloc_hyp_pages(0);
		uint64_t mfn;

		if (!page)
			return -XEN_ENOMEM;
		memset(page, 0, PAGE_SIZE); /* nothing of anyone else's */
		mfn = virt_to_maddr(page) >> PAGE_SHIFT;
		assign_frame(mfn, b->d, 0);
		b->p2m[pfn] = mfn;
		m2p[mfn] = pfn;
	}
	b->d->p2m = b->p2m;
	b->d->p2m_size = b->nr_pages;
	b->d->tot_pages = b->d->max_pages = b->nr_pages;
	return 0;
}

static pte_t *pt_page(const struct builder *b, uint64_t pfn)
{
	return maddr_to_virt(b->p2m[pfn] << PAGE_SHIFT);
}

/* The table below entry e, taking the next page-table page if empty. */
static pte_t *child_table(struct builder *b, pte_t *e)
{
	if (!(*e & _PAGE_PRESENT)) {
		uint64_t pfn = b->next_pt++;

		*e = (b->p2m[pfn] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
		     _PAGE_USER | _PAGE_ACCESSED;
	}
	return maddr_to_virt(*e & PTE_ADDR_MASK);
}

static uint64_t build_page_tables(struct builder *b)
{
	uint64_t l4_pfn = va_to_pfn(b, b->l.pt_start);
	uint64_t pt_end = b->l.pt_start + b->l.nr_pt * PAGE_SIZE;
	pte_t *l4 = pt_page(b, l4_pfn);

	b->next_pt = l4_pfn + 1;
	for (uint64_t va = b->l.v_start; va < b->l.v_end; va += PAGE_SIZE) {
		pte_t *l3 = child_table(b, &l4[pt_index(va, L4_SHIFT)]);
		pte_t *l2 = child_table(b, &l3[pt_index(va, L3_SHIFT)]);
		pte_t *l1 = child_table(b, &l2[pt_index(va, L2_SHIFT)]);
		pte_t flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

		/* Page tables are mapped, but read-only. */
		if (va < b->l.pt_start || va >= pt_end)
			flags |= _PAGE_RW | _PAGE_DIRTY;
		l1[pt_index(va, L1_SHIFT)] =
			(b->p2m[va_to_pfn(b, va)] << PAGE_SHIFT) | flags;
	}
	return b->p2m[l4_pfn];
}

/* 32-byte stubs: push rcx; push r11; mov $nr, eax; syscall; pop; pop; ret */
static void write_hypercall_page(struct builder *b)
{
	uint8_t *p = va_to_hyp(b, b->info.hypercall_page);

	memset(p, 0xcc, PAGE_SIZE);
	for (unsigned int nr = 0; nr < PAGE_SIZE / 32; nr++) {
		uint8_t *s = p + nr * 32;

		if (nr == __HYPERVISOR_iret) {
			/* push rcx; push r11; push rax; mov $23, eax; syscall */
			const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8,
						 nr,   0,    0,	   0,	 0x0f,
						 0x05 };

			memcpy(s, iret, sizeof(iret));
			continue;
		}
		const uint8_t stub[] = { 0x51, 0x41, 0x53, 0xb8, nr,   0,
					 0,    0,    0x0f, 0x05, 0x41, 0x5b,
					 0x59, 0xc3 };

		memcpy(s, stub, sizeof(stub));
	}
}

static void fill_start_info(struct builder *b, const char *cmdline,
			    bool control, int store_port, int console_port)
{
	struct start_info *si = va_to_hyp(b, b->l.start_info);

	memset(si, 0, sizeof(*si));
	strlcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(si->magic));
	si->nr_pages = b->nr_pages;
	si->shared_info = b->d->shared_info_mfn << PAGE_SHIFT;
	si->flags = control ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
	if (!control) {
		si->store_mfn = b->p2m[va_to_pfn(b, b->l.store)];
		si->store_evtchn = store_port;
		si->console.domU.mfn = b->p2m[va_to_pfn(b, b->l.console)];
		si->console.domU.evtchn = console_port;
	}
	si->pt_base = b->l.pt_start;
	si->nr_pt_frames = b->l.nr_pt;
	si->mfn_list = b->l.p2m_start;
	if (b->l.initrd_len) {
		si->mod_start = b->l.initrd_start;
		si->mod_len = b->l.initrd_len;
	}
	strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
}

static int create_shared_info(struct domain *d)
{
	void *page = alloc_hyp_pages(0);

	if (!page)
		return -XEN_ENOMEM;
	memset(page, 0, PAGE_SIZE);
	d->shared_info_mfn = virt_to_maddr(page) >> PAGE_SHIFT;
	share_hyp_frame(d->shared_info_mfn, d);
	d->shared_info = guest_frame_ptr(d->shared_info_mfn);
	time_init_shared_info(d->shared_info);
	return 0;
}

static void grant_root_capabilities(struct domain *d)
{
	static const struct {
		enum cap_type type;
		uint64_t count;
	} roots[] = {
		{ CAP_DOMAIN, CAP_DOMID_LIMIT }, { CAP_DOMAIN_CREATE, 0 },
		{ CAP_SYSCTL, 0 },		 { CAP_CONSOLE_IO, 0 },
		{ CAP_IRQ, 256 },		 { CAP_IOPORT, CAP_IOPORT_LIMIT },
		{ CAP_IOMEM, CAP_IOMEM_LIMIT },	 { CAP_TIME, 0 },
		{ CAP_PHYSDEV, 0 },
	};

	for (unsigned int i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		uint64_t count = roots[i].count;

		if (roots[i].type == CAP_DOMAIN_CREATE)
			count = free_frames();
		/* I/O memory: every frame the CPU can address, as Xen grants
		 * dom0 (and not one beyond). */
		if (roots[i].type == CAP_IOMEM)
			count = 1ULL << ((boot_cpu.phys_addr_bits ?
						  boot_cpu.phys_addr_bits :
						  36) -
					 PAGE_SHIFT);
		int rc = cap_create_root(&d->cspace, CAP_SLOT_ANY,
					 roots[i].type,
					 cap_valid_rights(roots[i].type), 0,
					 count);

		if (rc < 0)
			pr_err("d%u: root capability %u not created (%d)\n",
			       d->domid, roots[i].type, rc);
	}
}

/* Xen's dom0_mem rules: the size (512 MiB if none), within min and max. */
static uint64_t dom0_bytes(void)
{
	const struct cmdline_mem *m = &opt.dom0_mem;
	uint64_t want = m->size ? m->size : DEFAULT_DOM0_MEM;

	if (m->max && want > m->max)
		want = m->max;
	return want < m->min ? m->min : want;
}

/*
 * How far the control domain may grow (XENMEM_maximum_reservation): as
 * Xen, without dom0_mem=max: there is no limit but the free memory. Linux
 * then keeps the RAM above its allocation as ballooned extra memory, and
 * the unpopulated pages gntdev maps grants into land above all RAM, not
 * on free frames just above its own (docs/control-domain.md).
 */
static uint64_t dom0_max_pages(uint64_t nr_pages)
{
	uint64_t max = opt.dom0_mem.max >> PAGE_SHIFT;

	if (!max)
		return UINT32_MAX;
	return max < nr_pages ? nr_pages : max;
}

static uint64_t pages_for_domain(uint64_t mem_bytes)
{
	uint64_t avail = free_frames();
	uint64_t want = mem_bytes ? mem_bytes : dom0_bytes();
	uint64_t pages = want >> PAGE_SHIFT;

	if (avail <= HYPERVISOR_RESERVE_PAGES)
		return 0;
	if (pages > avail - HYPERVISOR_RESERVE_PAGES) {
		pages = avail - HYPERVISOR_RESERVE_PAGES;
		pr_warn("domain memory: only %lu MiB available\n",
			(unsigned long)(pages >> 8));
	}
	return pages;
}

/*
 * dom0_max_vcpus=N gives the control domain N vCPUs; by default it gets
 * one per CPU online, as on Xen. Boot domains get their :vcpus=N, or one.
 */
static unsigned int vcpus_for_domain(const struct boot_domain_spec *spec)
{
	unsigned int n = opt.dom0_max_vcpus ? opt.dom0_max_vcpus :
					      nr_cpus_online;

	if (!spec->control)
		n = spec->vcpus;
	if (!n)
		return 1;
	return n > MAX_VIRT_CPUS ? MAX_VIRT_CPUS : n;
}

/* The kernel's command line: the module string without its path. */
static const char *module_args(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static int check_image(struct builder *b)
{
	const struct elf_image_info *in = &b->info;

	if (in->virt_kstart < in->virt_base)
		return -XEN_EINVAL;
	if (in->hypercall_page != ELF_IMAGE_UNSET &&
	    (in->hypercall_page < in->virt_kstart ||
	     in->hypercall_page + PAGE_SIZE > in->virt_kend))
		return -XEN_EINVAL;
	return 0;
}

int build_boot_domain(const struct boot_domain_spec *spec,
		      const struct boot_module *kernel,
		      const struct boot_module *initrd)
{
	struct builder b = { 0 };
	domid_t domid = spec->domid;
	bool control = spec->control;
	int store_port = 0, console_port = 0;
	uint64_t l4_mfn;
	struct vcpu *v;
	int rc;

	b.image = maddr_to_virt(kernel->start);
	b.image_len = kernel->end - kernel->start;
	rc = elf_image_parse(b.image, b.image_len, &b.info);
	if (rc) {
		pr_err("d%u: kernel image refused: %s\n", domid, b.info.reason);
		return rc;
	}
	if (check_image(&b)) {
		pr_err("d%u: kernel image refused: hypercall page or base outside the image\n",
		       domid);
		return -XEN_EINVAL;
	}
	b.nr_pages = pages_for_domain(spec->mem_bytes);
	compute_layout(&b, initrd ? initrd->end - initrd->start : 0, control);
	if (b.l.v_end <= b.l.v_start ||
	    (b.l.v_start < HYP_RESERVED_END && b.l.v_end > HYP_RESERVED_START)) {
		pr_err("d%u: image overlaps the hypervisor's addresses\n", domid);
		return -XEN_EINVAL;
	}
	if (!b.nr_pages || (b.l.v_end - b.l.v_start) >> PAGE_SHIFT > b.nr_pages) {
		pr_err("d%u: %lu pages cannot hold the %lu-page initial mapping\n",
		       domid, (unsigned long)b.nr_pages,
		       (unsigned long)((b.l.v_end - b.l.v_start) >> PAGE_SHIFT));
		return -XEN_ENOMEM;
	}

	b.d = domain_create(domid, control ? "control" : "boot");
	if (!b.d)
		return -XEN_ENOMEM;
	rc = create_shared_info(b.d);
	if (!rc)
		rc = allocate_memory(&b);
	if (!rc)
		rc = elf_image_load(b.image, b.image_len, &b.info, write_guest,
				    &b);
	if (rc) {
		pr_err("d%u: cannot build the domain (%d)\n", domid, rc);
		return rc;
	}
	if (control)
		b.d->max_pages = dom0_max_pages(b.nr_pages);
	if (initrd)
		write_guest(&b, b.l.initrd_start, maddr_to_virt(initrd->start),
			    b.l.initrd_len);
	write_guest(&b, b.l.p2m_start, b.p2m, b.nr_pages * 8);
	if (b.info.hypercall_page != ELF_IMAGE_UNSET)
		write_hypercall_page(&b);
	if (!control) {
		/* Their backends live in the control domain (domain 0). */
		store_port = evtchn_alloc_unbound_port(b.d, 0);
		console_port = evtchn_alloc_unbound_port(b.d, 0);
		if (store_port < 0 || console_port < 0)
			return -XEN_ENOMEM;
		rc = console_attach_ring(b.d, b.p2m[va_to_pfn(&b, b.l.console)],
					 console_port);
		if (rc)
			return rc;
	}
	fill_start_info(&b, module_args(kernel->string), control, store_port,
			console_port);

	l4_mfn = build_page_tables(&b);
	/* Validate the whole tree: one reference for the pin, one for CR3. */
	rc = get_page_and_type(l4_mfn, b.d, PGT_L4);
	if (rc) {
		pr_err("d%u: initial page tables do not validate (%d)\n", domid,
		       rc);
		return rc;
	}
	mfn_frame(l4_mfn)->type_info |= PGT_PINNED;
	get_page_and_type(l4_mfn, b.d, PGT_L4);

	v = vcpu_create(b.d, 0);
	if (!v)
		return -XEN_ENOMEM;
	v->kernel_l4_mfn = l4_mfn;
	v->regs.rip = b.info.entry;
	v->regs.rsp = b.l.stack_start + PAGE_SIZE;
	v->regs.rsi = b.l.start_info;
	v->regs.cs = FLAT_RING3_CS64;
	v->regs.ss = FLAT_RING3_SS64;
	v->regs.rflags = 0x202;
	v->initialised = true;
	v->running = true;
	/* Further vCPUs exist but wait for VCPUOP_initialise and _up. */
	for (unsigned int id = 1; id < vcpus_for_domain(spec); id++)
		if (!vcpu_create(b.d, id))
			break;
	b.d->console_raw = control; /* Xen's hardware domain */
	if (control)
		grant_root_capabilities(b.d);
	else if (spec->console_io)
		cap_create_root(&b.d->cspace, CAP_SLOT_ANY, CAP_CONSOLE_IO,
				cap_valid_rights(CAP_CONSOLE_IO), 0, 0);
	sched_credit_set(b.d, spec->weight, spec->cap);

	pr_info("d%u: %s kernel (%s), entry %#lx, %lu MiB, mapping %#lx-%#lx\n",
		domid, b.info.guest_os[0] ? b.info.guest_os : "unnamed",
		b.info.loader[0] ? b.info.loader : "no loader note",
		(unsigned long)b.info.entry, (unsigned long)(b.nr_pages >> 8),
		(unsigned long)b.l.v_start, (unsigned long)b.l.v_end);
	return 0;
}
