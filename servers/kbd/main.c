/*
 * kbd: the PS/2 keyboard on the i8042 controller as a chardev server
 * (docs/drivers.md): reads return the bytes a terminal sends for the
 * keys pressed (keymap.h); writes are refused.
 *
 * Capabilities (docs/system.md): `data` for port 0x60 and `status` for
 * port 0x64 (or one `ioport` range holding both), `irq` for ISA
 * interrupt 1, `service` where it serves.
 *
 * The controller is set up here rather than trusted to the firmware:
 * the mouse port off, the keyboard's scancodes translated to set 1
 * (the keyboard itself is asked for set 2, which the controller
 * translates), its interrupt on. A controller or keyboard that does not
 * answer within a bounded number of polls is reported, never waited for.
 */
#include "chario.h"
#include "keymap.h"
#include "pith/pith.h"
#include "pith/server.h"

#define PORT_DATA   0x60
#define PORT_STATUS 0x64 /* status (read), command (write) */

#define ST_OUT_FULL 0x01 /* a byte for us in the data port */
#define ST_IN_FULL  0x02 /* the controller has not taken our last byte */
#define ST_AUX	    0x20 /* the byte is from the mouse port */

#define CMD_READ_CONFIG	 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_AUX	 0xa7
#define CMD_DISABLE_KBD	 0xad
#define CMD_ENABLE_KBD	 0xae

#define CFG_KBD_INT	  0x01
#define CFG_AUX_INT	  0x02
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_AUX_CLOCK_OFF 0x20
#define CFG_TRANSLATE	  0x40

#define KBD_SCANCODE_SET 0xf0
#define KBD_ENABLE	 0xf4
#define KBD_ACK		 0xfa
#define KBD_RESEND	 0xfe
#define KBD_TRIES	 3

/* Polls of the status port before the controller counts as silent. */
#define POLLS	  100000
/* Bytes taken per drain before other work has a turn. */
#define DRAIN_MAX 64
#define RING_SIZE 256

static struct {
	pith_cptr_t data, status, irq, ntfn;
	bool present;
} ctl;

static const char *name = "kbd"; /* argv[0], for messages */
static struct keymap keymap;
static uint8_t rx_buf[RING_SIZE];
static struct ring rx;
static struct chario_waiter reader;

static uint8_t status_in(void)
{
	uint64_t v = 0xff; /* an empty bus */

	pith_ioport_in8(ctl.status, PORT_STATUS, &v);
	return (uint8_t)v;
}

static uint8_t data_in(void)
{
	uint64_t v = 0;

	pith_ioport_in8(ctl.data, PORT_DATA, &v);
	return (uint8_t)v;
}

static bool wait_status(uint8_t bit, bool set)
{
	for (unsigned i = 0; i < POLLS; i++)
		if (((status_in() & bit) != 0) == set)
			return true;
	return false;
}

/* A byte to the controller (a command) or through it to the keyboard,
 * once it has taken the last one. */
static bool put(pith_cptr_t cap, uint64_t port, uint8_t v)
{
	return wait_status(ST_IN_FULL, false) &&
	       pith_ioport_out8(cap, port, v) == PITH_OK;
}

static bool command(uint8_t c)
{
	return put(ctl.status, PORT_STATUS, c);
}

/* The next byte the controller has for us; -1 if none comes. */
static int get(void)
{
	return wait_status(ST_OUT_FULL, true) ? data_in() : -1;
}

/* One byte from the keyboard, through the keymap into the ring: a key's
 * bytes go in whole or not at all. */
static void take(uint8_t code)
{
	uint8_t out[KEYMAP_OUT_MAX];
	size_t n = keymap_feed(&keymap, code, out);

	if (n && ring_space(&rx) >= n)
		ring_push(&rx, out, (uint32_t)n);
}

/* Take the bytes waiting (the mouse port's are dropped); true if some
 * are left after DRAIN_MAX. */
static bool drain(void)
{
	uint8_t st;

	for (unsigned i = 0; i < DRAIN_MAX; i++) {
		st = status_in();
		if (!(st & ST_OUT_FULL))
			return false;
		if (st & ST_AUX)
			data_in();
		else
			take(data_in());
	}
	return true;
}

/* A byte to the keyboard, which acknowledges it (or asks for it again).
 * Keys typed meanwhile may come first: they are taken as keys. */
