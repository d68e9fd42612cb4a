/*
 * Programs (fuzz.h): the random numbers, the corpus, new programs made
 * fresh or by mutating the corpus, and the text form "p <hex> <hex> ...".
 *
 * A call seed's low four bytes choose the call's shape (system call,
 * thread, label, which capability) and its high four bytes its arguments
 * (gen.c), so that a mutation of one byte changes one aspect of a call.
 */
#include "fuzz.h"

#include "lib/format.h"

struct program fuzz_corpus[FUZZ_CORPUS_MAX];
unsigned fuzz_corpus_len;

/* ---- random numbers ---------------------------------------------------- */

uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (unsigned i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, unsigned k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* ---- the corpus -------------------------------------------------------- */

void corpus_add(const struct program *p, struct rng *r)
{
	if (p->len == 0)
		return;
	if (fuzz_corpus_len < FUZZ_CORPUS_MAX)
		fuzz_corpus[fuzz_corpus_len++] = *p;
	else
		fuzz_corpus[rng_below(r, FUZZ_CORPUS_MAX)] = *p;
}

/* ---- new programs ------------------------------------------------------ */

static void fresh(struct program *p, struct rng *r)
{
	/* Mostly long programs: objects made early get used late. */
	p->len = rng_below(r, 4)
			 ? 8 + (unsigned)rng_below(r, FUZZ_CALLS_MAX - 7)
			 : 1 + (unsigned)rng_below(r, 8);
	for (unsigned i = 0; i < p->len; i++)
		p->seed[i] = rng_next(r);
}

static void insert(struct program *p, unsigned at, uint64_t seed)
{
	if (p->len >= FUZZ_CALLS_MAX)
		return;
	for (unsigned i = p->len; i > at; i--)
		p->seed[i] = p->seed[i - 1];
	p->seed[at] = seed;
	p->len++;
}

static void remove_at(struct program *p, unsigned at)
{
	if (p->len <= 1)
		return;
	for (unsigned i = at; i + 1 < p->len; i++)
		p->seed[i] = p->seed[i + 1];
	p->len--;
}

/* The first part of p, then the rest of another corpus program. */
static void splice(struct program *p, struct rng *r)
{
	const struct program *o = &fuzz_corpus[rng_below(r, fuzz_corpus_len)];
	unsigned cut = (unsigned)rng_below(r, p->len + 1);
	unsigned from = (unsigned)rng_below(r, o->len + 1);

	for (unsigned i = from; i < o->len && cut < FUZZ_CALLS_MAX; i++)
		p->seed[cut++] = o->seed[i];
	p->len = cut ? cut : 1;
}

static void mutate_one(struct program *p, struct rng *r)
{
	unsigned at = (unsigned)rng_below(r, p->len);
	unsigned byte = (unsigned)rng_below(r, 8);

	switch (rng_below(r, 9)) {
	case 0:
		p->seed[at] = rng_next(r);
		break;
	case 1:
		insert(p, (unsigned)rng_below(r, p->len + 1), rng_next(r));
		break;
	case 2:
		remove_at(p, at);
		break;
	case 3: /* a new value for one byte: one aspect of the call */
	case 4:
		p->seed[at] &= ~(0xffULL << (byte * 8));
		p->seed[at] |= (rng_next(r) & 0xff) << (byte * 8);
		break;
	case 5: /* one bit of an argument byte */
		p->seed[at] ^= 1ULL << (32 + rng_below(r, 32));
		break;
	case 6: /* the same call again, elsewhere */
		insert(p, (unsigned)rng_below(r, p->len + 1), p->seed[at]);
		break;
	case 7: {
		unsigned other = (unsigned)rng_below(r, p->len);
		uint64_t s = p->seed[at];

		p->seed[at] = p->seed[other];
		p->seed[other] = s;
		break;
	}
	default:
		splice(p, r);
		break;
	}
}

void program_next(struct program *p, struct rng *r)
{
	unsigned n;

	if (fuzz_corpus_len == 0 || rng_below(r, 5) == 0) {
		fresh(p, r);
		return;
	}
	*p = fuzz_corpus[rng_below(r, fuzz_corpus_len)];
	n = 1 + (unsigned)rng_below(r, 4);
	for (unsigned i = 0; i < n; i++)
		mutate_one(p, r);
}

/* ---- text -------------------------------------------------------------- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

bool program_parse(const char *line, const char *end, struct program *p,
		   const char **next)
{
	const char *s = line;
	bool ok;

	while (s < end && *s != '\n')
		s++;
	*next = s < end ? s + 1 : end;
	end = s;
	s = line;
	while (s < end && blank(*s))
		s++;
	if (s + 1 >= end || s[0] != 'p' || !blank(s[1]))
		return false;
	p->len = 0;
	s++;
	for (;;) {
		uint64_t v = 0;
		unsigned digits = 0;

		while (s < end && blank(*s))
			s++;
		if (s == end)
			break;
		if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		for (; s < end && hex_digit(*s) >= 0 && digits < 16; digits++)
			v = v << 4 | (uint64_t)hex_digit(*s++);
		if (digits == 0 || (s < end && !blank(*s)) ||
		    p->len == FUZZ_CALLS_MAX)
			return false;
		p->seed[p->len++] = v;
	}
	ok = p->len > 0;
	return ok;
}

void program_format(const struct program *p, char *buf, unsigned size)
{
	unsigned n = 0;

	buf[0] = '\0';
	n += (unsigned)fmt_snprintf(buf, size, "p");
	for (unsigned i = 0; i < p->len && n < size; i++)
		n += (unsigned)fmt_snprintf(buf + n, size - n, " %llx",
					    (unsigned long long)p->seed[i]);
}
