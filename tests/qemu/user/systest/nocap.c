/*
 * A server without the capabilities to reach a device: it was given the
 * port 0x80 and nothing else. It checks that the kernel refuses it the
 * serial port's registers through its capability, that it has no
 * interrupt or port authority at all, and finally tries the port
 * instruction itself, which faults: init then logs the fault and, with
 * restart=0, gives up on it.
 */
#include "pith/pith.h"

static unsigned failures;

static void check(const char *name, bool ok, const char *why)
{
	if (ok) {
		pith_printf("TEST %s PASS\n", name);
	} else {
		pith_printf("TEST %s FAIL %s\n", name, why);
		failures++;
	}
}

int main(int argc, char **argv)
{
	pith_cptr_t port = pith_cap("ioport");
	uint64_t v = 0, type = 1, rights, badge;

	(void)argc;
	(void)argv;
	check("nocap_has_its_port",
	      port != 0 && pith_ioport_in8(port, 0x80, &v) == PITH_OK,
	      "the granted port does not work");
	check("nocap_other_port_refused",
	      pith_ioport_in8(port, 0x3f8, &v) == PITH_E_RANGE,
	      "a port outside the capability's range was read");
	check("nocap_no_irq", pith_cap("irq") == 0, "an IRQ it was not given");
	check("nocap_no_control",
	      pith_cnode_identify(PITH_SLOT_CNODE, PITH_SLOT_IOPORT_CONTROL,
				  PITH_SLOT_DEPTH, &type, &rights,
				  &badge) == PITH_OK &&
		      type == PITH_CAP_NULL,
	      "it holds I/O port authority");
	check("nocap_no_issue",
	      pith_ioport_control_issue(PITH_SLOT_IOPORT_CONTROL,
					PITH_SLOT_CNODE, 0x3f8, 0x3ff, 0,
					PITH_SLOT_DEPTH) != PITH_OK,
	      "it issued itself the serial port");
	if (failures)
		return 1;
	pith_printf("nocap: trying the port instruction\n");
	/* User mode has no I/O privilege: a general protection fault. */
	__asm__ volatile("outb %%al, %%dx" : : "a"(0x41), "d"(0x3f8));
	pith_printf("TEST nocap_port_instruction FAIL it wrote the port\n");
	return 1;
}
