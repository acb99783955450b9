// SPDX-License-Identifier: MIT
/*
 * lamtest-gntdev [DOMID]: grant one of our own pages through
 * /dev/xen/gntalloc and map that grant back through /dev/xen/gntdev, as a
 * backend maps a frontend's ring. Writes through either mapping must be
 * seen through the other.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux_xen.h"
#include "lamtest.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	unsigned int domid = lamtest_domid(argc, argv);
	struct lx_gntalloc_alloc_gref alloc = {
		.domid = (uint16_t)domid,
		.flags = LX_GNTALLOC_WRITABLE,
		.count = 1,
	};
	struct lx_gntdev_map_grant_ref map = { .count = 1 };
	struct lx_gntdev_unmap_grant_ref unmap = { .count = 1 };
	struct lx_gntalloc_dealloc_gref dealloc = { .count = 1 };
	volatile uint32_t *shared, *mapped;
	int afd, gfd;

	lamtest_name = "gntdev";
	afd = open("/dev/xen/gntalloc", O_RDWR);
	if (afd < 0)
		lamtest_fail("open /dev/xen/gntalloc");
	gfd = open("/dev/xen/gntdev", O_RDWR);
	if (gfd < 0)
		lamtest_fail("open /dev/xen/gntdev");
	if (ioctl(afd, LX_GNTALLOC_ALLOC_GREF, &alloc) < 0)
		lamtest_fail("gntalloc: grant a page to domain %u", domid);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, afd,
		      (off_t)alloc.index);
	if (shared == MAP_FAILED)
		lamtest_fail("mmap the granted page");
	shared[0] = 0x4c414d31; /* "LAM1" */
	shared[PAGE / 4 - 1] = 0x600df00d;

	map.refs[0].domid = domid;
	map.refs[0].ref = alloc.gref_ids[0];
	if (ioctl(gfd, LX_GNTDEV_MAP_GRANT_REF, &map) < 0)
		lamtest_fail("gntdev: map grant %u of domain %u",
			     alloc.gref_ids[0], domid);
	mapped = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gfd,
		      (off_t)map.index);
	if (mapped == MAP_FAILED)
		lamtest_fail("mmap grant %u through gntdev", alloc.gref_ids[0]);
	if (mapped[0] != 0x4c414d31 || mapped[PAGE / 4 - 1] != 0x600df00d) {
		errno = EIO;
		lamtest_fail("mapped grant reads %#x..%#x", mapped[0],
			     mapped[PAGE / 4 - 1]);
	}
	mapped[1] = 0x4c414d32; /* "LAM2" */
	if (shared[1] != 0x4c414d32) {
		errno = EIO;
		lamtest_fail("write through the grant mapping not seen");
	}
	if (munmap((void *)mapped, PAGE) < 0)
		lamtest_fail("munmap the grant mapping");
	unmap.index = map.index;
	if (ioctl(gfd, LX_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0)
		lamtest_fail("gntdev: unmap");
	if (munmap((void *)shared, PAGE) < 0)
		lamtest_fail("munmap the granted page");
	dealloc.index = alloc.index;
	if (ioctl(afd, LX_GNTALLOC_DEALLOC_GREF, &dealloc) < 0)
		lamtest_fail("gntalloc: end the grant");
	close(gfd);
	close(afd);
	lamtest_ok("grant %u of domain %u mapped and shared", alloc.gref_ids[0],
		   domid);
}
