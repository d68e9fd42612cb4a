/*
 * console: the multiplexer between the programs and the character
 * devices (docs/drivers.md). It serves chardev: a write goes to every
 * output device, a read returns input from every input device. It holds
 * no screen state; a line discipline is the client's.
 *
 * Capabilities (docs/system.md): `service` where it serves; the
 * endpoints `serial` and `fbcon` for output and `serial` and `kbd` for
 * input, each of which may be missing.
 *
 * Input: one thread per input device loops on chardev_read() and pushes
 * what it gets into a ring of its own (ring.h: that thread the only
 * producer, the server thread the only consumer), then signals the
 * notification bound to the server thread, whose signal callback answers
 * the waiting reader. A read cut short because the driver died returns
 * PITH_E_ABORTED, and the thread simply reads again: the driver's new
 * instance serves it on the same endpoint. When its ring is full the
 * thread waits on a notification of its own until the server thread has
 * taken bytes out.
 *
 * Output: written by the server thread to each device in turn; a write
 * cut short by a driver's death (PITH_E_ABORTED) is sent once more, to
 * its new instance.
 *
 * Memory: every thread's TCB, IPC buffer and stack come from the
 * console's own untyped memory: with the SDK's paging structures for
 * them, 44 KiB for two input threads.
 */
#include <stdatomic.h>

#include "chario.h"
#include "lib/format.h"
#include "pith/pith.h"
#include "pith/server.h"
#include "pith/thread.h"

#define INPUT_RING	   512
#define READER_STACK_PAGES 2
#define PRIORITY_MAX	   255

struct output {
	const char *name;
	pith_cptr_t ep;
};

struct input {
	const char *name;
	pith_cptr_t ep;
	struct ring ring; /* this input's reader thread produces */
	uint8_t buf[INPUT_RING];
	pith_cptr_t wake;	/* the server thread's notification, badged */
	pith_cptr_t room;	/* signalled when the ring has room again */
	atomic_bool wants_room; /* the reader thread waits on `room` */
	atomic_bool running;	/* the reader thread still reads */
	struct pith_thread thread;
};

static struct output outputs[] = {{.name = "serial"}, {.name = "fbcon"}};
static struct input inputs[] = {{.name = "serial"}, {.name = "kbd"}};
#define NOUTPUTS (sizeof(outputs) / sizeof(outputs[0]))
#define NINPUTS	 (sizeof(inputs) / sizeof(inputs[0]))

static const char *name = "console"; /* argv[0], for messages */
static struct chario_waiter reader;
static unsigned next_input; /* where the next read starts taking input */

/* ---- the reader threads ----------------------------------------------- */

/* Wait until the server thread has taken bytes out of a full ring. The
 * flag is set before the ring is looked at again, and the server thread
 * looks at the flag after taking bytes, so a wake-up is never missed. */
static void wait_room(struct input *in)
{
	uint64_t word;

	atomic_store(&in->wants_room, true);
	if (ring_space(&in->ring) == 0)
		pith_wait(in->room, &word);
	atomic_store(&in->wants_room, false);
}

static void read_loop(uint64_t index)
{
	struct input *in = &inputs[index];
	uint8_t buf[CHARDEV_READ_DATA_MAX];
	enum pith_error err;
	uint32_t room;
	size_t n;

	for (;;) {
		room = ring_space(&in->ring);
		if (room == 0) {
			wait_room(in);
			continue;
		}
		err = chardev_read(in->ep, chario_clamp(room), buf, &n);
		if (err == PITH_E_ABORTED)
			continue; /* the driver died: its next instance */
		if (err != PITH_OK)
			break;
		ring_push(&in->ring, buf, (uint32_t)n);
		pith_signal(in->wake);
	}
	pith_printf("%s: no more input from %s: %s\n", name, in->name,
		    pith_error_name(err));
	atomic_store(&in->running, false);
	pith_signal(in->wake);
}

/* ---- the server thread -------------------------------------------------- */

/* Up to max bytes from the input rings into buf, starting with the one
 * after the last read's (so no device starves the other); taken[i] says
 * how many came from input i. They stay in the rings until commit(). */
static uint32_t gather(uint8_t *buf, uint32_t max, uint32_t *taken)
{
	uint32_t n = 0;

	for (unsigned k = 0; k < NINPUTS; k++) {
		unsigned i = (next_input + k) % NINPUTS;

		taken[i] = inputs[i].ep ? ring_peek(&inputs[i].ring, buf + n,
						    max - n)
					: 0;
		n += taken[i];
	}
	return n;
}

/* The gathered bytes were delivered: take them out, and wake the reader
 * threads that wait for room. */
static void commit(const uint32_t *taken)
{
	for (unsigned i = 0; i < NINPUTS; i++)
		if (taken[i])
			ring_drop(&inputs[i].ring, taken[i]);
	/* The stores above before the loads of wants_room below (wait_room
	 * does the opposite). */
	atomic_thread_fence(memory_order_seq_cst);
	for (unsigned i = 0; i < NINPUTS; i++)
		if (taken[i] && atomic_load(&inputs[i].wants_room))
			pith_signal(inputs[i].room);
	next_input = (next_input + 1) % NINPUTS;
}

static bool any_input(void)
{
	for (unsigned i = 0; i < NINPUTS; i++)
		if (inputs[i].ep && atomic_load(&inputs[i].running))
			return true;
	return false;
}

