/* SPDX-License-Identifier: MIT */
/*
 * Layout of every ABI structure in protocol/xen: sizes and field offsets
 * as the x86-64 Xen 4.17 ABI fixes them. A failure here means a change
 * broke binary compatibility with existing PV guests.
 */
#include "abi_all.h"

TEST(layout_mmu_update)
{
	CHECK_EQ(sizeof(struct mmu_update), 16);
}

TEST(layout_mmuext_op)
{
	CHECK_EQ(sizeof(struct mmuext_op), 24);
}

TEST(layout_multicall_entry)
{
	CHECK_EQ(sizeof(struct multicall_entry), 64);
}

TEST(layout_vcpu_time_info)
{
	CHECK_EQ(sizeof(struct vcpu_time_info), 32);
}

TEST(layout_vcpu_info)
{
	CHECK_EQ(sizeof(struct vcpu_info), 64);
	CHECK_EQ(offsetof(struct vcpu_info, time), 32);
}

TEST(layout_shared_info)
{
	CHECK_EQ(sizeof(struct shared_info), 3136);
	CHECK_EQ(offsetof(struct shared_info, evtchn_pending), 2048);
	CHECK_EQ(offsetof(struct shared_info, wc_version), 3072);
	CHECK_EQ(offsetof(struct shared_info, arch), 3088);
}

TEST(layout_start_info)
{
	CHECK_EQ(sizeof(struct start_info), 1168);
	CHECK_EQ(offsetof(struct start_info, console), 72);
	CHECK_EQ(offsetof(struct start_info, cmd_line), 128);
	CHECK_EQ(offsetof(struct start_info, store_mfn), 56);
	CHECK_EQ(offsetof(struct start_info, pt_base), 88);
	CHECK_EQ(offsetof(struct start_info, first_p2m_pfn), 1152);
}

TEST(layout_cpu_user_regs)
{
	CHECK_EQ(sizeof(struct cpu_user_regs), 200);
	CHECK_EQ(offsetof(struct cpu_user_regs, rip), 128);
	CHECK_EQ(offsetof(struct cpu_user_regs, cs), 136);
	CHECK_EQ(offsetof(struct cpu_user_regs, saved_upcall_mask), 140);
	CHECK_EQ(offsetof(struct cpu_user_regs, rflags), 144);
	CHECK_EQ(offsetof(struct cpu_user_regs, ss), 160);
	CHECK_EQ(offsetof(struct cpu_user_regs, gs), 192);
	CHECK_EQ(offsetof(struct cpu_user_regs, error_code), 120);
}

TEST(layout_trap_info)
{
	CHECK_EQ(sizeof(struct trap_info), 16);
}

TEST(layout_iret_context)
{
	CHECK_EQ(sizeof(struct iret_context), 72);
}

TEST(layout_vcpu_guest_context)
{
	CHECK_EQ(sizeof(struct vcpu_guest_context), 5168);
	CHECK_EQ(offsetof(struct vcpu_guest_context, flags), 512);
	CHECK_EQ(offsetof(struct vcpu_guest_context, user_regs), 520);
	CHECK_EQ(offsetof(struct vcpu_guest_context, trap_ctxt), 720);
	CHECK_EQ(offsetof(struct vcpu_guest_context, ldt_base), 4816);
	CHECK_EQ(offsetof(struct vcpu_guest_context, gdt_frames), 4832);
	CHECK_EQ(offsetof(struct vcpu_guest_context, kernel_ss), 4968);
	CHECK_EQ(offsetof(struct vcpu_guest_context, ctrlreg), 4984);
	CHECK_EQ(offsetof(struct vcpu_guest_context, debugreg), 5048);
	CHECK_EQ(offsetof(struct vcpu_guest_context, event_callback_eip), 5112);
	CHECK_EQ(offsetof(struct vcpu_guest_context, syscall_callback_eip),
		 5128);
	CHECK_EQ(offsetof(struct vcpu_guest_context, vm_assist), 5136);
	CHECK_EQ(offsetof(struct vcpu_guest_context, fs_base), 5144);
	CHECK_EQ(offsetof(struct vcpu_guest_context, gs_base_user), 5160);
}