static bool kbd_send(uint8_t b)
{
	int r;

	for (unsigned i = 0; i < KBD_TRIES; i++) {
		if (!put(ctl.data, PORT_DATA, b))
			return false;
		for (unsigned k = 0; k < DRAIN_MAX; k++) {
			r = get();
			if (r < 0 || r == KBD_ACK)
				return r == KBD_ACK;
			if (r == KBD_RESEND)
				break;
			take((uint8_t)r);
		}
	}
	return false;
}

static bool write_config(uint8_t cfg)
{
	return command(CMD_WRITE_CONFIG) && put(ctl.data, PORT_DATA, cfg);
}

/* The controller quiet, the mouse port off, translation on, the keyboard
 * scanning in set 2; its interrupt still off. Bytes the keyboard sent
 * before are taken as keys, not thrown away. *cfg: the configuration
 * byte written. */
static bool setup(uint8_t *cfg)
{
	int c;

	if (!command(CMD_DISABLE_KBD) || !command(CMD_DISABLE_AUX))
		return false;
	drain(); /* keys typed before: a previous instance's, say */
	if (!command(CMD_READ_CONFIG) || (c = get()) < 0)
		return false;
	*cfg = (uint8_t)((c | CFG_TRANSLATE | CFG_AUX_CLOCK_OFF) &
			 ~(CFG_KBD_INT | CFG_AUX_INT | CFG_KBD_CLOCK_OFF));
	if (!write_config(*cfg) || !command(CMD_ENABLE_KBD))
		return false;
	if (!kbd_send(KBD_SCANCODE_SET) || !kbd_send(2) ||
	    !kbd_send(KBD_ENABLE))
		pith_printf("%s: the keyboard did not acknowledge its set-up; "
			    "going on\n",
			    name);
	drain();
	return true;
}

/* Translate the bytes waiting into the ring. If bytes remain after
 * DRAIN_MAX, signal ourselves to come back (the interrupt line may not
 * rise again while it is held). */
static void receive(void)
{
	if (drain())
		pith_signal(ctl.ntfn);
}

static void kbd_signal(struct pith_server *s, uint64_t word)
{
	(void)s;
	(void)word;
	receive();
	pith_irq_handler_ack(ctl.irq);
	receive(); /* what came while the line was masked */
	chario_answer_from(&reader, &rx);
}

static enum pith_error irq_setup(void)
{
	enum pith_error err =
		pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &ctl.ntfn);

	if (err == PITH_OK)
		err = pith_tcb_bind_notification(PITH_SLOT_TCB, ctl.ntfn);
	if (err == PITH_OK)
		err = pith_irq_handler_set_notification(ctl.irq, ctl.ntfn);
	/* A previous instance may have died with the line masked. */
	if (err == PITH_OK)
		err = pith_irq_handler_ack(ctl.irq);
	return err;
}

static enum pith_error kbd_read(struct pith_request *rq, uint32_t max,
				uint8_t *data, size_t *data_len)
{
	if (!ctl.present)
		return PITH_E_ILLEGAL_OPERATION;
	return chario_read(&reader, &rx, rq, max, data, data_len);
}

/* The controller set up with its interrupt on; false (reported) if it
 * does not answer. */
static bool start(void)
{
	enum pith_error err;
	uint8_t cfg;

	if (status_in() == 0xff || !setup(&cfg)) {
		pith_printf("%s: no i8042 controller answers\n", name);
		return false;
	}
	err = irq_setup();
	if (err != PITH_OK) {
		pith_printf("%s: interrupt: %s\n", name, pith_error_name(err));
		return false;
	}
	if (!write_config(cfg | CFG_KBD_INT)) {
		pith_printf("%s: the controller took no configuration\n", name);
		return false;
	}
	receive();
	return true;
}

int main(int argc, char **argv)
{
	static const struct chardev_server ops = {.read = kbd_read};
	static const struct pith_service services[] = {
		{chardev_service, &ops},
	};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
		.signal = kbd_signal,
	};

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	ctl.data = pith_cap("data") ? pith_cap("data") : pith_cap("ioport");
	ctl.status =
		pith_cap("status") ? pith_cap("status") : pith_cap("ioport");
	ctl.irq = pith_cap("irq");
	if (!srv.ep || !ctl.data || !ctl.status || !ctl.irq) {
		pith_printf("%s: needs the capabilities service, data (port "
			    "0x60), status (port 0x64) and irq\n",
			    name);
		return 1;
	}
	ring_init(&rx, rx_buf, sizeof(rx_buf));
	keymap_init(&keymap);
	ctl.present = start();
	if (ctl.present)
		pith_printf("%s: ready\n", name);
	else
		pith_printf("%s: reads are refused\n", name);
	pith_server_run(&srv);
}