/* A reader thread brought bytes (or stopped): answer the waiting reader. */
static void console_signal(struct pith_server *s, uint64_t word)
{
	uint8_t buf[CHARDEV_READ_DATA_MAX];
	uint32_t taken[NINPUTS], want = chario_wanted(&reader), n;

	(void)s;
	(void)word;
	if (want == 0)
		return;
	n = gather(buf, want, taken);
	if (n && chario_answer(&reader, buf, n) == PITH_OK)
		commit(taken);
	else if (n == 0 && !any_input())
		chario_fail(&reader, PITH_E_ILLEGAL_OPERATION);
}

static enum pith_error console_read(struct pith_request *rq, uint32_t max,
				    uint8_t *data, size_t *data_len)
{
	uint32_t taken[NINPUTS], n;

	max = chario_clamp(max);
	if (max == 0)
		return PITH_E_INVALID_ARGUMENT;
	n = gather(data, max, taken);
	if (n == 0)
		return any_input() ? chario_defer(&reader, rq, max)
				   : PITH_E_ILLEGAL_OPERATION;
	commit(taken);
	*data_len = n;
	return PITH_OK;
}

/* Every output device gets the bytes. The count is the most any device
 * took; with no device at all the bytes are taken and dropped. The
 * error is the first device's only if every device failed. */
static enum pith_error console_write(struct pith_request *rq,
				     const uint8_t *data, size_t len,
				     uint32_t *count)
{
	enum pith_error err, first = PITH_OK;
	uint32_t took, most = 0;
	bool written = false, tried = false;

	(void)rq;
	for (unsigned i = 0; i < NOUTPUTS; i++) {
		if (!outputs[i].ep)
			continue;
		tried = true;
		err = chardev_write(outputs[i].ep, data, len, &took);
		if (err == PITH_E_ABORTED) /* the driver died: once more */
			err = chardev_write(outputs[i].ep, data, len, &took);
		if (err == PITH_OK) {
			written = true;
			most = took > most ? took : most;
		} else if (first == PITH_OK) {
			first = err;
		}
	}
	if (tried && !written)
		return first;
	*count = tried ? most : (uint32_t)len;
	return PITH_OK;
}

/* ---- start-up ------------------------------------------------------------ */

/* The highest priority this program may give a thread: its MCP, the
 * priority init started it with. Found by trying it on `tcb` (a thread
 * not started yet), which is left at that priority. */
static unsigned highest_priority(pith_cptr_t tcb)
{
	unsigned lo = 0, hi = PRIORITY_MAX, mid;

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (pith_tcb_set_priority(tcb, PITH_SLOT_TCB, mid) == PITH_OK)
			lo = mid;
		else
			hi = mid - 1;
	}
	pith_tcb_set_priority(tcb, PITH_SLOT_TCB, lo);
	return lo;
}

/* The reader thread of input i, at the server thread's priority; on an
 * error nothing of it is left. */
static enum pith_error start_reader(unsigned i, pith_cptr_t ntfn,
				    unsigned *priority)
{
	struct input *in = &inputs[i];
	enum pith_error err;

	ring_init(&in->ring, in->buf, sizeof(in->buf));
	atomic_init(&in->wants_room, false);
	atomic_init(&in->running, true);
	err = pith_cap_mint(ntfn, PITH_RIGHT_WRITE, 1ULL << i, &in->wake);
	if (err == PITH_OK)
		err = pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &in->room);
	if (err == PITH_OK)
		err = pith_thread_create(&in->thread, *priority,
					 READER_STACK_PAGES);
	if (err == PITH_OK && *priority == 0)
		*priority = highest_priority(in->thread.tcb);
	if (err == PITH_OK)
		err = pith_thread_start(&in->thread, read_loop, i);
	if (err != PITH_OK) {
		pith_thread_destroy(&in->thread);
		pith_slot_free(in->room);
		pith_slot_free(in->wake);
	}
	return err;
}

/* One line on the debug console: which devices it found. */
static void say_ready(void)
{
	char line[128];
	int n = fmt_snprintf(line, sizeof(line), "%s: ready: output to", name);

	for (unsigned i = 0; i < NOUTPUTS; i++)
		if (outputs[i].ep)
			n += fmt_snprintf(line + n, sizeof(line) - n, " %s",
					  outputs[i].name);
	n += fmt_snprintf(line + n, sizeof(line) - n, ", input from");
	for (unsigned i = 0; i < NINPUTS; i++)
		if (inputs[i].ep)
			n += fmt_snprintf(line + n, sizeof(line) - n, " %s",
					  inputs[i].name);
	pith_printf("%s\n", line);
}

int main(int argc, char **argv)
{
	static const struct chardev_server ops = {
		.write = console_write,
		.read = console_read,
	};
	static const struct pith_service services[] = {
		{chardev_service, &ops},
	};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
		.signal = console_signal,
	};
	unsigned priority = 0;
	enum pith_error err;
	pith_cptr_t ntfn = 0;

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	if (!srv.ep) {
		pith_printf("%s: needs the capability service\n", name);
		return 1;
	}
	for (unsigned i = 0; i < NOUTPUTS; i++)
		outputs[i].ep = pith_cap(outputs[i].name);
	/* Without its notification or threads the console still serves
	 * output; the inputs it could not start are left out. */
	err = pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &ntfn);
	if (err == PITH_OK)
		err = pith_tcb_bind_notification(PITH_SLOT_TCB, ntfn);
	for (unsigned i = 0; i < NINPUTS; i++) {
		inputs[i].ep = pith_cap(inputs[i].name);
		if (inputs[i].ep && err == PITH_OK)
			err = start_reader(i, ntfn, &priority);
		if (inputs[i].ep && err != PITH_OK) {
			pith_printf("%s: no input from %s: %s\n", name,
				    inputs[i].name, pith_error_name(err));
			inputs[i].ep = 0;
		}
	}
	say_ready();
	pith_server_run(&srv);
}