TEST(layout_arch_shared_info)
{
	CHECK_EQ(sizeof(struct arch_shared_info), 48);
}

TEST(layout_arch_vcpu_info)
{
	CHECK_EQ(sizeof(struct arch_vcpu_info), 16);
}

TEST(layout_xen_multiboot_mod_list)
{
	CHECK_EQ(sizeof(struct xen_multiboot_mod_list), 16);
}

TEST(layout_dom0_vga_console_info)
{
	CHECK_EQ(sizeof(struct dom0_vga_console_info), 40);
	CHECK_EQ(offsetof(struct dom0_vga_console_info, u.vesa_lfb.gbl_caps),
		 28);
	CHECK_EQ(offsetof(struct dom0_vga_console_info,
			  u.vesa_lfb.ext_lfb_base),
		 36);
}

TEST(layout_vcpu_runstate_info)
{
	CHECK_EQ(sizeof(struct vcpu_runstate_info), 48);
	CHECK_EQ(offsetof(struct vcpu_runstate_info, state_entry_time), 8);
	CHECK_EQ(offsetof(struct vcpu_runstate_info, time), 16);
}

TEST(layout_vcpu_register_runstate_memory_area)
{
	CHECK_EQ(sizeof(struct vcpu_register_runstate_memory_area), 8);
}

TEST(layout_vcpu_set_periodic_timer)
{
	CHECK_EQ(sizeof(struct vcpu_set_periodic_timer), 8);
}

TEST(layout_vcpu_set_singleshot_timer)
{
	CHECK_EQ(sizeof(struct vcpu_set_singleshot_timer), 16);
}

TEST(layout_vcpu_register_vcpu_info)
{
	CHECK_EQ(sizeof(struct vcpu_register_vcpu_info), 16);
}

TEST(layout_vcpu_get_physid)
{
	CHECK_EQ(sizeof(struct vcpu_get_physid), 8);
}

TEST(layout_vcpu_register_time_memory_area)
{
	CHECK_EQ(sizeof(struct vcpu_register_time_memory_area), 8);
}

TEST(layout_evtchn_alloc_unbound)
{
	CHECK_EQ(sizeof(struct evtchn_alloc_unbound), 8);
	CHECK_EQ(offsetof(struct evtchn_alloc_unbound, port), 4);
}

TEST(layout_evtchn_bind_interdomain)
{
	CHECK_EQ(sizeof(struct evtchn_bind_interdomain), 12);
	CHECK_EQ(offsetof(struct evtchn_bind_interdomain, remote_port), 4);
	CHECK_EQ(offsetof(struct evtchn_bind_interdomain, local_port), 8);
}

TEST(layout_evtchn_bind_virq)
{
	CHECK_EQ(sizeof(struct evtchn_bind_virq), 12);
}

TEST(layout_evtchn_bind_pirq)
{
	CHECK_EQ(sizeof(struct evtchn_bind_pirq), 12);
}

TEST(layout_evtchn_bind_ipi)
{
	CHECK_EQ(sizeof(struct evtchn_bind_ipi), 8);
}

TEST(layout_evtchn_close)
{
	CHECK_EQ(sizeof(struct evtchn_close), 4);
}

TEST(layout_evtchn_send)
{
	CHECK_EQ(sizeof(struct evtchn_send), 4);
}

TEST(layout_evtchn_status)
{
	CHECK_EQ(sizeof(struct evtchn_status), 24);
	CHECK_EQ(offsetof(struct evtchn_status, port), 4);
	CHECK_EQ(offsetof(struct evtchn_status, status), 8);
	CHECK_EQ(offsetof(struct evtchn_status, vcpu), 12);
	CHECK_EQ(offsetof(struct evtchn_status, u), 16);
	CHECK_EQ(offsetof(struct evtchn_status, u.interdomain.port), 20);
}

