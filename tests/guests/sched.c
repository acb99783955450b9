// SPDX-License-Identifier: MIT
/*
 * sched: domctl scheduler_op (credit weight and cap) and vCPU affinity on
 * the guest's own domain, with Xen's checks and errors. Xen 4.17 runs it
 * with sched=credit. With "peer=N expect=ok|eperm" on its command line it
 * instead sets domain N's weight and expects that result (the capability
 * test in tests/system/test_sched.py); harness mode, not for Xen.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/domctl.h>
#include <xen/errno.h>

static long domctl(struct xen_domctl *op)
{
	return HC(domctl, op, 0, 0, 0, 0);
}

static struct xen_domctl sched_req(domid_t dom, uint32_t cmd, uint16_t weight,
				   uint16_t cap)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op,
				 .interface_version =
					 XEN_DOMCTL_INTERFACE_VERSION,
				 .domain = dom };

	op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
	op.u.scheduler_op.cmd = cmd;
	op.u.scheduler_op.u.credit.weight = weight;
	op.u.scheduler_op.u.credit.cap = cap;
	return op;
}

/* getinfo into *weight and *cap; the domctl's result. */
static long get_params(domid_t dom, uint16_t *weight, uint16_t *cap)
{
	struct xen_domctl op = sched_req(dom, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
	long rc = domctl(&op);

	*weight = op.u.scheduler_op.u.credit.weight;
	*cap = op.u.scheduler_op.u.credit.cap;
	return rc;
}

static long put_params(domid_t dom, uint16_t weight, uint16_t cap)
{
	struct xen_domctl op =
		sched_req(dom, XEN_DOMCTL_SCHEDOP_putinfo, weight, cap);

	return domctl(&op);
}

static void test_scheduler_op(void)
{
	struct xen_domctl op = sched_req(0, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
	uint16_t w, c;

	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	CHECK_EQ("old_interface_eacces", domctl(&op), -XEN_EACCES);
	CHECK_EQ("bad_pointer_efault", HC(domctl, 16, 0, 0, 0, 0), -XEN_EFAULT);
	op = sched_req(0x7ff0 /* DOMID_SELF */, XEN_DOMCTL_SCHEDOP_getinfo, 0,
		       0);
	CHECK_EQ("domid_self_esrch", domctl(&op), -XEN_ESRCH);
	op = sched_req(4000, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
	CHECK_EQ("missing_domain_esrch", domctl(&op), -XEN_ESRCH);

	CHECK_EQ("getinfo_ok", get_params(0, &w, &c), 0);
	CHECK_EQ("default_weight", w, 256);
	CHECK_EQ("default_cap", c, 0);
	CHECK_EQ("putinfo_ok", put_params(0, 512, 40), 0);
	get_params(0, &w, &c);
	CHECK_EQ("weight_set", w, 512);
	CHECK_EQ("cap_set", c, 40);
	/* Weight 0 and cap 0xffff leave the old values. */
	CHECK_EQ("putinfo_unchanged_ok", put_params(0, 0, 0xffff), 0);
	get_params(0, &w, &c);
	CHECK("unchanged_kept", w == 512 && c == 40, "weight %u cap %u", w, c);
	put_params(0, 256, 0);
	get_params(0, &w, &c);
	CHECK("defaults_restored", w == 256 && c == 0, "weight %u cap %u", w,
	      c);

	op = sched_req(0, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0);
	op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	CHECK_EQ("other_scheduler_einval", domctl(&op), -XEN_EINVAL);
	op = sched_req(0, XEN_DOMCTL_SCHEDOP_getvcpuinfo, 0, 0);
	CHECK_EQ("vcpuinfo_einval", domctl(&op), -XEN_EINVAL);
	op = sched_req(0, 9, 0, 0);
	CHECK_EQ("bad_schedop_einval", domctl(&op), -XEN_EINVAL);
}

static struct xen_domctl affinity_req(uint32_t cmd, uint32_t vcpu,
				      uint32_t flags, uint8_t *map,
				      uint32_t bits)
{
	struct xen_domctl op = {
		.cmd = cmd, .interface_version = XEN_DOMCTL_INTERFACE_VERSION
	};

	op.u.vcpuaffinity.vcpu = vcpu;
	op.u.vcpuaffinity.flags = flags;
	op.u.vcpuaffinity.cpumap_hard.bitmap.p = map;
	op.u.vcpuaffinity.cpumap_hard.nr_bits = bits;
	return op;
}

static void test_affinity(void)
{
	uint8_t map[8];
	struct xen_domctl op;

	memset(map, 0xaa, sizeof(map));
	op = affinity_req(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
			  map, 64);
	CHECK_EQ("get_affinity_ok", domctl(&op), 0);
	CHECK("affinity_has_cpu0", map[0] & 1, "byte 0x%x", map[0]);
	CHECK("affinity_rest_zeroed", map[7] == 0, "byte 7 0x%x", map[7]);
	op = affinity_req(XEN_DOMCTL_getvcpuaffinity, 0, 0, map, 64);
	CHECK_EQ("no_flags_einval", domctl(&op), -XEN_EINVAL);
	op = affinity_req(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
			  NULL, 64);
	CHECK_EQ("null_map_einval", domctl(&op), -XEN_EINVAL);
	op = affinity_req(XEN_DOMCTL_getvcpuaffinity, 200,
			  XEN_VCPUAFFINITY_HARD, map, 64);
	CHECK_EQ("bad_vcpu_einval", domctl(&op), -XEN_EINVAL);

	memset(map, 0, sizeof(map));
	map[0] = 1;
	op = affinity_req(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
			  map, 64);
	CHECK_EQ("set_affinity_cpu0_ok", domctl(&op), 0);
	CHECK_EQ("effective_affinity_cpu0", map[0], 1);
	memset(map, 0, sizeof(map));
	op = affinity_req(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
			  map, 64);
	CHECK_EQ("empty_affinity_einval", domctl(&op), -XEN_EINVAL);
	op = affinity_req(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
			  map, 64);
	domctl(&op);
	CHECK_EQ("affinity_kept_cpu0", map[0], 1);
}

static void test_peer(domid_t peer)
{
	bool want_ok = cmdline_has("expect=ok");
	long rc = put_params(peer, 512, 0xffff);
	uint16_t w = 0, c = 0;

	if (want_ok) {
		CHECK_EQ("peer_putinfo_ok", rc, 0);
		CHECK_EQ("peer_getinfo_ok", get_params(peer, &w, &c), 0);
		CHECK_EQ("peer_weight_512", w, 512);
	} else {
		CHECK_EQ("peer_putinfo_eperm", rc, -XEN_EPERM);
		CHECK_EQ("peer_getinfo_eperm", get_params(peer, &w, &c),
			 -XEN_EPERM);
	}
}

void test_main(void)
{
	if (cmdline_has("peer=")) {
		test_peer((domid_t)cmdline_number("peer=", 0));
		return;
	}
	test_scheduler_op();
	test_affinity();
}
