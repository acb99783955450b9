/* SPDX-License-Identifier: MIT */
/*
 * Error numbers at the hypercall boundary.
 *
 * Hypercalls return the negated value (-XEN_EPERM). The numbers are the ABI:
 * they match Linux's on x86, which is why guests can pass them straight up.
 */
#ifndef LAMINA_XEN_ERRNO_H
#define LAMINA_XEN_ERRNO_H

#define XEN_EPERM 1 /* caller lacks the authority for this operation */
#define XEN_ENOENT 2 /* the named object does not exist */
#define XEN_ESRCH 3 /* no such domain or vCPU */
#define XEN_EIO 5 /* device or transfer failed */
#define XEN_ENXIO 6 /* no such device or address */
#define XEN_E2BIG 7 /* argument list or count too large */
#define XEN_ENOEXEC 8 /* image is not in a loadable format */
#define XEN_EBADF 9 /* bad handle or port */
#define XEN_ECHILD 10 /* no child */
#define XEN_EAGAIN 11 /* temporary shortage; try again */
#define XEN_EWOULDBLOCK 11 /* same number as XEN_EAGAIN */
#define XEN_ENOMEM 12 /* out of memory */
#define XEN_EACCES 13 /* access denied by the object's own rules */
#define XEN_EFAULT 14 /* a guest address could not be read or written */
#define XEN_EBUSY 16 /* object is in use */
#define XEN_EEXIST 17 /* object already exists */
#define XEN_EXDEV 18 /* operation spans two domains where it may not */
#define XEN_ENODEV 19 /* no such device */
#define XEN_ENOTDIR 20 /* not a directory */
#define XEN_EISDIR 21 /* is a directory */
#define XEN_EINVAL 22 /* malformed argument */
#define XEN_ENFILE 23 /* a system-wide table is full */
#define XEN_EMFILE 24 /* a per-domain table is full */
#define XEN_ENOSPC 28 /* no room left */
#define XEN_EROFS 30 /* read-only */
#define XEN_EMLINK 31 /* too many links */
#define XEN_EDOM 33 /* argument outside the function's domain */
#define XEN_ERANGE 34 /* result or value out of range */
#define XEN_EDEADLK 35 /* operation would deadlock */
#define XEN_EDEADLOCK 35 /* same number as XEN_EDEADLK */
#define XEN_ENAMETOOLONG 36 /* name too long */
#define XEN_ENOLCK 37 /* no locks available */
#define XEN_ENOSYS 38 /* hypercall or subop not implemented */
#define XEN_ENOTEMPTY 39 /* not empty */
#define XEN_ENODATA 61 /* no data available */
#define XEN_ETIME 62 /* timer expired */
#define XEN_EBADMSG 74 /* malformed message */
#define XEN_EOVERFLOW 75 /* value too large for the field */
#define XEN_EILSEQ 84 /* illegal byte sequence */
#define XEN_ENOTSOCK 88 /* not a socket */
#define XEN_EMSGSIZE 90 /* message too large */
#define XEN_EOPNOTSUPP 95 /* operation not supported */
#define XEN_EADDRINUSE 98 /* address already in use */
#define XEN_EADDRNOTAVAIL 99 /* address not available */
#define XEN_ENOBUFS 105 /* no buffer space */
#define XEN_EISCONN 106 /* already connected */
#define XEN_ENOTCONN 107 /* not connected */
#define XEN_ETIMEDOUT 110 /* timed out */
#define XEN_ECONNREFUSED 111 /* connection refused */

/*
 * Xen also has EINTR (4) and ERESTART (85), but only inside the hypervisor;
 * a guest must never see them, so they are not part of this header.
 */

#endif
