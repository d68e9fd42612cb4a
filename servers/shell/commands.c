/*
 * The shell's commands (docs/shell.md). Each takes the words of its line
 * and prints what it did, or one line saying what went wrong.
 */
#include "shell.h"

#include "lib/string.h"
#include "pith/proto/init.h"
#include "pith/proto/procmgr.h"

#define PID_PROGRAMS 100 /* procmgr's pids start here, init's are below */
#define KIB(bytes)   ((unsigned long long)(bytes) >> 10)
#define SHOW_SLOTS   8 /* slots of a named range listed one by one */

struct command {
	const char *name;
	const char *usage;
	const char *what;
	void (*run)(const struct args *a);
	unsigned min_args, max_args; /* words after the name */
};

static const struct command commands[];

/* ---- helpers ----------------------------------------------------------- */

/* A decimal number that fits in 32 bits; false if `s` is not one. */
static bool parse_u32(const char *s, uint32_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)n;
	return true;
}

/* A capability the command needs; false (and a line saying so) if the
 * shell was not given it. */
static bool need(pith_cptr_t cap, const char *cmd, const char *what)
{
	if (cap)
		return true;
	sh_printf("%s: the shell has no '%s' capability\n", cmd, what);
	return false;
}

static void fail(const char *cmd, enum pith_error err)
{
	sh_printf("%s: %s\n", cmd, pith_error_name(err));
}

/* ---- help, echo -------------------------------------------------------- */