TEST(layout_evtchn_bind_vcpu)
{
	CHECK_EQ(sizeof(struct evtchn_bind_vcpu), 8);
}

TEST(layout_evtchn_unmask)
{
	CHECK_EQ(sizeof(struct evtchn_unmask), 4);
}

TEST(layout_evtchn_reset)
{
	CHECK_EQ(sizeof(struct evtchn_reset), 2);
}

TEST(layout_evtchn_init_control)
{
	CHECK_EQ(sizeof(struct evtchn_init_control), 24);
	CHECK_EQ(offsetof(struct evtchn_init_control, offset), 8);
	CHECK_EQ(offsetof(struct evtchn_init_control, vcpu), 12);
	CHECK_EQ(offsetof(struct evtchn_init_control, link_bits), 16);
}

TEST(layout_evtchn_expand_array)
{
	CHECK_EQ(sizeof(struct evtchn_expand_array), 8);
}

TEST(layout_evtchn_set_priority)
{
	CHECK_EQ(sizeof(struct evtchn_set_priority), 8);
}

TEST(layout_evtchn_op)
{
	CHECK_EQ(sizeof(struct evtchn_op), 28);
}

TEST(layout_evtchn_fifo_control_block)
{
	CHECK_EQ(sizeof(struct evtchn_fifo_control_block), 72);
}

TEST(layout_grant_entry_v1)
{
	CHECK_EQ(sizeof(struct grant_entry_v1), 8);
	CHECK_EQ(offsetof(struct grant_entry_v1, domid), 2);
	CHECK_EQ(offsetof(struct grant_entry_v1, frame), 4);
}

TEST(layout_grant_entry_header)
{
	CHECK_EQ(sizeof(struct grant_entry_header), 4);
}

TEST(layout_grant_entry_v2)
{
	CHECK_EQ(sizeof(union grant_entry_v2), 16);
}

TEST(layout_gnttab_map_grant_ref)
{
	CHECK_EQ(sizeof(struct gnttab_map_grant_ref), 32);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, flags), 8);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, ref), 12);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, dom), 16);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, status), 18);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, handle), 20);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, dev_bus_addr), 24);
}

TEST(layout_gnttab_unmap_grant_ref)
{
	CHECK_EQ(sizeof(struct gnttab_unmap_grant_ref), 24);
	CHECK_EQ(offsetof(struct gnttab_unmap_grant_ref, handle), 16);
	CHECK_EQ(offsetof(struct gnttab_unmap_grant_ref, status), 20);
}

TEST(layout_gnttab_setup_table)
{
	CHECK_EQ(sizeof(struct gnttab_setup_table), 24);
	CHECK_EQ(offsetof(struct gnttab_setup_table, nr_frames), 4);
	CHECK_EQ(offsetof(struct gnttab_setup_table, status), 8);
	CHECK_EQ(offsetof(struct gnttab_setup_table, frame_list), 16);
}

TEST(layout_gnttab_dump_table)
{
	CHECK_EQ(sizeof(struct gnttab_dump_table), 4);
}

TEST(layout_gnttab_transfer)
{
	CHECK_EQ(sizeof(struct gnttab_transfer), 24);
	CHECK_EQ(offsetof(struct gnttab_transfer, domid), 8);
	CHECK_EQ(offsetof(struct gnttab_transfer, ref), 12);
	CHECK_EQ(offsetof(struct gnttab_transfer, status), 16);
}

TEST(layout_gnttab_copy)
{
	CHECK_EQ(sizeof(struct gnttab_copy), 40);
	CHECK_EQ(offsetof(struct gnttab_copy, source.domid), 8);
	CHECK_EQ(offsetof(struct gnttab_copy, source.offset), 10);
	CHECK_EQ(offsetof(struct gnttab_copy, dest), 16);
	CHECK_EQ(offsetof(struct gnttab_copy, len), 32);
	CHECK_EQ(offsetof(struct gnttab_copy, flags), 34);
	CHECK_EQ(offsetof(struct gnttab_copy, status), 36);
}

