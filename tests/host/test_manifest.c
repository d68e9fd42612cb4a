/*
 * Host tests for init's manifest parser (servers/init/manifest.c): every
 * option, every error with its line number, and that a bad line leaves
 * the others alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

#define MAX 8

struct reports {
	unsigned n;
	unsigned line[16];
	char msg[16][160];
};

static void report(void *ctx, unsigned line, const char *msg)
{
	struct reports *r = ctx;

	if (r->n < 16) {
		r->line[r->n] = line;
		snprintf(r->msg[r->n], sizeof(r->msg[0]), "%s", msg);
	}
	r->n++;
}

static struct manifest_server servers[MAX];
static struct reports reps;

static unsigned parse(const char *text)
{
	memset(&reps, 0, sizeof(reps));
	memset(servers, 0xa5, sizeof(servers));
	return manifest_parse(text, strlen(text), servers, MAX, report, &reps);
}

/* One line that must fail with a message containing `want`. */
static void expect_error(const char *text, unsigned line, const char *want)
{
	unsigned n = parse(text);

	assert_int_equal(n, 0);
	assert_int_equal(reps.n, 1);
	assert_int_equal(reps.line[0], line);
	if (!strstr(reps.msg[0], want))
		fail_msg("'%s': message '%s' lacks '%s'", text, reps.msg[0],
			 want);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("# a comment\n\n  serial   serial  \n"), 1);
	assert_int_equal(reps.n, 0);
	assert_string_equal(servers[0].name, "serial");
	assert_string_equal(servers[0].binary, "serial");
	assert_int_equal(servers[0].line, 3);
	assert_int_equal(servers[0].priority, MANIFEST_PRIORITY_DEF);
	assert_int_equal(servers[0].stack_pages, MANIFEST_STACK_DEF);
	assert_int_equal(servers[0].restart_max, MANIFEST_RESTART_DEF);
	assert_int_equal(servers[0].memory, 0);
	assert_int_equal(servers[0].borrow, 0); /* no right to borrow */
	assert_int_equal(servers[0].ncaps, 0);
	assert_int_equal(servers[0].nargs, 0);
}

static void test_every_option(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(
		parse("a a\n"
		      "kbd kbd-bin priority=200 memory=16K stack=4 restart=0 "
		      "args=x,,yz ioport:data=0x60-0x60 ioport=100-0x1ff irq=1 "
		      "endpoint=a endpoint:other=a framebuffer initrd asid "
		      "init power debug # comment\r\n"),
		2);
	assert_int_equal(reps.n, 0);
	s = &servers[1];
	assert_string_equal(s->binary, "kbd-bin");
	assert_int_equal(s->priority, 200);
	assert_int_equal(s->memory, 16384);
	assert_int_equal(s->stack_pages, 4);
	assert_int_equal(s->restart_max, 0);
	assert_int_equal(s->nargs, 3);
	assert_string_equal(s->args[0], "x");
	assert_string_equal(s->args[1], "");
	assert_string_equal(s->args[2], "yz");
	assert_int_equal(s->ncaps, 11);
	assert_int_equal(s->caps[0].kind, MCAP_IOPORT);
	assert_string_equal(s->caps[0].name, "data");
	assert_int_equal(s->caps[0].first, 0x60);
	assert_int_equal(s->caps[0].last, 0x60);
	assert_string_equal(s->caps[1].name, "ioport");
	assert_int_equal(s->caps[1].first, 100);
	assert_int_equal(s->caps[1].last, 0x1ff);
	assert_int_equal(s->caps[2].kind, MCAP_IRQ);
	assert_int_equal(s->caps[2].first, 1);
	assert_int_equal(s->caps[3].kind, MCAP_ENDPOINT);
	assert_string_equal(s->caps[3].name, "a");
	assert_string_equal(s->caps[3].target, "a");
	assert_string_equal(s->caps[4].name, "other");
	assert_int_equal(s->caps[5].kind, MCAP_FRAMEBUFFER);
	assert_int_equal(s->caps[6].kind, MCAP_INITRD);
	assert_int_equal(s->caps[7].kind, MCAP_ASID);
	assert_int_equal(s->caps[8].kind, MCAP_INIT);
	assert_int_equal(s->caps[9].kind, MCAP_POWER);
	assert_int_equal(s->caps[10].kind, MCAP_DEBUG);
	assert_string_equal(s->caps[10].name, "debug");
}

/* devices: a flag for the devices protocol (device memory, MSI vectors),
 * not a capability; a value is refused. */
static void test_devices(void **state)
{
	(void)state;
	assert_int_equal(parse("pci pci ioport=0xcf8-0xcff init devices\n"
			       "b b init\n"),
			 2);
	assert_int_equal(reps.n, 0);
	assert_true(servers[0].devices);
	assert_int_equal(servers[0].ncaps, 2);
	assert_false(servers[1].devices);
	expect_error("c c devices=1\n", 1, "devices");
}

