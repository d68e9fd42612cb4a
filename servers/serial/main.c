/*
 * serial: the 16550 UART as a chardev server (docs/drivers.md).
 *
 * Capabilities (docs/system.md): `ioport` for the UART's eight ports (a
 * standard COM port: 0x3f8, 0x2f8, 0x3e8 or 0x2e8; the driver finds
 * which one the range covers), `irq` for its ISA interrupt, `service`
 * where it serves.
 *
 * Output is polled: each burst waits for the transmitter to be empty
 * (THRE), for a bounded number of polls, then writes as many bytes as
 * the FIFO takes. '\n' goes out as "\r\n": this is the terminal's line,
 * so the newline translation a terminal expects is made here, and
 * writers send plain '\n'. Input comes by interrupt into a ring, which
 * reads take from; a read with nothing there waits (one reader at a
 * time, chario.h).
 *
 * The kernel's own console writes to COM1 too, polled, one byte at a
 * time after THRE. Both writers wait for an empty FIFO, so bytes are
 * never lost; lines may interleave.
 */
#include "chario.h"
#include "pith/pith.h"
#include "pith/server.h"

/* Registers, from the base port. */
enum {
	COM_DATA = 0, /* receive buffer / transmit holding; divisor low */
	COM_IER = 1,  /* interrupt enable; divisor high */
	COM_FCR = 2,  /* FIFO control (write); interrupt identity (read) */
	COM_LCR = 3,
	COM_MCR = 4,
	COM_LSR = 5,
	COM_MSR = 6,
	COM_SCR = 7, /* scratch: nothing but us uses it */
	COM_PORTS = 8,
};

#define IER_RX_DATA    0x01 /* received data (and FIFO timeout) */
#define IER_RX_STATUS  0x04 /* overrun, parity, framing, break */
#define FCR_ENABLE     0x01
#define FCR_CLEAR_TX   0x04 /* the receive FIFO keeps what came */
#define FCR_TRIGGER_8  0x80 /* interrupt at 8 bytes, or after a pause */
#define IIR_FIFO       0xc0 /* both set: a working 16550A FIFO */
#define LCR_DLAB       0x80
#define LCR_8N1	       0x03
#define MCR_DTR_RTS    0x03
#define MCR_OUT2       0x08 /* gates the interrupt line on PCs */
#define LSR_DATA       0x01
#define LSR_THRE       0x20
#define DIVISOR_115200 1

#define FIFO_DEPTH 16
/* Polls of the line status before the transmitter counts as stuck. At
 * 115200 baud a full FIFO drains in 1.4 ms; this is tens of ms even
 * where a port access costs only a system call. */
#define THRE_POLLS 100000
/* Bytes read per drain of the receiver before other work has a turn. */
#define DRAIN_MAX  (4 * FIFO_DEPTH)
#define RING_SIZE  1024

static const uint16_t com_bases[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};

static struct {
	pith_cptr_t io, irq, ntfn;
	uint16_t base;
	unsigned burst; /* bytes written per THRE */
	bool present;	/* a UART is there: writes go out */
	bool input;	/* its interrupt is set up: reads are served */
	bool stuck;	/* the last wait for THRE timed out */
} uart;

static const char *name = "serial"; /* argv[0], for messages */
static uint8_t rx_buf[RING_SIZE];
static struct ring rx;
static struct chario_waiter reader;

static uint8_t reg_in(unsigned reg)
{
	uint64_t v = 0xff; /* what a missing device reads as */

	pith_ioport_in8(uart.io, uart.base + reg, &v);
	return (uint8_t)v;
}

static void reg_out(unsigned reg, uint8_t v)
{
	pith_ioport_out8(uart.io, uart.base + reg, v);
}

/* Which standard COM port the capability covers: all eight ports of it
 * must be in range. */
static bool find_base(void)
{
	uint64_t v;

	for (unsigned i = 0; i < sizeof(com_bases) / sizeof(com_bases[0]);
	     i++) {
		if (pith_ioport_in8(uart.io, com_bases[i], &v) == PITH_OK &&
		    pith_ioport_in8(uart.io, com_bases[i] + COM_PORTS - 1,
				    &v) == PITH_OK) {
			uart.base = com_bases[i];
			return true;
		}
	}
	return false;
}

/* Is a UART there? Its scratch register keeps what is written, and its
 * line status is not the all-ones of an empty bus. */
static bool probe(void)
{
	reg_out(COM_SCR, 0x5a);
	if (reg_in(COM_SCR) != 0x5a)
		return false;
	reg_out(COM_SCR, 0xa5);
	return reg_in(COM_SCR) == 0xa5 && reg_in(COM_LSR) != 0xff;
}

/* 115200 8N1, FIFOs on, interrupts off until the handler is ready.
 * What the receive FIFO holds stays: typed while a previous instance
 * was restarting, it is input like any other. */
