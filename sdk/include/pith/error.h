/*
 * Pith's error codes: one small enum shared by the kernel and user space.
 * A syscall returns PITH_OK (0) or one of these in %rax.
 *
 * This is an ABI header: the kernel includes it, so it holds nothing but
 * definitions (no functions that need a C library).
 */
#ifndef PITH_ERROR_H
#define PITH_ERROR_H

enum pith_error {
	PITH_OK = 0,
	PITH_E_INVALID = 1, /* an argument is invalid */
	PITH_E_FAULT = 2,   /* a user address is not mapped as required */
	PITH_E_RANGE = 3,   /* a length or count is out of range */
	PITH_E_NOSYS = 4,   /* no such system call */
	PITH_E_COUNT
};

/* Names, indexed by enum pith_error, for logs and test output. */
#define PITH_ERROR_NAMES                                                       \
	{                                                                      \
		"PITH_OK", "PITH_E_INVALID", "PITH_E_FAULT", "PITH_E_RANGE",   \
			"PITH_E_NOSYS"                                         \
	}

#endif
