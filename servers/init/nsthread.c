/*
 * init's namespace thread (namespace.h): it asks the main thread for a
 * job, does it with calls to the VFS or a file system, which may take as
 * long as they take (the main thread goes on serving meanwhile), and
 * reports it with its next call. And the watchdog thread, which bounds
 * the wait for the file systems' sync before a power-off.
 *
 * Neither uses the SDK's allocators, which belong to the main thread:
 * the handles of NS_DIRS come into slots the main thread made empty for
 * them (open_into(), the vfs protocol's `open` by hand for that), and
 * the other calls bring no capability back.
 */
#include "namespace.h"

#include "lib/string.h"
#include "pith/fs.h"
#include "pith/proto/fs.h"
#include "pith/proto/vfs.h"

struct ns_job ns_job;
pith_cptr_t nsthread_watch_ntfn;

/* The first n bytes of path in init's page with the VFS: n. */
static uint32_t put(const struct ns_job *j, const char *path, size_t n)
{
	memcpy(j->page, path, n);
	return (uint32_t)n;
}

/* The vfs protocol's `open` of a directory, its handle into `slot`. */
static enum pith_error open_into(const struct ns_job *j, const char *path,
				 pith_cptr_t slot)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct pith_idl_msg m = {.label = VFS_OPEN, .nwords = 2};
	struct pith_msg regs = {0};
	enum pith_error err;

	m.w[0] = put(j, path, strlen(path));
	m.w[1] = PITH_FS_O_DIRECTORY;
	ipc->receive_cnode = PITH_SLOT_CNODE;
	ipc->receive_index = slot;
	ipc->receive_depth = 0;
	pith_idl_load(&regs, &m);
	err = pith_call(j->vfs, &regs);
	ipc->receive_cnode = 0;
	ipc->receive_index = 0;
	if (err != PITH_OK)
		return err;
	pith_idl_store(&m, &regs);
	if (m.label != PITH_OK) /* a capability with it: the slot is freed */
		return m.label < PITH_E_COUNT ? (enum pith_error)m.label
					      : PITH_E_INVALID_ARGUMENT;
	return PITH_MSGINFO_CAPS(regs.info) == 1 ? PITH_OK
						 : PITH_E_INVALID_ARGUMENT;
}

/* Make each directory on the way to path (all but "/"), as mkdir -p. */
static enum pith_error make_dirs(const struct ns_job *j, const char *path)
{
	size_t n = strlen(path);
	enum pith_error err;

	for (size_t i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		if (path[i - 1] == '/')
			continue;
		err = vfs_mkdir(j->vfs, put(j, path, i));
		if (err != PITH_OK && err != PITH_E_EXISTS)
			return err;
	}
	return PITH_OK;
}

static void do_mount(struct ns_job *j)
{
	const char *path = j->m->mount;

	j->result = make_dirs(j, path);
	if (j->result == PITH_OK)
		j->result = vfs_mount(j->vfs, put(j, path, strlen(path)),
				      j->target);
	if (j->result != PITH_OK)
		pith_printf("init: %s: mount on %s: %s\n", j->m->name, path,
			    pith_error_name(j->result));
	else
		pith_printf("init: %s mounted on %s\n", j->m->name, path);
}

static void do_dirs(struct ns_job *j)
{
	const struct manifest_server *m = j->m;

	for (unsigned i = 0; i < m->ncaps; i++) {
		if (!j->slot[i])
			continue;
		j->err[i] = open_into(j, m->caps[i].path, j->slot[i]);
		if (j->err[i] != PITH_OK)
			pith_printf("init: %s: dir %s: %s\n", m->name,
				    m->caps[i].path,
				    pith_error_name(j->err[i]));
	}
}

static void do_job(struct ns_job *j)
{
	j->result = PITH_OK;
	if (j->attach && j->kind != NS_SYNC) {
		/* PITH_E_IN_USE: attached already (a call queued for a VFS
		 * that ended came to its successor). */
		j->result = vfs_attach(j->vfs, 0, j->frame);
		if (j->result == PITH_E_IN_USE)
			j->result = PITH_OK;
		j->attach_result = j->result;
		if (j->result != PITH_OK) {
			pith_printf("init: %s: cannot share a buffer with vfs: "
				    "%s\n",
				    j->m->name, pith_error_name(j->result));
			for (unsigned i = 0; i < MANIFEST_CAPS_MAX; i++)
				j->err[i] = j->result;
			return;
		}
	}
	if (j->kind == NS_MOUNT) {
		do_mount(j);
	} else if (j->kind == NS_DIRS) {
		do_dirs(j);
	} else if (j->kind == NS_SYNC) {
		j->result = fs_sync(j->target);
		if (j->result != PITH_OK)
			pith_printf("init: %s: sync: %s\n", j->m->name,
				    pith_error_name(j->result));
	}
}

void nsthread_run(uint64_t arg)
{
	for (;;) {
		struct pith_idl_msg m = {.label = NS_LABEL_DONE};

		/* The main thread answers with work in ns_job. */
		if (pith_idl_call((pith_cptr_t)arg, &m, 0) == PITH_OK)
			do_job(&ns_job);
	}
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* At the lowest priority: it runs when every other thread waits (or for
 * a timeslice within the kernel's starvation bound), so its spinning
 * costs only idle time. */
void nsthread_watch(uint64_t arg)
{
	uint64_t khz = pith_bootinfo->tsc_khz, w;

	for (;;) {
		struct pith_idl_msg m = {.label = NS_LABEL_LATE};
		uint64_t end;

		pith_wait(nsthread_watch_ntfn, &w);
		end = rdtsc() + NAMESPACE_SYNC_SECONDS * khz * 1000;
		while (rdtsc() < end)
			pith_yield();
		pith_idl_call((pith_cptr_t)arg, &m, 0);
	}
}
