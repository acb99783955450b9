/* SPDX-License-Identifier: MIT */
#ifndef ASM_DOM_BUILD_H
#define ASM_DOM_BUILD_H

#include <stdbool.h>
#include <lamina/bootinfo.h>
#include <xen/xen.h>

/* Build and make runnable a domain from boot modules. 0 or -XEN_E*. */
int build_boot_domain(domid_t domid, const struct boot_module *kernel,
		      const struct boot_module *initrd, bool control);

#endif
