/* SPDX-License-Identifier: MIT */
/*
 * Error codes used inside the hypervisor: negative values of these.
 *
 * The numbers are Xen's public errno values, so an error can cross the
 * guest ABI boundary unchanged.
 */
#ifndef LAMINA_ERRNO_H
#define LAMINA_ERRNO_H

#define ENOENT 2
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34

#endif
