// SPDX-License-Identifier: MIT
/*
 * Time: the TSC is calibrated against the PIT (or the HPET when the PIT
 * does not answer), and system time is the TSC scaled to nanoseconds the
 * way pvclock scales it, so guests will later see the same arithmetic.
 */
#include <stdbool.h>
#include <stdint.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/time.h>
#include <xen/xen.h>

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61
#define CALIBRATE_MS 50

#define HPET_CAP 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0

uint64_t tsc_khz;
volatile uint64_t ticks;

static uint64_t tsc_at_boot;
static struct time_scale tsc_scale;

/* A bound on busy waits, in TSC ticks, generous for any real machine. */
#define WAIT_LIMIT (1ULL << 36)

/*
 * One calibration interval measured by a reference clock. The TSC and the
 * LAPIC timer are sampled over the same interval, so both agree with it.
 */
struct calibration {
	uint64_t tsc_hz;
	uint64_t lapic_hz;
};

static void sample_begin(uint64_t *tsc)
{
	lapic_count_begin();
	*tsc = rdtsc();
}

static void sample_end(struct calibration *c, uint64_t tsc0)
{
	uint64_t tsc = rdtsc();

	c->lapic_hz = (uint64_t)lapic_count_elapsed() * (1000 / CALIBRATE_MS);
	c->tsc_hz = (tsc - tsc0) * (1000 / CALIBRATE_MS);
}

static int calibrate_with_pit(struct calibration *c)
{
	uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0;

	/* Channel 2, gate on, speaker off; mode 0 counts down once. */
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_MODE, 0xb0);
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	sample_begin(&t0);
	while (!(inb(PIT_GATE) & 0x20))
		if (rdtsc() - t0 > WAIT_LIMIT)
			return 0;
	sample_end(c, t0);
	return 1;
}

static int calibrate_with_hpet(struct calibration *c)
{
	volatile uint8_t *hpet;
	uint64_t period_fs, target, c0, t0;

	if (!acpi.hpet_address)
		return 0;
	hpet = ioremap(acpi.hpet_address, 0x400);
	if (!hpet)
		return 0;
	period_fs = mmio_read64(hpet + HPET_CAP) >> 32;
	if (!period_fs || period_fs > 100000000)
		return 0;
	mmio_write64(hpet + HPET_CONFIG, mmio_read64(hpet + HPET_CONFIG) | 1);
	target = CALIBRATE_MS * 1000000000000ULL / period_fs;
	c0 = mmio_read64(hpet + HPET_COUNTER);
	sample_begin(&t0);
	while (mmio_read64(hpet + HPET_COUNTER) - c0 < target)
		if (rdtsc() - t0 > WAIT_LIMIT)
			return 0;
	sample_end(c, t0);
	return 1;
}

/* CMOS real-time clock: whole seconds since 1970 at boot. */
static uint64_t boot_wallclock;

static unsigned int cmos_read(unsigned int reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(unsigned int v, bool binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

static uint64_t days_from_civil(uint64_t y, unsigned int m, unsigned int d)
{
	/* Days since 1970-01-01 for a Gregorian date (March-based years). */
	uint64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void read_rtc(void)
{
	unsigned int sec, min, hour, day, mon, year, cent, regb;
	bool binary;

	/* Wait out an update in progress (bounded). */
	for (int i = 0; i < 100000 && (cmos_read(0x0a) & 0x80); i++)
		cpu_relax();
	regb = cmos_read(0x0b);
	binary = regb & 4;
	sec = bcd(cmos_read(0x00), binary);
	min = bcd(cmos_read(0x02), binary);
	hour = bcd(cmos_read(0x04) & 0x7f, binary);
	day = bcd(cmos_read(0x07), binary);
	mon = bcd(cmos_read(0x08), binary);
	year = bcd(cmos_read(0x09), binary);
	cent = bcd(cmos_read(0x32), binary);
	if (!(regb & 2) && (cmos_read(0x04) & 0x80))
		hour = (hour % 12) + 12; /* 12-hour clock, PM */
	year += cent >= 19 && cent <= 30 ? cent * 100 : 2000;
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return;
	boot_wallclock = days_from_civil(year, mon, day) * 86400 +
			 hour * 3600 + min * 60 + sec;
}

void time_fill_vcpu_info(struct vcpu_time_info *t)
{
	uint64_t tsc = rdtsc();

	/* Odd while changing: readers retry until the version is even. */
	t->version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = scale_delta(tsc - tsc_at_boot, &tsc_scale);
	t->tsc_to_system_mul = tsc_scale.mul;
	t->tsc_shift = tsc_scale.shift;
	t->flags = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->version++;
}

void time_init_shared_info(struct shared_info *si)
{
	si->wc_version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_sec = (uint32_t)boot_wallclock;
	si->wc_sec_hi = (uint32_t)(boot_wallclock >> 32);
	si->wc_nsec = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_version++;
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		time_fill_vcpu_info(&si->vcpu_info[i].time);
}

uint64_t scale_delta(uint64_t delta, const struct time_scale *s)
{
	if (s->shift < 0)
		delta >>= -s->shift;
	else
		delta <<= s->shift;
	return (uint64_t)(((unsigned __int128)delta * s->mul) >> 32);
}

/* Pick shift and mul so mul is a 32-bit fraction in [0.5, 1). */
void time_scale_from_freq(struct time_scale *s, uint64_t hz)
{
	uint64_t num = 1000000000ULL, den = hz;
	int shift = 0;

	while (den > num * 2 && shift > -31) {
		den >>= 1;
		shift--;
	}
	while (den <= num && shift < 31) {
		num >>= 1;
		shift++;
	}
	s->shift = shift;
	s->mul = (uint32_t)((num << 32) / den);
}

uint64_t system_time_ns(void)
{
	return scale_delta(rdtsc() - tsc_at_boot, &tsc_scale);
}

void udelay_tsc(uint64_t us)
{
	uint64_t start = rdtsc(), wait = tsc_khz * us / 1000;

	while (rdtsc() - start < wait)
		cpu_relax();
}

void time_init(void)
{
	const char *source = "PIT";
	struct calibration c = { 0, 0 };
	uint64_t hz;

	if (!calibrate_with_pit(&c)) {
		source = "HPET";
		if (!calibrate_with_hpet(&c))
			panic("cannot calibrate the TSC: neither PIT nor HPET answers");
	}
	hz = c.tsc_hz;
	lapic_timer_hz = c.lapic_hz;
	tsc_khz = hz / 1000;
	time_scale_from_freq(&tsc_scale, hz);
	tsc_at_boot = rdtsc();
	read_rtc();
	pr_info("TSC: %lu.%03lu MHz (calibrated against the %s)%s\n",
		(unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000),
		source, cpu_has_invariant_tsc() ? ", invariant" : "");
}
