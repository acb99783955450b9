/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_SPINLOCK_H
#define LAMINA_SPINLOCK_H

#include <stdint.h>

typedef struct {
	volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			asm volatile("pause");
}

static inline int spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long irq_save(void)
{
	unsigned long flags;

	asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		asm volatile("sti" ::: "memory");
}

#define spin_lock_irqsave(l, flags)                                          \
	do {                                                                 \
		(flags) = irq_save();                                        \
		spin_lock(l);                                                \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
