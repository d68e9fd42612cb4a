#!/usr/bin/env python3
"""The in-QEMU system tests: each case boots an image in QEMU and checks
what appears on the serial port.

    tests/qemu/run.py --build-dir build CASE     run one case
    tests/qemu/run.py --list                     list the cases

A case builds its image from the build's artifacts (some deliberately
broken), boots it under OVMF, and passes only if:
  - every expected line appears (as a substring, ANSI codes stripped);
  - no "PANIC:" appears, unless the case expects a panic;
  - every "TEST <name> PASS|FAIL" line is PASS, and at least `tests` of them
    appear (docs/testing.md);
  - QEMU ends the expected way: the isa-debug-exit status the case names,
    or, for cases where the firmware keeps running (loader errors), once
    every expected line has appeared, when the harness stops QEMU;
  - no triple fault is logged (-d cpu_reset);
all within the timeout. The serial log of each case is kept in
<build>/tests/qemu/<case>.log.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pithqemu  # noqa: E402  pylint: disable=wrong-import-position
import shell_case  # noqa: E402  pylint: disable=wrong-import-position
import blk_case  # noqa: E402  pylint: disable=wrong-import-position
import fat_case  # noqa: E402  pylint: disable=wrong-import-position
import fsbench_case  # noqa: E402  pylint: disable=wrong-import-position

ANSI = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
TEST_LINE = re.compile(r"^TEST (\S+) (PASS|FAIL)(?: (.*))?$")

# isa-debug-exit statuses (include/kernel/shutdown.h): QEMU exits (v<<1)|1.
EXIT_PASS, EXIT_FAIL, EXIT_PANIC, EXIT_USER_FAULT = 33, 35, 37, 39
STOPPED_BY_HARNESS = "stopped by the harness"
KEEP_GOING = [False]  # --keep-going: run on past a failed TEST line

BASE_CMDLINE = "loglevel=info debug_exit"
LOADER = "pith loader: "
FIRMWARE_GOT = 'BdsDxe: failed to start Boot0001 "UEFI QEMU HARDDISK QM00001 "'


class Case:
    def __init__(self, name, doc, *, cmdline="init=init", initrd="initrd",
                 expect=(), exit_code=EXIT_PASS, tests=0, panic=False,
                 usb=False, cpu="max", rng=True, mutate=None, omit=(),
                 timeout=120, gdb=None, expect_re=(), triple_fault=False,
                 initrd_files=None, script=None,
                 base_cmdline=BASE_CMDLINE):
        self.name = name
        self.doc = doc
        self.cmdline = cmdline
        self.initrd = initrd
        self.expect = list(expect)
        self.expect_re = [re.compile(r) for r in expect_re]
        self.triple_fault = triple_fault  # the case expects one
        self.exit_code = exit_code
        self.tests = tests
        self.panic = panic
        self.usb = usb
        self.cpu = cpu
        self.rng = rng
        self.mutate = mutate or {}  # ESP path -> function(bytes) -> bytes
        self.omit = set(omit)       # ESP paths left out of the image
        self.timeout = timeout
        self.gdb = gdb              # GDB commands: a debugger case
        # An initrd made for the case from these files of the build
        # (PATH or PATH=NAME, as mkinitrd takes them), instead of `initrd`.
        self.initrd_files = initrd_files
        self.script = script        # input typed as the output comes
        # What the command line starts with: without debug_exit, an idle
        # machine waits for input instead of ending the run.
        self.base_cmdline = base_cmdline


def truncate(n):
    return lambda data: data[:n]


def set_machine(machine):
    def mutate(data):
        b = bytearray(data)
        b[18:20] = machine.to_bytes(2, "little")
        return bytes(b)
    return mutate


def smash_magic(data):
    return b"XXXXXX" + data[6:]


CASES = [
    Case("boot",
         "The image boots from a SATA disk; the loader retries "
         "ExitBootServices after a stale map key; init starts the servers "
         "of systest.manifest, each with only the capabilities its line "
         "grants: a client of a server that crashes gets an error, not a "
         "hang, and the restarted server serves it; init gives up after the "
         "restart limit; a server without port authority cannot reach the "
         "serial port, and its fault is contained; the init protocol's "
         "answers and errors; init lends memory only to a server whose "
         "line says borrow=, within its limit, takes back only what it "
         "lent, and has a killed borrower's loan back (svtest, nocap, "
         "crashy, lender).",
         cmdline="init=init init.manifest=systest.manifest "
                 "loader.test_stale_mapkey",
         initrd="initrd-test",
         expect=["pith loader: command line: loglevel=info debug_exit "
                 "init=init init.manifest=systest.manifest "
                 "loader.test_stale_mapkey",
                 "32 bytes of entropy from EFI_RNG_PROTOCOL",
                 "ExitBootServices took 2 attempts",
                 "0 pages writable and executable",
                 "timer: APIC timer",
                 "init: starting the servers of 'systest.manifest'",
                 "init: 4 of 4 servers started",
                 "svtest: hello",
                 "init: crashy faulted: page fault at 0x0 (ip 0x",
                 "; restart 1 of 2",
                 "init: crashy faulted: page fault at 0x0 (ip 0x",
                 "; restarted 2 times: giving up",
                 "nocap: trying the port instruction",
                 "init: nocap faulted: protection fault at 0x0 (ip 0x",
                 "; restarted 0 times: giving up",
                 "lender: 0 failures",
                 "lender: holding 1024 KiB",
                 "init: lender was killed; restarted 0 times: giving up",
                 "svtest: 0 failures"],
         expect_re=[r"debug: shutdown requested by '[^']*' with status 0"],
         tests=39, exit_code=EXIT_PASS),
    Case("user",
         "Booted as a USB stick without EFI_RNG_PROTOCOL: ktest checks the "
         "system-call edge and the capability API (every invocation and its "
         "errors, the derivation tree, a second address space that must "
         "fault, the RTC interrupt end to end, tasks spawned into address "
         "spaces of their own that ping-pong and take turns, a leak test), "
         "then reads "
         "kernel memory, which must stop only that task.",
         cmdline="init=ktest starvation_ms=100", initrd="initrd-test",
         usb=True, rng=False,
         expect=["no EFI_RNG_PROTOCOL: boot_info carries no entropy",
                 "entropy absent (no EFI_RNG_PROTOCOL)",
                 "ktest: hello",
                 "fault: thread 'ktest' stopped: read of a kernel page at "
                 "address 0xffffffff80000000",
                 "kernel alive after the last thread stopped",
                 # IPC: eight threads of one priority take turns by
                 # yielding; two threads ping-pong calls.
                 "rr: task 0 turn 0\nrr: task 1 turn 0",
                 "rr: task 7 turn 0\nrr: task 0 turn 1",
                 "rr: task 6 turn 2\nrr: task 7 turn 2",
                 "pingpong: 1000 round trips\n",
                 # Tasks: the same with the `tasks` program, each task in
                 # an address space of its own.
                 "pingpong: ping 1\npingpong: pong 2\npingpong: ping 3\n"
                 "pingpong: pong 4",
                 "pingpong: 1000 round trips between two address spaces",
                 "rr-task: task 0 turn 0\nrr-task: task 1 turn 0",
                 "rr-task: task 7 turn 0\nrr-task: task 0 turn 1",
                 "rr-task: task 6 turn 2\nrr-task: task 7 turn 2",
                 # SDK: the child program, spawned from the initrd into an
                 # address space of its own, prints with the arguments it
                 # was given.
                 "child: hello from an address space of its own, args 10 "
                 "20 12"],
         expect_re=[r"thread 'ktest': [1-9][0-9]* interrupts taken in "
                    r"user mode",
                    # A helper thread, named with TCB.SetName, writing a
                    # read-only mapping.
                    r"fault: thread 'probe' stopped: write to a read-only "
                    r"or kernel page at address 0x1000000[0-9a-f]{5} ",
                    # The isolation test's second address space: ktest's
                    # memory, the kernel image and the direct map.
                    r"fault: thread '[^']*' stopped: read of an unmapped "
                    r"page at address 0x4[0-9a-f]{5} \(ip 0x4",
                    r"fault: thread '[^']*' stopped: write to an unmapped "
                    r"page at address 0x4[0-9a-f]{5} \(ip 0x4",
                    r"fault: thread '(?!ktest')[^']*' stopped: read of a "
                    r"kernel page at address 0xffffffff80000000 ",
                    r"fault: thread '[^']*' stopped: write to a read-only "
                    r"or kernel page at address 0xffffffff80000000 ",
                    r"fault: thread '[^']*' stopped: read of a kernel page "
                    r"at address 0xffff800000100000 ",
                    # Its VSpace revoked while it runs.
                    r"fault: thread '[^']*' stopped: its address space is "
                    r"gone",
                    r"BENCH retype_vspace [0-9]+ cycles",
                    r"BENCH revoke_10k [0-9]+ cycles",
                    r"ktest: starved thread ran after [0-9]+ ms \(bound 100 ms\)",
                    r"ktest: [0-9]+ cases, 0 failed",
                    # IPC: a fault handler that drops the reply.
                    r"fault: thread '[^']*' stopped: its fault handler "
                    r"dropped the reply"],
         tests=478, exit_code=EXIT_USER_FAULT),
    Case("bench",
         "The benchmark program (tools/bench) runs every benchmark once "
         "with short batches and prints each figure: it keeps working "
         "between benchmark runs. The figures themselves are not checked.",
         cmdline="init=bench bench.iterations=20", initrd="initrd-test",
         expect=["bench: done"],
         expect_re=[r"(?m)^BENCH %s [0-9]+\.[0-9] cycles" % name
                    for name in ("null_syscall", "yield_switch",
                                 "ipc_rt_same_as", "notify_rt",
                                 "ipc_rt_cross_as", "ipc_rt_cross_as_256b",
                                 "ipc_rt_cap_transfer", "fault_rt")]),
    Case("panic_page_fault",
         "A kernel page fault panics with the vector, error code, CR2 and "
         "registers, and exits QEMU with the panic status.",
         cmdline="init=init crash=page_fault",
         expect=["PANIC: #PF page fault in the kernel: write to an unmapped "
                 "page at 0xdead0000",
                 "vector 14 (#PF page fault), error code 0x2",
                 "cr2 00000000dead0000", "backtrace: 0xffffffff8"],
         panic=True, exit_code=EXIT_PANIC),
    Case("panic_stack_overflow",
         "A kernel stack overflow hits the guard page and ends in a double "
         "fault handled on its own IST stack.",
         cmdline="init=init crash=stack_overflow",
         expect=["PANIC: kernel stack overflow (double fault",
                 "vector 8 (#DF double fault)"],
         panic=True, exit_code=EXIT_PANIC),
    Case("triple_fault",
         "The harness itself: a triple fault (empty IDT) resets the machine, "
         "and the harness sees it in QEMU's reset log.",
         cmdline="init=init crash=triple_fault",
         expect=["crash: deliberately crashing the kernel: triple_fault"],
         triple_fault=True, exit_code=0),
    Case("loader_missing_kernel",
         "No \\pith\\kernel.elf: the loader says so and returns "
         "EFI_NOT_FOUND to the firmware.",
         omit={"pith/kernel.elf"},
         expect=[LOADER + "error: \\pith\\kernel.elf: not found on the boot "
                 "volume (EFI_NOT_FOUND)",
                 FIRMWARE_GOT],
         exit_code=STOPPED_BY_HARNESS),
    Case("loader_truncated_elf",
         "A kernel.elf cut short: its first segment's data lies past the "
         "end of the file.",
         mutate={"pith/kernel.elf": truncate(3000)},
         expect=[LOADER + "error: \\pith\\kernel.elf: program header 0: "
                 "segment data extends past end of file (EFI_LOAD_ERROR)",
                 FIRMWARE_GOT],
         exit_code=STOPPED_BY_HARNESS),
    Case("loader_tiny_elf",
         "A kernel.elf too small to hold an ELF header.",
         mutate={"pith/kernel.elf": truncate(40)},
         expect=[LOADER + "error: \\pith\\kernel.elf: file too small for an "
                 "ELF header (EFI_LOAD_ERROR)",
                 FIRMWARE_GOT],
         exit_code=STOPPED_BY_HARNESS),
    Case("loader_wrong_machine",
         "A kernel.elf for another machine (AArch64).",
         mutate={"pith/kernel.elf": set_machine(183)},
         expect=[LOADER + "error: \\pith\\kernel.elf: wrong machine type "
                 "(not x86-64) (EFI_LOAD_ERROR)",
                 FIRMWARE_GOT],
         exit_code=STOPPED_BY_HARNESS),
    Case("loader_corrupt_initrd",
         "An initrd whose first header is not cpio newc.",
         mutate={"pith/initrd": smash_magic},
         expect=[LOADER + "error: \\pith\\initrd: not a cpio newc archive "
                 "(bad header magic) (EFI_LOAD_ERROR)",
                 FIRMWARE_GOT],
         exit_code=STOPPED_BY_HARNESS),
    Case("gdb",
         "tools/debug: GDB attaches to the halted machine and stops at the "
         "kernel's entry point with symbols.",
         gdb=["info symbol $pc", "print/x $pc"],
         expect=["kernel_entry in section .text",
                 "= 0xffffffff80000000"],
         exit_code=None),
]


# ---- Typed input: the serial port and the keyboard -----------------------

class Script:
    """Input for a case, typed as its output arrives. Each step waits for
    lines holding its texts (substrings, one after another, each after
    the line that matched the one before), then takes its actions:
    Script.serial(bytes) types on the serial port (QEMU's stdin),
    Script.keys(names) presses keys with the monitor's sendkey (QEMU's
    key names: "a", "shift-a", "up", "ret", ...)."""

    KEY_GAP = 0.15  # seconds between keys: sendkey holds each 100 ms

    def __init__(self, steps):
        self.steps = steps  # [([text, ...], [action, ...]), ...]
        self.workdir = None
        self.monitor = None
        self.step = self.wait = self.line = 0

    @staticmethod
    def serial(data):
        def act(script, proc):
            proc.stdin.write(data)
            proc.stdin.flush()
        return act

    @staticmethod
    def keys(names):
        def act(script, proc):
            for name in names:
                script.command(f"sendkey {name}")
                time.sleep(Script.KEY_GAP)
        return act

    def start(self, workdir):
        """A fresh run: the same steps from the beginning."""
        fresh = Script(self.steps)
        fresh.workdir = workdir
        return fresh

    def socket_path(self):
        return os.path.join(self.workdir, "monitor.sock")

    def qemu_args(self):
        return ["-monitor", f"unix:{self.socket_path()},server=on,wait=off"]

    def command(self, text):
        if self.monitor is None:
            self.monitor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.monitor.connect(self.socket_path())
            self.monitor.setblocking(False)
        self.monitor.sendall(text.encode() + b"\n")
        try:  # what the monitor says back is not needed
            while self.monitor.recv(4096):
                pass
        except BlockingIOError:
            pass

    def poll(self, transcript, proc):
        while self.step < len(self.steps):
            texts, actions = self.steps[self.step]
            while self.wait < len(texts):
                found = next((i for i in range(self.line,
                                               len(transcript.lines))
                              if texts[self.wait] in transcript.lines[i]),
                             None)
                if found is None:
                    return
                self.line = found + 1
                self.wait += 1
            for act in actions:
                act(self, proc)
            self.step += 1
            self.wait = 0

    def close(self):
        if self.monitor is not None:
            self.monitor.close()


# The drivers' case (docs/drivers.md): serial, kbd and console with the
# test client contest, which echoes each line it reads through the console
# as "contest: got '<line>'" (bytes outside printable ASCII as \xNN).
DRIVERS_KEYS = ["shift-h", "i", "caps_lock", "a", "caps_lock", "shift-1",
                "up", "left", "home", "end", "delete", "ctrl-c", "tab",
                "backspace", "ret"]
DRIVERS_KEYS_LINE = (r"contest: got 'HiA!\x1b[A\x1b[D\x1b[H\x1b[F\x1b[3~"
                     r"\x03\x09\x7f'")
S, K = Script.serial, Script.keys
CASES.append(Case(
    "drivers",
    "The serial, keyboard and console servers, with the console's test "
    "client: bytes typed on the serial port (a short line and one of 190 "
    "bytes) and keys pressed on the PS/2 "
    "keyboard (shift, caps lock, Ctrl, cursor keys) reach the client "
    "through the console, its output reaches the serial port, and input "
    "and output keep flowing when init restarts kbd, serial and the "
    "console itself; the protocol's errors (writes to the keyboard, a "
    "second reader, a read of 0 bytes) and a serial driver without a UART, "
    "which refuses at once.",
    cmdline="init=init init.manifest=drivers.manifest",
    initrd_files=["user/init", "user/serial", "user/kbd", "user/console",
                  "user/contest",
                  os.path.join(ROOT, "tests/qemu/user/contest/"
                               "drivers.manifest")],
    script=Script([
        (["contest: ready"], [S(b"hello\r")]),
        (["contest: got 'hello'"], [S(b"y" * 190 + b"\r")]),
        (["contest: got '" + "y" * 190 + "'"], [K(DRIVERS_KEYS)]),
        ([DRIVERS_KEYS_LINE], [S(b"kill kbd\r")]),
        (["contest: got 'kill kbd'", "kbd: ready"], [K(["k", "b", "ret"])]),
        (["contest: got 'kb'"], [S(b"kill serial\r")]),
        (["contest: got 'kill serial'", "serial: ready"],
         [S(b"after serial\r")]),
        (["contest: got 'after serial'"], [S(b"kill console\r")]),
        (["contest: got 'kill console'", "console: ready"],
         [S(b"after console\r")]),
        (["contest: got 'after console'"], [K(["x", "ret"])]),
        (["contest: got 'x'"], [S(b"quit\r")]),
    ]),
    expect=["serial: ready: 16550 at 0x3f8, FIFO on",
            "serial2: no UART at 0x2f8: reads and writes are refused",
            "kbd: ready",
            "console: ready: output to serial, input from serial kbd",
            "contest: ready",
            "contest: got 'hello'",
            "contest: got '" + "y" * 190 + "'",
            DRIVERS_KEYS_LINE,
            "contest: kill kbd: PITH_OK",
            "init: kbd was killed; restart 1 of 5",
            "contest: got 'kb'",
            "init: serial was killed; restart 1 of 5",
            "contest: got 'after serial'",
            "init: console was killed; restart 1 of 5",
            "contest: got 'after console'",
            "contest: got 'x'",
            "contest: 0 failures"],
    expect_re=[r"debug: shutdown requested by '[^']*' with status 0"],
    tests=6))

# The shell's case (tests/qemu/shell_case.py): a session on the serial
# port with the whole system; it ends with `poweroff`.
CASES.append(shell_case.make_case(Case, "loglevel=warn"))

# The block stack's case (docs/vfs.md): the bus server, the AHCI and
# virtio-blk drivers and the test client blktest with its peer, booted
# with a virtio disk the harness writes and checks (blk_case.py).
CASES.append(Case(
    "blk",
    "The PCI bus server and both block drivers in one boot: the boot "
    "disk's GPT header read through AHCI, the harness's pattern read "
    "through virtio-blk and sectors written there (the image file checked "
    "after the run), the request errors (past the disk, unaligned, count "
    "0, the ring not attached, a second client refused with "
    "PITH_E_IN_USE), the pci protocol's errors (a claim of nothing, BARs "
    "and configuration of no claimed device, a write to a BAR, the "
    "framebuffer's memory refused), the virtio RNG's I/O BAR as an IOPort "
    "that reaches the device and no further, init's devices protocol "
    "(ports refused while another capability holds them, given again "
    "once it is deleted, and its errors), and a 16 MiB read from each "
    "disk (BENCH lines).",
    cmdline="init=init init.manifest=blktest.manifest",
    initrd_files=["user/init", "user/pci", "user/ahci", "user/virtio-blk",
                  "user/blktest",
                  os.path.join(ROOT, "tests/qemu/user/blktest/"
                               "blktest.manifest")],
    script=blk_case.VirtioDisk(),
    expect=["pci: ready", "ahci: ready: 1 disks",
            "virtio-blk: ready: 32768 sectors", "blktest: 0 failures"],
    expect_re=[r"BENCH blk_ahci_read_64k [1-9][0-9]* cycles/MiB",
               r"BENCH blk_virtio_read_64k [1-9][0-9]* cycles/MiB",
               r"debug: shutdown requested by '[^']*' with status 0"],
    tests=66, timeout=300))

# The VFS's case (docs/vfs.md): vfstest runs the vfs protocol's cases on
# ramfs (its directory an argument, so the suite can run on any file
# system) and the read-only ones on the initrd.
CASES.append(Case(
    "vfs",
    "The VFS with ramfs at / and initrdfs at /initrd, mounted by init, "
    "and vfstest with a directory handle from init (dir:root=/): every "
    "vfs method and its errors on ramfs (open's flags, reads past the "
    "end, seeks, a 300000-byte file through both buffers, readdir in "
    "small windows, an unlinked open file still readable, rename over a "
    "file, names and paths too long, '..' never leaving a directory "
    "handle, a closed handle's copies dead, mount refused to a handle), "
    "an init badge refused with PITH_E_BAD_HANDLE, the initrd "
    "read-only (writes, mkdir and unlink refused, its mount point busy, "
    "'..' back across the mount), and two more ramfs servers filled "
    "until PITH_E_NO_SPACE, one whose slots bound its data pages and one "
    "whose memory does (statfs's free blocks all written and none left, "
    "the short write counted, writes, truncate, create, mkdir and rename "
    "on a full file system, the data read back, every block free again "
    "after the unlink, no server restarted).",
    cmdline="init=init init.manifest=vfs.manifest",
    initrd_files=["user/init", "user/vfs", "user/ramfs", "user/initrdfs",
                  "user/vfstest",
                  os.path.join(ROOT, "tests/qemu/user/vfstest/"
                               "vfs.manifest")],
    expect=["init: ramfs mounted on /", "init: initrdfs mounted on /initrd",
            "init: slotbound mounted on /full/slots",
            "init: membound mounted on /full/memory",
            "vfstest: filling /full/slots", "vfstest: filling /full/memory",
            "vfstest: testing /scratch", "vfstest: 0 failures"],
    expect_re=[r"debug: shutdown requested by '[^']*' with status 0"],
    tests=89))

# The FAT server's case (docs/vfs.md): FAT32 on a virtio disk the harness
# makes with mkfs.fat and mcopy and checks afterwards with fsck.fat and
# mtools (fat_case.py), on the ESP of the AHCI boot disk at /boot, and on
# a FAT16 volume and a damaged GPT on two more AHCI disks, refused.
CASES.append(Case(
    "fat",
    "The FAT server four times: on GPT partition 1 of a virtio disk "
    "the harness formatted (at /disk), on the ESP of the AHCI boot disk "
    "(at /boot), and on two AHCI disks it refuses: a FAT16 volume (at "
    "/bad) and a GPT whose entries fail their CRC32 (at /badgpt). "
    "fattest reads the files the host put there with mcopy (short and "
    "long names, a subdirectory) and writes, truncates, renames and "
    "unlinks files of seeded patterns, then syncs; vfstest runs the vfs "
    "cases on both FAT32 volumes, then fills the virtio one until "
    "PITH_E_NO_SPACE and empties it again (the full cases, as on "
    "ramfs). After the run fsck.fat -n finds both "
    "clean and mtools reads back exactly what the guest wrote. The "
    "refused ones' mounts fail with PITH_E_CORRUPT (init says so, the "
    "paths show nothing of them), their servers are not restarted, "
    "their disks not written. fattest's dir= handle on /disk/sub, "
    "inside the FAT mount, reads a host file.",
    cmdline="init=init init.manifest=fat.manifest",
    initrd_files=["user/init", "user/pci", "user/ahci", "user/virtio-blk",
                  "user/vfs", "user/ramfs", "user/fat", "user/fattest",
                  "user/vfstest",
                  os.path.join(ROOT, "tests/qemu/user/fattest/"
                               "fat.manifest")],
    script=fat_case.FatDisks(),
    expect=["init: boot mounted on /boot", "init: disk mounted on /disk",
            "vfstest: testing /disk/conf", "vfstest: testing /boot/conf",
            "vfstest: filling /disk/conf",
            "fattest: 0 failures", "vfstest: 0 failures",
            "bad: disk 1 partition 0: not mounted: a FAT12 or FAT16 "
            "volume: only FAT32 is supported: PITH_E_CORRUPT",
            "badgpt: disk 2: the GPT entries' CRC32 is wrong: "
            "PITH_E_CORRUPT",
            "init: bad: mount on /bad: PITH_E_CORRUPT",
            "init: badgpt: mount on /badgpt: PITH_E_CORRUPT"],
    expect_re=[r"BENCH fat_virtio_write [1-9][0-9]* cycles/MiB",
               r"BENCH fat_virtio_read [1-9][0-9]* cycles/MiB",
               r"debug: shutdown requested by '[^']*' with status 0"],
    tests=100, timeout=600))

# The storage stack across restarts (docs/vfs.md, "Restarts").
CASES.append(Case(
    "restart",
    "restarttest kills ramfs at /, initrdfs at /initrd, the FAT server on "
    "the ESP at /boot and the VFS, one after the other, while it holds "
    "handles on them: a handle on a dead file system's node answers "
    "PITH_E_BAD_HANDLE and still closes, one on a mount's root works at "
    "once, paths work again (ramfs's files are gone, its mount points "
    "made again), and after the VFS's restart init has mounted "
    "everything again and put new directory handles in the clients' "
    "slots. One client's handles are limited to half the VFS's table; "
    "restarttest then dies with the table full and, restarted, finds "
    "the handles of its dead run reclaimed. ramfs, with 16 KiB of its "
    "own, borrows from init while init makes the thirty directories of "
    "a deep mount point: init serves it while its namespace thread "
    "waits for the VFS.",
    cmdline="init=init init.manifest=restart.manifest",
    initrd_files=["user/init", "user/pci", "user/ahci", "user/vfs",
                  "user/ramfs", "user/initrdfs", "user/fat",
                  "user/restarttest",
                  os.path.join(ROOT, "tests/qemu/user/restarttest/"
                               "restart.manifest")],
    expect=["init: fat mounted on /boot",
            "init: deep mounted on /deep/1/2/3/4/5/6/7/8/9/10/11/12/13/14/"
            "15/16/17/18/19/20/21/22/23/24/25/26/27/28/29/30",
            "init: vfs was killed; restart 1 of 5",
            "init: initrdfs mounted on /initrd",
            "restarttest: ending with 254 handles open",
            "init: restarttest exited with status 1; restart 1 of 1",
            "restarttest: 0 failures"],
    expect_re=[r"debug: shutdown requested by '[^']*' with status 0"],
    tests=27, timeout=300))

# init's poweroff with a file system that never syncs (docs/system.md,
# "The namespace thread").
CASES.append(Case(
    "poweroff",
    "init's poweroff asks every mounted file system to sync, from its "
    "namespace thread: ramfs does, `hang` (hangfs) never answers. While "
    "that sync waits init goes on serving (hang asks it for its list of "
    "servers), and once its time bound has passed it powers off anyway.",
    cmdline="init=init init.manifest=poweroff.manifest",
    initrd_files=["user/init", "user/vfs", "user/ramfs", "user/hangfs",
                  os.path.join(ROOT, "tests/qemu/user/hangfs/"
                               "poweroff.manifest")],
    expect=["init: ramfs mounted on /", "init: hang mounted on /hang",
            "init: 4 of 4 servers started",
            "hangfs: a sync came; it is never answered",
            "hangfs: init answers while it syncs: PITH_OK",
            "init: the file systems did not sync within 10 s; going on",
            "init: powering off"],
    exit_code=0, timeout=120))


# The storage benchmarks (docs/benchmarks.md), small: tools/bench --suite
# storage boots the same system with a 64 MiB file.
FSBENCH_FILES = ["user/init", "user/pci", "user/virtio-blk", "user/vfs",
                 "user/ramfs", "user/fat", "user/fsbench",
                 os.path.join(ROOT, "tests/qemu/user/fsbench/"
                              "fsbench.manifest")]
CASES.append(Case(
    "fsbench",
    "The storage benchmark program with 4 MiB and 50 small files: raw "
    "writes and reads of a virtio disk through the SDK's blk client, the "
    "same through the VFS on the FAT32 volume of a second virtio disk, "
    "small files made, stated and unlinked on FAT and on ramfs. Every "
    "byte read is checked; each figure must be printed. fsbench ends "
    "with init's poweroff without a sync of its own: fsck.fat -n must "
    "find the volume clean after the run, so poweroff synced the file "
    "systems. The figures are not checked.",
    cmdline="init=init init.manifest=fsbench.manifest",
    initrd_files=FSBENCH_FILES,
    script=fsbench_case.FsbenchDisks(mib=4),
    expect=["init: disk mounted on /disk", "fsbench: done, 0 failures"],
    expect_re=[r"(?m)^BENCH %s (?!0 )[0-9]+(\.[0-9])? (cycles|cycles/MiB|x)$"
               % name
               for name in ("fs_raw_write", "fs_raw_read", "fs_fat_write",
                            "fs_fat_read", "fs_fat_write_vs_raw",
                            "fs_fat_read_vs_raw", "fs_fat_create",
                            "fs_fat_stat", "fs_fat_unlink", "fs_ram_create",
                            "fs_ram_stat", "fs_ram_unlink")],
    tests=13, exit_code=0, timeout=300))


def esp_files(build, case, workdir):
    """The image's files for `case`, broken as it asks."""
    files = {
        "EFI/BOOT/BOOTX64.EFI": os.path.join(build, "BOOTX64.EFI"),
        "pith/kernel.elf": os.path.join(build, "kernel.elf"),
        "pith/initrd": os.path.join(build, case.initrd),
    }
    if case.initrd_files:
        files["pith/initrd"] = make_initrd(build, case.initrd_files,
                                           workdir)
    cfg = os.path.join(workdir, "boot.cfg")
    with open(cfg, "w", encoding="ascii") as f:
        f.write(f"# test case {case.name}\n{case.base_cmdline} "
                f"{case.cmdline}\n")
    files["pith/boot.cfg"] = cfg
    for path in files.values():
        if not os.path.isfile(path):
            raise SystemExit(f"{path}: missing; build first "
                             "(cmake --build --preset default)")
    for dest, fn in case.mutate.items():
        with open(files[dest], "rb") as f:
            data = fn(f.read())
        broken = os.path.join(workdir, os.path.basename(dest) + ".broken")
        with open(broken, "wb") as f:
            f.write(data)
        files[dest] = broken
    return {d: s for d, s in files.items() if d not in case.omit}


