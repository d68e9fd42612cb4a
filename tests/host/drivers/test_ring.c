/*
 * Host tests for servers/console/ring.h: the byte ring of the console
 * and the drivers. Alone: wrap-around, full and empty, peek without
 * taking. Then a producer thread and a consumer thread, as in the
 * console, moving a long numbered stream through a small ring in random
 * pieces: every byte arrives, once, in order.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

#define STREAM 2000000u

static void test_alone(void **state)
{
	uint8_t buf[8], out[16];
	struct ring r;

	(void)state;
	ring_init(&r, buf, sizeof(buf));
	assert_int_equal(ring_count(&r), 0);
	assert_int_equal(ring_space(&r), 8);
	assert_int_equal(ring_peek(&r, out, sizeof(out)), 0);
	assert_int_equal(ring_push(&r, (const uint8_t *)"abcdef", 6), 6);
	assert_int_equal(ring_peek(&r, out, 4), 4);
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(ring_count(&r), 6); /* peek takes nothing */
	ring_drop(&r, 4);
	/* Wraps: 2 held, 6 fit, the 7th does not. */
	assert_int_equal(ring_push(&r, (const uint8_t *)"ghijklm", 7), 6);
	assert_int_equal(ring_space(&r), 0);
	assert_int_equal(ring_push(&r, (const uint8_t *)"z", 1), 0);
	assert_int_equal(ring_peek(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "efghijkl", 8);
	ring_drop(&r, 8);
	assert_int_equal(ring_count(&r), 0);
}

/* The counters wrap at 2^32 without losing count. */
static void test_counter_wrap(void **state)
{
	uint8_t buf[4], out[4];
	struct ring r;

	(void)state;
	ring_init(&r, buf, sizeof(buf));
	atomic_store(&r.head, UINT32_MAX - 1);
	atomic_store(&r.tail, UINT32_MAX - 1);
	assert_int_equal(ring_push(&r, (const uint8_t *)"wxyz", 4), 4);
	assert_int_equal(ring_count(&r), 4);
	assert_int_equal(ring_peek(&r, out, 4), 4);
	assert_memory_equal(out, "wxyz", 4);
	ring_drop(&r, 3);
	assert_int_equal(ring_count(&r), 1);
	assert_int_equal(ring_space(&r), 3);
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *produce(void *arg)
{
	struct ring *r = arg;
	uint8_t piece[32];
	uint64_t rs = 0x1234567;
	uint32_t sent = 0, n;

	while (sent < STREAM) {
		n = 1 + (uint32_t)(next(&rs) % sizeof(piece));
		n = n < STREAM - sent ? n : STREAM - sent;
		for (uint32_t i = 0; i < n; i++)
			piece[i] = (uint8_t)((sent + i) % 251);
		n = ring_push(r, piece, n);
		if (n == 0)
			sched_yield();
		sent += n;
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	uint8_t buf[64], piece[48];
	uint64_t rs = 0x7654321;
	uint32_t got = 0, n, bad = 0;
	struct ring r;
	pthread_t t;

	(void)state;
	ring_init(&r, buf, sizeof(buf));
	assert_int_equal(pthread_create(&t, NULL, produce, &r), 0);
	while (got < STREAM) {
		n = ring_peek(&r, piece, 1 + (uint32_t)(next(&rs) % 48));
		if (n == 0) {
			sched_yield();
			continue;
		}
		/* Sometimes take only part of what was looked at. */
		if (next(&rs) % 4 == 0)
			n = 1 + (uint32_t)(next(&rs) % n);
		for (uint32_t i = 0; i < n; i++)
			bad += piece[i] != (uint8_t)((got + i) % 251);
		ring_drop(&r, n);
		got += n;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(ring_count(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alone),
		cmocka_unit_test(test_counter_wrap),
		cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
