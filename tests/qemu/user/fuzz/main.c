/*
 * fuzz: the root task that fuzzes the kernel's system calls (fuzz.h).
 *
 * Command line: fuzz.seed=<hex> (else one from the boot entropy, printed),
 * fuzz.inputs=<n> (100), fuzz.trace (every call of every input printed),
 * fuzz.watchdog_us=<n> (how long a wait lasts once nothing else runs),
 * fuzz.missed (at the end, the kernel edges no input reached).
 * Initrd files: fuzz.corpus (programs, one "p <hex> ..." per line) starts
 * the corpus; fuzz.replay (one program) runs that program alone, traced.
 *
 * Output, one line each (tools/fuzz reads them):
 *
 *	FUZZ start seed=<hex> inputs=<n> edges=<kcov_edges> corpus=<loaded>
 *	FUZZ run <i> p <hex> ...            before each input
 *	FUZZ new <i> +<edges> covered=<c>   after one that reached new edges
 *	FUZZ call <k> t<thread> <name> cap=<hex> info=<hex> w=<hex>,... -> <err>
 *	                                    each call, when tracing
 *	FUZZ bug <i> <what>                 then the program ends with 1
 *	FUZZ done inputs=<n> covered=<c> edges=<kcov_edges> corpus=<k>
 *
 * With a kernel built with coverage (pith_bootinfo kcov_frames), the
 * bitmap of the kernel's edges is mapped read-only; an input that set
 * bytes the fuzzer had not seen set joins the corpus.
 */
#include "fuzz.h"

#include "lib/cmdline.h"
#include "lib/format.h"

#define INPUTS_DEFAULT 100
#define CHECK_EVERY    32 /* inputs between full checks of the territory */

static uint64_t seed, inputs = INPUTS_DEFAULT;
static bool trace_all, replay, show_missed;
static struct program replay_program;

/* ---- options ----------------------------------------------------------- */

static bool parse_u64(const char *s, unsigned base, uint64_t *v)
{
	uint64_t n = 0;
	unsigned digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	for (; *s; s++, digits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		n = n * base + d;
	}
	*v = n;
	return digits > 0;
}

/* Without fuzz.seed: the firmware's entropy, else the time. */
static uint64_t boot_seed(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t s = rdtsc();

	if (bi->entropy_valid)
		for (unsigned i = 0; i < sizeof(bi->entropy); i++)
			s = s * 131 + bi->entropy[i];
	return splitmix64(&s);
}

static bool read_options(void)
{
	const char *cmdline = pith_bootinfo->cmdline;
	char value[32];

	seed = boot_seed();
	if (cmdline_get(cmdline, "fuzz.seed", value, sizeof(value)) &&
	    !parse_u64(value, 16, &seed)) {
		pith_printf("fuzz: fuzz.seed=%s: a hex number expected\n",
			    value);
		return false;
	}
	if (cmdline_get(cmdline, "fuzz.inputs", value, sizeof(value)) &&
	    !parse_u64(value, 10, &inputs)) {
		pith_printf("fuzz: fuzz.inputs=%s: a number expected\n", value);
		return false;
	}
	trace_all = cmdline_flag(cmdline, "fuzz.trace");
	show_missed = cmdline_flag(cmdline, "fuzz.missed");
	return true;
}

/* ---- initrd files ------------------------------------------------------ */

static bool initrd_file(const char *name, const char **data, const char **end)
{
	struct cpio_entry file;
	enum cpio_error why;

	if (pith_initrd_find(name, &file, &why) != PITH_OK)
		return false;
	*data = (const char *)file.data;
	*end = *data + file.size;
	return true;
}

static unsigned load_corpus(struct rng *r)
{
	const char *s, *end;
	unsigned n = 0;

	if (!initrd_file("fuzz.corpus", &s, &end))
		return 0;
	while (s < end) {
		struct program p;

		if (program_parse(s, end, &p, &s)) {
			corpus_add(&p, r);
			n++;
		}
	}
	return n;
}

static bool load_replay(void)
{
	const char *s, *end;

	if (!initrd_file("fuzz.replay", &s, &end))
		return true;
	while (s < end)
		if (program_parse(s, end, &replay_program, &s)) {
			replay = true;
			return true;
		}
	pith_printf("fuzz: fuzz.replay holds no program\n");
	return false;
}

