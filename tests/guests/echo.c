// SPDX-License-Identifier: MIT
/*
 * echo: prints each line typed at its console back as "echo: <line>",
 * control characters as ^X. The line "quit" ends the run; "spin" makes it
 * poll for input without blocking (a vCPU that is always running) until
 * "stop". As the initial
 * domain it reads with CONSOLEIO_read and hears VIRQ_CONSOLE; otherwise it
 * reads its console ring's "in" side and hears the ring's port. Not a
 * conformance guest: it is not in `make list`.
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/sched.h>

#define WAIT_LIMIT_NS (60ULL * 1000000000ULL)
#define TIMER_NS 100000000ULL

static char line[128];
static size_t line_len;
static bool spinning;

static void input_event(evtchn_port_t port, void *data)
{
	(void)port, (void)data;
}

static void line_add(char c)
{
	if (line_len + 2 >= sizeof(line))
		return;
	if ((unsigned char)c < ' ' || c == 0x7f) {
		line[line_len++] = '^';
		c = c == 0x7f ? '?' : c + '@';
	}
	line[line_len++] = c;
}

/* True when the line was "quit". */
static bool line_end(void)
{
	bool quit;

	line[line_len] = '\0';
	quit = !strcmp(line, "quit");
	if (!strcmp(line, "spin") || !strcmp(line, "stop"))
		spinning = line[1] == 'p';
	if (line_len)
		printf("echo: %s\n", line);
	line_len = 0;
	return quit;
}

static bool take(const char *buf, long n)
{
	for (long i = 0; i < n; i++) {
		if (buf[i] == '\r' || buf[i] == '\n') {
			if (line_end())
				return true;
		} else {
			line_add(buf[i]);
		}
	}
	return false;
}

/* Bytes read, or 0 after waiting for an event (or the timer). */
static long read_or_wait(char *buf, size_t len)
{
	uint8_t mask = events_disable();
	long n = console_read(buf, len);

	if (n == 0 && !spinning) {
		/* Blocking unmasks events: nothing slips in between. */
		hyp_set_timer_op(system_time_ns() + TIMER_NS);
		hyp_sched_op(SCHEDOP_block, NULL);
	}
	events_restore(mask);
	return n;
}

void test_main(void)
{
	uint64_t deadline = system_time_ns() + WAIT_LIMIT_NS;
	evtchn_port_t port = console_input_port();
	bool quit = false;
	char buf[64];
	long n = 0;

	if (!port) {
		long rc = evtchn_bind_virq(VIRQ_CONSOLE, 0, &port);

		CHECK_EQ("bind_virq_console", rc, 0);
	}
	evtchn_set_handler(port, input_event, NULL);
	evtchn_unmask(port);
	printf("echo: ready\n");
	while (!quit && system_time_ns() < deadline) {
		n = read_or_wait(buf, sizeof(buf));
		if (n < 0)
			break;
		quit = take(buf, n);
	}
	CHECK("quit_received", quit, "read %ld", n);
}
