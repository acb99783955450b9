// SPDX-License-Identifier: MIT
/*
 * ctlwait: a control domain for multi-domain boot tests. It waits until
 * VIRQ_DOM_EXC has fired N times (N from the command line, "wait=N"),
 * then powers the machine off. The events of exits that happen together
 * coalesce into one, so tests let their domains end one at a time. Not a
 * conformance guest: it is not in `make list`.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>

#define WAIT_LIMIT_NS (60ULL * 1000000000ULL)

static volatile unsigned long exits;

static void dom_exc(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
	exits++;
}

static unsigned long wanted(void)
{
	const char *p = strstr((const char *)start_info->cmd_line, "wait=");
	unsigned long n = 0;

	if (!p)
		return 1;
	for (p += 5; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	return n;
}

void test_main(void)
{
	unsigned long n = wanted();
	uint64_t deadline = system_time_ns() + WAIT_LIMIT_NS;
	evtchn_port_t port;
	long rc = evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port);

	CHECK_EQ("bind_virq_dom_exc", rc, 0);
	evtchn_set_handler(port, dom_exc, NULL);
	evtchn_unmask(port);
	/* Block until told; a timer caps the wait so a lost event fails. */
	while (exits < n && system_time_ns() < deadline) {
		hyp_set_timer_op(system_time_ns() + 100000000ULL);
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	CHECK("domains_exited", exits >= n, "%lu of %lu", exits, n);
}