def make_initrd(build, paths, workdir):
    """An initrd of `paths` (relative to the build, or absolute), written
    with the build's mkinitrd."""
    initrd = os.path.join(workdir, "initrd")
    args = [os.path.join(build, "tools", "mkinitrd"), "-o", initrd]
    for p in paths:
        path = os.path.join(build, p.split("=")[0])
        if not os.path.isfile(path):
            raise SystemExit(f"{path}: missing; build first "
                             "(cmake --build --preset default)")
        args.append(os.path.join(build, p))
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return initrd


def make_image(build, case, workdir):
    return pithqemu.make_image(os.path.join(workdir, "pith.img"),
                               esp_files(build, case, workdir))


class Transcript:
    """Serial output, line by line, with the checks applied as it arrives."""

    def __init__(self, case, log):
        self.case = case
        self.log = log
        self.partial = ""
        self.lines = []
        self.tests = {}
        self.problems = []

    def feed(self, text):
        self.log.write(text)
        self.log.flush()
        text = ANSI.sub("", self.partial + text).replace("\r", "\n")
        *complete, self.partial = text.split("\n")
        for line in complete:
            self.line(line.strip())

    def line(self, line):
        if not line:
            return
        self.lines.append(line)
        if "PANIC:" in line and not self.case.panic:
            self.problems.append(f"kernel panic: {line}")
        m = TEST_LINE.match(line)
        if m:
            name, verdict, why = m.groups()
            self.tests[name] = verdict
            if verdict == "FAIL":
                self.problems.append(f"TEST {name} FAIL {why or ''}")

    def missing(self):
        text = "\n".join(self.lines)
        return [e for e in self.case.expect if e not in text] + \
            [r.pattern for r in self.case.expect_re if not r.search(text)]

    def failed(self):
        return bool(self.problems)