static void setup(void)
{
	reg_out(COM_IER, 0);
	reg_out(COM_LCR, LCR_DLAB);
	reg_out(COM_DATA, DIVISOR_115200);
	reg_out(COM_IER, 0);
	reg_out(COM_LCR, LCR_8N1);
	reg_out(COM_FCR, FCR_ENABLE | FCR_CLEAR_TX | FCR_TRIGGER_8);
	reg_out(COM_MCR, MCR_DTR_RTS | MCR_OUT2);
	/* With a FIFO, THRE means it is empty; but the kernel's console may
	 * put one byte in after we saw THRE, so leave room for it. */
	uart.burst =
		(reg_in(COM_FCR) & IIR_FIFO) == IIR_FIFO ? FIFO_DEPTH - 1 : 1;
	reg_in(COM_MSR);
}

/* Move received bytes into the ring; what does not fit is dropped. If
 * the receiver still has bytes after DRAIN_MAX, signal ourselves to come
 * back (the interrupt line may not rise again while it is held). */
static void receive(void)
{
	uint8_t c;

	for (unsigned i = 0; i < DRAIN_MAX; i++) {
		if (!(reg_in(COM_LSR) & LSR_DATA))
			return;
		c = reg_in(COM_DATA);
		ring_push(&rx, &c, 1);
	}
	pith_signal(uart.ntfn);
}

/* The interrupt: drain, unmask, drain what came while it was masked,
 * and answer a waiting reader. */
static void serial_signal(struct pith_server *s, uint64_t word)
{
	(void)s;
	(void)word;
	receive();
	pith_irq_handler_ack(uart.irq);
	receive();
	chario_answer_from(&reader, &rx);
}

/* A notification bound to this thread, signalled by the interrupt. A
 * previous instance may have died with the line masked: acknowledge. */
static enum pith_error irq_setup(void)
{
	enum pith_error err =
		pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &uart.ntfn);

	if (err == PITH_OK)
		err = pith_tcb_bind_notification(PITH_SLOT_TCB, uart.ntfn);
	if (err == PITH_OK)
		err = pith_irq_handler_set_notification(uart.irq, uart.ntfn);
	if (err == PITH_OK)
		err = pith_irq_handler_ack(uart.irq);
	return err;
}

/* Wait until the transmitter takes bytes: how many it takes now, or 0
 * if it did not within THRE_POLLS polls. After a timeout one poll is
 * tried per write, so a dead UART costs little until it recovers. */
static unsigned tx_room(void)
{
	unsigned polls = uart.stuck ? 1 : THRE_POLLS;

	for (unsigned i = 0; i < polls; i++) {
		if (reg_in(COM_LSR) & LSR_THRE) {
			uart.stuck = false;
			return uart.burst;
		}
	}
	uart.stuck = true;
	return 0;
}

static enum pith_error serial_write(struct pith_request *rq,
				    const uint8_t *data, size_t len,
				    uint32_t *count)
{
	unsigned room = 0;
	bool cr_sent = false; /* the '\r' of data[i] == '\n' went out */
	size_t i = 0;

	(void)rq;
	if (!uart.present)
		return PITH_E_ILLEGAL_OPERATION;
	while (i < len) {
		if (room == 0 && (room = tx_room()) == 0)
			break;
		room--;
		if (data[i] == '\n' && !cr_sent) {
			reg_out(COM_DATA, '\r');
			cr_sent = true;
			continue;
		}
		reg_out(COM_DATA, data[i++]);
		cr_sent = false;
	}
	*count = (uint32_t)i;
	return i == 0 && len > 0 ? PITH_E_ILLEGAL_OPERATION : PITH_OK;
}

static enum pith_error serial_read(struct pith_request *rq, uint32_t max,
				   uint8_t *data, size_t *data_len)
{
	if (!uart.input)
		return PITH_E_ILLEGAL_OPERATION;
	return chario_read(&reader, &rx, rq, max, data, data_len);
}

int main(int argc, char **argv)
{
	static const struct chardev_server ops = {
		.write = serial_write,
		.read = serial_read,
	};
	static const struct pith_service services[] = {
		{chardev_service, &ops},
	};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
		.signal = serial_signal,
	};
	enum pith_error err;

	if (argc > 0 && argv[0])
		name = argv[0];
	srv.ep = pith_cap("service");
	uart.io = pith_cap("ioport");
	uart.irq = pith_cap("irq");
	if (!srv.ep || !uart.io || !uart.irq) {
		pith_printf("%s: needs the capabilities service, ioport "
			    "and irq\n",
			    name);
		return 1;
	}
	if (!find_base()) {
		pith_printf("%s: the ioport range is not a COM port's\n", name);
		return 1;
	}
	ring_init(&rx, rx_buf, sizeof(rx_buf));
	uart.present = probe();
	if (uart.present) {
		setup();
		err = irq_setup();
		uart.input = err == PITH_OK;
		if (uart.input) {
			reg_out(COM_IER, IER_RX_DATA | IER_RX_STATUS);
			receive();
		} else {
			pith_printf("%s: interrupt: %s: reads are refused\n",
				    name, pith_error_name(err));
		}
		pith_printf("%s: ready: 16550 at 0x%x, %s\n", name, uart.base,
			    uart.burst > 1 ? "FIFO on" : "no FIFO");
	} else {
		pith_printf("%s: no UART at 0x%x: reads and writes are "
			    "refused\n",
			    name, uart.base);
	}
	pith_server_run(&srv);
}
