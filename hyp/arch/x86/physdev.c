// SPDX-License-Identifier: MIT
/*
 * physdev_op: the physical-device requests a control domain makes. Only
 * the I/O privilege level so far; interrupt routing (PIRQs, GSIs, MSI) and
 * PCI notifications come with the control domain's device work.
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
	default:
		return -XEN_ENOSYS;
	}
}
