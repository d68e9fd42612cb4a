/*
 * Deliberate crashes for testing the panic paths (command line crash=).
 */
#ifndef KERNEL_CRASH_H
#define KERNEL_CRASH_H

void crash_if_asked(const char *cmdline);

#endif
