"""The QEMU command line for Pith, shared by tools/run, tools/debug and the
in-QEMU test harness (tests/qemu/run.py).

The machine: q35, TCG (KVM is not assumed), OVMF with a fresh variable
store, the image as a SATA disk (or a USB stick on an xHCI controller),
a standard VGA for the GOP framebuffer, virtio-rng for EFI_RNG_PROTOCOL,
the isa-debug-exit device at port 0xf4, no network, no reboot.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "ovmf"))
import ovmf  # noqa: E402  pylint: disable=wrong-import-position

QEMU = os.environ.get("PITH_QEMU", "qemu-system-x86_64")

# The kernel writes these to isa-debug-exit; QEMU exits with (v << 1) | 1.
EXIT_STATUS = {
    33: "pass: the root task exited with status 0",
    35: "fail: the root task exited with a non-zero status",
    37: "kernel panic",
    39: "the root task faulted and was stopped",
}


def command(image, vars_path, code_path, *, usb=False, cpu="max",
            memory="256M", rng=True, serial="stdio", gdb_port=None,
            log=None, display=False, icount=None, virtio_disk=None):
    """The argument list that boots `image`. `icount`: run with
    -icount shift=<icount> (guest time counts instructions: a guest TSC
    delta is instructions << shift). `virtio_disk`: a raw image file
    attached as a virtio-blk PCI disk as well."""
    args = [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", cpu,
            "-m", memory, "-smp", "1", "-nodefaults", "-no-reboot",
            "-boot", "menu=off", "-nic", "none",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,"
                      f"file={code_path}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_path}",
            "-device", "VGA",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", serial]
    if not display:
        args += ["-display", "none"]
    if usb:
        args += ["-device", "qemu-xhci,id=xhci",
                 "-drive", f"file={image},format=raw,if=none,id=stick",
                 "-device", "usb-storage,bus=xhci.0,drive=stick,"
                            "removable=on"]
    else:
        args += ["-drive", f"file={image},format=raw,if=none,id=disk0",
                 "-device", "ide-hd,drive=disk0,bus=ide.0"]
    if virtio_disk:
        args += ["-drive", f"file={virtio_disk},format=raw,if=none,"
                           f"id=vdisk",
                 "-device", "virtio-blk-pci,drive=vdisk"]
    if rng:
        args += ["-device", "virtio-rng-pci"]
    if gdb_port is not None:
        args += ["-gdb", f"tcp:127.0.0.1:{gdb_port}", "-S"]
    if log:
        args += ["-d", "cpu_reset,guest_errors", "-D", log]
    if icount is not None:
        args += ["-icount", f"shift={icount},sleep=off"]
    return args


def describe_exit(code):
    """A line about how QEMU ended."""
    if code in EXIT_STATUS:
        return f"QEMU exited with {code}: {EXIT_STATUS[code]}"
    if code == 0:
        return "QEMU exited with 0: the machine reset or shut down " \
               "(a triple fault, with -no-reboot)"
    return f"QEMU exited with {code}"


def make_image(image, files, quiet=False):
    """Write the GPT disk image `image` with tools/mkimage; `files` maps
    a path on the EFI System Partition to a file to put there."""
    cmd = [sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "mkimage"), "--out", image]
    for dest, src in files.items():
        cmd += ["--file", f"{dest}={src}"]
    subprocess.run(cmd, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)
    return image


SECTOR = 512


def gpt_partition(image, index=1):
    """(first, last) sector of GPT partition `index` of `image`, as sgdisk
    reads it; (None, None) if there is none."""
    first = last = None
    out = subprocess.run(["sgdisk", "-i", str(index), image],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         check=False).stdout.decode(errors="replace")
    for line in out.splitlines():
        if line.startswith("First sector:"):
            first = int(line.split()[2])
        if line.startswith("Last sector:"):
            last = int(line.split()[2])
    return first, last


def make_fat32_disk(path, mib, *, label, cluster_sectors=1, start=2048):
    """A sparse raw disk image of `mib` MiB with a GPT whose one partition
    (a basic data partition from sector `start` to the end) holds a
    FAT32 volume made by mkfs.fat with 512-byte sectors and clusters of
    `cluster_sectors`; (first, last) sector of the partition."""
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run(["sgdisk", "-o", "-n", f"1:{start}:0", "-t", "1:0700",
                    path], **quiet)
    first, last = gpt_partition(path)
    subprocess.run(["mkfs.fat", "-F", "32", "-S", str(SECTOR), "-s",
                    str(cluster_sectors), "-n", label, f"--offset={first}",
                    path, str((last - first + 1) * SECTOR // 1024)],
                   **quiet)
    return first, last

