// SPDX-License-Identifier: MIT
/*
 * domctl: domain management for the control domain's tools. So far the
 * scheduler parameters (XEN_DOMCTL_scheduler_op for the credit
 * scheduler) and vCPU affinity; every other command answers -ENOSYS.
 *
 * The checks run in Xen's order: the request is copied in (-EFAULT), its
 * interface version must be 4.17's (-EACCES), the target domain must
 * exist (-ESRCH), and the caller must hold a DOMAIN capability on it
 * (-EPERM): QUERY to read, CONTROL to change.
 */
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/sched_credit.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/uaccess.h>
#include <xen/domctl.h>
#include <xen/errno.h>

/* A guest's bitmap beyond this is left as it is rather than zeroed. */
#define BITMAP_ZERO_MAX 1024

/* Bits a CPU bitmap carries: one per CPU the firmware lists. */
static unsigned int cpu_bits(void)
{
	unsigned int n = acpi.nr_cpus ? acpi.nr_cpus : 1;

	return n < CONFIG_NR_CPUS ? n : CONFIG_NR_CPUS;
}

static uint32_t bytes_for(uint32_t bits)
{
	return bits / 8 + (bits % 8 != 0);
}

static int bitmap_from_guest(cpumask_t *mask, const struct xenctl_bitmap *b)
{
	uint8_t bytes[sizeof(mask->bits)] = { 0 };
	uint32_t ours = bytes_for(cpu_bits()), theirs = bytes_for(b->nr_bits);
	uint32_t n = theirs < ours ? theirs : ours;

	if (n && copy_from_guest(bytes, b->bitmap.addr, n))
		return -XEN_EFAULT;
	if (n == theirs && (b->nr_bits % 8))
		bytes[n - 1] &= (uint8_t)((1u << (b->nr_bits % 8)) - 1);
	memset(mask, 0, sizeof(*mask));
	for (unsigned int cpu = 0; cpu < cpu_bits(); cpu++)
		if (bytes[cpu / 8] & (1u << (cpu % 8)))
			cpumask_set(mask, cpu);
	return 0;
}

static int bitmap_to_guest(const struct xenctl_bitmap *b, const cpumask_t *mask)
{
	static const uint8_t zeros[64];
	uint8_t bytes[sizeof(mask->bits)] = { 0 };
	uint32_t ours = bytes_for(cpu_bits()), theirs = bytes_for(b->nr_bits);
	uint32_t n = theirs < ours ? theirs : ours;
	uint32_t end = theirs < BITMAP_ZERO_MAX ? theirs : BITMAP_ZERO_MAX;

	for (unsigned int cpu = 0; cpu < cpu_bits(); cpu++)
		if (cpumask_test(mask, cpu))
			bytes[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	if (n && copy_to_guest(b->bitmap.addr, bytes, n))
		return -XEN_EFAULT;
	for (uint32_t off = n; off < end; off += sizeof(zeros)) {
		uint32_t len = end - off < sizeof(zeros) ? end - off :
							   sizeof(zeros);

		if (copy_to_guest(b->bitmap.addr + off, zeros, len))
			return -XEN_EFAULT;
	}
	return 0;
}

static long scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *op)
{
	if (op->sched_id != XEN_SCHEDULER_CREDIT)
		return -XEN_EINVAL;
	switch (op->cmd) {
	case XEN_DOMCTL_SCHEDOP_getinfo:
		op->u.credit.weight = d->credit.weight;
		op->u.credit.cap = d->credit.cap;
		return 0;
	case XEN_DOMCTL_SCHEDOP_putinfo:
		sched_credit_set(d, op->u.credit.weight, op->u.credit.cap);
		return 0;
	default: /* per-vCPU parameters: not for the credit scheduler */
		return -XEN_EINVAL;
	}
}

