// SPDX-License-Identifier: MIT
/*
 * lamtest-evtchn [DOMID]: an event-channel loopback through
 * /dev/xen/evtchn. An unbound port is allocated for DOMID (ourselves),
 * a second port binds to it as the remote end, and a notification on
 * each end must arrive on the other, read back from the device.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

#include "linux_xen.h"
#include "lamtest.h"

#define WAIT_MS 5000

/*
 * Wait until the device reports `port` pending. Every port read is
 * unmasked again, also those read along with `port`: one left masked
 * would never report its next event.
 */
static void expect_event(int fd, uint32_t port)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t got[8];
	bool seen = false;
	ssize_t n;

	while (!seen) {
		int rc = poll(&p, 1, WAIT_MS);

		if (rc == 0) {
			errno = ETIMEDOUT;
			lamtest_fail("no event on port %u within %d ms", port,
				     WAIT_MS);
		}
		if (rc < 0)
			lamtest_fail("poll");
		n = read(fd, got, sizeof(got));
		if (n < 0)
			lamtest_fail("read");
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(got[0]); i++) {
			if (write(fd, &got[i], sizeof(got[i])) !=
			    (ssize_t)sizeof(got[i]))
				lamtest_fail("unmask port %u", got[i]);
			seen |= got[i] == port;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned int domid = lamtest_domid(argc, argv);
	struct lx_evtchn_bind_unbound_port unbound = { domid };
	struct lx_evtchn_bind_interdomain inter = { domid, 0 };
	struct lx_evtchn_port note;
	int fd, a, b;

	lamtest_name = "evtchn";
	fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		lamtest_fail("open /dev/xen/evtchn");
	a = ioctl(fd, LX_EVTCHN_BIND_UNBOUND_PORT, &unbound);
	if (a < 0)
		lamtest_fail("bind unbound port for domain %u", domid);
	inter.remote_port = (uint32_t)a;
	b = ioctl(fd, LX_EVTCHN_BIND_INTERDOMAIN, &inter);
	if (b < 0)
		lamtest_fail("bind interdomain to %u:%d", domid, a);
	note.port = (uint32_t)b;
	if (ioctl(fd, LX_EVTCHN_NOTIFY, &note) < 0)
		lamtest_fail("notify port %d", b);
	expect_event(fd, (uint32_t)a);
	note.port = (uint32_t)a;
	if (ioctl(fd, LX_EVTCHN_NOTIFY, &note) < 0)
		lamtest_fail("notify port %d", a);
	expect_event(fd, (uint32_t)b);
	note.port = (uint32_t)b;
	if (ioctl(fd, LX_EVTCHN_UNBIND, &note) < 0)
		lamtest_fail("unbind port %d", b);
	note.port = (uint32_t)a;
	if (ioctl(fd, LX_EVTCHN_UNBIND, &note) < 0)
		lamtest_fail("unbind port %d", a);
	close(fd);
	lamtest_ok("loopback ports %d<->%d in domain %u", a, b, domid);
}