TEST(layout_gnttab_query_size)
{
	CHECK_EQ(sizeof(struct gnttab_query_size), 16);
	CHECK_EQ(offsetof(struct gnttab_query_size, nr_frames), 4);
	CHECK_EQ(offsetof(struct gnttab_query_size, max_nr_frames), 8);
	CHECK_EQ(offsetof(struct gnttab_query_size, status), 12);
}

TEST(layout_gnttab_unmap_and_replace)
{
	CHECK_EQ(sizeof(struct gnttab_unmap_and_replace), 24);
	CHECK_EQ(offsetof(struct gnttab_unmap_and_replace, handle), 16);
	CHECK_EQ(offsetof(struct gnttab_unmap_and_replace, status), 20);
}

TEST(layout_gnttab_set_version)
{
	CHECK_EQ(sizeof(struct gnttab_set_version), 4);
}

TEST(layout_gnttab_get_status_frames)
{
	CHECK_EQ(sizeof(struct gnttab_get_status_frames), 16);
	CHECK_EQ(offsetof(struct gnttab_get_status_frames, status), 6);
	CHECK_EQ(offsetof(struct gnttab_get_status_frames, frame_list), 8);
}

TEST(layout_gnttab_get_version)
{
	CHECK_EQ(sizeof(struct gnttab_get_version), 8);
	CHECK_EQ(offsetof(struct gnttab_get_version, version), 4);
}

TEST(layout_gnttab_swap_grant_ref)
{
	CHECK_EQ(sizeof(struct gnttab_swap_grant_ref), 12);
	CHECK_EQ(offsetof(struct gnttab_swap_grant_ref, status), 8);
}

TEST(layout_gnttab_cache_flush)
{
	CHECK_EQ(sizeof(struct gnttab_cache_flush), 16);
	CHECK_EQ(offsetof(struct gnttab_cache_flush, offset), 8);
	CHECK_EQ(offsetof(struct gnttab_cache_flush, op), 12);
}

TEST(layout_xen_memory_reservation)
{
	CHECK_EQ(sizeof(struct xen_memory_reservation), 32);
	CHECK_EQ(offsetof(struct xen_memory_reservation, nr_extents), 8);
	CHECK_EQ(offsetof(struct xen_memory_reservation, extent_order), 16);
	CHECK_EQ(offsetof(struct xen_memory_reservation, mem_flags), 20);
	CHECK_EQ(offsetof(struct xen_memory_reservation, domid), 24);
}

TEST(layout_xen_memory_exchange)
{
	CHECK_EQ(sizeof(struct xen_memory_exchange), 72);
	CHECK_EQ(offsetof(struct xen_memory_exchange, out), 32);
	CHECK_EQ(offsetof(struct xen_memory_exchange, nr_exchanged), 64);
}

TEST(layout_xen_memory_domain)
{
	CHECK_EQ(sizeof(struct xen_memory_domain), 2);
}

TEST(layout_xen_machphys_mfn_list)
{
	CHECK_EQ(sizeof(struct xen_machphys_mfn_list), 24);
	CHECK_EQ(offsetof(struct xen_machphys_mfn_list, extent_start), 8);
	CHECK_EQ(offsetof(struct xen_machphys_mfn_list, nr_extents), 16);
}

TEST(layout_xen_machphys_mapping)
{
	CHECK_EQ(sizeof(struct xen_machphys_mapping), 24);
}

TEST(layout_xen_add_to_physmap)
{
	CHECK_EQ(sizeof(struct xen_add_to_physmap), 24);
	CHECK_EQ(offsetof(struct xen_add_to_physmap, size), 2);
	CHECK_EQ(offsetof(struct xen_add_to_physmap, space), 4);
	CHECK_EQ(offsetof(struct xen_add_to_physmap, idx), 8);
	CHECK_EQ(offsetof(struct xen_add_to_physmap, gpfn), 16);
}

