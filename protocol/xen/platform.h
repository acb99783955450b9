/* SPDX-License-Identifier: MIT */
/*
 * XENPF_*: platform operations for the control domain (time, firmware
 * information, CPU management). HYPERVISOR_platform_op(struct *).
 *
 * Only the structures Lamina handles or must recognise are spelled out;
 * the others are reachable through xen_platform_op.u.pad.
 */
#ifndef LAMINA_XEN_PLATFORM_H
#define LAMINA_XEN_PLATFORM_H

#include <xen/xen.h>

#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32 17
#define XENPF_add_memtype 31
#define XENPF_del_memtype 32
#define XENPF_read_memtype 33
#define XENPF_microcode_update 35
#define XENPF_platform_quirk 39
#define XENPF_get_cpu_version 48
#define XENPF_efi_runtime_call 49
#define XENPF_firmware_info 50
#define XENPF_enter_acpi_sleep 51
#define XENPF_change_freq 52
#define XENPF_getidletime 53
#define XENPF_set_processor_pminfo 54
#define XENPF_get_cpuinfo 55
#define XENPF_cpu_online 56
#define XENPF_cpu_offline 57
#define XENPF_cpu_hotadd 58
#define XENPF_mem_hotadd 59
#define XENPF_core_parking 60
#define XENPF_resource_op 61
#define XENPF_settime64 62
#define XENPF_get_symbol 63
#define XENPF_settime XENPF_settime64

/* Set the wallclock: it reads secs.nsecs when system time is system_time. */
struct xenpf_settime32 {
	uint32_t secs; /* IN: seconds since the epoch */
	uint32_t nsecs; /* IN: nanoseconds */
	uint64_t system_time; /* IN: hypervisor system time of that instant */
};

struct xenpf_settime64 {
	uint64_t secs; /* IN: seconds since the epoch */
	uint32_t nsecs; /* IN: nanoseconds */
	uint32_t mbz; /* IN: zero */
	uint64_t system_time; /* IN: hypervisor system time of that instant */
};

struct xenpf_add_memtype {
	xen_pfn_t mfn; /* IN: first frame */
	uint64_t nr_mfns; /* IN: frames */
	uint32_t type; /* IN: MTRR type */
	uint32_t handle; /* OUT: handle for del_memtype */
	uint32_t reg; /* OUT: MTRR used */
};

struct xenpf_del_memtype {
	uint32_t handle; /* IN: from add_memtype */
	uint32_t reg; /* IN: MTRR */
};

struct xenpf_read_memtype {
	uint32_t reg; /* IN: MTRR */
	xen_pfn_t mfn; /* OUT: first frame */
	uint64_t nr_mfns; /* OUT: frames */
	uint32_t type; /* OUT: MTRR type */
};

struct xenpf_microcode_update {
	XEN_GUEST_HANDLE(const void) data; /* IN: microcode blob */
	uint32_t length; /* IN: its size */
};

struct xenpf_platform_quirk {
	uint32_t quirk_id; /* IN: QUIRK_* */
};

/* xenpf_firmware_info.type */
#define XEN_FW_DISK_INFO 1 /* BIOS int 13h data */
#define XEN_FW_DISK_MBR_SIGNATURE 2 /* MBR signature */
#define XEN_FW_VBEDDC_INFO 3 /* VBE EDID */
#define XEN_FW_EFI_INFO 4 /* EFI data; index selects XEN_FW_EFI_* */
#define XEN_FW_EFI_VERSION 0
#define XEN_FW_EFI_CONFIG_TABLE 1
#define XEN_FW_EFI_VENDOR 2
#define XEN_FW_EFI_MEM_INFO 3
#define XEN_FW_EFI_RT_VERSION 4
#define XEN_FW_EFI_PCI_ROM 5
#define XEN_FW_EFI_APPLE_PROPERTIES 6
#define XEN_FW_KBD_SHIFT_FLAGS 5 /* BIOS keyboard shift flags */