/* mount=PATH and dir[:NAME]=PATH: the namespace (docs/vfs.md). */
static void test_namespace(void **state)
{
	(void)state;
	assert_int_equal(parse("fs fs mount=/initrd\n"
			       "sh sh dir=/home/ada dir:root=/ init\n"),
			 2);
	assert_int_equal(reps.n, 0);
	assert_string_equal(servers[0].mount, "/initrd");
	assert_int_equal(servers[0].ncaps, 0);
	assert_string_equal(servers[1].mount, "");
	assert_int_equal(servers[1].ncaps, 3);
	assert_int_equal(servers[1].caps[0].kind, MCAP_DIR);
	assert_string_equal(servers[1].caps[0].name, "dir");
	assert_string_equal(servers[1].caps[0].path, "/home/ada");
	assert_string_equal(servers[1].caps[1].name, "root");
	assert_string_equal(servers[1].caps[1].path, "/");
	expect_error("a a mount=initrd\n", 1, "does not start with /");
	expect_error("a a dir=home\n", 1, "does not start with /");
	expect_error("a a dir\n", 1, "needs a value");
	expect_error("a a mount=\n", 1, "empty value");
	expect_error("a a dir=/a dir=/b\n", 1, "two capabilities named 'dir'");
	{
		char line[MANIFEST_PATH_MAX + 32] = "a a mount=/";

		memset(line + strlen(line), 'p', MANIFEST_PATH_MAX);
		line[sizeof(line) - 2] = '\n';
		line[sizeof(line) - 1] = '\0';
		expect_error(line, 1, "longer than");
	}
}

static void test_memory_sizes(void **state)
{
	(void)state;
	assert_int_equal(parse("a a memory=4M\nb b memory=0x1000\n"), 2);
	assert_int_equal(servers[0].memory, 4ULL << 20);
	assert_int_equal(servers[1].memory, 4096);
	assert_int_equal(servers[0].cnode_bits, 8);
	assert_int_equal(parse("a a slots=1024\n"), 1);
	assert_int_equal(servers[0].cnode_bits, 10);
	expect_error("a a slots=1000\n", 1, "not a power of two");
	expect_error("a a slots=32\n", 1, "bad value '32' for slots");
}

/* borrow=SIZE: the most a server may borrow from init at once. */
static void test_borrow(void **state)
{
	(void)state;
	assert_int_equal(parse("a a borrow=32M memory=64K\n"
			       "b b borrow=4096\n"
			       "c c borrow=0x10000\n"
			       "d d borrow=4K\n"
			       "e e borrow=1048576M\n"),
			 5);
	assert_int_equal(reps.n, 0);
	assert_int_equal(servers[0].borrow, 32ULL << 20);
	assert_int_equal(servers[0].memory, 64 << 10);
	assert_int_equal(servers[1].borrow, 4096);
	assert_int_equal(servers[2].borrow, 0x10000);
	assert_int_equal(servers[3].borrow, 4096);
	assert_int_equal(servers[4].borrow, MANIFEST_BORROW_MAX);
	/* less than the smallest block, or 0: an error, not "no right" */
	expect_error("a a borrow=0\n", 1,
		     "bad value '0' for borrow (4096 to 1099511627776)");
	expect_error("a a borrow=4095\n", 1, "bad value '4095' for borrow");
	expect_error("a a borrow=3K\n", 1, "bad value '3K' for borrow");
	expect_error("a a borrow=1048577M\n", 1, "bad value '1048577M'");
	expect_error("a a borrow=99999999999999999999999\n", 1, "bad value");
	expect_error("a a borrow=32G\n", 1, "bad value '32G' for borrow");
	expect_error("a a borrow=-1\n", 1, "bad value '-1' for borrow");
	expect_error("a a borrow=\n", 1, "option 'borrow' has an empty value");
	expect_error("a a borrow\n", 1, "unknown option 'borrow'");
	expect_error("a a borrow:x=1M\n", 1, "unknown option 'borrow:x'");
	/* a bad borrow spares the other lines */
	assert_int_equal(parse("a a borrow=1M\nb b borrow=1\nc c\n"), 2);
	assert_int_equal(reps.n, 1);
	assert_int_equal(reps.line[0], 2);
	assert_string_equal(servers[0].name, "a");
	assert_int_equal(servers[0].borrow, 1 << 20);
	assert_string_equal(servers[1].name, "c");
	assert_int_equal(servers[1].borrow, 0);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("a a foo\n", 1, "unknown option 'foo'");
	expect_error("\n\na a foo=1\n", 3, "unknown option 'foo'");
	expect_error("a\n", 1, "has no binary");
	expect_error("a/b a\n", 1, "bad server name");
	expect_error("a a*b\n", 1, "bad binary name");
	expect_error("abcdefghijklmnop a\n", 1, "bad server name");
	expect_error("a a priority=256\n", 1, "bad value '256' for priority");
	expect_error("a a priority=x\n", 1, "bad value");
	expect_error("a a priority=\n", 1, "empty value");
	expect_error("a a stack=0\n", 1, "bad value '0' for stack");
	expect_error("a a memory=5G\n", 1, "bad value");
	expect_error("a a memory=99999999999999999999999\n", 1, "bad value");
	expect_error("a a restart=1001\n", 1, "restart");
	expect_error("a a ioport=0x60\n", 1, "bad port range");
	expect_error("a a ioport=2-1\n", 1, "bad port range");
	expect_error("a a ioport=0-0x10000\n", 1, "bad port range");
	expect_error("a a irq=16\n", 1, "bad ISA interrupt");
	expect_error("a a irq\n", 1, "needs a value");
	expect_error("a a initrd=1\n", 1, "takes no value");
	expect_error("a a ioport:=1-2\n", 1, "bad capability name");
	expect_error("a a irq=1 irq=2\n", 1, "two capabilities named 'irq'");
	expect_error("a a endpoint=nobody\n", 1, "endpoint 'nobody'");
	expect_error("a a args=1,2,3,4,5,6,7,8,9\n", 1, "arguments");
	expect_error("a a args=0123456789012345678901234567890123\n", 1,
		     "argument longer");
	expect_error("a a init init\n", 1, "two capabilities");
}