TEST(layout_xen_add_to_physmap_batch)
{
	CHECK_EQ(sizeof(struct xen_add_to_physmap_batch), 32);
	CHECK_EQ(offsetof(struct xen_add_to_physmap_batch, u), 6);
	CHECK_EQ(offsetof(struct xen_add_to_physmap_batch, idxs), 8);
	CHECK_EQ(offsetof(struct xen_add_to_physmap_batch, gpfns), 16);
	CHECK_EQ(offsetof(struct xen_add_to_physmap_batch, errs), 24);
}

TEST(layout_xen_remove_from_physmap)
{
	CHECK_EQ(sizeof(struct xen_remove_from_physmap), 16);
	CHECK_EQ(offsetof(struct xen_remove_from_physmap, gpfn), 8);
}

TEST(layout_xen_memory_map)
{
	CHECK_EQ(sizeof(struct xen_memory_map), 16);
	CHECK_EQ(offsetof(struct xen_memory_map, buffer), 8);
}

TEST(layout_xen_foreign_memory_map)
{
	CHECK_EQ(sizeof(struct xen_foreign_memory_map), 24);
	CHECK_EQ(offsetof(struct xen_foreign_memory_map, map), 8);
}

TEST(layout_xen_pod_target)
{
	CHECK_EQ(sizeof(struct xen_pod_target), 40);
	CHECK_EQ(offsetof(struct xen_pod_target, domid), 32);
}

TEST(layout_xen_mem_acquire_resource)
{
	CHECK_EQ(sizeof(struct xen_mem_acquire_resource), 32);
	CHECK_EQ(offsetof(struct xen_mem_acquire_resource, type), 2);
	CHECK_EQ(offsetof(struct xen_mem_acquire_resource, id), 4);
	CHECK_EQ(offsetof(struct xen_mem_acquire_resource, nr_frames), 8);
	CHECK_EQ(offsetof(struct xen_mem_acquire_resource, frame), 16);
	CHECK_EQ(offsetof(struct xen_mem_acquire_resource, frame_list), 24);
}

TEST(layout_xen_vmemrange)
{
	CHECK_EQ(sizeof(struct xen_vmemrange), 24);
}

TEST(layout_xen_vnuma_topology_info)
{
	CHECK_EQ(sizeof(struct xen_vnuma_topology_info), 40);
	CHECK_EQ(offsetof(struct xen_vnuma_topology_info, nr_vnodes), 4);
	CHECK_EQ(offsetof(struct xen_vnuma_topology_info, vdistance), 16);
	CHECK_EQ(offsetof(struct xen_vnuma_topology_info, vmemrange), 32);
}

TEST(layout_sched_shutdown)
{
	CHECK_EQ(sizeof(struct sched_shutdown), 4);
}

TEST(layout_sched_poll)
{
	CHECK_EQ(sizeof(struct sched_poll), 24);
	CHECK_EQ(offsetof(struct sched_poll, nr_ports), 8);
	CHECK_EQ(offsetof(struct sched_poll, timeout), 16);
}

TEST(layout_sched_remote_shutdown)
{
	CHECK_EQ(sizeof(struct sched_remote_shutdown), 8);
	CHECK_EQ(offsetof(struct sched_remote_shutdown, reason), 4);
}

TEST(layout_sched_watchdog)
{
	CHECK_EQ(sizeof(struct sched_watchdog), 8);
}

TEST(layout_sched_pin_override)
{
	CHECK_EQ(sizeof(struct sched_pin_override), 4);
}

TEST(layout_physdev_eoi)
{
	CHECK_EQ(sizeof(struct physdev_eoi), 4);
}

TEST(layout_physdev_pirq_eoi_gmfn)
{
	CHECK_EQ(sizeof(struct physdev_pirq_eoi_gmfn), 8);
}

TEST(layout_physdev_irq_status_query)
{
	CHECK_EQ(sizeof(struct physdev_irq_status_query), 8);
}

