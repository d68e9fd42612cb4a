"""The shell's case of tests/qemu/run.py: one boot of the whole system
(init and the servers of the manifest, procmgr and the shell), driven over
the serial port as a user would drive it: wait for the prompt, type a
command a character at a time, check what it printed (docs/shell.md).

A session is a list of steps. Each step waits for lines (substrings, or
regular expressions whose named groups are kept for later steps), each
after the one before, optionally checks them, and then, once the shell
shows an empty prompt, types its text. Lines are the serial output with
ANSI sequences taken out; what the line editor draws while a line is
typed shows up as lines too, and is never what a step waits for.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "tools"))
import screentext  # noqa: E402  pylint: disable=wrong-import-position

PROMPT = "pith> "
TYPE_GAP = 0.02  # seconds between typed bytes, as a quick typist
SCREEN_GAP = 1.0  # seconds between screen dumps while a text is awaited
SCREEN_WAIT = 60.0  # seconds a text may take to reach the screen

ESC = "\x1b"
LEFT, RIGHT, UP, DOWN = ESC + "[D", ESC + "[C", ESC + "[A", ESC + "[B"
HOME, END, DELETE = ESC + "[H", ESC + "[F", ESC + "[3~"
SS3_LEFT = ESC + "OD"
BACKSPACE = "\x7f"


def ctrl(c):
    return chr(ord(c) & 0x1f)


class Step:
    """Wait for `lines` (str: a substring; re.Pattern: a match, whose
    named groups go into the session's values; a function of the values
    giving either), none of them before the
    line the last step matched; `absent`: a substring no line up to them
    may hold; `check(values)`: a problem (str) or None; `screen`: texts
    that must then be on the framebuffer console's screen, each within
    one screen line (read from QEMU's screen dump with
    tools/screentext.py); then type `text` (formatted with the values)
    once the prompt is there, unless `prompt` is False."""

    def __init__(self, lines=(), text=None, *, absent=None, check=None,
                 prompt=True, screen=()):
        self.lines = list(lines)
        self.text = text
        self.absent = absent
        self.check = check
        self.prompt = prompt
        self.screen = list(screen)


class Session:
    """Drives the steps: run.py's script interface (start, qemu_args,
    poll, close)."""

    def __init__(self, steps, workdir=None):
        self.steps = steps
        self.step = self.wait = self.line = self.start_line = 0
        self.values = {}
        self.typing = b""
        self.last_byte = 0.0
        self.transcript = None
        self.workdir = workdir
        self.monitor = None
        self.dumps = 0
        self.screen_since = self.last_dump = None

    def start(self, workdir):
        """A fresh run: input goes to QEMU's stdin, screen dumps through
        its monitor, into `workdir`."""
        return Session(self.steps, workdir)

    def socket_path(self):
        return os.path.join(self.workdir, "monitor.sock")

    def qemu_args(self):
        return ["-monitor", f"unix:{self.socket_path()},server=on,wait=off"]

    def problem(self, text):
        self.transcript.problems.append(text)

    def poll(self, transcript, proc):
        self.transcript = transcript
        if self.type_some(proc):
            return
        while self.step < len(self.steps):
            step = self.steps[self.step]
            if not self.find_lines(step):
                return
            if step.prompt and transcript.partial != PROMPT:
                return
            if step.screen and not self.screen_shows(step):
                return
            self.finish(step)
            if self.typing:
                self.type_some(proc)
                return

    def find_lines(self, step):
        """Advance through the step's lines; True once all are found."""
        lines = self.transcript.lines
        while self.wait < len(step.lines):
            want = step.lines[self.wait]
            if callable(want):
                want = want(self.values)
            for i in range(self.line, len(lines)):
                m = want.search(lines[i]) if isinstance(want, re.Pattern) \
                    else (want in lines[i])
                if m:
                    if isinstance(want, re.Pattern):
                        self.values.update(m.groupdict())
                    self.line = i + 1
                    break
            else:
                return False
            self.wait += 1
        return True

    def monitor_command(self, text, timeout=30.0):
        """Run a command of QEMU's monitor and wait until it is done
        (the monitor prompts again)."""
        if self.monitor is None:
            self.monitor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.monitor.settimeout(timeout)
            self.monitor.connect(self.socket_path())
            self.read_monitor()  # its banner and first prompt
        self.monitor.sendall(text.encode() + b"\n")
        self.read_monitor()

    def read_monitor(self):
        said = b""
        while not said.endswith(b"(qemu) "):
            data = self.monitor.recv(4096)
            if not data:
                raise OSError("QEMU's monitor closed")
            said += data

    def screen_shows(self, step):
        """True once a screen dump holds every text of step.screen, or
        (with a problem noted) once SCREEN_WAIT has passed without."""
        now = time.monotonic()
        if self.screen_since is None:
            self.screen_since = now
        if self.last_dump is not None and now - self.last_dump < SCREEN_GAP:
            return False
        self.last_dump = now
        self.dumps += 1
        path = os.path.join(self.workdir, f"screen{self.dumps}.ppm")
        try:
            self.monitor_command(f"screendump {path}")
            lines = screentext.read_screen(path)
        except (OSError, screentext.ScreenError) as e:
            self.problem(f"step {self.step + 1}: no screen dump: {e}")
            return True
        missing = [t for t in step.screen
                   if not any(t in line for line in lines)]
        if not missing:
            self.screen_since = self.last_dump = None
            return True
        if now - self.screen_since < SCREEN_WAIT:
            return False
        shown = "\n".join(line.rstrip() for line in lines if line.strip())
        self.problem(f"step {self.step + 1}: not on the screen after "
                     f"{SCREEN_WAIT:.0f} s: {missing}; the screen:\n{shown}")
        self.screen_since = self.last_dump = None
        return True

    def finish(self, step):
        """The step's lines are there: check them, and start typing."""
        seen = self.transcript.lines[self.start_line:self.line]
        if step.absent and any(step.absent in line for line in seen):
            self.problem(f"step {self.step + 1}: unexpected "
                         f"'{step.absent}' in the output")
        if step.check:
            why = step.check(self.values)
            if why:
                self.problem(f"step {self.step + 1}: {why}")
        if step.text is not None:
            self.typing = step.text.format(**self.values).encode("latin-1")
        self.step += 1
        self.wait = 0
        self.start_line = self.line

    def type_some(self, proc):
        """Type the next byte if it is time; True while typing."""
        if not self.typing:
            return False
        now = time.monotonic()
        if now - self.last_byte >= TYPE_GAP:
            try:
                proc.stdin.write(self.typing[:1])
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self.typing = b""
                return False
            self.typing = self.typing[1:]
            self.last_byte = now
        return bool(self.typing)

    def close(self):
        if self.monitor is not None:
            self.monitor.close()
        if self.transcript is not None and self.step < len(self.steps):
            step = self.steps[self.step]
            want = step.lines[self.wait] if self.wait < len(step.lines) \
                else "the prompt"
            want = "(a line made from earlier values)" if callable(want) \
                else getattr(want, "pattern", want)
            self.problem(f"the session stopped at step {self.step + 1} of "
                         f"{len(self.steps)}, waiting for: {want}")


