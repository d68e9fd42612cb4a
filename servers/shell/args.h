/*
 * The shell's command lines split into words. Pure logic, unit-tested on
 * the host (tests/host/test_shell_args.c).
 *
 * Words are separated by spaces and tabs. Within a word:
 *   "..."   the characters between, spaces included; \" and \\ stand
 *           for " and \, any other \ is kept as it is;
 *   '...'   the characters between, exactly;
 *   \c      the character c (a \ at the very end stands for itself).
 * Quoted and unquoted parts next to each other make one word
 * (a"b c"d is `ab cd`); "" is an empty word. A last word `&`, unquoted,
 * is not a word: it asks for the command to run in the background.
 */
#ifndef SHELL_ARGS_H
#define SHELL_ARGS_H

#include <stdbool.h>

#define ARGS_MAX 16 /* words in a command line */

enum args_error {
	ARGS_OK,
	ARGS_E_QUOTE,	  /* a quote is not closed */
	ARGS_E_TOO_MANY,  /* more than ARGS_MAX words */
	ARGS_E_AMPERSAND, /* an unquoted `&` that is not the last word */
};

struct args {
	unsigned argc;
	char *argv[ARGS_MAX + 1]; /* argv[argc] is NULL */
	bool background;	  /* the line ended with `&` */
};

/* Split `line` in place (the words point into it; quotes and escapes
 * are taken out). On an error *a holds no words. */
enum args_error args_split(char *line, struct args *a);

/* What an error means, as a phrase ("unterminated quote"). */
const char *args_strerror(enum args_error err);

#endif
