// SPDX-License-Identifier: MIT
/*
 * pingpong: event-channel round trips between two boot domains (a harness
 * guest, not a conformance guest: Xen here boots no domU to compare with).
 *
 *   role=server  (domain 1)  allocates an unbound port for domain 2 and
 *                            answers every event on it with one back
 *   role=client  (domain 2)  binds to that port (it tries each port of
 *                            domain 1 until one accepts it: no convention
 *                            on numbers), sends "rounds=N" pings and
 *                            waits for each pong, then says goodbye
 *
 * Both keep the port masked and wait in SCHEDOP_poll, so every event is
 * seen through its pending bit: a lost event shows as a poll timeout, an
 * extra one as a round that completes without its ping. Each prints its
 * count and the client the mean round-trip time.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/errno.h>
#include <xen/sched.h>

#define SERVER 1
#define CLIENT 2
#define WAIT_NS (10ULL * 1000000000ULL)
#define MAX_PORT 64

static bool take_pending(evtchn_port_t port)
{
	uint64_t bit = 1UL << (port % 64);
	uint64_t old =
		__atomic_fetch_and(&shared_info->evtchn_pending[port / 64],
				   ~bit, __ATOMIC_SEQ_CST);

	return old & bit;
}

/* Wait (bounded) for one event on port and consume it. */
static bool await(evtchn_port_t port)
{
	uint64_t deadline = system_time_ns() + WAIT_NS;

	while (!take_pending(port)) {
		struct sched_poll p = { .nr_ports = 1, .timeout = deadline };

		p.ports.p = &port;
		if (system_time_ns() >= deadline)
			return false;
		hyp_sched_op(SCHEDOP_poll, &p);
	}
	return true;
}

static void server(unsigned long rounds)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = CLIENT };
	unsigned long answered = 0;

	CHECK_EQ("alloc_unbound_for_client",
		 hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a), 0);
	evtchn_mask(a.port);
	/* Every ping, then the goodbye. */
	while (answered <= rounds && await(a.port)) {
		evtchn_notify(a.port);
		answered++;
	}
	CHECK_EQ("server_answered_every_ping", answered, rounds + 1);
}

static evtchn_port_t bind_to_server(void)
{
	uint64_t deadline = system_time_ns() + WAIT_NS;

	while (system_time_ns() < deadline) {
		for (evtchn_port_t p = 1; p < MAX_PORT; p++) {
			struct evtchn_bind_interdomain b = {
				.remote_dom = SERVER,
				.remote_port = p,
			};

			if (!hyp_event_channel_op(EVTCHNOP_bind_interdomain,
						  &b))
				return b.local_port;
		}
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return 0;
}

static void client(unsigned long rounds)
{
	evtchn_port_t port = bind_to_server();
	unsigned long done = 0;
	uint64_t t0;

	CHECK("bound_to_server", port != 0, "no port of domain 1 to bind");
	if (!port)
		return;
	evtchn_mask(port);
	/* As Xen, binding marks our end pending: not a pong. */
	take_pending(port);
	t0 = system_time_ns();
	for (; done < rounds; done++) {
		evtchn_notify(port);
		if (!await(port))
			break;
	}
	if (done)
		info("round trip %lu ns over %lu rounds",
		     (unsigned long)((system_time_ns() - t0) / done), done);
	CHECK_EQ("client_got_every_pong", done, rounds);
	evtchn_notify(port); /* goodbye */
}

void test_main(void)
{
	unsigned long rounds = cmdline_number("rounds=", 2000);

	if (cmdline_has("role=server"))
		server(rounds);
	else
		client(rounds);
}