# ---- the checks ------------------------------------------------------------

def mem_adds_up(v):
    """mem's figures, each rounded down to KiB: total = kernel + used +
    free, within the rounding."""
    total, kernel, used, free = (int(v[k]) for k in
                                 ("total", "kernel", "used", "free"))
    if not 0 <= total - (kernel + used + free) <= 3:
        return (f"mem: {kernel} + {used} + {free} KiB is not the total "
                f"{total} KiB")
    if not (kernel and used and free):
        return "mem: a figure is 0"
    return None


def used_again(before, after):
    """mem's used figure `after` is the one `before`: the memory procmgr
    borrowed from init for programs came back when they ended."""
    return lambda v: None if v[before] == v[after] else \
        (f"mem: used {v[after]} KiB after the programs ended, "
         f"{v[before]} KiB before")


def used_line(name):
    """mem's line, its used figure kept as `name`."""
    return re.compile(rf"^total \d+ KiB, kernel \d+ KiB, used "
                      rf"(?P<{name}>\d+) KiB, free \d+ KiB$")


def ramfs_row(name):
    """ramfs's line of ps, its memory kept as `name`."""
    return re.compile(rf"^\s*\d+\s+ramfs\s+running\s+(?P<{name}>\d+) KiB")


def grew(before, after, kib):
    """ramfs's memory `after` is at least `kib` more than `before`."""
    return lambda v: None if int(v[after]) >= int(v[before]) + kib else \
        (f"ps: ramfs holds {v[after]} KiB with the files, {v[before]} KiB "
         "before: it did not borrow")


