// SPDX-License-Identifier: MIT
/*
 * smp: a second vCPU on another physical CPU. vCPU 1 starts from a
 * vcpu_guest_context on vCPU 0's page tables; the checks need two
 * physical CPUs: vCPU 0 sees vCPU 1 running while it runs itself, the two
 * alternate on a shared word faster than time slices could allow, IPI
 * event channels go back and forth between them, and a writable mapping
 * one vCPU keeps writing through is flushed from its CPU before the
 * frame can become a page table (TLB shootdown).
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/traps.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define MS 1000000ULL
#define HANDSHAKE_ROUNDS 100
/* One CPU needs two time slices (30 ms each) per round: 6 s at least. */
#define HANDSHAKE_LIMIT (4000 * MS)
#define PINGPONG_ROUNDS 100
#define WAIT_LIMIT (5000 * MS)

/* What vCPU 1 is asked to do next, and its answers. */
enum job { JOB_NONE, JOB_SPIN, JOB_HANDSHAKE, JOB_PINGPONG, JOB_WRITE };

static volatile enum job job;
static volatile unsigned long started, spinning, turn, pongs;
static volatile unsigned long vcpu1_dr0 = 1, vcpu1_dr7;
static volatile unsigned long writes, write_faulted;
static volatile uint64_t *write_target;
static evtchn_port_t port_to_0, port_to_1;

static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));

/* Wait (bounded) until *word reaches at least value. */
static bool wait_until(volatile unsigned long *word, unsigned long value)
{
	uint64_t end = system_time_ns() + WAIT_LIMIT;

	while (*word < value)
		if (system_time_ns() > end)
			return false;
	return true;
}

static void send(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	hyp_event_channel_op(EVTCHNOP_send, &s);
}

/* Block until port is pending (masked ports wake a poller too). */
static bool poll_port(evtchn_port_t port)
{
	struct sched_poll p = { .nr_ports = 1 };
	uint64_t end = system_time_ns() + WAIT_LIMIT;

	p.ports.p = &port;
	while (!(shared_info->evtchn_pending[port / 64] &
		 (1UL << (port % 64)))) {
		if (system_time_ns() > end)
			return false;
		p.timeout = system_time_ns() + 100 * MS;
		hyp_sched_op(SCHEDOP_poll, &p);
	}
	evtchn_clear(port);
	return true;
}

/*
 * vCPU 1: write through write_target until a write faults. 16-byte SSE
 * stores: a hypervisor emulating writes to page tables (writable page
 * tables) takes only PTE-sized ones, so once the frame is a page table
 * every store that reaches it went through a stale TLB entry.
 */
static void write_until_fault(void)
{
	uint64_t value = 2; /* even: a not-present entry once it is an L1 */

	while (job == JOB_WRITE && !write_faulted) {
		asm volatile("movq %1, %%xmm0\n\t"
			     "punpcklqdq %%xmm0, %%xmm0\n"
			     "1: movdqu %%xmm0, (%0)\n\t"
			     "jmp 3f\n"
			     "2: movq $1, %2\n"
			     "3:\n\t" EXTABLE(1b, 2b)
			     :
			     : "r"(write_target), "r"(value), "m"(write_faulted)
			     : "memory");
		writes++;
		value += 2;
	}
}

static void __attribute__((noreturn)) vcpu1_main(void)
{
	vcpu1_dr0 = hyp_get_debugreg(0);
	vcpu1_dr7 = hyp_get_debugreg(7);
	started = 1;
	for (;;) {
		switch (job) {
		case JOB_SPIN:
			spinning = 1;
			break;
		case JOB_HANDSHAKE:
			if (turn & 1)
				turn++;
			break;
		case JOB_PINGPONG:
			if (pongs < PINGPONG_ROUNDS && poll_port(port_to_1)) {
				pongs++;
				send(port_to_0);
			}
			break;
		case JOB_WRITE:
			write_until_fault();
			break;
		default:
			break;
		}
	}
}

/*
 * A VCPUOP_initialise refused for its GDT (a frame still writable) keeps
 * nothing: its L4, a fresh page, can be made writable again afterwards.
 */
static void test_failed_initialise(void)
{
	static struct vcpu_guest_context ctx;
	struct vcpu_guest_context *c = &ctx;
	uint64_t *l4 = page_alloc(), *gdt = page_alloc();
	long rc;

	memset(l4, 0, PAGE_SIZE);
	memset(gdt, 0, PAGE_SIZE);
	CHECK_EQ("bad_init_l4_readonly", page_set_writable(l4, false), 0);
	c->flags = VGCF_in_kernel;
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->ctrlreg[3] = virt_to_machine(l4);
	c->gdt_ents = 1;
	c->gdt_frames[0] = virt_to_mfn(gdt); /* writable: refused */
	rc = hyp_vcpu_op(VCPUOP_initialise, 1, c);
	CHECK_EQ("bad_init_refused", rc, -XEN_EINVAL);
	CHECK_EQ("bad_init_l4_released", page_set_writable(l4, true), 0);
}

