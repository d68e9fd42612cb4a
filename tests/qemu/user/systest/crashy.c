/*
 * A server that crashes on request, for the supervision tests: it answers
 * chardev writes with their length, and a write of "crash" makes it
 * dereference NULL (a page fault, which init sees and restarts it for).
 */
#include "lib/string.h"
#include "pith/pith.h"
#include "pith/proto/chardev.h"

/* Where the crash writes: NULL, read through a volatile so that the
 * compiler keeps the store. */
static volatile uint32_t *volatile nowhere;

static enum pith_error do_write(struct pith_request *rq, const uint8_t *data,
				size_t len, uint32_t *count)
{
	(void)rq;
	if (len == 5 && memcmp(data, "crash", 5) == 0)
		*nowhere = 1;
	*count = (uint32_t)len;
	return PITH_OK;
}

int main(int argc, char **argv)
{
	static const struct chardev_server ops = {.write = do_write};
	static const struct pith_service services[] = {
		{chardev_service, &ops},
	};
	struct pith_server srv = {
		.ep = pith_cap("service"),
		.services = services,
		.nservices = 1,
	};

	(void)argc;
	(void)argv;
	pith_server_run(&srv);
}
