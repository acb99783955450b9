// SPDX-License-Identifier: MIT
/*
 * misc: debug registers (set/get round trip, the values Xen refuses, a data
 * watchpoint raising #DB with DR6 readable), multicall (results written
 * back, a failing call does not stop the batch, iret inside), vcpu_op
 * is_up and register_vcpu_info (vcpu_info moved to a guest page, its upcall
 * mask honoured there), SCHEDOP_poll, console_io read, and what nmi_op and
 * xsm_op answer.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define MS 1000000ULL
#define HYPERVISOR_AREA 0xffff800000001000UL
/* DR7: L0, RW0 (bits 16-17), LEN0 (bits 18-19), GD (bit 13). */
#define DR7_L0 0x1UL
#define DR7_RW0_WRITE (1UL << 16)
#define DR7_RW0_IO (2UL << 16)
#define DR7_LEN0_8 (3UL << 18)
#define DR7_GD (1UL << 13)
#define DR6_B0 0x1UL
#define DR6_BD (1UL << 13)
#define DR6_BS (1UL << 14)
#define RFLAGS_TF (1UL << 8)

static volatile uint64_t watched, unwatched[4];

/* #DB: what the handler saw. */
static volatile unsigned long db_count, db_rip, db_dr6;

static int on_db(struct trap_frame *f)
{
	db_count++;
	db_rip = f->rip;
	db_dr6 = hyp_get_debugreg(6);
	f->rflags &= ~RFLAGS_TF; /* one step is enough */
	return 1;
}

static void test_debugreg_values(void)
{
	long rc;

	for (int i = 0; i < 4; i++) {
		char n[32];

		snprintf(n, sizeof(n), "dr%d_round_trip", i);
		rc = hyp_set_debugreg(i, (unsigned long)&unwatched[i]);
		CHECK(n,
		      rc == 0 && hyp_get_debugreg(i) ==
					 (unsigned long)&unwatched[i],
		      "rc %ld value 0x%lx", rc, hyp_get_debugreg(i));
	}
	rc = hyp_set_debugreg(0, HYPERVISOR_AREA);
	CHECK_EQ("dr0_hypervisor_area_refused", rc, -XEN_EPERM);
	CHECK_EQ("dr0_kept", hyp_get_debugreg(0), (unsigned long)&unwatched[0]);
	rc = hyp_set_debugreg(7, DR7_GD);
	CHECK_EQ("dr7_general_detect_refused", rc, -XEN_EPERM);
	rc = hyp_set_debugreg(7, DR7_L0 | DR7_RW0_IO);
	CHECK_EQ("dr7_io_breakpoint_refused", rc, -XEN_EPERM);
	rc = hyp_set_debugreg(7, 0);
	CHECK_EQ("dr7_zero", rc, 0);
	info("dr7 after 0: 0x%lx", hyp_get_debugreg(7));
	rc = hyp_set_debugreg(6, 0);
	CHECK_EQ("dr6_zero", rc, 0);
	info("dr6 after 0: 0x%lx", hyp_get_debugreg(6));
	rc = hyp_set_debugreg(8, 0);
	CHECK_EQ("set_debugreg_8", rc, -XEN_ENODEV);
	rc = (long)hyp_get_debugreg(8);
	CHECK_EQ("get_debugreg_8", rc, -XEN_ENODEV);
}

static void test_watchpoint(void)
{
	unsigned long after, before;
	uint64_t v;
	long rc;

	trap_set_hook(TRAP_db, on_db);
	rc = hyp_set_debugreg(0, (unsigned long)&watched);
	CHECK_EQ("watchpoint_dr0", rc, 0);
	rc = hyp_set_debugreg(7, DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8);
	CHECK_EQ("watchpoint_dr7", rc, 0);
	info("dr7 armed: 0x%lx", hyp_get_debugreg(7));

	before = db_count;
	v = watched;
	CHECK_EQ("watchpoint_read_no_db", db_count - before, 0);
	asm volatile("movq %1, %0\n1: lea 1b(%%rip), %%rax\n"
		     "mov %%rax, %2"
		     : "=m"(watched), "+r"(v)
		     : "m"(after)
		     : "rax");
	CHECK_EQ("watchpoint_db_delivered", db_count - before, 1);
	CHECK("watchpoint_rip_after_write", db_rip == after,
	      "rip 0x%lx want 0x%lx", db_rip, after);
	info("dr6 at #DB: 0x%lx", db_dr6);
	CHECK("watchpoint_dr6_b0", db_dr6 & DR6_B0, "dr6 0x%lx", db_dr6);

	hyp_set_debugreg(7, 0);
	hyp_set_debugreg(6, 0);
	before = db_count;
	watched = 2;
	CHECK_EQ("watchpoint_disarmed", db_count - before, 0);
}