TEST(layout_physdev_set_iopl)
{
	CHECK_EQ(sizeof(struct physdev_set_iopl), 4);
}

TEST(layout_physdev_set_iobitmap)
{
	CHECK_EQ(sizeof(struct physdev_set_iobitmap), 16);
	CHECK_EQ(offsetof(struct physdev_set_iobitmap, nr_ports), 8);
}

TEST(layout_physdev_apic)
{
	CHECK_EQ(sizeof(struct physdev_apic), 16);
	CHECK_EQ(offsetof(struct physdev_apic, reg), 8);
	CHECK_EQ(offsetof(struct physdev_apic, value), 12);
}

TEST(layout_physdev_irq)
{
	CHECK_EQ(sizeof(struct physdev_irq), 8);
}

TEST(layout_physdev_map_pirq)
{
	CHECK_EQ(sizeof(struct physdev_map_pirq), 40);
	CHECK_EQ(offsetof(struct physdev_map_pirq, type), 4);
	CHECK_EQ(offsetof(struct physdev_map_pirq, index), 8);
	CHECK_EQ(offsetof(struct physdev_map_pirq, pirq), 12);
	CHECK_EQ(offsetof(struct physdev_map_pirq, bus), 16);
	CHECK_EQ(offsetof(struct physdev_map_pirq, devfn), 20);
	CHECK_EQ(offsetof(struct physdev_map_pirq, entry_nr), 24);
	CHECK_EQ(offsetof(struct physdev_map_pirq, table_base), 32);
}

TEST(layout_physdev_unmap_pirq)
{
	CHECK_EQ(sizeof(struct physdev_unmap_pirq), 8);
	CHECK_EQ(offsetof(struct physdev_unmap_pirq, pirq), 4);
}

TEST(layout_physdev_manage_pci)
{
	CHECK_EQ(sizeof(struct physdev_manage_pci), 2);
}

TEST(layout_physdev_restore_msi)
{
	CHECK_EQ(sizeof(struct physdev_restore_msi), 2);
}

TEST(layout_physdev_manage_pci_ext)
{
	CHECK_EQ(sizeof(struct physdev_manage_pci_ext), 16);
	CHECK_EQ(offsetof(struct physdev_manage_pci_ext, is_extfn), 4);
	CHECK_EQ(offsetof(struct physdev_manage_pci_ext, physfn), 12);
}

TEST(layout_physdev_op)
{
	CHECK_EQ(sizeof(struct physdev_op), 24);
}

TEST(layout_physdev_setup_gsi)
{
	CHECK_EQ(sizeof(struct physdev_setup_gsi), 8);
	CHECK_EQ(offsetof(struct physdev_setup_gsi, triggering), 4);
	CHECK_EQ(offsetof(struct physdev_setup_gsi, polarity), 5);
}

TEST(layout_physdev_get_free_pirq)
{
	CHECK_EQ(sizeof(struct physdev_get_free_pirq), 8);
}

TEST(layout_physdev_pci_mmcfg_reserved)
{
	CHECK_EQ(sizeof(struct physdev_pci_mmcfg_reserved), 16);
	CHECK_EQ(offsetof(struct physdev_pci_mmcfg_reserved, segment), 8);
	CHECK_EQ(offsetof(struct physdev_pci_mmcfg_reserved, start_bus), 10);
	CHECK_EQ(offsetof(struct physdev_pci_mmcfg_reserved, flags), 12);
}

TEST(layout_physdev_pci_device_add)
{
	CHECK_EQ(sizeof(struct physdev_pci_device_add), 12);
	CHECK_EQ(offsetof(struct physdev_pci_device_add, flags), 4);
	CHECK_EQ(offsetof(struct physdev_pci_device_add, physfn), 8);
	CHECK_EQ(offsetof(struct physdev_pci_device_add, optarr), 12);
}

TEST(layout_physdev_pci_device)
{
	CHECK_EQ(sizeof(struct physdev_pci_device), 4);
}

