// SPDX-License-Identifier: MIT
/*
 * physdev_op: the physical-device requests a control domain makes: the I/O
 * privilege level, and GSIs mapped to PIRQs (identity numbering) under IRQ
 * capabilities. The mapping is recorded and bindable to an event channel;
 * forwarding the device interrupt itself (IOAPIC routing to the domain)
 * is not wired yet, nor are MSIs and PCI notifications.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/physdev.h>

long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
		   uint64_t a5)
{
	struct vcpu *v = current;

	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -XEN_EFAULT;
		if (s.iopl > 3)
			return -XEN_EINVAL;
		/* The virtual IOPL: which ring may do port I/O (emulated, and
		 * still limited by IOPORT capabilities). */
		v->iopl = s.iopl;
		return 0;
	}
	case PHYSDEVOP_map_pirq: {
		struct physdev_map_pirq m;

		if (copy_from_guest(&m, arg, sizeof(m)))
			return -XEN_EFAULT;
		if (m.domid != DOMID_SELF && m.domid != v->domain->domid)
			return -XEN_EPERM;
		if (m.type != MAP_PIRQ_TYPE_GSI)
			return -XEN_ENOSYS; /* MSI: not yet */
		if (m.index < 0 || m.index >= NR_PIRQS)
			return -XEN_EINVAL;
		if (cap_check(&v->domain->cspace, CAP_IRQ, m.index, 1,
			      CAP_RIGHT_CONTROL))
			return -XEN_EPERM;
		m.pirq = m.index;
		v->domain->pirq_mapped[m.pirq / 64] |= 1UL << (m.pirq % 64);
		return copy_to_guest(arg, &m, sizeof(m));
	}
	case PHYSDEVOP_unmap_pirq: {
		struct physdev_unmap_pirq u;

		if (copy_from_guest(&u, arg, sizeof(u)))
			return -XEN_EFAULT;
		if (u.pirq < 0 || u.pirq >= NR_PIRQS)
			return -XEN_EINVAL;
		v->domain->pirq_mapped[u.pirq / 64] &= ~(1UL << (u.pirq % 64));
		return 0;
	}
	case PHYSDEVOP_setup_gsi: {
		struct physdev_setup_gsi g;

		if (copy_from_guest(&g, arg, sizeof(g)))
			return -XEN_EFAULT;
		if (g.gsi < 0 || g.gsi >= NR_PIRQS)
			return -XEN_EINVAL;
		return cap_check(&v->domain->cspace, CAP_IRQ, g.gsi, 1,
				 CAP_RIGHT_CONTROL) ? -XEN_EPERM : 0;
	}
	case PHYSDEVOP_irq_status_query: {
		struct physdev_irq_status_query q;

		if (copy_from_guest(&q, arg, sizeof(q)))
			return -XEN_EFAULT;
		q.flags = 0; /* no EOI hypercall needed */
		return copy_to_guest(arg, &q, sizeof(q));
	}
	case PHYSDEVOP_eoi:
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}