static void test_bad_line_spares_others(void **state)
{
	(void)state;
	assert_int_equal(parse("a a\nb b bogus\nc c endpoint=a\n"), 2);
	assert_int_equal(reps.n, 1);
	assert_int_equal(reps.line[0], 2);
	assert_string_equal(servers[0].name, "a");
	assert_string_equal(servers[1].name, "c");
}

static void test_duplicates_and_cascades(void **state)
{
	(void)state;
	/* A second "a" is refused; "c" needs "b", which failed, so "d"
	 * (needing "c") goes too; "a" stays. */
	assert_int_equal(parse("a a\na x\nb b bad\nc c endpoint=b\n"
			       "d d endpoint=c\n"),
			 1);
	assert_int_equal(reps.n, 4);
	assert_int_equal(reps.line[0], 2);
	assert_non_null(strstr(reps.msg[0], "a second server named 'a'"));
	assert_int_equal(reps.line[1], 3);
	assert_int_equal(reps.line[2], 4);
	assert_int_equal(reps.line[3], 5);
}

static void test_limits(void **state)
{
	char text[4096];
	size_t off = 0;

	(void)state;
	for (int i = 0; i < MAX + 2; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"s%d s\n", i);
	assert_int_equal(parse(text), MAX);
	assert_int_equal(reps.n, 2);
	assert_int_equal(reps.line[0], MAX + 1);

	memset(text, 'a', MANIFEST_LINE_MAX + 10);
	text[1] = ' ';
	text[MANIFEST_LINE_MAX + 10] = '\0';
	expect_error(text, 1, "line longer");
}

static void test_no_terminator_and_nul(void **state)
{
	const char with_nul[] = "a a\nb b\0x\nc c";
	unsigned n;

	(void)state;
	/* The last line needs no newline; a NUL spoils only its line. */
	memset(&reps, 0, sizeof(reps));
	n = manifest_parse(with_nul, sizeof(with_nul) - 1, servers, MAX, report,
			   &reps);
	assert_int_equal(n, 2);
	assert_string_equal(servers[1].name, "c");
	assert_int_equal(reps.n, 1);
	assert_int_equal(reps.line[0], 2);
}

/* Random bytes and random mixes of real tokens never crash the parser
 * (ASan watches), and whatever it accepts is well formed. */
static void test_random(void **state)
{
	static const char *const tokens[] = {
		"a",	      "b",	  " ",	    "\n", "=",	   "ioport",
		"irq",	      "endpoint", "memory", "0x", "1",	   "-",
		":",	      "#",	  "args",   ",",  "K",	   "\t",
		"priority",   "9999",	  "initrd", "\r", "power", "stack",
		"endpoint=a", "borrow",
	};
	char text[600];

	(void)state;
	srand(7);
	for (int round = 0; round < 20000; round++) {
		size_t len = 0, want = (size_t)(rand() % 500);
		unsigned n;

		while (len < want) {
			if (round & 1) {
				text[len++] = (char)(rand() % 256);
			} else {
				const char *t = tokens[(size_t)rand() %
						       (sizeof(tokens) /
							sizeof(tokens[0]))];
				size_t l = strlen(t);

				if (len + l >= sizeof(text))
					break;
				for (size_t i = 0; i < l; i++)
					text[len++] = t[i];
			}
		}
		memset(&reps, 0, sizeof(reps));
		n = manifest_parse(text, len, servers, MAX, NULL, NULL);
		assert_true(n <= MAX);
		for (unsigned i = 0; i < n; i++) {
			assert_true(strlen(servers[i].name) > 0);
			assert_true(strlen(servers[i].name) <=
				    MANIFEST_NAME_MAX);
			assert_true(servers[i].ncaps <= MANIFEST_CAPS_MAX);
			for (unsigned c = 0; c < servers[i].ncaps; c++)
				if (servers[i].caps[c].kind == MCAP_ENDPOINT)
					assert_non_null(manifest_find(
						servers, n,
						servers[i].caps[c].target));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_namespace),
		cmocka_unit_test(test_memory_sizes),
		cmocka_unit_test(test_borrow),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_line_spares_others),
		cmocka_unit_test(test_duplicates_and_cascades),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_no_terminator_and_nul),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
