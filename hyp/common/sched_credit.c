// SPDX-License-Identifier: MIT
/*
 * A credit scheduler: the policy behind sched.c, with the behaviour Xen's
 * credit scheduler shows its users.
 *
 * Every accounting period (30 ms) the CPU time of that period is handed
 * out as credit to the runnable vCPUs in proportion to their domain's
 * weight; a running vCPU burns credit by the nanosecond. A vCPU with
 * credit left is UNDER, one without is OVER, and UNDER runs first. A vCPU
 * that wakes while UNDER is BOOSTed so it is dispatched at once (I/O
 * latency), until the next tick finds it still running. A capped domain
 * is parked, its vCPUs not picked, once it has used its cap's share of
 * the period, until a later period pays the overshoot back. Within a
 * priority vCPUs take turns in FIFO order, a slice lasting at most 30 ms.
 *
 * All state is read and changed under the scheduler's one lock, so the
 * same code serves several CPUs: a vCPU on one CPU is never picked for
 * another, and a vCPU only runs on CPUs in its hard affinity.
 */
#include <lamina/credit_calc.h>
#include <lamina/domain.h>
#include <lamina/sched.h>
#include <lamina/sched_credit.h>
#include <asm/time.h>

#define PERIOD_NS 30000000ULL /* accounting period */
#define SLICE_NS 30000000ULL /* longest turn within a priority */

static cpumask_t online;
static unsigned int nr_online;
static struct vcpu *running_on[CONFIG_NR_CPUS];
static uint64_t last_accounting_ns;
static uint64_t next_seq;

void sched_credit_domain_init(struct domain *d)
{
	d->credit.weight = CREDIT_WEIGHT_DEFAULT;
	d->credit.cap = 0;
}

void sched_credit_vcpu_init(struct vcpu *v)
{
	cpumask_fill(&v->hard_affinity);
	cpumask_fill(&v->soft_affinity);
	v->credit.pri = CREDIT_PRI_UNDER;
	v->credit.queue_seq = ++next_seq;
}

void sched_credit_cpu_online(unsigned int cpu)
{
	if (cpu >= CONFIG_NR_CPUS || cpumask_test(&online, cpu))
		return;
	cpumask_set(&online, cpu);
	nr_online++;
}

const cpumask_t *sched_credit_online_cpus(void)
{
	return &online;
}

void sched_credit_set(struct domain *d, uint16_t weight, uint16_t cap)
{
	if (weight)
		d->credit.weight = weight;
	if (cap != 0xffff) {
		d->credit.cap = cap;
		d->credit.cap_left = credit_cap_allowance(PERIOD_NS, cap);
	}
}

static bool parked(const struct domain *d)
{
	return d->credit.cap && d->credit.cap_left <= 0;
}

/* UNDER or OVER from the credit left; a BOOST stays unless ended. */
static void settle(struct vcpu *v, bool end_boost)
{
	if (v->credit.pri == CREDIT_PRI_BOOST && !end_boost)
		return;
	v->credit.pri = v->credit.credit >= 0 ? CREDIT_PRI_UNDER :
						CREDIT_PRI_OVER;
}

/* Charge a running vCPU (and its domain's cap) for its time up to now. */
static void burn(struct vcpu *v, uint64_t now)
{
	int64_t used = (int64_t)(now - v->credit.burn_from_ns);

	if (now <= v->credit.burn_from_ns)
		return;
	v->credit.burn_from_ns = now;
	v->credit.credit = credit_clamp(v->credit.credit - used, PERIOD_NS);
	if (v->domain->credit.cap)
		v->domain->credit.cap_left -= used;
	settle(v, false);
}

/*
 * Hand out the CPU time since the last accounting, every online CPU's:
 * as much as was there, so credits earned match credits burned.
 */
