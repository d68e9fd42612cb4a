/*
 * errno (errno.h): one for the whole program, shared by its threads.
 */
#include <errno.h>

int errno;
