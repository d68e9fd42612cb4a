/*
 * hello-client: calls the hello server once for each of its arguments
 * (the manifest's args=...; "world" if there are none) and prints the
 * greetings. Its capability to the server is named "hello"
 * (endpoint:hello=hello-server in hello.manifest).
 */
#include <stdio.h>

#include "hello.h"
#include "pith/pith.h"

/* Greet `name` through the server at `hello`: 0, or 1 on an error. */
static int greet(const char *self, pith_cptr_t hello, const char *name)
{
	char greeting[HELLO_GREET_GREETING_MAX + 1];
	enum pith_error err = hello_greet(hello, name, greeting);

	if (err != PITH_OK) {
		printf("%s: greet '%s': %s\n", self, name,
		       pith_error_name(err));
		return 1;
	}
	printf("%s: %s\n", self, greeting);
	return 0;
}

int main(int argc, char **argv)
{
	pith_cptr_t hello = pith_cap("hello");
	int failed = 0;

	if (!hello) {
		printf("%s: no capability 'hello' (manifest: "
		       "endpoint:hello=hello-server)\n",
		       argv[0]);
		return 1;
	}
	if (argc < 2)
		return greet(argv[0], hello, "world");
	for (int i = 1; i < argc; i++)
		failed |= greet(argv[0], hello, argv[i]);
	return failed;
}