def same_kib(before, after, what):
    return lambda v: None if v[before] == v[after] else \
        (f"{what}: {v[after]} KiB after the files went, {v[before]} KiB "
         "before: memory borrowed for them was kept")


def back_but_tables(before, after, what):
    """`after` is `before`, or 16 KiB more: the one block a heap borrows
    for good, for the paging structures of pages it borrowed once its
    own memory was full (docs/sdk.md, "The C library")."""
    return lambda v: None if 0 <= int(v[after]) - int(v[before]) <= 16 \
        else (f"{what}: {v[after]} KiB after the files went, {v[before]} "
              "KiB before: memory borrowed for them was kept")


def same_pid(a, b):
    return lambda v: None if v[a] == v[b] else \
        f"pid {v[b]} where {v[a]} was expected"


def row(pid_or_name, name, state):
    """A line of ps."""
    return re.compile(rf"^\s*{pid_or_name}\s+{name}\s+{state}\s+\d+ KiB")


SERVERS = ("serial", "kbd", "fbcon", "console", "procmgr", "vfs", "ramfs",
           "initrdfs", "fat", "shell")

# Copies of ktest (270 KiB) that ramfs cannot hold all of: its memory
# and borrow=4M, or its 1024 slots, run out first.
FILL_FILES = 16

# A line with `text` typed in it, edited as the keys say, is echoed in
# full when it is done; the output is what the command printed.
EDITED = ("echo helo" + LEFT + "l" + END + " wrld" + SS3_LEFT * 3 + "o" +
          ctrl("e") + "x" + BACKSPACE + ctrl("a") + DELETE + "e" + "\r")