struct xenpf_firmware_info {
	uint32_t type; /* IN: XEN_FW_* */
	uint32_t index; /* IN: which disk / EFI item */
	union {
		struct {
			uint8_t device; /* OUT: BIOS device number */
			uint8_t version; /* OUT: EDD version */
			uint16_t interface_support; /* OUT: EDD bitmap */
			uint16_t legacy_max_cylinder; /* OUT */
			uint8_t legacy_max_head; /* OUT */
			uint8_t legacy_sectors_per_track; /* OUT */
			XEN_GUEST_HANDLE(void) edd_params; /* IN/OUT: buffer */
		} disk_info;
		struct {
			uint8_t device; /* OUT: BIOS device number */
			uint32_t mbr_signature; /* OUT: bytes at 0x1b8 */
		} disk_mbr_signature;
		struct {
			uint8_t capabilities; /* OUT */
			uint8_t edid_transfer_time; /* OUT */
			XEN_GUEST_HANDLE(uint8_t) edid; /* OUT: 128 bytes */
		} vbeddc_info;
		uint64_t efi_info[4]; /* OUT: EFI item, not decoded here */
		uint8_t kbd_shift_flags; /* OUT */
	} u;
};

#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001
struct xenpf_enter_acpi_sleep {
	uint16_t val_a; /* IN: PM1a control / sleep type A */
	uint16_t val_b; /* IN: PM1b control / sleep type B */
	uint32_t sleep_state; /* IN: S-state */
	uint32_t flags; /* IN: XENPF_ACPI_SLEEP_* */
};

struct xenpf_change_freq {
	uint32_t flags; /* IN: zero */
	uint32_t cpu; /* IN: physical CPU */
	uint64_t freq; /* IN: Hz */
};

struct xenpf_getidletime {
	XEN_GUEST_HANDLE(uint8_t) cpumap_bitmap; /* IN: CPUs; OUT: present */
	uint32_t cpumap_nr_cpus; /* IN: bits in the bitmap */
	XEN_GUEST_HANDLE(uint64_t) idletime; /* OUT: ns idle per CPU */
	uint64_t now; /* OUT: system time of the snapshot */
};

#define XEN_PCPU_FLAGS_ONLINE 1
#define XEN_PCPU_FLAGS_INVALID 2
struct xenpf_pcpuinfo {
	uint32_t xen_cpuid; /* IN: physical CPU index */
	uint32_t max_present; /* OUT: highest present index */
	uint32_t flags; /* OUT: XEN_PCPU_FLAGS_* */
	uint32_t apic_id; /* OUT */
	uint32_t acpi_id; /* OUT */
};

struct xenpf_pcpu_version {
	uint32_t xen_cpuid; /* IN: physical CPU index */
	uint32_t max_present; /* OUT: highest present index */
	char vendor_id[12]; /* OUT: CPUID vendor string */
	uint32_t family; /* OUT */
	uint32_t model; /* OUT */
	uint32_t stepping; /* OUT */
};

struct xenpf_cpu_ol {
	uint32_t cpuid; /* IN: physical CPU to online/offline */
};

struct xenpf_symdata {
	uint32_t namelen; /* IN: room in name; OUT: full name length */
	uint32_t symnum; /* IN: symbol index; OUT: next index */
	XEN_GUEST_HANDLE(char) name; /* OUT: symbol name */
	uint64_t address; /* OUT: symbol address */
	char type; /* OUT: nm-style type letter */
};

/* The argument of platform_op: a command and a 128-byte body. */
struct xen_platform_op {
	uint32_t cmd; /* IN: XENPF_* */
	uint32_t interface_version; /* IN: XENPF_INTERFACE_VERSION */
	union {
		struct xenpf_settime32 settime32;
		struct xenpf_settime64 settime64;
		struct xenpf_add_memtype add_memtype;
		struct xenpf_del_memtype del_memtype;
		struct xenpf_read_memtype read_memtype;
		struct xenpf_microcode_update microcode;
		struct xenpf_platform_quirk platform_quirk;
		struct xenpf_firmware_info firmware_info;
		struct xenpf_enter_acpi_sleep enter_acpi_sleep;
		struct xenpf_change_freq change_freq;
		struct xenpf_getidletime getidletime;
		struct xenpf_pcpuinfo pcpu_info;
		struct xenpf_pcpu_version pcpu_version;
		struct xenpf_cpu_ol cpu_ol;
		struct xenpf_symdata symdata;
		uint8_t pad[128];
	} u;
};

_Static_assert(sizeof(struct xenpf_firmware_info) == 40, "firmware_info");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op");
_Static_assert(__builtin_offsetof(struct xen_platform_op, u) == 8, "pf.u");

#endif
