/*
 * The supervision test (tests/qemu/run.py, case "supervise"): a client
 * of the crashing server `crashy` and of init's protocol, booted with
 * systest.manifest. It checks that a client of a server that dies gets
 * an error and not a hang, that the restarted server serves the same
 * endpoint, that init gives up after the restart limit and its clients
 * then get errors, that the capability-less `nocap` server's fault is
 * contained, the init protocol's answers and errors, and that a killed
 * borrower's memory (lender.c) comes back. It ends the machine with
 * Debug.Shutdown.
 */
#include "lib/string.h"
#include "pith/pith.h"
#include "pith/proto/chardev.h"
#include "pith/proto/init.h"

#define WAIT_ROUNDS 2000

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

/* init's record of a server: false if there is none of that name. */
static bool find(pith_cptr_t init, const char *name, uint32_t *state,
		 uint32_t *restarts)
{
	char n[16];
	uint32_t pid;
	uint64_t mem;

	for (uint32_t i = 0;
	     init_list(init, i, n, &pid, state, restarts, &mem) == PITH_OK; i++)
		if (strcmp(n, name) == 0)
			return true;
	return false;
}

/* init's figure of a server's memory (0 if it has no record). */
static uint64_t memory_of(pith_cptr_t init, const char *name)
{
	char n[16];
	uint32_t pid, state, restarts;
	uint64_t mem;

	for (uint32_t i = 0;
	     init_list(init, i, n, &pid, &state, &restarts, &mem) == PITH_OK;
	     i++)
		if (strcmp(n, name) == 0)
			return mem;
	return 0;
}

/* Yield until init says the server is in `state` (bounded). */
static bool wait_state(pith_cptr_t init, const char *name, uint32_t want)
{
	uint32_t state = 99, restarts;

	for (int i = 0; i < WAIT_ROUNDS; i++) {
		if (find(init, name, &state, &restarts) && state == want)
			return true;
		pith_yield();
	}
	return false;
}

static void supervision(pith_cptr_t crashy, pith_cptr_t init)
{
	uint32_t count = 0, state = 0, restarts = 0;
	enum pith_error err;

	check("supervise_call",
	      chardev_write(crashy, "hi", 2, &count) == PITH_OK && count == 2,
	      "a call to a live server failed");
	err = chardev_write(crashy, "crash", 5, &count);
	check("supervise_client_sees_error", err == PITH_E_ABORTED,
	      pith_error_name(err));
	err = chardev_write(crashy, "again", 5, &count);
	check("supervise_restarted_serves", err == PITH_OK && count == 5,
	      pith_error_name(err));
	check("supervise_restart_counted",
	      find(init, "crashy", &state, &restarts) && restarts == 1 &&
		      state == 0,
	      "init does not report one restart");
	/* restart=2: the third crash is the last. */
	chardev_write(crashy, "crash", 5, &count);
	chardev_write(crashy, "crash", 5, &count);
	check("supervise_gives_up", wait_state(init, "crashy", 2),
	      "init did not give up on crashy");
	err = chardev_write(crashy, "hi", 2, &count);
	check("supervise_abandoned_error", err != PITH_OK,
	      "a call to an abandoned server succeeded");
}

static void protocol(pith_cptr_t init)
{
	uint64_t total = 0, kernel = 0, used = 0, avail = 0, t0 = 0, t1 = 0;
	char name[16];
	uint32_t pid, state, restarts;
	uint64_t mem;

	check("init_mem",
	      init_mem(init, &total, &kernel, &used, &avail) == PITH_OK &&
		      total == kernel + used + avail && used > 0 &&
		      kernel > 0 && avail > 0,
	      "the figures do not add up");
	check("init_uptime",
	      init_uptime(init, &t0) == PITH_OK &&
		      init_uptime(init, &t1) == PITH_OK && t1 > t0 && t0 > 0,
	      "uptime does not advance");
	check("init_list_range",
	      init_list(init, 99, name, &pid, &state, &restarts, &mem) ==
		      PITH_E_RANGE,
	      "a server past the last");
	check("init_list_self",
	      find(init, "svtest", &state, &restarts) && state == 0,
	      "svtest is not listed as running");
	check("init_kill_unknown",
	      init_kill(init, "nobody") == PITH_E_INVALID_ARGUMENT,
	      "killed a server that does not exist");
	check("init_power_needs_right",
	      init_reboot(init) == PITH_E_MISSING_RIGHTS &&
		      init_poweroff(init) == PITH_E_MISSING_RIGHTS,
	      "power without the power badge");
}

/* Lending: svtest may not borrow; lender (lender.c) borrows 1 MiB and
 * keeps it until it is killed, and then init has it back. */
static void lending(pith_cptr_t init)
{
	uint64_t total, kernel, held = 0, after = 0, avail;
	pith_cptr_t slot = 0;
	int i;

	pith_slot_alloc(&slot);
	check("lend_needs_right",
	      init_lend(init, 12, slot) == PITH_E_MISSING_RIGHTS &&
		      init_give_back(init, slot) == PITH_E_MISSING_RIGHTS,
	      "memory lent without borrow=");
	for (i = 0; i < WAIT_ROUNDS && memory_of(init, "lender") < (1 << 20);
	     i++)
		pith_yield();
	check("lend_listed", i < WAIT_ROUNDS,
	      "init does not list lender with its 1 MiB loan");
	init_mem(init, &total, &kernel, &held, &avail);
	check("lend_kill", init_kill(init, "lender") == PITH_OK,
	      "lender could not be killed");
	check("lend_killed", wait_state(init, "lender", 2),
	      "init did not give up on lender");
	init_mem(init, &total, &kernel, &after, &avail);
	/* Its loan (1 MiB) and its CNode's and memory's blocks come back;
	 * without the loan it would be a few KiB. */
	check("lend_reclaimed", held >= after + (1 << 20),
	      "the killed borrower's memory did not come back");
}

int main(int argc, char **argv)
{
	pith_cptr_t crashy = pith_cap("crashy"), init = pith_cap("init");

	(void)argc;
	(void)argv;
	pith_printf("svtest: hello\n");
	check("svtest_caps", crashy && init, "missing capabilities");
	if (crashy && init) {
		supervision(crashy, init);
		protocol(init);
		lending(init);
		check("nocap_fault_contained", wait_state(init, "nocap", 2),
		      "init did not record nocap's fault");
	}
	pith_printf("svtest: %u failures\n", failures);
	pith_debug_shutdown(PITH_SLOT_DEBUG, failures ? 1 : 0);
	return 1;
}