/* setvcpuaffinity: both maps decoded before either is changed. */
static long set_affinity(struct vcpu *v, struct xen_domctl_vcpuaffinity *a)
{
	const cpumask_t *online = sched_credit_online_cpus();
	cpumask_t hard = v->hard_affinity, soft = v->soft_affinity, eff;
	int rc;

	if (a->flags & XEN_VCPUAFFINITY_HARD) {
		rc = bitmap_from_guest(&hard, &a->cpumap_hard);
		if (rc)
			return rc;
		if (!cpumask_intersects(&hard, online))
			return -XEN_EINVAL;
	}
	if (a->flags & XEN_VCPUAFFINITY_SOFT) {
		rc = bitmap_from_guest(&soft, &a->cpumap_soft);
		if (rc)
			return rc;
	}
	v->hard_affinity = hard;
	v->soft_affinity = soft;
	/* What is in effect: the online part of each map, soft within hard. */
	cpumask_and(&eff, &hard, online);
	if (a->flags & XEN_VCPUAFFINITY_HARD) {
		rc = bitmap_to_guest(&a->cpumap_hard, &eff);
		if (rc)
			return rc;
	}
	cpumask_and(&eff, &eff, &soft);
	if (a->flags & XEN_VCPUAFFINITY_SOFT)
		return bitmap_to_guest(&a->cpumap_soft, &eff);
	return 0;
}

static long get_affinity(const struct vcpu *v,
			 const struct xen_domctl_vcpuaffinity *a)
{
	int rc = 0;

	if (a->flags & XEN_VCPUAFFINITY_HARD)
		rc = bitmap_to_guest(&a->cpumap_hard, &v->hard_affinity);
	if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
		rc = bitmap_to_guest(&a->cpumap_soft, &v->soft_affinity);
	return rc;
}

static long vcpu_affinity(struct domain *d, uint32_t cmd,
			  struct xen_domctl_vcpuaffinity *a)
{
	struct vcpu *v;

	if (a->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	v = d->vcpu[a->vcpu];
	if (!v)
		return -XEN_ESRCH;
	if (!a->flags ||
	    ((a->flags & XEN_VCPUAFFINITY_HARD) &&
	     !a->cpumap_hard.bitmap.addr) ||
	    ((a->flags & XEN_VCPUAFFINITY_SOFT) && !a->cpumap_soft.bitmap.addr))
		return -XEN_EINVAL;
	if (cmd == XEN_DOMCTL_setvcpuaffinity)
		return set_affinity(v, a);
	return get_affinity(v, a);
}

/* The right each command needs on its target; 0 for unknown commands. */
static uint32_t right_needed(const struct xen_domctl *op)
{
	switch (op->cmd) {
	case XEN_DOMCTL_scheduler_op:
		return op->u.scheduler_op.cmd == XEN_DOMCTL_SCHEDOP_getinfo ?
			       CAP_RIGHT_QUERY :
			       CAP_RIGHT_CONTROL;
	case XEN_DOMCTL_getvcpuaffinity:
		return CAP_RIGHT_QUERY;
	case XEN_DOMCTL_setvcpuaffinity:
		return CAP_RIGHT_CONTROL;
	default:
		return 0;
	}
}

long do_domctl(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct xen_domctl op;
	struct domain *d;
	uint32_t right;
	long rc;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (copy_from_guest(&op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	d = domain_lookup(op.domain);
	if (!d)
		return -XEN_ESRCH;
	right = right_needed(&op);
	/* Unknown commands still need some authority over the target. */
	if (cap_check_domain(&current->domain->cspace, d->domid,
			     right ? right : CAP_RIGHT_QUERY))
		return -XEN_EPERM;
	switch (op.cmd) {
	case XEN_DOMCTL_scheduler_op:
		rc = scheduler_op(d, &op.u.scheduler_op);
		/* Xen copies the whole request back, whatever the result. */
		if (copy_to_guest(arg, &op, sizeof(op)))
			return -XEN_EFAULT;
		return rc;
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		return vcpu_affinity(d, op.cmd, &op.u.vcpuaffinity);
	default:
		return -XEN_ENOSYS;
	}
}
