// SPDX-License-Identifier: MIT
/*
 * Console: the initial domain writes with CONSOLEIO_write; other domains
 * copy into the console ring (start_info.console.domU) and kick its event
 * channel. Output is buffered up to a newline so each line reaches the
 * hypervisor in one piece. Input: CONSOLEIO_read for the initial domain,
 * the ring's "in" side otherwise.
 */
#include <libpv/console.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <xen/console.h>
#include <xen/event_channel.h>

static char line[256];
static size_t line_len;
static struct xencons_interface *ring;
static evtchn_port_t ring_port;

void console_init(void)
{
	if (start_info->flags & SIF_INITDOMAIN)
		return;
	ring = mfn_to_virt(start_info->console.domU.mfn);
	ring_port = start_info->console.domU.evtchn;
}

static void ring_write(const char *buf, size_t len)
{
	struct evtchn_send send = { .port = ring_port };

	while (len) {
		XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;

		barrier();
		while (len && prod - cons < sizeof(ring->out)) {
			ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *buf++;
			prod++;
			len--;
		}
		asm volatile("sfence" ::: "memory");
		ring->out_prod = prod;
		hyp_event_channel_op(EVTCHNOP_send, &send);
		if (len)
			hyp_sched_op(0 /* SCHEDOP_yield */, NULL);
	}
}

long console_read(char *buf, size_t len)
{
	XENCONS_RING_IDX cons, prod;
	size_t n = 0;

	if (!ring)
		return hyp_console_io(CONSOLEIO_read, len, buf);
	cons = ring->in_cons;
	prod = ring->in_prod;
	barrier(); /* x86 keeps loads in order; the compiler must too */
	while (n < len && cons != prod)
		buf[n++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
	barrier();
	ring->in_cons = cons;
	return n;
}

evtchn_port_t console_input_port(void)
{
	return ring ? ring_port : 0;
}

static void emit(const char *buf, size_t len)
{
	if (!len)
		return;
	if (ring)
		ring_write(buf, len);
	else
		hyp_console_io(CONSOLEIO_write, len, buf);
}

void console_flush(void)
{
	emit(line, line_len);
	line_len = 0;
}

void console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		line[line_len++] = buf[i];
		if (buf[i] == '\n' || line_len == sizeof(line))
			console_flush();
	}
}