static void cmd_help(const struct args *a)
{
	(void)a;
	sh_printf("Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		sh_printf("  %-24s %s\n", c->usage, c->what);
	sh_printf("Quote words with spaces: \"two words\" or 'two words'.\n");
}

static void cmd_echo(const struct args *a)
{
	for (unsigned i = 1; i < a->argc; i++)
		sh_printf("%s%s", i > 1 ? " " : "", a->argv[i]);
	sh_printf("\n");
}

/* ---- ps ---------------------------------------------------------------- */

static const char *server_state(uint32_t state)
{
	static const char *const names[] = {"running", "restarting", "failed",
					    "not started", "exited"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static const char *program_state(uint32_t state)
{
	static const char *const names[] = {"running", "exited", "faulted"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static void list_servers(void)
{
	char name[INIT_LIST_NAME_MAX + 1];
	uint32_t pid, state, restarts;
	uint64_t memory;
	enum pith_error err = PITH_OK;

	for (uint32_t i = 0; err == PITH_OK; i++) {
		err = init_list(sh.init, i, name, &pid, &state, &restarts,
				&memory);
		if (err != PITH_OK)
			break;
		if (pid)
			sh_printf("%5u  ", pid);
		else
			sh_printf("%5s  ", "-");
		sh_printf("%-15s  %-11s  %7llu KiB  %8u\n", name,
			  server_state(state), KIB(memory), restarts);
	}
	if (err != PITH_E_RANGE)
		fail("ps: init", err);
}

static void list_programs(void)
{
	char name[PROCMGR_LIST_NAME_MAX + 1];
	uint32_t pid, state;
	uint64_t memory;
	enum pith_error err = PITH_OK;

	for (uint32_t i = 0; err == PITH_OK; i++) {
		err = procmgr_list(sh.procmgr, i, &pid, name, &state, &memory);
		if (err == PITH_OK)
			sh_printf("%5u  %-15s  %-11s  %7llu KiB  %8s\n", pid,
				  name, program_state(state), KIB(memory), "-");
	}
	if (err != PITH_E_RANGE)
		fail("ps: procmgr", err);
}

static void cmd_ps(const struct args *a)
{
	(void)a;
	sh_printf("%5s  %-15s  %-11s  %11s  %8s\n", "PID", "NAME", "STATE",
		  "MEMORY", "RESTARTS");
	if (sh.init)
		list_servers();
	if (sh.procmgr)
		list_programs();
}

/* ---- kill -------------------------------------------------------------- */

/* The server with this name (name set) or pid (pid not 0): its name
 * into *found. */
static bool find_server(const char *name, uint32_t pid, char *found)
{
	uint32_t p, state, restarts;
	uint64_t memory;

	for (uint32_t i = 0; sh.init; i++) {
		if (init_list(sh.init, i, found, &p, &state, &restarts,
			      &memory) != PITH_OK)
			return false;
		if ((name && strcmp(found, name) == 0) || (pid && p == pid))
			return true;
	}
	return false;
}

/* The pid of the one running program called `name`; 0 if there is none,
 * and *count how many there are. */
static uint32_t find_program(const char *name, unsigned *count)
{
	char n[PROCMGR_LIST_NAME_MAX + 1];
	uint32_t pid, state, found = 0;
	uint64_t memory;

	*count = 0;
	for (uint32_t i = 0;
	     sh.procmgr &&
	     procmgr_list(sh.procmgr, i, &pid, n, &state, &memory) == PITH_OK;
	     i++) {
		if (state == 0 && strcmp(n, name) == 0) {
			found = pid;
			(*count)++;
		}
	}
	return *count == 1 ? found : 0;
}

static void kill_server(const char *name)
{
	enum pith_error err = init_kill(sh.init, name);

	if (err == PITH_E_INVALID_ARGUMENT)
		sh_printf("kill: %s is not running\n", name);
	else if (err != PITH_OK)
		fail("kill", err);
}

static void kill_program(uint32_t pid)
{
	enum pith_error err;

	if (!need(sh.procmgr, "kill", "procmgr"))
		return;
	err = procmgr_kill(sh.procmgr, pid);
	if (err == PITH_E_INVALID_ARGUMENT)
		sh_printf("kill: no program with pid %u\n", pid);
	else if (err != PITH_OK)
		fail("kill", err);
}

static void cmd_kill(const struct args *a)
{
	char name[INIT_LIST_NAME_MAX + 1];
	const char *target = a->argv[1];
	unsigned count;
	uint32_t pid;

	if (parse_u32(target, &pid)) {
		if (pid >= PID_PROGRAMS)
			kill_program(pid);
		else if (pid && find_server(NULL, pid, name))
			kill_server(name);
		else
			sh_printf("kill: no server with pid %u\n", pid);
		return;
	}
	if (find_server(target, 0, name)) {
		kill_server(name);
		return;
	}
	pid = find_program(target, &count);
	if (pid)
		kill_program(pid);
	else if (count)
		sh_printf("kill: %u programs are called %s: give a pid\n",
			  count, target);
	else
		sh_printf("kill: no server or program called %s\n", target);
}

/* ---- run, wait, bench -------------------------------------------------- */

/* Wait for a program and say how it ended, if not with status 0. */
static void wait_for(const char *cmd, const char *name, uint32_t pid)
{
	int32_t status;
	enum pith_error err = procmgr_wait(sh.procmgr, pid, &status);

	if (err == PITH_E_INVALID_ARGUMENT)
		sh_printf("%s: no program with pid %u\n", cmd, pid);
	else if (err == PITH_E_EXHAUSTED)
		sh_printf("%s: too many waits for pid %u\n", cmd, pid);
	else if (err != PITH_OK)
		fail(cmd, err);
	else if (status != 0)
		sh_printf("%s: %s (pid %u) ended with status %d\n", cmd, name,
			  pid, status);
}

static const char *spawn_error(enum pith_error err)
{
	switch (err) {
	case PITH_E_INVALID_ARGUMENT:
		return "no such program, or not a program";
	case PITH_E_NOT_ENOUGH_MEMORY:
		return "not enough memory";
	case PITH_E_EXHAUSTED:
		return "too many programs";
	case PITH_E_RANGE:
		return "too many arguments";
	default:
		return pith_error_name(err);
	}
}

/* Start argv[first] with the words after it; wait unless `background`. */
static void start(const char *cmd, const struct args *a, unsigned first,
		  bool background)
{
	static char packed[PROCMGR_SPAWN_ARGS_MAX];
	const char *name = a->argv[first];
	size_t len = 0;
	uint32_t pid;
	enum pith_error err;

	if (!need(sh.procmgr, cmd, "procmgr"))
		return;
	if (strlen(name) > PROCMGR_SPAWN_NAME_MAX) {
		sh_printf("%s: %s: name too long\n", cmd, name);
		return;
	}
	for (unsigned i = first + 1; i < a->argc; i++) {
		size_t n = strlen(a->argv[i]) + 1;

		if (len + n > sizeof(packed)) {
			sh_printf("%s: arguments too long (at most %u "
				  "bytes)\n",
				  cmd, PROCMGR_SPAWN_ARGS_MAX);
			return;
		}
		memcpy(packed + len, a->argv[i], n);
		len += n;
	}
	err = procmgr_spawn(sh.procmgr, name, packed, len, &pid);
	if (err != PITH_OK) {
		sh_printf("%s: %s: %s\n", cmd, name, spawn_error(err));
		return;
	}
	if (background)
		sh_printf("[%u] %s\n", pid, name);
	else
		wait_for(cmd, name, pid);
}

static void cmd_run(const struct args *a)
{
	start("run", a, 1, a->background);
}

static void cmd_wait(const struct args *a)
{
	uint32_t pid;

	if (!parse_u32(a->argv[1], &pid))
		sh_printf("wait: %s: not a pid\n", a->argv[1]);
	else if (need(sh.procmgr, "wait", "procmgr"))
		wait_for("wait", "program", pid);
}

static void cmd_bench(const struct args *a)
{
	static char name[] = "bench";
	struct args b = {.argc = 1, .argv = {name}};
	uint32_t n;

	if (a->argc > 1 && (!parse_u32(a->argv[1], &n) || n == 0)) {
		sh_printf("bench: %s: not a number of iterations\n",
			  a->argv[1]);
		return;
	}
	if (a->argc > 1)
		b.argv[b.argc++] = a->argv[1];
	start("bench", &b, 0, a->background);
}

/* ---- mem, uptime, power ------------------------------------------------ */

static void cmd_mem(const struct args *a)
{
	uint64_t total, kernel, used, available;
	enum pith_error err;

	(void)a;
	if (!need(sh.init, "mem", "init"))
		return;
	err = init_mem(sh.init, &total, &kernel, &used, &available);
	if (err != PITH_OK) {
		fail("mem", err);
		return;
	}
	sh_printf("total %llu KiB, kernel %llu KiB, used %llu KiB, free %llu "
		  "KiB\n",
		  KIB(total), KIB(kernel), KIB(used), KIB(available));
}

static void cmd_uptime(const struct args *a)
{
	uint64_t ns, s;
	enum pith_error err;

	(void)a;
	if (!need(sh.init, "uptime", "init"))
		return;
	err = init_uptime(sh.init, &ns);
	if (err != PITH_OK) {
		fail("uptime", err);
		return;
	}
	s = ns / 1000000000;
	sh_printf("up %llu.%03llu s (%llu:%02llu:%02llu)\n",
		  (unsigned long long)s,
		  (unsigned long long)(ns % 1000000000 / 1000000),
		  (unsigned long long)(s / 3600),
		  (unsigned long long)(s / 60 % 60),
		  (unsigned long long)(s % 60));
}

static void cmd_reboot(const struct args *a)
{
	if (need(sh.power, a->argv[0], "power"))
		fail(a->argv[0], init_reboot(sh.power)); /* back only if it
							  * failed */
}

static void cmd_poweroff(const struct args *a)
{
	if (need(sh.power, a->argv[0], "power"))
		fail(a->argv[0], init_poweroff(sh.power));
}

/* ---- caps -------------------------------------------------------------- */

static const char *type_name(uint64_t type)
{
	static const char *const names[PITH_CAP_COUNT] = {
		[PITH_CAP_NULL] = "empty",
		[PITH_CAP_UNTYPED] = "untyped",
		[PITH_CAP_TCB] = "thread",
		[PITH_CAP_ENDPOINT] = "endpoint",
		[PITH_CAP_NOTIFICATION] = "notification",
		[PITH_CAP_CNODE] = "cnode",
		[PITH_CAP_FRAME] = "frame",
		[PITH_CAP_PAGE_TABLE] = "page table",
		[PITH_CAP_PAGE_DIRECTORY] = "page directory",
		[PITH_CAP_PDPT] = "pdpt",
		[PITH_CAP_VSPACE] = "vspace",
		[PITH_CAP_ASID_CONTROL] = "asid control",
		[PITH_CAP_ASID_POOL] = "asid pool",
		[PITH_CAP_IRQ_CONTROL] = "irq control",
		[PITH_CAP_IRQ_HANDLER] = "irq handler",
		[PITH_CAP_IOPORT_CONTROL] = "ioport control",
		[PITH_CAP_IOPORT] = "ioport",
		[PITH_CAP_DEBUG] = "debug",
		[PITH_CAP_REPLY] = "reply",
	};

	return type < PITH_CAP_COUNT && names[type] ? names[type] : "?";
}

/* Rights as letters: r(ead) w(rite) g(rant) G(rant reply) x (execute). */
static void rights_string(uint64_t rights, char *out)
{
	static const struct {
		uint64_t bit;
		char c;
	} letters[] = {
		{PITH_RIGHT_READ, 'r'},	   {PITH_RIGHT_WRITE, 'w'},
		{PITH_RIGHT_GRANT, 'g'},   {PITH_RIGHT_GRANT_REPLY, 'G'},
		{PITH_RIGHT_EXECUTE, 'x'},
	};

	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		*out++ = rights & letters[i].bit ? letters[i].c : '-';
	*out = '\0';
}

static void show_slot(uint64_t slot, const char *name)
{
	uint64_t type, rights, badge;
	char r[8];
	enum pith_error err = pith_cnode_identify(PITH_SLOT_CNODE, slot, 64,
						  &type, &rights, &badge);

	if (err != PITH_OK) {
		sh_printf("%5llu  %-12s  %s\n", (unsigned long long)slot, name,
			  pith_error_name(err));
		return;
	}
	if (type == PITH_CAP_NULL)
		return;
	rights_string(rights, r);
	sh_printf("%5llu  %-12s  %-14s  %s  0x%llx\n", (unsigned long long)slot,
		  name, type_name(type), r, (unsigned long long)badge);
}

static void show_range(const char *what, struct pith_slot_range r)
{
	if (r.end > r.start)
		sh_printf("%s: slots %llu-%llu (%llu)\n", what,
			  (unsigned long long)r.start,
			  (unsigned long long)r.end - 1,
			  (unsigned long long)(r.end - r.start));
}

static void cmd_caps(const struct args *a)
{
	static const struct {
		uint64_t slot;
		const char *name;
	} fixed[] = {
		{PITH_SLOT_TCB, "(thread)"},
		{PITH_SLOT_CNODE, "(cnode)"},
		{PITH_SLOT_VSPACE, "(vspace)"},
		{PITH_SLOT_DEBUG, "(debug)"},
		{PITH_SLOT_BOOTINFO_FRAME, "(startinfo)"},
		{PITH_SLOT_IPC_BUFFER_FRAME, "(ipc buffer)"},
		{PITH_SLOT_EXIT_EP, "(exit)"},
		{PITH_SLOT_FAULT_EP, "(fault)"},
	};
	const struct pith_startinfo *si = pith_startinfo;

	(void)a;
	if (!si) {
		sh_printf("caps: no startinfo\n");
		return;
	}
	sh_printf("%5s  %-12s  %-14s  %s  %s\n", "SLOT", "NAME", "TYPE",
		  "RIGHTS", "BADGE");
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		show_slot(fixed[i].slot, fixed[i].name);
	for (uint32_t i = 0; i < si->ncaps && i < PITH_STARTINFO_CAPS_MAX;
	     i++) {
		const struct pith_startinfo_cap *c = &si->named[i];
		char name[PITH_STARTINFO_CAP_NAME_MAX];

		memcpy(name, c->name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		for (uint32_t k = 0; k < c->count && k < SHOW_SLOTS; k++)
			show_slot(c->slot + k, name);
		if (c->count > SHOW_SLOTS)
			sh_printf("%5s  %-12s  ... %u slots in all\n", "", name,
				  c->count);
	}
	show_range("untyped memory", si->untyped);
	show_range("image (frames, paging structures)", si->image);
	show_range("empty", si->empty);
}

/* ---- the table --------------------------------------------------------- */

static const struct command commands[] = {
	{"help", "help", "this list", cmd_help, 0, 0},
	{"echo", "echo [WORD...]", "print the words", cmd_echo, 0, ARGS_MAX},
	{"ps", "ps", "servers and programs", cmd_ps, 0, 0},
	{"kill", "kill PID|NAME",
	 "stop a server (init restarts it) or a program", cmd_kill, 1, 1},
	{"run", "run PROGRAM [ARG...] [&]",
	 "start a program, wait for it (not with &)", cmd_run, 1, ARGS_MAX},
	{"wait", "wait PID", "wait for a program to end", cmd_wait, 1, 1},
	{"bench", "bench [ITERATIONS]", "run the benchmark program", cmd_bench,
	 0, 1},
	{"mem", "mem", "memory: total, kernel, used, free", cmd_mem, 0, 0},
	{"caps", "caps", "the shell's capabilities", cmd_caps, 0, 0},
	{"uptime", "uptime", "time since the machine started", cmd_uptime, 0,
	 0},
	{"ls", "ls [PATH]", "a directory's entries, or a file's size",
	 sh_cmd_ls, 0, 1},
	{"cat", "cat FILE...", "print files", sh_cmd_cat, 1, ARGS_MAX},
	{"write", "write FILE [WORD...]", "make FILE hold the words",
	 sh_cmd_write, 1, ARGS_MAX},
	{"cp", "cp SRC DST", "copy a file", sh_cmd_cp, 2, 2},
	{"mv", "mv SRC DST", "rename or move", sh_cmd_mv, 2, 2},
	{"rm", "rm PATH...", "remove files or empty directories", sh_cmd_rm, 1,
	 ARGS_MAX},
	{"mkdir", "mkdir DIR...", "make directories", sh_cmd_mkdir, 1,
	 ARGS_MAX},
	{"cd", "cd [DIR]", "change the working directory", sh_cmd_cd, 0, 1},
	{"pwd", "pwd", "print the working directory", sh_cmd_pwd, 0, 0},
	{"df", "df", "space on each mounted file system", sh_cmd_df, 0, 0},
	{"mount", "mount", "the mounted file systems", sh_cmd_mount, 0, 0},
	{"reboot", "reboot", "restart the machine", cmd_reboot, 0, 0},
	{"poweroff", "poweroff", "turn the machine off", cmd_poweroff, 0, 0},
	{NULL, NULL, NULL, NULL, 0, 0},
};

void sh_run(const struct args *a)
{
	const struct command *c = commands;

	while (c->name && strcmp(c->name, a->argv[0]) != 0)
		c++;
	if (!c->name) {
		sh_printf("%s: unknown command (try 'help')\n", a->argv[0]);
		return;
	}
	if (a->argc - 1 < c->min_args || a->argc - 1 > c->max_args) {
		sh_printf("usage: %s\n", c->usage);
		return;
	}
	if (a->background && c->run != cmd_run && c->run != cmd_bench) {
		sh_printf("%s: '&' is for run and bench\n", c->name);
		return;
	}
	c->run(a);
}
