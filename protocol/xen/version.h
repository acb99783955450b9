/* SPDX-License-Identifier: MIT */
/*
 * XENVER_*: what the hypervisor says about itself.
 * HYPERVISOR_xen_version(cmd, arg).
 */
#ifndef LAMINA_XEN_VERSION_H
#define LAMINA_XEN_VERSION_H

#include <xen/xen.h>

#define XENVER_version 0 /* arg: none; returns major << 16 | minor */
#define XENVER_extraversion 1 /* arg: xen_extraversion_t */
#define XENVER_compile_info 2 /* arg: struct xen_compile_info */
#define XENVER_capabilities 3 /* arg: xen_capabilities_info_t */
#define XENVER_changeset 4 /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* arg: xen_platform_parameters */
#define XENVER_get_features 6 /* arg: struct xen_feature_info */
#define XENVER_pagesize 7 /* arg: none; returns page size */
#define XENVER_guest_handle 8 /* arg: xen_domain_handle_t */
#define XENVER_commandline 9 /* arg: xen_commandline_t */
#define XENVER_build_id 10 /* arg: struct xen_build_id */

typedef char xen_extraversion_t[16]; /* OUT: e.g. ".0-lamina" */
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
	char compiler[64]; /* OUT */
	char compile_by[16]; /* OUT */
	char compile_domain[32]; /* OUT */
	char compile_date[32]; /* OUT */
};

typedef char xen_capabilities_info_t[1024]; /* OUT: "xen-3.0-x86_64 ..." */
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64]; /* OUT: source revision */
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
	xen_ulong_t virt_start; /* OUT: start of the hypervisor's hole */
};

struct xen_feature_info {
	uint32_t submap_idx; /* IN: which 32-bit submap */
	uint32_t submap; /* OUT: XENFEAT_* bits of that submap */
};

typedef char xen_commandline_t[1024]; /* OUT: hypervisor command line */

struct xen_build_id {
	uint32_t len; /* IN: room in buf; OUT: bytes written */
	unsigned char buf[]; /* OUT: build id */
};

#include <xen/features.h>

_Static_assert(sizeof(struct xen_compile_info) == 144, "compile_info");
_Static_assert(sizeof(struct xen_feature_info) == 8, "feature_info");

#endif
