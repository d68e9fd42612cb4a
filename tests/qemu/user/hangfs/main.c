/*
 * hangfs: a file system that never finishes a sync (tests/qemu/run.py,
 * case "poweroff"; docs/system.md, "The namespace thread").
 *
 *	hangfs            the file system: it mounts (attach, info) and
 *	                  takes every `sync` without ever answering it
 *	hangfs poweroff   a client: init's poweroff, with `power`
 *
 * init syncs every mounted file system before the machine goes off; with
 * this one mounted the sync cannot end, and init must power off anyway
 * once its time bound has passed. While that sync waits, init must go on
 * serving: the file system, given `init`, asks init for its list of
 * servers when the sync has come, and says what init answered.
 */
#include <stdio.h>
#include <string.h>

#include "pith/fsgate.h"
#include "pith/pith.h"
#include "pith/proto/fs.h"
#include "pith/proto/init.h"
#include "pith/server.h"

static enum pith_error do_attach(struct pith_request *rq, uint32_t index,
				 pith_cptr_t page)
{
	(void)rq;
	(void)index;
	pith_slot_free(page);
	return PITH_OK;
}

static enum pith_error do_info(struct pith_request *rq, char *fstype,
			       uint64_t *root, uint32_t *flags)
{
	(void)rq;
	strlcpy(fstype, "hang", FS_INFO_FSTYPE_MAX + 1);
	*root = 0;
	*flags = 0;
	return PITH_OK;
}

/* Kept, never answered; init is asked something meanwhile. */
static enum pith_error do_sync(struct pith_request *rq)
{
	pith_cptr_t reply;
	char name[16];
	uint32_t pid, state, restarts;
	uint64_t mem;
	enum pith_error err = pith_request_defer(rq, &reply);

	if (err != PITH_OK)
		return err;
	printf("hangfs: a sync came; it is never answered\n");
	err = init_list(pith_cap("init"), 0, name, &pid, &state, &restarts,
			&mem);
	printf("hangfs: init answers while it syncs: %s\n",
	       pith_error_name(err));
	return PITH_OK;
}

static const struct fs_server ops = {
	.attach = do_attach,
	.info = do_info,
	.sync = do_sync,
};

/* The client: poweroff must go on without the sync. */
static int power_off(void)
{
	pith_cptr_t power = pith_cap("power");
	enum pith_error err;

	if (!power)
		return 1;
	err = init_poweroff(power);
	printf("hangfs: poweroff returned: %s\n", pith_error_name(err));
	return 1;
}

int main(int argc, char **argv)
{
	static bool mounted;
	static const struct pith_service services[] = {
		{pith_fs_gate, &mounted},
		{fs_service, &ops},
	};
	struct pith_server srv = {.services = services, .nservices = 2};

	if (argc == 2 && strcmp(argv[1], "poweroff") == 0)
		return power_off();
	srv.ep = pith_cap("service");
	if (!srv.ep)
		return 1;
	pith_server_run(&srv);
}