def run_qemu(case, image, workdir, transcript):
    """Boot; returns QEMU's exit code, STOPPED_BY_HARNESS, or None on
    timeout."""
    code, vars_template = pithqemu.ovmf.find()
    vars_path = pithqemu.ovmf.fresh_vars(vars_template, workdir)
    reset_log = os.path.join(workdir, "qemu.log")
    cmd = pithqemu.command(image, vars_path, code, usb=case.usb,
                           cpu=case.cpu, rng=case.rng, log=reset_log)
    script = case.script.start(workdir) if case.script else None
    if script:
        cmd += script.qemu_args()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if script
                            else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    deadline = time.monotonic() + case.timeout
    result = None
    while time.monotonic() < deadline:
        chunk = proc.stdout.read()
        if chunk:
            transcript.feed(chunk.decode("utf-8", "replace"))
        if script:
            script.poll(transcript, proc)
        if proc.poll() is not None:
            rest = proc.stdout.read()
            if rest:
                transcript.feed(rest.decode("utf-8", "replace"))
            result = proc.returncode
            break
        if transcript.failed() and not KEEP_GOING[0]:
            break  # a panic or a failed test: no need to wait
        if case.exit_code == STOPPED_BY_HARNESS and not transcript.missing():
            result = STOPPED_BY_HARNESS
            break
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if script:
        script.close()
    transcript.feed("\n")
    with open(reset_log, encoding="utf-8", errors="replace") as f:
        triple = "Triple fault" in f.read()
    if triple and not case.triple_fault:
        transcript.problems.append("triple fault (QEMU -d cpu_reset)")
    elif case.triple_fault and not triple:
        transcript.problems.append("no triple fault in QEMU's reset log")
    return result


