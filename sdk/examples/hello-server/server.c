/*
 * hello-server: answers the hello protocol (hello.pidl) on its service
 * endpoint, for ever. init starts it from the manifest (hello.manifest).
 */
#include <stdio.h>

#include "hello.h"
#include "pith/pith.h"
#include "pith/server.h"

static unsigned greetings; /* made so far */

/* hello.greet: the generated dispatcher has checked the message; `name`
 * is a string of at most HELLO_GREET_NAME_MAX characters, and `greeting`
 * has room for HELLO_GREET_GREETING_MAX and the NUL. */
static enum pith_error greet(struct pith_request *rq, const char *name,
			     char *greeting)
{
	(void)rq;
	if (!*name)
		return PITH_E_INVALID_ARGUMENT;
	greetings++;
	snprintf(greeting, HELLO_GREET_GREETING_MAX + 1,
		 "hello, %s (greeting %u)", name, greetings);
	return PITH_OK;
}

int main(int argc, char **argv)
{
	static const struct hello_server hello = {.greet = greet};
	static const struct pith_service services[] = {
		{hello_service, &hello},
	};
	struct pith_server server = {
		.ep = pith_cap("service"),
		.services = services,
		.nservices = sizeof(services) / sizeof(services[0]),
	};

	(void)argc;
	if (!server.ep) {
		printf("%s: no service endpoint\n", argv[0]);
		return 1;
	}
	printf("%s: ready\n", argv[0]);
	pith_server_run(&server);
}