/* Xen's set_debugreg: reserved bits, fixed bits, DR4/DR5 aliases. */
static void test_debugreg_semantics(void)
{
	CHECK_EQ("dr6_upper_bits_einval", hyp_set_debugreg(6, 1UL << 32),
		 -XEN_EINVAL);
	CHECK_EQ("dr7_upper_bits_einval", hyp_set_debugreg(7, 1UL << 32),
		 -XEN_EINVAL);
	hyp_set_debugreg(7, 0);
	hyp_set_debugreg(6, 0);
	CHECK_EQ("dr7_reads_default", hyp_get_debugreg(7), 0x400);
	CHECK_EQ("dr6_reads_default", hyp_get_debugreg(6), 0xffff0ff0);
	/* CR4.DE is clear: DR4 and DR5 are DR6 and DR7. */
	CHECK_EQ("dr4_aliases_dr6", hyp_get_debugreg(4), 0xffff0ff0);
	CHECK_EQ("dr5_set_aliases_dr7", hyp_set_debugreg(5, DR7_GD),
		 -XEN_EPERM);
}

/*
 * DR6 is the vCPU's own: a status bit the guest set while a breakpoint
 * was enabled and then cleared again does not come back at the next #DB
 * (Xen writes DR6 to the CPU at once; a CPU DR6 left holding the old
 * value would merge it in). The #DB here is a single step.
 */
static void test_dr6_cleared_stays_clear(void)
{
	unsigned long before = db_count;

	trap_set_hook(TRAP_db, on_db);
	hyp_set_debugreg(0, (unsigned long)&unwatched[0]);
	hyp_set_debugreg(7, DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8);
	CHECK_EQ("dr6_bd_set", hyp_set_debugreg(6, 0xffff0ff0 | DR6_BD), 0);
	hyp_set_debugreg(7, 0);
	CHECK_EQ("dr6_bd_cleared", hyp_set_debugreg(6, 0), 0);
	/* DR1 on where the step lands, not enabled: QEMU's CPU reports B1
	 * for that match, a guest's own (Xen loads DR1 at once). */
	asm volatile("lea 1f(%%rip), %%rax; mov %%rax, %%db1\n\t"
		     "pushfq; orq %0, (%%rsp); popfq; nop\n1:"
		     :
		     : "i"(RFLAGS_TF)
		     : "rax", "memory", "cc");
	CHECK_EQ("single_step_db", db_count - before, 1);
	info("dr6 after a single step: 0x%lx", db_dr6);
	CHECK("single_step_dr6_bs", db_dr6 & DR6_BS, "dr6 0x%lx", db_dr6);
	CHECK("dr6_cleared_bd_stays_clear", !(db_dr6 & DR6_BD), "dr6 0x%lx",
	      db_dr6);
	CHECK("single_step_own_dr1_match", (db_dr6 & 0xf) == 2, "dr6 0x%lx",
	      db_dr6);
	hyp_set_debugreg(6, 0);
}

/*
 * A watchpoint on a hypercall's buffer: the hypervisor's own write to it
 * raises #DB in ring 0, which it takes and ignores (Xen: "Hit #DB in Xen
 * context"); the call completes and the guest gets no #DB for it.
 */
static char watched_buf[16] __attribute__((aligned(16)));

static void test_watchpoint_in_hypercall(void)
{
	unsigned long before = db_count;
	long rc;

	trap_set_hook(TRAP_db, on_db);
	memset(watched_buf, 0, sizeof(watched_buf));
	hyp_set_debugreg(0, (unsigned long)watched_buf);
	/* RW0 = 11 (read or write), LEN0 = 8 bytes */
	hyp_set_debugreg(7, DR7_L0 | (3UL << 16) | DR7_LEN0_8);
	rc = hyp_xen_version(XENVER_extraversion, watched_buf);
	hyp_set_debugreg(7, 0);
	CHECK_EQ("hypercall_on_watched_buffer", rc, 0);
	CHECK("hypercall_wrote_watched_buffer", watched_buf[0] != 0,
	      "buffer empty");
	CHECK_EQ("hypercall_watchpoint_no_guest_db", db_count - before, 0);
	hyp_set_debugreg(6, 0);
}