def run_gdb(case, build, log):
    """A debugger case: tools/debug in batch mode."""
    cmd = [sys.executable, os.path.join(ROOT, "tools", "debug"),
           "--image", os.path.join(build, "pith.img"),
           "--kernel", os.path.join(build, "kernel.elf"),
           "--port", str(20000 + os.getpid() % 20000),
           "--serial-log", log.name + ".serial"]
    for c in case.gdb:
        cmd += ["--batch", c]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=case.timeout,
                           check=False)
    except subprocess.TimeoutExpired:
        return None, ""
    return r.returncode, r.stdout.decode("utf-8", "replace")


def run_case(case, build):
    logdir = os.path.join(build, "tests", "qemu")
    os.makedirs(logdir, exist_ok=True)
    logpath = os.path.join(logdir, case.name + ".log")
    start = time.monotonic()
    with open(logpath, "w", encoding="utf-8") as log, \
            tempfile.TemporaryDirectory(prefix=f"pith-{case.name}-") as wd:
        transcript = Transcript(case, log)
        if case.gdb:
            rc, out = run_gdb(case, build, log)
            transcript.feed(out)
            result = "gdb timed out" if rc is None else None
        else:
            image = make_image(build, case, wd)
            rc = run_qemu(case, image, wd, transcript)
            result = None
    elapsed = time.monotonic() - start

    problems = list(transcript.problems)
    if result:
        problems.append(result)
    missing = transcript.missing()
    if missing:
        problems += [f"missing line: {m}" for m in missing]
    if len(transcript.tests) < case.tests:
        problems.append(f"only {len(transcript.tests)} TEST lines, expected "
                        f"at least {case.tests}")
    if case.exit_code is not None and not problems and rc != case.exit_code:
        if rc is None:
            problems.append(f"timed out after {case.timeout} s")
        elif rc == STOPPED_BY_HARNESS:
            problems.append("stopped, but QEMU should have exited itself")
        else:
            problems.append(pithqemu.describe_exit(rc) + "; expected " +
                            (pithqemu.describe_exit(case.exit_code)
                             if case.exit_code != STOPPED_BY_HARNESS
                             else "the firmware to keep running"))
    passed = sum(1 for v in transcript.tests.values() if v == "PASS")
    if problems:
        print(f"FAIL qemu.{case.name} ({elapsed:.1f} s): {case.doc}")
        for p in problems:
            print("  - " + p)
        print(f"  serial log: {logpath}; last lines:")
        for line in transcript.lines[-25:]:
            print("    | " + line)
        return 1
    print(f"PASS qemu.{case.name} ({elapsed:.1f} s, {passed} TEST cases "
          f"passed): {case.doc}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    p.add_argument("--list", action="store_true")
    p.add_argument("--timeout-scale", type=float,
                   default=float(os.environ.get("PITH_TEST_TIMEOUT_SCALE",
                                                "1")))
    p.add_argument("--keep-going", action="store_true",
                   help="do not stop QEMU at the first failed TEST line")
    p.add_argument("cases", nargs="*")
    a = p.parse_args()
    KEEP_GOING[0] = a.keep_going
    if a.list:
        for c in CASES:
            print(c.name)
        return 0
    by_name = {c.name: c for c in CASES}
    unknown = [n for n in a.cases if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}")
    if not shutil.which(pithqemu.QEMU):
        raise SystemExit(f"{pithqemu.QEMU} not found: run tools/setup")
    status = 0
    for name in a.cases or by_name:
        case = by_name[name]
        case.timeout *= a.timeout_scale
        status |= run_case(case, os.path.abspath(a.build_dir))
    return status


if __name__ == "__main__":
    sys.exit(main())
