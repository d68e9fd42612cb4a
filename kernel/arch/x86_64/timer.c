/*
 * The periodic timer: the local APIC timer, calibrated against the 8254
 * PIT (channel 2, gated through port 0x61, which needs no interrupt), or
 * from CPUID leaf 0x15 on machines whose PIT does not count. The TSC is
 * measured over the same interval.
 */
#include "arch/x86.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/panic.h"

#define PIT_HZ	     1193182u
#define PIT_CH2	     0x42
#define PIT_CMD	     0x43
#define PORT_B	     0x61
#define CAL_MS	     10u
#define CAL_ROUNDS   3
#define PIT_SPIN_MAX 50000000u

#define REG_LVT_TIMER	  0x320
#define REG_TIMER_INIT	  0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE  0x3e0
#define LVT_MASKED	  (1u << 16)
#define LVT_PERIODIC	  (1u << 17)
#define DIVIDE_BY_16	  0x3

static volatile uint64_t ticks;
static unsigned timer_hz;
static uint64_t apic_timer_hz, tsc_hz;

void timer_tick(void)
{
	ticks++;
}

uint64_t arch_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t arch_timer_ticks(void)
{
	return ticks;
}

unsigned arch_timer_hz(void)
{
	return timer_hz;
}

/*
 * One calibration round: APIC timer ticks (divided by 16) and TSC ticks
 * during CAL_MS of PIT time. False if the PIT never finished.
 */
static bool calibrate_once(uint32_t *apic_ticks, uint64_t *tsc_ticks)
{
	uint16_t count = (uint16_t)(PIT_HZ * CAL_MS / 1000);
	uint64_t t0;
	uint32_t spins = 0;

	/* Gate 2 high, speaker off; channel 2, lo/hi byte, mode 0. */
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8); /* counting starts now */
	apic_write(REG_TIMER_INIT, 0xffffffffu);
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20)) { /* OUT2 rises at terminal count */
		if (++spins == PIT_SPIN_MAX)
			return false;
	}
	*tsc_ticks = rdtsc() - t0;
	*apic_ticks = 0xffffffffu - apic_read(REG_TIMER_CURRENT);
	return true;
}

static bool calibrate_with_pit(void)
{
	uint32_t a[CAL_ROUNDS] = {0};
	uint64_t tsc = 0;

	for (int i = 0; i < CAL_ROUNDS; i++) {
		uint32_t v;
		int j = i;

		if (!calibrate_once(&v, &tsc)) /* tsc: the last round's */
			return false;
		for (; j > 0 && a[j - 1] > v; j--) /* keep a[] sorted */
			a[j] = a[j - 1];
		a[j] = v;
	}
	apic_timer_hz = (uint64_t)a[CAL_ROUNDS / 2] * (1000 / CAL_MS);
	tsc_hz = tsc * (1000 / CAL_MS);
	return apic_timer_hz > 0;
}

/* CPUID 0x15: the core crystal clock, which drives the APIC timer on CPUs
 * that enumerate it. */
static bool calibrate_with_cpuid(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 0x15)
		return false;
	cpuid(0x15, 0, r);
	if (r[2] == 0)
		return false;
	apic_timer_hz = r[2] / 16;
	if (r[0] && r[1])
		tsc_hz = (uint64_t)r[2] * r[1] / r[0];
	return true;
}

void timer_init(unsigned hz)
{
	const char *source = "PIT";

	apic_write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
	apic_write(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER); /* one-shot */
	if (!calibrate_with_pit()) {
		source = "CPUID 0x15";
		if (!calibrate_with_cpuid())
			panic("timer: cannot calibrate the APIC timer: the PIT "
			      "does not count and CPUID has no crystal clock");
	}
	timer_hz = hz;
	apic_write(REG_TIMER_INIT, 0);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	apic_write(REG_TIMER_INIT, (uint32_t)(apic_timer_hz / hz));
	pr_info("timer: APIC timer %llu kHz, TSC %llu MHz (calibrated with "
		"%s); periodic at %u Hz",
		(unsigned long long)apic_timer_hz / 1000,
		(unsigned long long)tsc_hz / 1000000, source, hz);
}
