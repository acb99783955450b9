// SPDX-License-Identifier: MIT
/*
 * The control domain's Linux devices behind the ring transport:
 * /dev/xen/evtchn (event channels), /dev/xen/gntdev (mapping a guest's
 * xenstore page by its reserved grant) and /dev/xen/xenbus_backend (the
 * control domain's own kernel). The ioctl layouts are the Linux UAPI's,
 * written out here so the musl build needs no kernel headers. On a host
 * without these devices every call fails and the daemon serves sockets
 * only. (These wrappers move to libctrl when it lands.)
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lamstored.h"
#include "transport.h"

#define GNTTAB_RESERVED_XENSTORE 1
#define PAGE 4096

struct evtchn_bind_interdomain {
	uint32_t remote_domain, remote_port;
};
struct evtchn_port {
	uint32_t port;
};
struct gntdev_map {
	uint32_t count, pad;
	uint64_t index; /* OUT: mmap offset */
	struct {
		uint32_t domid, ref;
	} refs[1];
};
struct gntdev_unmap {
	uint64_t index;
	uint32_t count, pad;
};

#define EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_bind_interdomain))
#define EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_port))
#define EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_port))
#define GNTDEV_MAP _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map))
#define GNTDEV_UNMAP _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap))
#define XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

static int evtchn_fd = -1, gntdev_fd = -1;

static int map_errno(int e)
{
	/* Only Xen's errno names can go on the wire. */
	switch (e) {
	case ENOENT:
		return XS_ENOENT;
	case ENOMEM:
		return XS_ENOMEM;
	case EPERM:
		return XS_EPERM;
	case EACCES:
		return XS_EACCES;
	case EBUSY:
		return XS_EBUSY;
	default:
		return XS_EIO;
	}
}

int xendev_evtchn_open(void)
{
	if (evtchn_fd < 0)
		evtchn_fd = open("/dev/xen/evtchn",
				 O_RDWR | O_CLOEXEC | O_NONBLOCK);
	return evtchn_fd;
}

int xendev_evtchn_fd(void)
{
	return evtchn_fd;
}

int xendev_bind(uint32_t domid, uint32_t remote_port, uint32_t *local)
{
	struct evtchn_bind_interdomain b = { domid, remote_port };
	int rc;

	if (xendev_evtchn_open() < 0)
		return map_errno(errno);
	rc = ioctl(evtchn_fd, EVTCHN_BIND_INTERDOMAIN, &b);
	if (rc < 0)
		return map_errno(errno);
	*local = (uint32_t)rc;
	return 0;
}

void xendev_unbind(uint32_t local_port)
{
	struct evtchn_port p = { local_port };

	if (evtchn_fd >= 0)
		ioctl(evtchn_fd, EVTCHN_UNBIND, &p);
}

void xendev_notify(uint32_t local_port)
{
	struct evtchn_port p = { local_port };

	if (evtchn_fd >= 0)
		ioctl(evtchn_fd, EVTCHN_NOTIFY, &p);
}

int xendev_pending(uint32_t *ports, int max)
{
	ssize_t n;

	if (evtchn_fd < 0)
		return 0;
	n = read(evtchn_fd, ports, (size_t)max * sizeof(*ports));
	return n > 0 ? (int)(n / (ssize_t)sizeof(*ports)) : 0;
}

void xendev_unmask(uint32_t local_port)
{
	if (evtchn_fd >= 0 &&
	    write(evtchn_fd, &local_port, sizeof(local_port)) < 0)
		log_msg("evtchn: unmask %u failed", local_port);
}

void *xendev_map_ring(uint32_t domid, uint64_t *handle, int *err)
{
	struct gntdev_map m = { .count = 1 };
	void *page;

	if (gntdev_fd < 0)
		gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (gntdev_fd < 0) {
		*err = map_errno(errno);
		return NULL;
	}
	m.refs[0].domid = domid;
	m.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
	if (ioctl(gntdev_fd, GNTDEV_MAP, &m) < 0) {
		*err = map_errno(errno);
		return NULL;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd,
		    (off_t)m.index);
	if (page == MAP_FAILED) {
		struct gntdev_unmap u = { m.index, 1, 0 };

		*err = map_errno(errno);
		ioctl(gntdev_fd, GNTDEV_UNMAP, &u);
		return NULL;
	}
	*handle = m.index;
	return page;
}

void xendev_unmap_ring(void *page, uint64_t handle)
{
	struct gntdev_unmap u = { handle, 1, 0 };

	munmap(page, PAGE);
	if (gntdev_fd >= 0)
		ioctl(gntdev_fd, GNTDEV_UNMAP, &u);
}

void *xendev_map_local(uint32_t *port, int *err)
{
	int fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC), rc;
	void *page;

	if (fd < 0) {
		*err = map_errno(errno);
		return NULL;
	}
	rc = ioctl(fd, XENBUS_BACKEND_EVTCHN, 0);
	if (rc < 0) {
		*err = map_errno(errno);
		close(fd);
		return NULL;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED) {
		*err = map_errno(errno);
		return NULL;
	}
	*port = (uint32_t)rc;
	return page;
}
