// SPDX-License-Identifier: MIT
/*
 * platform_op and mca: what the control domain asks about the machine.
 * Physical CPU information so far (XENPF_get_cpuinfo, XEN_MC_physcpuinfo);
 * the other platform operations answer -ENOSYS.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/platform.h>

#define XEN_PCPU_FLAGS_ONLINE 1
#define XEN_PCPU_FLAGS_INVALID 2

static unsigned int nr_pcpus(void)
{
	return acpi.nr_cpus ? acpi.nr_cpus : 1;
}

/*
 * Both calls start alike: a SYSCTL query capability, the request copied
 * in, and its leading (cmd, interface_version) pair checked as Xen does.
 */
static long fetch_request(uint64_t arg, void *op, size_t size,
			  uint32_t version)
{
	if (cap_check(&current->domain->cspace, CAP_SYSCTL, 0, 0,
		      CAP_RIGHT_QUERY))
		return -XEN_EPERM;
	if (copy_from_guest(op, arg, size))
		return -XEN_EFAULT;
	return ((const uint32_t *)op)[1] == version ? 0 : -XEN_EACCES;
}

long do_platform_op(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4,
		    uint64_t a5)
{
	struct xen_platform_op op;
	long rc;

	(void)a2, (void)a3, (void)a4, (void)a5;
	rc = fetch_request(arg, &op, sizeof(op), XENPF_INTERFACE_VERSION);
	if (rc)
		return rc;
	switch (op.cmd) {
	case XENPF_get_cpuinfo: {
		struct xenpf_pcpuinfo *p = &op.u.pcpu_info;

		p->max_present = nr_pcpus() - 1;
		if (p->xen_cpuid >= nr_pcpus()) {
			p->flags = XEN_PCPU_FLAGS_INVALID;
		} else {
			/* Only the boot CPU runs until SMP bring-up lands; the
			 * others are present but offline. */
			p->flags = p->xen_cpuid == 0 ? XEN_PCPU_FLAGS_ONLINE : 0;
			p->apic_id = acpi.apic_ids[p->xen_cpuid];
			p->acpi_id = p->xen_cpuid;
		}
		return copy_to_guest(arg, &op, sizeof(op));
	}
	default:
		return -XEN_ENOSYS;
	}
}

/* The machine-check hypercall: only the physical CPU list, for mcelog. */
#define XEN_MCA_INTERFACE_VERSION 0x01ecc003
#define XEN_MC_physcpuinfo 3

struct mc_logical_cpu {
	uint32_t cpunr, chipid;
	uint16_t coreid, threadid;
	uint32_t apicid, clusterid, ncores, ncores_active, nthreads;
	int32_t cpuid_level;
	uint32_t family, vendor, model, step;
	char vendorid[16], brandid[64];
	uint32_t cpu_caps[7];
	uint32_t cache_size, cache_alignment;
	int32_t nmsrvals;
	struct {
		uint64_t reg, value;
	} msrvalues[8];
};
_Static_assert(sizeof(struct mc_logical_cpu) == 304, "mcinfo_logical_cpu");

struct mc_op {
	uint32_t cmd, interface_version;
	uint32_t ncpus, pad;
	uint64_t info; /* guest handle: array of mc_logical_cpu, or 0 */
};

long do_mca(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct mc_op op;
	uint32_t n;
	long rc;

	(void)a2, (void)a3, (void)a4, (void)a5;
	rc = fetch_request(arg, &op, sizeof(op), XEN_MCA_INTERFACE_VERSION);
	if (rc)
		return rc;
	if (op.cmd != XEN_MC_physcpuinfo)
		return -XEN_ENOSYS;
	n = nr_pcpus();
	if (op.info) {
		if (op.ncpus < n)
			n = op.ncpus;
		for (uint32_t i = 0; i < n; i++) {
			struct mc_logical_cpu c = { 0 };

			c.cpunr = i;
			c.apicid = acpi.apic_ids[i];
			c.family = boot_cpu.family;
			c.model = boot_cpu.model;
			c.step = boot_cpu.stepping;
			c.cpuid_level = boot_cpu.max_leaf;
			memcpy(c.vendorid, boot_cpu.vendor, 12);
			memcpy(c.brandid, boot_cpu.brand, 48);
			if (copy_to_guest(op.info + i * sizeof(c), &c, sizeof(c)))
				return -XEN_EFAULT;
		}
	}
	op.ncpus = n;
	return copy_to_guest(arg, &op, sizeof(op));
}