/* ---- coverage ---------------------------------------------------------- */

static const volatile uint8_t *kcov;
static uint8_t *seen;
static uint64_t edges, covered;

static bool map_coverage(void)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t frames = bi->kcov_frames.end - bi->kcov_frames.start;
	uint64_t va, pages;
	enum pith_error err;

	edges = bi->kcov_edges;
	if (edges == 0 || frames == 0) {
		edges = 0;
		return true;
	}
	if (edges > frames * PITH_PAGE_SIZE)
		edges = frames * PITH_PAGE_SIZE;
	err = pith_vm_map_frames(bi->kcov_frames.start, frames, PITH_RIGHT_READ,
				 &va);
	if (err != PITH_OK) {
		pith_printf("fuzz: coverage map: %s\n", pith_error_name(err));
		return false;
	}
	kcov = (const volatile uint8_t *)(uintptr_t)va;
	pages = (edges + PITH_PAGE_SIZE - 1) / PITH_PAGE_SIZE;
	err = pith_vm_map_new(pages, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va);
	if (err != PITH_OK) {
		pith_printf("fuzz: coverage copy: %s\n", pith_error_name(err));
		return false;
	}
	seen = (uint8_t *)(uintptr_t)va;
	return true;
}

/* Edges set since the last look that the fuzzer had not seen. */
static uint64_t new_edges(void)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < edges; i++) {
		if (kcov[i] && !seen[i]) {
			seen[i] = 1;
			n++;
		}
	}
	covered += n;
	return n;
}

/* The edges no input reached, sixteen to a line (fuzz.missed), to see
 * what the calls never get to. */
static void print_missed(void)
{
	char line[16 * 8 + 16];
	unsigned n = 0, len = 0;

	for (uint64_t i = 0; i < edges; i++) {
		if (kcov[i])
			continue;
		len += (unsigned)fmt_snprintf(line + len, sizeof(line) - len,
					      " %llx", (unsigned long long)i);
		if (++n % 16 == 0) {
			fuzz_out("FUZZ missed%s\n", line);
			len = 0;
		}
	}
	if (len)
		fuzz_out("FUZZ missed%s\n", line);
}

/* ---- the loop ---------------------------------------------------------- */

int main(int argc, char **argv)
{
	static char line[FUZZ_CALLS_MAX * 17 + 8];
	struct rng r;
	unsigned loaded;

	(void)argc;
	(void)argv;
	if (!pith_bootinfo) {
		pith_printf("fuzz: not the root task\n");
		return 1;
	}
	if (!read_options() || !load_replay() || !map_coverage())
		return 1;
	rng_seed(&r, seed);
	loaded = load_corpus(&r);
	/* The last of the fuzzer's own allocations: everything after is
	 * the inputs'. */
	if (!exec_init())
		return 1;
	if (replay)
		inputs = 1;
	new_edges(); /* what booting reached */
	fuzz_out("FUZZ start seed=%llx inputs=%llu edges=%llu corpus=%u\n",
		 (unsigned long long)seed, (unsigned long long)inputs,
		 (unsigned long long)edges, loaded);
	for (uint64_t i = 0; i < inputs; i++) {
		struct program p;
		uint64_t n;

		if (replay)
			p = replay_program;
		else
			program_next(&p, &r);
		program_format(&p, line, sizeof(line));
		fuzz_out("FUZZ run %llu %s\n", (unsigned long long)i, line);
		if (!exec_input(i, &p, replay || trace_all))
			return 1;
		n = edges ? new_edges() : 0;
		if (n) {
			corpus_add(&p, &r);
			fuzz_out("FUZZ new %llu +%llu covered=%llu\n",
				 (unsigned long long)i, (unsigned long long)n,
				 (unsigned long long)covered);
		}
		if ((i + 1) % CHECK_EVERY == 0 && !exec_check_territory(i))
			return 1;
	}
	if (!exec_check_territory(inputs))
		return 1;
	if (show_missed && edges)
		print_missed();
	fuzz_out("FUZZ done inputs=%llu covered=%llu edges=%llu corpus=%u\n",
		 (unsigned long long)inputs, (unsigned long long)covered,
		 (unsigned long long)edges, fuzz_corpus_len);
	return 0;
}