/* One mov to %dr<n> in the guest kernel: 0, or the #GP/#UD vector. */
#define MOV_TO_DR(n, val, vec)                                             \
	do {                                                               \
		unsigned long __c = last_trap.count;                       \
		asm volatile("1: mov %0, %%db" #n "\n2:\n" EXTABLE(1b, 2b) \
			     :                                             \
			     : "r"((unsigned long)(val))                   \
			     : "memory");                                  \
		vec = last_trap.count != __c ? last_trap.vector : 0;       \
	} while (0)

/* mov to and from debug registers, emulated with set_debugreg's checks. */
static void test_mov_debugreg(void)
{
	unsigned long v = 0;
	unsigned int vec;

	MOV_TO_DR(0, &unwatched[1], vec);
	CHECK_EQ("mov_to_dr0", vec, 0);
	CHECK_EQ("mov_to_dr0_seen_by_get", hyp_get_debugreg(0),
		 (unsigned long)&unwatched[1]);
	asm volatile("mov %%db0, %0" : "=r"(v));
	CHECK_EQ("mov_from_dr0", v, (unsigned long)&unwatched[1]);
	MOV_TO_DR(0, HYPERVISOR_AREA, vec);
	CHECK_EQ("mov_to_dr0_hypervisor_gp", vec, TRAP_gp);
	MOV_TO_DR(7, DR7_GD, vec);
	CHECK_EQ("mov_to_dr7_gd_gp", vec, TRAP_gp);
	MOV_TO_DR(7, 0, vec);
	CHECK_EQ("mov_to_dr7_zero", vec, 0);
	asm volatile("mov %%db7, %0" : "=r"(v));
	CHECK_EQ("mov_from_dr7_default", v, 0x400);
	asm volatile("mov %%db4, %0" : "=r"(v));
	CHECK_EQ("mov_from_dr4_is_dr6", v, hyp_get_debugreg(6));
}

/*
 * A data breakpoint on the selector `mov %ss` reads, then `syscall`: the
 * #DB is held back past the mov and arrives on the hypercall entry, in
 * ring 0 with the guest's rsp. The hypervisor must take it on a stack of
 * its own (Xen: an IST stack), never push the frame where the guest's rsp
 * points: here a page of ours, which must stay untouched.
 */
static volatile uint16_t ss_sel = FLAT_KERNEL_SS;
static unsigned long movss_saved_rsp;

static void test_movss_syscall(void)
{
	uint64_t *stack = page_alloc();
	unsigned long written = 0;

	memset(stack, 0, PAGE_SIZE);
	hyp_set_debugreg(0, (unsigned long)&ss_sel);
	/* L0, RW0 = 11 (read or write), LEN0 = 01 (2 bytes) */
	hyp_set_debugreg(7, DR7_L0 | (3UL << 16) | (1UL << 18));
	asm volatile(
		"mov %%rsp, %[saved]\n\t"
		"mov %[top], %%rsp\n\t"
		"mov %[sel], %%ss\n\t"
		"syscall\n\t"
		"mov %[saved], %%rsp"
		: [saved] "=m"(movss_saved_rsp)
		: [top] "r"((unsigned long)stack + PAGE_SIZE), [sel] "m"(ss_sel),
		  "a"(__HYPERVISOR_xen_version), "D"(XENVER_version)
		: "rcx", "r11", "memory");
	hyp_set_debugreg(7, 0);
	hyp_set_debugreg(6, 0);
	/* The guest's own #DB frame may be there; a hypervisor one holds
	 * the hypervisor's code selector (0xe008, as Xen's). */
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		written += stack[i] == 0xe008;
	CHECK("movss_syscall_db_not_on_guest_stack", !written,
	      "ring-0 cs %lu times at the guest's rsp", written);
}

/*
 * TF set (popf) just before `syscall`: a CPU that single-steps the
 * syscall itself traps in ring 0 at the entry with the guest's rsp (QEMU's
 * TCG does not; Xen and Lamina take #DB on their own stack anyway). The
 * call returns its value with TF kept, the guest's own step arrives after
 * it, and the page rsp pointed to holds no hypervisor frame.
 */
