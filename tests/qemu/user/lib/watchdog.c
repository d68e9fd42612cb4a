/*
 * The test programs' watchdog thread (see watchdog.h).
 */
#include "watchdog.h"

#include "tsc.h"

void watchdog_run(uint64_t arg)
{
	struct watchdog *wd = (struct watchdog *)(uintptr_t)arg;
	uint64_t last = rdtsc(), ran = 0;
	bool fired = true;

	for (;;) {
		uint64_t now = rdtsc();

		/* Only its own running counts: a long pause was the other
		 * threads' time. */
		if (now - last < wd->gap)
			ran += now - last;
		last = now;
		if (wd->restart) {
			wd->restart = 0;
			ran = 0;
			fired = false;
		}
		if (!fired && ran >= wd->limit) {
			fired = true;
			pith_signal(wd->cap);
		}
		pith_yield();
	}
}
