/* SPDX-License-Identifier: MIT */
/* Sets of physical CPUs, one bit per CPU id below CONFIG_NR_CPUS. */
#ifndef LAMINA_CPUMASK_H
#define LAMINA_CPUMASK_H

#include <stdbool.h>
#include <stdint.h>
#include <generated/autoconf.h>

#define CPUMASK_WORDS ((CONFIG_NR_CPUS + 63) / 64)

typedef struct cpumask {
	uint64_t bits[CPUMASK_WORDS];
} cpumask_t;

static inline bool cpumask_test(const cpumask_t *m, unsigned int cpu)
{
	return cpu < CONFIG_NR_CPUS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cpumask_set(cpumask_t *m, unsigned int cpu)
{
	if (cpu < CONFIG_NR_CPUS)
		m->bits[cpu / 64] |= 1UL << (cpu % 64);
}

static inline void cpumask_fill(cpumask_t *m)
{
	for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++)
		cpumask_set(m, i);
}

static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
	for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a,
			       const cpumask_t *b)
{
	for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

#endif