STEPS = [
    Step(["Pith shell: 'help' lists the commands."], "help\r"),
    Step(["Commands:", "echo [WORD...]", "run PROGRAM", "poweroff",
          "Quote words"],
         "echo \"hello   world\" 'single  quoted' a\\ b\r"),
    # what the shell printed is on the framebuffer console too
    Step(["hello   world single  quoted a b"], "ps\r",
         screen=["pith> echo \"hello   world\" 'single  quoted' a\\ b",
                 "hello   world single  quoted a b"]),
    # every server of the manifest, in its order; those the shell talks
    # to run
    Step(["PID  NAME"] +
         [row(r"\d+", s, "running") if s in ("procmgr", "shell") else
          re.compile(rf"^\s*(\d+|-)\s+{s}\s+") for s in SERVERS],
         "mem\r"),
    Step([re.compile(r"^total (?P<total>\d+) KiB, kernel (?P<kernel>\d+) "
                     r"KiB, used (?P<used>\d+) KiB, free (?P<free>\d+) KiB$")],
         "caps\r", check=mem_adds_up),
    Step(["SLOT  NAME", re.compile(r"\bservice\s+endpoint\s"),
          re.compile(r"\bconsole\s+endpoint\s+-w"),
          re.compile(r"\bprocmgr\s+endpoint\s+-w"),
          re.compile(r"\binit\s+endpoint\s"),
          re.compile(r"\bpower\s+endpoint\s"), "empty: slots"],
         "run hello a \"b c\"\r"),
    Step(['hello: 2 arguments: "a" "b c"',
          re.compile(r"^run: hello \(pid (?P<first>1\d\d+)\) ended with "
                     r"status 2$")],
         "run hello\r"),
    Step(["hello: 0 arguments"], "run nosuchprogram\r"),
    Step(["run: nosuchprogram: no such program, or not a program"],
         "run hello sleep &\r", absent="ended with status"),
    Step([re.compile(r"^\[(?P<sleeper>\d+)\] hello$"),
          "hello: sleeping until killed"], "ps\r", prompt=False),
    Step([lambda v: row(v["sleeper"], "hello", "running")], None,
         prompt=False),
    Step([], "kill {sleeper}\r"),
    Step([lambda v: f"kill {v['sleeper']}"], "ps\r"),
    Step([re.compile(r"^\s*(?P<killed>\d+)\s+hello\s+exited\s")],
         "run hello fault\r",
         check=same_pid("sleeper", "killed")),
    Step([re.compile(r"^procmgr: hello \(pid (?P<faulter>\d+)\) faulted: "
                     r"page fault at 0x0 \(ip 0x[0-9a-f]+\)$"),
          re.compile(r"^run: hello \(pid (?P<faulter2>\d+)\) ended with "
                     r"status -1$")],
         "mem\r", check=same_pid("faulter", "faulter2")),
    # every hello has ended: what procmgr borrowed for them is back
    Step([used_line("used_hello")], EDITED,
         check=used_again("used", "used_hello")),
    Step([re.compile(r"^hello world$")], UP + "\r"),
    Step([re.compile(r"^hello world$")],
         "echo junk" + ctrl("c")),
    Step(["^C"], "echo one two" + ctrl("w") + "three\r"),
    Step([re.compile(r"^one three$")],
         "garbage" + ctrl("u") + "echo kept" + HOME + RIGHT * 5 + ctrl("k") +
         "cut\r", absent="junk"),
    Step([re.compile(r"^cut$")], "ls /\r"),
    # files: ramfs at /, the initrd at /initrd (docs/vfs.md)
    Step([re.compile(r"^initrd/$")], "mount\r"),
    Step([re.compile(r"^ramfs\s+on /$"), re.compile(r"^initrdfs\s+on /initrd$")],
         "df\r"),
    Step(["TYPE", re.compile(r"^ramfs\s+\d+\s+\d+\s+\d+\s+/$"),
          re.compile(r"^initrdfs\s+\d+\s+\d+\s+0\s+/initrd$")],
         "ls /initrd\r"),
    Step([re.compile(r"^\d+\s+shell$"), re.compile(r"^\d+\s+manifest$")],
         "cat /initrd/manifest\r"),
    Step(["# The system's servers, started by init"], "ls /boot\r"),
    # the ESP the system booted from, on AHCI, served by fat
    Step([re.compile(r"^EFI/$"), re.compile(r"^pith/$")],
         "cat /boot/pith/boot.cfg\r"),
    Step(["# test case shell", re.compile(r"^loglevel=warn init=init$")],
         "mkdir /home /home/ada\r"),
    Step([], "cd /home/ada\r"),
    Step([], "pwd\r"),
    Step([re.compile(r"^/home/ada$")], "write notes hello from the shell\r"),
    Step([], "cat notes\r"),
    Step([re.compile(r"^hello from the shell$")], "cp notes copy\r"),
    Step([], "mv copy moved\r"),
    Step([], "ls\r"),
    Step([re.compile(r"^21\s+notes$"), re.compile(r"^21\s+moved$")],
         "cat moved\r"),
    # ramfs's memory=128K holds less than these files: its heap borrows
    # from init for their pages (borrow=), and gives it all back once
    # they are gone (docs/vfs.md, "ramfs")
    Step([re.compile(r"^hello from the shell$")], "mem\r"),
    Step([used_line("used_files")], "ps\r"),
    Step([ramfs_row("ramfs_before")], "ls /initrd/ktest\r"),
    Step([re.compile(r"^\s*(?P<ktest>\d+)\s+/initrd/ktest$")],
         "cp /initrd/ktest /big\r"),
    Step([], "cp /big /big2\r"),
    Step([], "cp /initrd/manifest /m\r"),
    Step([], "ls /big\r"),
    Step([lambda v: re.compile(rf"^\s*{v['ktest']}\s+/big$")],
         "ls /big2\r"),
    Step([lambda v: re.compile(rf"^\s*{v['ktest']}\s+/big2$")], "cat /m\r"),
    Step(["# The system's servers, started by init"], "ps\r"),
    Step([ramfs_row("ramfs_files")], "rm /big /big2 /m\r",
         check=grew("ramfs_before", "ramfs_files", 512)),
    Step([], "ps\r"),
    Step([ramfs_row("ramfs_after")], "mem\r",
         check=same_kib("ramfs_before", "ramfs_after", "ps: ramfs")),
    Step([used_line("used_files_after")], "cp /initrd/ktest /f0\r",
         check=same_kib("used_files", "used_files_after", "mem: used")),
] + [
    # until it can borrow no more (its slots, or borrow=4M): a write
    # that finds no memory is PITH_E_NO_SPACE, and ramfs goes on
    Step([], f"cp /initrd/ktest /f{i}\r") for i in range(1, FILL_FILES)
] + [
    Step([re.compile(r"^cp: /f\d+: PITH_E_NO_SPACE$")], "ps\r"),
    Step([ramfs_row("ramfs_full")],
         "rm " + " ".join(f"/f{i}" for i in range(FILL_FILES // 2)) + "\r",
         check=grew("ramfs_before", "ramfs_full", 2048)),
    Step([], "rm " + " ".join(f"/f{i}"
                              for i in range(FILL_FILES // 2, FILL_FILES)) +
         "\r"),
    Step([], "ps\r"),
    Step([ramfs_row("ramfs_emptied")], "mem\r",
         check=back_but_tables("ramfs_before", "ramfs_emptied",
                               "ps: ramfs")),
    Step([used_line("used_full_after")], "rm notes nothere\r",
         check=back_but_tables("used_files", "used_full_after",
                               "mem: used")),
    Step(["rm: nothere: PITH_E_NOT_FOUND"], "cat notes\r"),
    Step(["cat: notes: PITH_E_NOT_FOUND"], "cd ..\r"),
    Step([], "rm ada\r"),
    Step(["rm: ada: PITH_E_NOT_EMPTY"], "mkdir /home\r"),
    Step(["mkdir: /home: PITH_E_EXISTS"], "write /initrd/x y\r"),
    Step(["write: /initrd/x: PITH_E_READ_ONLY"], "cd /initrd/manifest\r"),
    Step(["cd: /initrd/manifest: PITH_E_NOT_DIRECTORY"], "cd ../../../..\r"),
    Step([], "pwd\r"),
    Step([re.compile(r"^/$")], "frobnicate\r"),
    Step(["frobnicate: unknown command (try 'help')"], "kill\r"),
    Step(["usage: kill PID|NAME"], "echo \"open\r"),
    Step(["shell: unterminated quote"], "kill 99999\r"),
    Step(["kill: no program with pid 99999"], "kill kbd\r"),
    Step(["init: kbd was killed; restart 1 of"], "kill serial\r",
         prompt=False),
    # the serial driver's restart: typed input and output go on
    Step(["init: serial was killed; restart 1 of"], "echo after serial\r",
         prompt=False),
    Step([re.compile(r"^after serial$")], "kill fat\r"),
    # the storage stack's restarts (docs/vfs.md, "Restarts"): the VFS
    # mounts the new fat again; init mounts everything on a new VFS and
    # gives the shell a new root handle, whose buffer the SDK attaches
    Step(["init: fat was killed; restart 1 of"], "ls /boot\r"),
    Step([re.compile(r"^EFI/$"), re.compile(r"^pith/$")], "kill vfs\r"),
    Step(["init: vfs was killed; restart 1 of", "init: fat mounted on /boot"],
         "ls /boot\r"),
    Step([re.compile(r"^EFI/$"), re.compile(r"^pith/$")],
         "cat /home/ada/moved\r"),
    Step([re.compile(r"^hello from the shell$")], "uptime\r"),
    Step([re.compile(r"^up \d+\.\d{3} s \(\d+:\d\d:\d\d\)$")],
         "mem\r"),
    Step([used_line("used_bench")], "bench 5\r"),
    Step(["bench: 5 iterations per batch",
          re.compile(r"^BENCH ipc_rt_cross_as \d+\.\d cycles$"),
          re.compile(r"^BENCH fault_rt \d+\.\d cycles$"), "bench: done"],
         "mem\r"),
    # bench's 4 MiB and its arena were borrowed, and went back
    Step([used_line("used_bench_after")], "poweroff\r",
         check=used_again("used_bench", "used_bench_after")),
]


def make_case(case_class, base_cmdline):
    """The case, for run.py's CASES."""
    return case_class(
        "shell",
        "The system as a user meets it: init starts the servers of the "
        "manifest, and a session on the serial port with the shell runs "
        "every command (help, echo with quotes, ps, mem, caps, run, kill, "
        "uptime, bench, poweroff), their errors, and the line editor's "
        "keys and history; procmgr starts, waits for, kills and reports "
        "the faults of the hello program; files are reached again after "
        "the FAT server and the VFS are killed.",
        cmdline="init=init", base_cmdline=base_cmdline,
        initrd="initrd-test", script=Session(STEPS),
        expect=["init: starting the servers of 'manifest'"],
        exit_code=0, timeout=400)
