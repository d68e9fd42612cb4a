/*
 * Character classes of the SDK's C library (sdk/libc), for the "C" locale
 * (ASCII). Each takes an int that is an unsigned char's value or EOF (-1),
 * as C requires; any other value is simply in no class (no crash, no
 * table lookup out of bounds).
 */
#ifndef PITH_LIBC_CTYPE_H
#define PITH_LIBC_CTYPE_H

/* Non-zero if c is in the class, 0 if not. */
int isalnum(int c);  /* isalpha || isdigit */
int isalpha(int c);  /* A-Z a-z */
int isblank(int c);  /* space, tab */
int iscntrl(int c);  /* 0-31, 127 */
int isdigit(int c);  /* 0-9 */
int isgraph(int c);  /* printable but not space: 33-126 */
int islower(int c);  /* a-z */
int isprint(int c);  /* 32-126 */
int ispunct(int c);  /* isgraph but not isalnum */
int isspace(int c);  /* space \t \n \v \f \r */
int isupper(int c);  /* A-Z */
int isxdigit(int c); /* 0-9 A-F a-f */

/* c in the other case if it is a letter, else c unchanged. */
int tolower(int c);
int toupper(int c);

#endif