static void test_tf_syscall(void)
{
	uint64_t *stack = page_alloc();
	unsigned long written = 0, before = db_count;
	long rc;

	trap_set_hook(TRAP_db, on_db);
	memset(stack, 0, PAGE_SIZE);
	asm volatile("mov %%rsp, %[saved]\n\t"
		     "mov %[top], %%rsp\n\t"
		     "pushfq; orq %[tf], (%%rsp); popfq\n\t"
		     "syscall\n\t"
		     "mov %[saved], %%rsp"
		     : [saved] "=m"(movss_saved_rsp), "=a"(rc)
		     : [top] "r"((unsigned long)stack + PAGE_SIZE),
		       [tf] "i"(RFLAGS_TF), "a"(__HYPERVISOR_xen_version),
		       "D"(XENVER_version)
		     : "rcx", "r11", "memory", "cc");
	CHECK_EQ("tf_syscall_result", rc, hyp_xen_version(XENVER_version, 0));
	CHECK("tf_syscall_guest_step_after", db_count - before >= 1, "%lu #DB",
	      db_count - before);
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		written += stack[i] == 0xe008;
	CHECK("tf_syscall_db_not_on_guest_stack", !written,
	      "ring-0 cs %lu times at the guest's rsp", written);
	hyp_set_debugreg(6, 0);
}

struct cpuid_out {
	uint32_t a, b, c, d;
};

static struct cpuid_out pv_cpuid(uint32_t leaf)
{
	struct cpuid_out r;

	asm volatile("ud2; .ascii \"xen\"; cpuid"
		     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "a"(leaf), "c"(0));
	return r;
}

/* As Xen's PV policy: no virtualisation extensions, its leaf ranges. */
static void test_cpuid_policy(void)
{
	struct cpuid_out svm = pv_cpuid(0x8000000a), v = pv_cpuid(0), past;
	uint32_t ext = pv_cpuid(0x80000000).a;

	CHECK("cpuid_no_vmx", !(pv_cpuid(1).c & (1u << 5)), "ecx 0x%x",
	      pv_cpuid(1).c);
	CHECK("cpuid_no_svm", !(pv_cpuid(0x80000001).c & (1u << 2)), "ecx 0x%x",
	      pv_cpuid(0x80000001).c);
	CHECK("cpuid_no_svm_leaf", !(svm.a | svm.b | svm.c | svm.d),
	      "%x %x %x %x", svm.a, svm.b, svm.c, svm.d);
	info("cpuid max basic 0x%x extended 0x%x hypervisor 0x%x", v.a, ext,
	     pv_cpuid(0x40000000).a);

	CHECK("cpuid_max_basic_leaf", v.a && v.a <= 0xd, "0x%x", v.a);
	/* Xen's PV policy always reaches leaf 0x80000021 on AMD. */
	CHECK("cpuid_max_extended_leaf",
	      v.b != 0x68747541 ? ext >= 0x80000000 : ext == 0x80000021, "0x%x",
	      ext);
	CHECK_EQ("cpuid_max_hypervisor_leaf", pv_cpuid(0x40000000).a,
		 0x40000005);
	past = pv_cpuid(v.a + 1);
	CHECK("cpuid_past_basic_zero", !(past.a | past.b | past.c | past.d),
	      "%x %x %x %x", past.a, past.b, past.c, past.d);
	past = pv_cpuid(ext + 1);
	CHECK("cpuid_past_extended_zero", !(past.a | past.b | past.c | past.d),
	      "%x %x %x %x", past.a, past.b, past.c, past.d);
	past = pv_cpuid(0x40000004); /* HVM-only */
	CHECK("cpuid_hvm_leaf_zero", !(past.a | past.b | past.c | past.d),
	      "%x %x %x %x", past.a, past.b, past.c, past.d);
	CHECK("cpuid_machine_address_bits",
	      pv_cpuid(0x40000005).b >= 24 && pv_cpuid(0x40000005).b <= 52,
	      "%u", pv_cpuid(0x40000005).b);
}

#define CR4_PGE (1UL << 7)
#define CR4_FSGSBASE (1UL << 16)
#define CR4_SMEP (1UL << 20)

/* A CR4 write keeps only what PV lets a guest set and the CPU offers. */
static void test_cr4_write(void)
{
	unsigned long cr4, after;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	info("cr4 0x%lx", cr4);
	asm volatile("mov %0, %%cr4"
		     :
		     : "r"(cr4 | CR4_PGE | CR4_FSGSBASE | CR4_SMEP));
	asm volatile("mov %%cr4, %0" : "=r"(after));
	CHECK("cr4_fsgsbase_not_kept", !(after & CR4_FSGSBASE), "cr4 0x%lx",
	      after);
	CHECK("cr4_only_pv_bits_kept", after == cr4, "0x%lx then 0x%lx", cr4,
	      after);
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
}

