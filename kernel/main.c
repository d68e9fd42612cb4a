/*
 * The kernel's C entry point: bring-up in order, then the root task.
 */
#include "kernel/arch.h"
#include "kernel/crash.h"
#include "kernel/kcov.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "kernel/root_task.h"
#include "kernel/sched.h"
#include "kernel/shutdown.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"

_Noreturn void kmain(uint64_t boot_info_phys);

static unsigned timeslice = SCHED_TIMESLICE_DEFAULT_MS;	  /* ms */
static unsigned starvation = SCHED_STARVATION_DEFAULT_MS; /* ms */

/* A number of milliseconds option, up to 100 s; absent or malformed, the
 * default stays. */
static void ms_option(const char *cmdline, const char *name, unsigned *ms,
		      bool zero_ok)
{
	char value[16];
	unsigned v = 0;
	const char *p = value;

	if (!cmdline_get(cmdline, name, value, sizeof(value)))
		return;
	for (; *p >= '0' && *p <= '9' && v <= 100000; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (p == value || *p || v > 100000 || (v == 0 && !zero_ok)) {
		pr_warn("%s=%s ignored: a number of milliseconds, up to "
			"100000, is expected",
			name, value);
		return;
	}
	*ms = v;
}

static void apply_cmdline(const char *cmdline)
{
	char level[16];
	enum log_level lvl;

	shutdown_init(cmdline);
	if (cmdline_get(cmdline, "loglevel", level, sizeof(level))) {
		if (log_parse_level(level, &lvl))
			log_set_level(lvl);
		else
			pr_warn("loglevel=%s unknown (error, warn, info, "
				"debug)",
				level);
	}
	ms_option(cmdline, "timeslice_ms", &timeslice, false);
	ms_option(cmdline, "starvation_ms", &starvation, true);
}

/* Milliseconds to timer ticks, rounded up. */
static unsigned ms_to_ticks(unsigned ms)
{
	return (unsigned)(((uint64_t)ms * arch_timer_hz() + 999) / 1000);
}

static void log_boot_info(const struct boot_info *bi, const char *cmdline)
{
	pr_info("boot: command line \"%s\"", cmdline);
	pr_info("boot: kernel at phys 0x%llx, %llu KiB; initrd %llu KiB",
		(unsigned long long)bi->kernel.base,
		(unsigned long long)bi->kernel.size / 1024,
		(unsigned long long)bi->initrd.size / 1024);
	pr_info("boot: %u memory map entries; ExitBootServices took %u "
		"attempt%s",
		bi->mmap_count, bi->exit_attempts,
		bi->exit_attempts == 1 ? "" : "s");
	if (bi->flags & BOOT_INFO_HAS_FRAMEBUFFER)
		pr_info("boot: framebuffer %ux%u, pitch %u, at 0x%llx",
			bi->fb.width, bi->fb.height, bi->fb.pitch,
			(unsigned long long)bi->fb.base);
	else
		pr_info("boot: no framebuffer");
	if (bi->flags & BOOT_INFO_HAS_ACPI)
		pr_info("boot: ACPI RSDP at 0x%llx (revision %u)",
			(unsigned long long)bi->acpi_rsdp, bi->acpi_revision);
	else
		pr_info("boot: no ACPI tables");
	pr_info("boot: entropy %s", (bi->flags & BOOT_INFO_HAS_ENTROPY)
					    ? "32 bytes from EFI_RNG_PROTOCOL"
					    : "absent (no EFI_RNG_PROTOCOL)");
}

void kmain(uint64_t boot_info_phys)
{
	const struct boot_info *bi;
	enum boot_info_error err;
	const char *cmdline;

	arch_early_init();
	kprintf("\nPith kernel " PITH_VERSION_STRING "\n");
	if (boot_info_phys == 0 || boot_info_phys >= DIRECT_MAP_SIZE ||
	    boot_info_phys % 8)
		panic("boot: bad boot_info address 0x%llx",
		      (unsigned long long)boot_info_phys);
	bi = phys_to_virt(boot_info_phys);
	err = boot_info_check(bi);
	if (err != BOOT_INFO_OK)
		panic("boot: boot_info from the loader is invalid: %s",
		      boot_info_strerror(err));
	cmdline = boot_info_cmdline(bi);
	apply_cmdline(cmdline);
	log_boot_info(bi, cmdline);

	mem_init(bi);
	arch_vm_init(bi);
	arch_late_init(bi);
	sched_init(ms_to_ticks(timeslice), ms_to_ticks(starvation));
	if (starvation)
		pr_info("sched: timeslice %u ms; starvation bound %u ms",
			timeslice, starvation);
	else
		pr_info("sched: timeslice %u ms; strict priorities", timeslice);
	crash_if_asked(cmdline);
	kcov_init();

	shutdown_watch(root_task_create(bi, cmdline));
	mem_close_boot_allocator();
	sched_exit_to_user();
}