static void account(uint64_t now)
{
	uint64_t elapsed = now - last_accounting_ns;
	uint64_t budget, total = 0;

	if (elapsed > 2 * PERIOD_NS) /* after a long idle: no hoard */
		elapsed = 2 * PERIOD_NS;
	budget = elapsed * (nr_online ? nr_online : 1);

	for (unsigned int i = 0; i < NR_VCPU_SLOTS; i++) {
		struct vcpu *v = vcpu_at(i);

		if (v && v->is_running)
			burn(v, now);
		if (vcpu_runnable(v))
			total += v->domain->credit.weight;
	}
	for (unsigned int i = 0; i < NR_VCPU_SLOTS; i++) {
		struct vcpu *v = vcpu_at(i);
		unsigned int w;

		if (!v)
			continue;
		w = v->domain->credit.weight;
		if (vcpu_runnable(v))
			v->credit.credit = credit_clamp(
				v->credit.credit +
					credit_share(budget, w, total),
				PERIOD_NS);
		else /* a blocked vCPU earns nothing but its debt fades */
			v->credit.credit = credit_forgive(
				v->credit.credit,
				credit_share(budget, w, total + w));
		settle(v, false);
	}
	for (unsigned int i = 0; i < CONFIG_MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->credit.cap)
			domains[i]->credit.cap_left = credit_cap_refill(
				domains[i]->credit.cap_left,
				credit_cap_allowance(elapsed,
						     domains[i]->credit.cap),
				credit_cap_allowance(PERIOD_NS,
						     domains[i]->credit.cap));
	last_accounting_ns = now;
}

/* May v run on cpu now (prev: what cpu is giving up)? */
static bool eligible(const struct vcpu *v, unsigned int cpu,
		     const struct vcpu *prev)
{
	return vcpu_runnable(v) && (!v->is_running || v == prev) &&
	       cpumask_test(&v->hard_affinity, cpu) && !parked(v->domain);
}

/* Priority for the pick: a yielder comes after everyone else. */
static int rank(const struct vcpu *v)
{
	return v->credit.yielded ? -1 : (int)v->credit.pri;
}

/* Does a beat b: higher rank, or the same rank and queued earlier? */
static bool before(const struct vcpu *a, const struct vcpu *b)
{
	if (!b || rank(a) != rank(b))
		return !b || rank(a) > rank(b);
	return a->credit.queue_seq < b->credit.queue_seq;
}

/* The best vCPU for cpu other than skip, or NULL. */
static struct vcpu *best_waiting(unsigned int cpu, const struct vcpu *prev,
				 const struct vcpu *skip)
{
	struct vcpu *best = NULL;

	for (unsigned int i = 0; i < NR_VCPU_SLOTS; i++) {
		struct vcpu *v = vcpu_at(i);

		if (v != skip && eligible(v, cpu, prev) && before(v, best))
			best = v;
	}
	return best;
}

struct vcpu *sched_credit_pick(unsigned int cpu, struct vcpu *prev)
{
	uint64_t now = system_time_ns();
	struct vcpu *next;

	if (cpu >= CONFIG_NR_CPUS)
		return NULL;
	if (prev) {
		burn(prev, now);
		/* A turn that ends sends prev to the back of its priority. */
		prev->credit.queue_seq = ++next_seq;
	}
	next = best_waiting(cpu, prev, NULL);
	if (prev) {
		prev->credit.yielded = false;
		prev->is_running = false;
	}
	running_on[cpu] = next;
	if (!next)
		return NULL;
	next->is_running = true;
	next->processor = cpu;
	if (next != prev) {
		next->credit.burn_from_ns = now;
		next->credit.dispatched_ns = now;
	}
	return next;
}

bool sched_credit_tick(unsigned int cpu, struct vcpu *cur)
{
	uint64_t now = system_time_ns();
	struct vcpu *rival;

	if (cpu == 0 && now - last_accounting_ns >= PERIOD_NS)
		account(now);
	if (!cur)
		return false;
	burn(cur, now);
	settle(cur, true); /* a boost lasts until a tick finds it running */
	if (parked(cur->domain) || !cpumask_test(&cur->hard_affinity, cpu))
		return true;
	rival = best_waiting(cpu, cur, cur);
	if (!rival)
		return false;
	return rank(rival) > rank(cur) ||
	       now - cur->credit.dispatched_ns >= SLICE_NS;
}

bool sched_credit_wake(struct vcpu *v)
{
	struct vcpu *cur;

	if (v->is_running)
		return false;
	v->credit.queue_seq = ++next_seq;
	if (v->credit.pri == CREDIT_PRI_UNDER && !parked(v->domain))
		v->credit.pri = CREDIT_PRI_BOOST;
	if (!cpumask_intersects(&v->hard_affinity, &online))
		return false;
	/* Preempt where it last ran if that CPU is idle or runs less. */
	cur = v->processor < CONFIG_NR_CPUS ? running_on[v->processor] : NULL;
	return !cur || rank(v) > rank(cur);
}

void sched_credit_yield(struct vcpu *v)
{
	v->credit.yielded = true;
}