static void mc_entry(struct multicall_entry *e, unsigned long op,
		     unsigned long a0, unsigned long a1)
{
	*e = (struct multicall_entry){ .op = op, .args = { a0, a1 } };
	e->result = 0x5a5a;
}

/*
 * A multicall made by a direct `syscall` (not through the hypercall page,
 * whose stubs differ between hypervisors) with an iret frame on the stack:
 * rax, r11, rcx, flags, rip, cs, rflags, rsp, ss. An iret run inside the
 * batch resumes right after the syscall with the stack as before.
 */
static long multicall_over_iret_frame(struct multicall_entry *mc,
				      unsigned int n)
{
	register unsigned long rdi asm("rdi") = (unsigned long)mc;
	register unsigned long rsi asm("rsi") = n;
	unsigned long rax;

	asm volatile("mov %%rsp, %%r12\n\t"
		     "pushq %[ss]\n\t"
		     "pushq %%r12\n\t"
		     "pushq $0x202\n\t"
		     "pushq %[cs]\n\t"
		     "lea 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "pushq $0\n\t"
		     "pushq $0\n\t"
		     "pushq $0\n\t"
		     "pushq $0x1234\n\t"
		     "mov %[nr], %%eax\n\t"
		     "syscall\n"
		     "1: mov %%r12, %%rsp"
		     : "=a"(rax), "+r"(rdi), "+r"(rsi)
		     : [ss] "i"(FLAT_KERNEL_SS), [cs] "i"(FLAT_KERNEL_CS & ~3),
		       [nr] "i"(__HYPERVISOR_multicall)
		     : "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "memory");
	return (long)rax;
}

static void test_multicall(void)
{
	struct multicall_entry mc[4];
	struct evtchn_close bad = { .port = 1U << 30 };
	long version = hyp_xen_version(XENVER_version, NULL);
	long rc;

	mc_entry(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0);
	mc_entry(&mc[1], __HYPERVISOR_event_channel_op, EVTCHNOP_close,
		 (unsigned long)&bad);
	mc_entry(&mc[2], __HYPERVISOR_xen_version, XENVER_version, 0);
	mc_entry(&mc[3], __HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	rc = hyp_multicall(mc, 4);
	CHECK_EQ("multicall", rc, 0);
	CHECK_EQ("multicall_result_0", mc[0].result, version);
	CHECK_EQ("multicall_failing_call_result", (long)mc[1].result,
		 -XEN_EINVAL);
	CHECK_EQ("multicall_continues_after_failure", mc[2].result, version);
	CHECK_EQ("multicall_result_3", mc[3].result, 0);

	rc = hyp_multicall(mc, 0);
	CHECK_EQ("multicall_empty", rc, 0);

	mc_entry(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0);
	mc_entry(&mc[1], __HYPERVISOR_iret, 0, 0);
	mc_entry(&mc[2], __HYPERVISOR_xen_version, XENVER_version, 0);
	rc = multicall_over_iret_frame(mc, 3);
	info("multicall with iret: rc %ld results %ld %ld %ld", rc,
	     (long)mc[0].result, (long)mc[1].result, (long)mc[2].result);
	/* Xen runs the iret: the batch ends there, the guest resumes at
	 * the frame's rip with its rax, which is also the iret's result. */
	CHECK_EQ("multicall_iret_resumes_frame", rc, 0x1234);
	CHECK_EQ("multicall_iret_result_is_rax", mc[1].result, 0x1234);
	CHECK_EQ("multicall_before_iret_runs", mc[0].result, version);
	CHECK_EQ("multicall_stops_after_iret", mc[2].result, 0x5a5a);
}

static volatile unsigned long ipi_events;

static void on_ipi(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	ipi_events++;
}

static evtchn_port_t bind_ipi(void)
{
	struct evtchn_bind_ipi b = { .vcpu = 0 };

	if (hyp_event_channel_op(EVTCHNOP_bind_ipi, &b))
		test_fatal("bind_ipi failed");
	evtchn_set_handler(b.port, on_ipi, NULL);
	evtchn_unmask(b.port);
	return b.port;
}

static void test_poll(evtchn_port_t port)
{
	struct sched_poll p = { .nr_ports = 1, .timeout = 0 };
	uint64_t start, end;
	long rc;

	p.ports.p = &port;
	events_disable();
	evtchn_notify(port);
	rc = hyp_sched_op(SCHEDOP_poll, &p);
	CHECK_EQ("poll_pending_port", rc, 0);
	evtchn_clear(port);

	start = system_time_ns();
	p.timeout = start + 5 * MS;
	rc = hyp_sched_op(SCHEDOP_poll, &p);
	end = system_time_ns();
	CHECK_EQ("poll_timeout", rc, 0);
	CHECK("poll_timeout_not_early", end >= start + 5 * MS, "after %lu ns",
	      (unsigned long)(end - start));

	p.nr_ports = 200;
	rc = hyp_sched_op(SCHEDOP_poll, &p);
	CHECK_EQ("poll_too_many_ports", rc, -XEN_EINVAL);
	events_restore(0);
}

static void test_vcpu_op(evtchn_port_t port)
{
	struct vcpu_info *area =
		(struct vcpu_info *)((char *)page_alloc() + 64);
	struct vcpu_info *old = &shared_info->vcpu_info[0];
	struct vcpu_register_vcpu_info bad = {
		.mfn = virt_to_mfn(area),
		.offset = 4090,
	};
	unsigned long before;
	long rc;

	CHECK_EQ("is_up_0", hyp_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	CHECK_EQ("is_up_nonexistent", hyp_vcpu_op(VCPUOP_is_up, 1000, NULL),
		 -XEN_ENOENT);

	rc = hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad);
	CHECK_EQ("register_vcpu_info_crossing_page", rc, -XEN_ENXIO);
	events_disable();
	rc = vcpu_info_register(area);
	CHECK_EQ("register_vcpu_info", rc, 0);
	if (rc) {
		events_restore(0);
		return;
	}
	/* Moving it marks everything pending so the guest rescans. */
	CHECK_EQ("moved_upcall_pending", area->evtchn_upcall_pending, 1);
	info("moved pending_sel 0x%lx",
	     (unsigned long)area->evtchn_pending_sel);
	CHECK_EQ("moved_mask_copied", area->evtchn_upcall_mask, 1);
	before = upcall_count;
	events_restore(0);
	CHECK_EQ("moved_upcall_delivered", upcall_count - before, 1);
	bad.offset = 128;
	rc = hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad);
	CHECK_EQ("register_vcpu_info_twice", rc, -XEN_EINVAL);

	/* The mask in the new place holds events back; the old one is dead. */
	old->evtchn_upcall_mask = 0;
	old->evtchn_upcall_pending = 0;
	events_disable();
	before = ipi_events;
	evtchn_notify(port);
	CHECK_EQ("moved_mask_honoured", ipi_events - before, 0);
	CHECK_EQ("moved_pending_set", area->evtchn_upcall_pending, 1);
	CHECK_EQ("old_vcpu_info_untouched", old->evtchn_upcall_pending, 0);
	events_restore(0);
	CHECK_EQ("moved_unmask_delivers", ipi_events - before, 1);
	CHECK("moved_time_info",
	      area->time.tsc_to_system_mul != 0 && !(area->time.version & 1));
}

static void test_misc_ops(void)
{
	struct xennmi_callback cb = { .handler_address = 0 };
	static uint8_t buf[64];
	char in[16];
	long rc;

	cb.handler_address = (unsigned long)trap_entry_table[2];
	rc = hyp_nmi_op(XENNMI_register_callback, &cb);
	CHECK_EQ("nmi_op_register", rc, 0);
	rc = hyp_nmi_op(XENNMI_unregister_callback, NULL);
	CHECK_EQ("nmi_op_unregister", rc, 0);
	rc = hyp_nmi_op(7, NULL);
	CHECK_EQ("nmi_op_unknown", rc, -XEN_ENOSYS);
	rc = hyp_xsm_op(buf);
	info("xsm_op: %ld", rc);
	CHECK_EQ("xsm_op", rc, -XEN_ENOSYS);

	rc = hyp_console_io(CONSOLEIO_read, sizeof(in), in);
	CHECK_EQ("console_read_empty", rc, 0);
	rc = hyp_console_io(9, 0, NULL);
	CHECK_EQ("console_io_unknown_cmd", rc, -XEN_ENOSYS);
}

void test_main(void)
{
	evtchn_port_t port;

	test_debugreg_values();
	test_watchpoint();
	test_debugreg_semantics();
	test_dr6_cleared_stays_clear();
	test_watchpoint_in_hypercall();
	test_tf_syscall();
	test_mov_debugreg();
	test_cpuid_policy();
	test_cr4_write();
	test_movss_syscall();
	test_multicall();
	test_misc_ops();
	port = bind_ipi();
	test_poll(port);
	test_vcpu_op(port);
}
