/*
 * The in-QEMU test programs' verdicts: one line per case, `TEST
 * <prefix><name> PASS` or `TEST <prefix><name> FAIL <why>`, where `why`
 * is what is() or fact() found wrong. Set verdict_prefix first.
 */
#ifndef TESTS_USER_VERDICT_H
#define TESTS_USER_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

#include "pith/pith.h"

static const char *verdict_prefix = "";
static unsigned failures;
static char why[160];

static inline void result(const char *name, bool ok)
{
	if (ok) {
		printf("TEST %s%s PASS\n", verdict_prefix, name);
		return;
	}
	printf("TEST %s%s FAIL %s\n", verdict_prefix, name, why);
	failures++;
}

/* err is want: else `why` says what came. */
static inline bool is(enum pith_error err, enum pith_error want)
{
	if (err == want)
		return true;
	snprintf(why, sizeof(why), "%s, not %s", pith_error_name(err),
		 pith_error_name(want));
	return false;
}

/* ok: else `why` is `what`. */
static inline bool fact(bool ok, const char *what)
{
	if (!ok)
		snprintf(why, sizeof(why), "%s", what);
	return ok;
}

#endif
