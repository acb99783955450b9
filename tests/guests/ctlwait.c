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
#include <xen/sched.h>

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
	evtchn_port_t port;
	long rc = evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port);

	CHECK_EQ("bind_virq_dom_exc", rc, 0);
	evtchn_set_handler(port, dom_exc, NULL);
	evtchn_unmask(port);
	/* Block until told. Events are off from the count check to the
	 * block (which turns them on as it sleeps): an exit counted in
	 * between would otherwise leave nothing to wake us. (A one-shot
	 * timer would not help: it wakes a vCPU only through a bound
	 * VIRQ_TIMER, on Xen as on Lamina; the tests' own timeouts catch a
	 * lost event.) */
	for (;;) {
		events_disable();
		if (exits >= n)
			break;
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	events_restore(0);
	CHECK("domains_exited", exits >= n, "%lu of %lu", exits, n);
}
