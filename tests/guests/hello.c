// SPDX-License-Identifier: MIT
/*
 * hello: xen_version subops, console_io write, sched_op yield, and a clean
 * shutdown. Raw values are printed as INFO lines.
 */
#include <libpv/console.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/version.h>

static void test_version(void)
{
	long v = hyp_xen_version(XENVER_version, NULL);

	info("version %ld.%ld", v >> 16, v & 0xffff);
	CHECK("version_is_4_17", v == (4 << 16 | 17), "got 0x%lx", v);
}

static void test_strings(void)
{
	static xen_extraversion_t extra;
	static xen_capabilities_info_t caps;
	static xen_changeset_info_t cs;
	long rc;

	rc = hyp_xen_version(XENVER_extraversion, extra);
	CHECK_EQ("extraversion_rc", rc, 0);
	CHECK("extraversion_terminated",
	      strnlen(extra, sizeof(extra)) < sizeof(extra));
	info("extraversion '%s'", extra);

	rc = hyp_xen_version(XENVER_capabilities, caps);
	CHECK_EQ("capabilities_rc", rc, 0);
	CHECK("capabilities_has_x86_64", strstr(caps, "xen-3.0-x86_64"),
	      "got '%s'", caps);
	info("capabilities '%s'", caps);

	rc = hyp_xen_version(XENVER_changeset, cs);
	CHECK_EQ("changeset_rc", rc, 0);
	CHECK("changeset_terminated", strnlen(cs, sizeof(cs)) < sizeof(cs));
	info("changeset '%s'", cs);
}

static void test_platform(void)
{
	struct xen_platform_parameters p = { 0 };
	long rc = hyp_xen_version(XENVER_platform_parameters, &p);

	CHECK_EQ("platform_parameters_rc", rc, 0);
	CHECK("platform_virt_start", p.virt_start == HYPERVISOR_VIRT_START,
	      "got 0x%lx", p.virt_start);
	info("virt_start 0x%lx", p.virt_start);
}

static void test_features(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	long rc = hyp_xen_version(XENVER_get_features, &fi);
	/* Xen 4.17 does not advertise writable_page_tables to PV guests. */
	uint32_t must = (1U << XENFEAT_mmu_pt_update_preserve_ad) |
			(1U << XENFEAT_gnttab_map_avail_bits) |
			(1U << XENFEAT_dom0);
	uint32_t never = (1U << XENFEAT_auto_translated_physmap) |
			 (1U << XENFEAT_supervisor_mode_kernel) |
			 (1U << XENFEAT_hvm_callback_vector);

	CHECK_EQ("features_rc", rc, 0);
	info("features submap 0 = 0x%x", fi.submap);
	CHECK("features_pv_dom0_bits", (fi.submap & must) == must, "got 0x%x",
	      fi.submap);
	CHECK("features_no_hvm_bits", !(fi.submap & never), "got 0x%x",
	      fi.submap);

	/* Only submap 0 exists; others are refused, not answered with 0. */
	fi.submap_idx = XENFEAT_NR_SUBMAPS;
	rc = hyp_xen_version(XENVER_get_features, &fi);
	CHECK_EQ("features_submap1_einval", rc, -XEN_EINVAL);
}

static void test_misc(void)
{
	static xen_domain_handle_t h;
	long rc;

	rc = hyp_xen_version(XENVER_pagesize, NULL);
	CHECK_EQ("pagesize", rc, 4096);

	memset(h, 0xaa, sizeof(h));
	rc = hyp_xen_version(XENVER_guest_handle, h);
	CHECK_EQ("guest_handle_rc", rc, 0);
	/* The initial domain's handle is all zero. */
	CHECK("guest_handle_dom0_zero", !memcmp(h, (char[16]){ 0 }, 16));

	rc = hyp_xen_version(0x7fff, NULL);
	CHECK_EQ("version_bad_subop", rc, -XEN_ENOSYS);
}

static void test_console_and_yield(void)
{
	static const char msg[] = "hello from libpv\n";
	long rc;

	console_flush();
	rc = hyp_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);
	CHECK_EQ("console_write_rc", rc, 0);
	rc = hyp_console_io(CONSOLEIO_write, 0, msg);
	CHECK_EQ("console_write_empty", rc, 0);
	rc = hyp_sched_op(SCHEDOP_yield, NULL);
	CHECK_EQ("sched_yield", rc, 0);
}

void test_main(void)
{
	test_version();
	test_strings();
	test_platform();
	test_features();
	test_misc();
	test_console_and_yield();
}
