// SPDX-License-Identifier: MIT
/*
 * lamtest-privcmd: two hypercalls through IOCTL_PRIVCMD_HYPERCALL, the
 * path every toolstack call takes: xen_version(XENVER_version) and
 * xen_version(XENVER_extraversion) into a user buffer. Prints the version
 * the hypervisor reports.
 */
#include <fcntl.h>
#include <unistd.h>

#include "linux_xen.h"
#include "lamtest.h"

int main(void)
{
	struct lx_privcmd_hypercall call = {
		.op = LX_HYPERVISOR_xen_version,
		.arg = { LX_XENVER_version, 0 },
	};
	char extra[16] = { 0 };
	long version;
	int fd;

	lamtest_name = "privcmd";
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0)
		lamtest_fail("open /dev/xen/privcmd");
	version = ioctl(fd, LX_PRIVCMD_HYPERCALL, &call);
	if (version < 0)
		lamtest_fail("xen_version(XENVER_version)");
	call.arg[0] = LX_XENVER_extraversion;
	call.arg[1] = (uint64_t)(uintptr_t)extra;
	if (ioctl(fd, LX_PRIVCMD_HYPERCALL, &call) < 0)
		lamtest_fail("xen_version(XENVER_extraversion)");
	extra[sizeof(extra) - 1] = 0;
	close(fd);
	lamtest_ok("version %ld.%ld%s", version >> 16, version & 0xffff, extra);
}
