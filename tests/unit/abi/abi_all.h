/* SPDX-License-Identifier: MIT */
/* Every protocol/xen header, for the ABI checks. */
#ifndef ABI_ALL_H
#define ABI_ALL_H

#include <stddef.h>

#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/console.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#include "../test.h"

#endif