static bool start_vcpu1(void)
{
	long rc;

	struct vcpu_guest_context *c;

	CHECK_EQ("vcpu1_down_at_start", hyp_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	/*
	 * The context's debug registers pass set_debugreg's checks, as Xen:
	 * DR0 on the hypervisor's range is dropped (left 0), DR7 enabling
	 * a write watchpoint through it is kept (it now watches address 0).
	 */
	c = vcpu_context_kernel(vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	c->debugreg[0] = 0xffff800000001000UL;
	c->debugreg[7] = 0x1UL | (1UL << 16) | (3UL << 18); /* L0 W 8 */
	rc = hyp_vcpu_op(VCPUOP_initialise, 1, c);
	CHECK_EQ("vcpu1_initialise", rc, 0);
	rc = hyp_vcpu_op(VCPUOP_up, 1, NULL);
	CHECK_EQ("vcpu1_up", rc, 0);
	CHECK_EQ("vcpu1_is_up", hyp_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
	CHECK("vcpu1_runs", wait_until(&started, 1));
	CHECK_EQ("vcpu1_context_dr0_hypervisor_dropped", vcpu1_dr0, 0);
	CHECK_EQ("vcpu1_context_dr7_kept", vcpu1_dr7 & 0xf00ff, 0xd0001);
	return started;
}

/* While vCPU 0 runs, vCPU 1 is RUNSTATE_running: another CPU has it. */
static void test_concurrent(void)
{
	struct vcpu_runstate_info rs;
	bool running = false;
	long rc = 0;

	job = JOB_SPIN;
	CHECK("vcpu1_spins", wait_until(&spinning, 1));
	for (int i = 0; i < 50 && !running && !rc; i++) {
		rc = hyp_vcpu_op(VCPUOP_get_runstate_info, 1, &rs);
		running = rs.state == RUNSTATE_running;
	}
	CHECK_EQ("runstate_rc", rc, 0);
	CHECK("runs_concurrently", running, "vCPU 1 state %d", rs.state);
}

/* Turns on a shared word, no hypercalls: only parallel vCPUs are quick. */
static void test_handshake(void)
{
	uint64_t start = system_time_ns(), took;
	unsigned long rounds = 0;

	turn = 0;
	job = JOB_HANDSHAKE;
	while (rounds < HANDSHAKE_ROUNDS &&
	       system_time_ns() - start < HANDSHAKE_LIMIT) {
		if (!(turn & 1)) {
			turn++;
			rounds++;
		}
	}
	took = system_time_ns() - start;
	info("handshake: %lu rounds in %lu ms", rounds,
	     (unsigned long)(took / MS));
	CHECK("handshake_parallel", rounds == HANDSHAKE_ROUNDS,
	      "%lu of %u rounds", rounds, HANDSHAKE_ROUNDS);
	job = JOB_NONE;
}

static evtchn_port_t bind_ipi(unsigned int vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	if (hyp_event_channel_op(EVTCHNOP_bind_ipi, &b))
		test_fatal("bind_ipi for vCPU %u failed", vcpu);
	evtchn_mask(b.port); /* only polled: no upcalls */
	return b.port;
}

/* IPI ports both ways: each send wakes the other vCPU's poll. */
static void test_pingpong(void)
{
	unsigned long pings = 0;

	port_to_0 = bind_ipi(0);
	port_to_1 = bind_ipi(1);
	pongs = 0;
	job = JOB_PINGPONG;
	while (pings < PINGPONG_ROUNDS) {
		send(port_to_1);
		if (!poll_port(port_to_0))
			break;
		pings++;
	}
	CHECK_EQ("ipi_pingpong_rounds", pings, PINGPONG_ROUNDS);
	CHECK_EQ("ipi_pingpong_pongs", pongs, PINGPONG_ROUNDS);
	job = JOB_NONE;
}

/*
 * vCPU 1 writes through its writable mapping of a frame; vCPU 0 makes
 * that mapping read-only with a local flush only, then pins the frame as
 * an L1 table. The pin may succeed, but from then on no write of vCPU 1
 * may reach the frame: its CPU's TLB must have been flushed.
 */
static void test_tlb_shootdown(void)
{
	uint64_t *page = page_alloc();
	uint64_t after_pin;
	unsigned long writes_before;
	long rc;

	memset(page, 0, PAGE_SIZE);
	write_target = page;
	write_faulted = 0;
	writes = 0;
	job = JOB_WRITE;
	CHECK("tlb_writer_writes", wait_until(&writes, 1000));
	rc = page_set_writable(page, false); /* UVMF_INVLPG: this CPU only */
	CHECK_EQ("tlb_readonly_rc", rc, 0);
	rc = mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(page));
	CHECK_EQ("tlb_pin_while_written", rc, 0);
	after_pin = *(volatile uint64_t *)page;
	writes_before = writes;
	/* Give vCPU 1 time for more writes (or its fault). */
	wait_until(&write_faulted, 1);
	CHECK("tlb_writer_faulted", write_faulted, "after %lu writes",
	      writes - writes_before);
	CHECK("tlb_no_write_after_pin", *(volatile uint64_t *)page == after_pin,
	      "%#lx then %#lx", (unsigned long)after_pin,
	      (unsigned long)*(volatile uint64_t *)page);
	job = JOB_NONE;
	if (!rc)
		mmuext_one(MMUEXT_UNPIN_TABLE, virt_to_mfn(page));
	page_set_writable(page, true);
}

void test_main(void)
{
	events_disable(); /* every port here is polled */
	test_failed_initialise();
	if (!start_vcpu1())
		test_done();
	test_concurrent();
	test_handshake();
	test_pingpong();
	test_tlb_shootdown();
	job = JOB_NONE;
	test_done();
}