TEST(layout_physdev_dbgp_op)
{
	CHECK_EQ(sizeof(struct physdev_dbgp_op), 6);
	CHECK_EQ(offsetof(struct physdev_dbgp_op, u), 2);
}

TEST(layout_xenpf_settime32)
{
	CHECK_EQ(sizeof(struct xenpf_settime32), 16);
}

TEST(layout_xenpf_settime64)
{
	CHECK_EQ(sizeof(struct xenpf_settime64), 24);
	CHECK_EQ(offsetof(struct xenpf_settime64, nsecs), 8);
	CHECK_EQ(offsetof(struct xenpf_settime64, system_time), 16);
}

TEST(layout_xenpf_enter_acpi_sleep)
{
	CHECK_EQ(sizeof(struct xenpf_enter_acpi_sleep), 12);
}

TEST(layout_xenpf_pcpuinfo)
{
	CHECK_EQ(sizeof(struct xenpf_pcpuinfo), 20);
}

TEST(layout_xenpf_pcpu_version)
{
	CHECK_EQ(sizeof(struct xenpf_pcpu_version), 32);
}

TEST(layout_xenpf_cpu_ol)
{
	CHECK_EQ(sizeof(struct xenpf_cpu_ol), 4);
}

TEST(layout_xen_platform_op)
{
	CHECK_EQ(sizeof(struct xen_platform_op), 136);
	CHECK_EQ(offsetof(struct xen_platform_op, u), 8);
}

TEST(layout_xenpf_firmware_info)
{
	CHECK_EQ(sizeof(struct xenpf_firmware_info), 40);
}

TEST(layout_xenpf_add_memtype)
{
	CHECK_EQ(sizeof(struct xenpf_add_memtype), 32);
}

TEST(layout_xenpf_del_memtype)
{
	CHECK_EQ(sizeof(struct xenpf_del_memtype), 8);
}

TEST(layout_xenpf_read_memtype)
{
	CHECK_EQ(sizeof(struct xenpf_read_memtype), 32);
}

TEST(layout_xenpf_microcode_update)
{
	CHECK_EQ(sizeof(struct xenpf_microcode_update), 16);
}

TEST(layout_xenpf_platform_quirk)
{
	CHECK_EQ(sizeof(struct xenpf_platform_quirk), 4);
}

TEST(layout_xenpf_getidletime)
{
	CHECK_EQ(sizeof(struct xenpf_getidletime), 32);
}

TEST(layout_xenpf_symdata)
{
	CHECK_EQ(sizeof(struct xenpf_symdata), 32);
}

TEST(layout_xen_compile_info)
{
	CHECK_EQ(sizeof(struct xen_compile_info), 144);
}

TEST(layout_xen_platform_parameters)
{
	CHECK_EQ(sizeof(struct xen_platform_parameters), 8);
}

TEST(layout_xen_feature_info)
{
	CHECK_EQ(sizeof(struct xen_feature_info), 8);
}

TEST(layout_xen_build_id)
{
	CHECK_EQ(sizeof(struct xen_build_id), 4);
}

TEST(layout_callback_register)
{
	CHECK_EQ(sizeof(struct callback_register), 16);
	CHECK_EQ(offsetof(struct callback_register, address), 8);
}

TEST(layout_callback_unregister)
{
	CHECK_EQ(sizeof(struct callback_unregister), 4);
}

TEST(layout_xennmi_callback)
{
	CHECK_EQ(sizeof(struct xennmi_callback), 16);
}

TEST(layout_xencons_interface)
{
	CHECK_EQ(sizeof(struct xencons_interface), 3088);
	CHECK_EQ(offsetof(struct xencons_interface, out), 1024);
	CHECK_EQ(offsetof(struct xencons_interface, in_cons), 3072);
	CHECK_EQ(offsetof(struct xencons_interface, in_prod), 3076);
	CHECK_EQ(offsetof(struct xencons_interface, out_cons), 3080);
	CHECK_EQ(offsetof(struct xencons_interface, out_prod), 3084);
}
