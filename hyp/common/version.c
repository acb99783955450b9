// SPDX-License-Identifier: MIT
/* xen_version: what Lamina says about itself, at Xen's ABI level 4.17. */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/string.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/features.h>
#include <xen/version.h>

#define ABI_MAJOR 4
#define ABI_MINOR 17

static long copy_string_out(uint64_t arg, const char *s, size_t size)
{
	char buf[1024] = { 0 };

	strlcpy(buf, s, size);
	return copy_to_guest(arg, buf, size);
}

/* Only what Lamina really does: no feature is claimed ahead of its code. */
static uint32_t feature_submap0(const struct domain *d)
{
	uint32_t f = 1u << XENFEAT_mmu_pt_update_preserve_ad |
		     1u << XENFEAT_gnttab_map_avail_bits;

	if (d->domid == 0) /* the initial domain, as start_info says */
		f |= 1u << XENFEAT_dom0;
	return f;
}

long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
		    uint64_t a5)
{
	struct domain *d = current->domain;

	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case XENVER_version:
		return (ABI_MAJOR << 16) | ABI_MINOR;
	case XENVER_extraversion:
		return copy_string_out(arg, "-lamina" LAMINA_VERSION, 16);
	case XENVER_compile_info: {
		struct xen_compile_info ci = { 0 };

		strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
		strlcpy(ci.compile_by, "lamina", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "lamina", sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, "reproducible", sizeof(ci.compile_date));
		return copy_to_guest(arg, &ci, sizeof(ci));
	}
	case XENVER_capabilities:
		return copy_string_out(arg, "xen-3.0-x86_64", 1024);
	case XENVER_changeset:
		return copy_string_out(arg, "lamina " LAMINA_VERSION, 64);
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { HYPERVISOR_VIRT_START };

		return copy_to_guest(arg, &pp, sizeof(pp));
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(&fi, arg, sizeof(fi)))
			return -XEN_EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -XEN_EINVAL;
		fi.submap = feature_submap0(d);
		return copy_to_guest(arg, &fi, sizeof(fi));
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		uint8_t handle[16] = { 0 };

		return copy_to_guest(arg, handle, sizeof(handle));
	}
	case XENVER_commandline:
		if (cap_check(&d->cspace, CAP_SYSCTL, 0, 0, CAP_RIGHT_QUERY))
			return -XEN_EPERM;
		return copy_string_out(arg, boot_info.cmdline, 1024);
	case XENVER_build_id:
		return -XEN_ENODATA;
	default:
		return -XEN_ENOSYS;
	}
}
