/* SPDX-License-Identifier: MIT */
#ifndef ASM_DOM_BUILD_H
#define ASM_DOM_BUILD_H

#include <stdbool.h>
#include <lamina/bootinfo.h>
#include <xen/xen.h>

struct boot_domain_spec {
	domid_t domid;
	bool control; /* the control domain: root capabilities, SIF_INITDOMAIN */
	uint64_t mem_bytes; /* 0: dom0_mem= or the default */
	bool console_io; /* grant CONSOLE_IO (boot domains for tests) */
	uint16_t weight; /* credit scheduler weight, 0 = default */
	uint16_t cap; /* credit scheduler cap in percent, 0 = none */
	uint16_t vcpus; /* boot domains: vCPUs, 0 = one */
};

/* Build and make runnable a domain from boot modules. 0 or -XEN_E*. */
int build_boot_domain(const struct boot_domain_spec *spec,
		      const struct boot_module *kernel,
		      const struct boot_module *initrd);

#endif
