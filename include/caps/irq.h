/*
 * Interrupts as capabilities. IRQControl issues one IRQHandler capability
 * per interrupt: an I/O APIC input (by ISA IRQ or global system interrupt)
 * or an MSI vector. An arriving interrupt is masked (I/O APIC lines) and
 * signals the bound notification; IRQHandler.Ack unmasks it.
 *
 * Vectors: I/O APIC input g uses vector IRQ_VECTOR_GSI_BASE + g; MSI
 * handlers get vectors from IRQ_VECTOR_MSI_BASE up.
 */
#ifndef CAPS_IRQ_H
#define CAPS_IRQ_H

#include "kernel/compiler.h"

#define IRQ_VECTOR_GSI_BASE 0x40
#define IRQ_GSI_COUNT	    64
#define IRQ_VECTOR_MSI_BASE 0x80
#define IRQ_VECTOR_MSI_END  0xf0 /* exclusive */

struct notification;

/* A device interrupt arrived on `vector` (called by the arch code, which
 * has acknowledged it at the local APIC). */
void irq_handle(unsigned vector);

/* Is `vector` one that IRQHandler capabilities can name? */
bool irq_vector_is_device(unsigned vector);

/* The notification is gone: no interrupt may signal it any more. */
void irq_notification_gone(struct notification *n);

/* The last capability to the handler is gone: mask and free it. */
void irq_handler_destroy(unsigned vector);

#endif
