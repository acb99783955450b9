// SPDX-License-Identifier: MIT
/*
 * unpriv: a boot domain with no capabilities (boot_domains=MOD:MEM). Its
 * start of day is an unprivileged domain's, and every privileged request
 * is refused while it keeps running. Not a conformance guest (Xen here
 * boots no domU to compare with): not in `make list`.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>

static void test_start_info(void)
{
	CHECK_EQ("flags_unprivileged", start_info->flags, 0);
	CHECK("store_page", start_info->store_mfn != 0);
	CHECK("store_evtchn", start_info->store_evtchn != 0);
	CHECK("console_page", start_info->console.domU.mfn != 0);
	CHECK("console_evtchn", start_info->console.domU.evtchn != 0);
	CHECK("store_console_distinct",
	      start_info->store_mfn != start_info->console.domU.mfn &&
		      start_info->store_evtchn !=
			      start_info->console.domU.evtchn);
	/* Both rings are this domain's own frames. */
	CHECK("store_page_own", m2p()[start_info->store_mfn] <
					start_info->nr_pages);
	CHECK("console_page_own",
	      m2p()[start_info->console.domU.mfn] < start_info->nr_pages);
}

static void test_refusals(void)
{
	static char cmdline[1024];
	struct xen_memory_map map = { .nr_entries = 0 };
	struct sched_remote_shutdown rs = { .domain_id = 0,
					    .reason = SHUTDOWN_poweroff };
	struct evtchn_status st = { .dom = 0, .port = 1 };
	struct mmu_update req = { 0, 0 };
	struct xen_feature_info fi = { .submap_idx = 0 };
	unsigned int done;

	CHECK_EQ("console_io_refused",
		 hyp_console_io(CONSOLEIO_write, 3, "no\n"), -XEN_EPERM);
	CHECK_EQ("commandline_refused",
		 hyp_xen_version(XENVER_commandline, cmdline), -XEN_EPERM);
	CHECK_EQ("machine_memory_map_refused",
		 hyp_memory_op(XENMEM_machine_memory_map, &map), -XEN_EPERM);
	CHECK_EQ("remote_shutdown_refused",
		 hyp_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
	CHECK_EQ("evtchn_status_of_dom0_refused",
		 hyp_event_channel_op(EVTCHNOP_status, &st), -XEN_EPERM);
	CHECK_EQ("mmu_update_foreign_refused",
		 hyp_mmu_update(&req, 1, &done, 0), -XEN_EPERM);
	CHECK_EQ("features_rc", hyp_xen_version(XENVER_get_features, &fi), 0);
	CHECK("features_not_dom0", !(fi.submap & (1u << XENFEAT_dom0)),
	      "submap 0x%x", fi.submap);
}

void test_main(void)
{
	test_start_info();
	test_refusals();
	CHECK("still_running", 1);
}
