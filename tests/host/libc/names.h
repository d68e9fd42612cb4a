/*
 * The public names of the SDK's C library (sdk/libc), prefixed with
 * pithc_ for the host's tests: the library's sources are compiled for the
 * host with this header forced in first (-include), and the tests include
 * it (through pithc.h) after the host's headers, so the library under
 * test and the host's C library live side by side in one test binary.
 * The host's own macros of the same names (errno, stdout, ...) are
 * dropped first.
 *
 * printf is renamed at the symbol level instead: a macro would rename the
 * printf of format(printf, ...) attributes too.
 *
 * Every global symbol of the library must be here, or start with heap_,
 * libc_ or pith_: the host.libc_names test checks the compiled objects.
 */
#ifndef PITHC_NAMES_H
#define PITHC_NAMES_H

#pragma redefine_extname printf pithc_printf

#undef memchr
#define memchr pithc_memchr
#undef strchr
#define strchr pithc_strchr
#undef strrchr
#define strrchr pithc_strrchr
#undef strstr
#define strstr pithc_strstr
#undef strcpy
#define strcpy pithc_strcpy
#undef strncpy
#define strncpy pithc_strncpy
#undef strlcpy
#define strlcpy pithc_strlcpy
#undef strcat
#define strcat pithc_strcat
#undef strncat
#define strncat pithc_strncat
#undef strdup
#define strdup pithc_strdup
#undef strndup
#define strndup pithc_strndup
#undef strspn
#define strspn pithc_strspn
#undef strcspn
#define strcspn pithc_strcspn
#undef strtok_r
#define strtok_r pithc_strtok_r
#undef strerror
#define strerror pithc_strerror
#undef malloc
#define malloc pithc_malloc
#undef calloc
#define calloc pithc_calloc
#undef realloc
#define realloc pithc_realloc
#undef aligned_alloc
#define aligned_alloc pithc_aligned_alloc
#undef free
#define free pithc_free
#undef strtol
#define strtol pithc_strtol
#undef strtoll
#define strtoll pithc_strtoll
#undef strtoul
#define strtoul pithc_strtoul
#undef strtoull
#define strtoull pithc_strtoull
#undef atoi
#define atoi pithc_atoi
#undef atol
#define atol pithc_atol
#undef abs
#define abs pithc_abs
#undef labs
#define labs pithc_labs
#undef llabs
#define llabs pithc_llabs
#undef qsort
#define qsort pithc_qsort
#undef bsearch
#define bsearch pithc_bsearch
#undef exit
#define exit pithc_exit
#undef abort
#define abort pithc_abort
#undef isalnum
#define isalnum pithc_isalnum
#undef isalpha
#define isalpha pithc_isalpha
#undef isblank
#define isblank pithc_isblank
#undef iscntrl
#define iscntrl pithc_iscntrl
#undef isdigit
#define isdigit pithc_isdigit
#undef isgraph
#define isgraph pithc_isgraph
#undef islower
#define islower pithc_islower
#undef isprint
#define isprint pithc_isprint
#undef ispunct
#define ispunct pithc_ispunct
#undef isspace
#define isspace pithc_isspace
#undef isupper
#define isupper pithc_isupper
#undef isxdigit
#define isxdigit pithc_isxdigit
#undef tolower
#define tolower pithc_tolower
#undef toupper
#define toupper pithc_toupper
#undef vprintf
#define vprintf pithc_vprintf
#undef fprintf
#define fprintf pithc_fprintf
#undef vfprintf
#define vfprintf pithc_vfprintf
#undef snprintf
#define snprintf pithc_snprintf
#undef vsnprintf
#define vsnprintf pithc_vsnprintf
#undef puts
#define puts pithc_puts
#undef fputs
#define fputs pithc_fputs
#undef fputc
#define fputc pithc_fputc
#undef putc
#define putc pithc_putc
#undef putchar
#define putchar pithc_putchar
#undef fflush
#define fflush pithc_fflush
#undef stdout
#define stdout pithc_stdout
#undef stderr
#define stderr pithc_stderr
#undef FILE
#define FILE pithc_FILE
#undef errno
#define errno pithc_errno

#endif
