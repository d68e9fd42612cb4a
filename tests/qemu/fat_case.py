"""The FAT case's disks (tests/qemu/run.py, case "fat"; docs/vfs.md).

Before the boot: a virtio-blk disk with a GPT and one partition (a basic
data partition, not an ESP: the server is told `part=1`) holding a FAT32
volume made by mkfs.fat, with a few files put there by mcopy. After QEMU
has ended: fsck.fat -n must find nothing wrong with that volume nor with
the ESP of the boot disk (AHCI), on which vfstest ran too; the files the
guest (tests/qemu/user/fattest) wrote are read back with mtools and must
be byte for byte what pattern() makes from their seeds; the host's files
must be untouched; the files it removed must be gone.

A second AHCI disk holds a FAT16 volume on the whole disk, which the
server refuses (FAT32 only), and a third a GPT whose entry array was
changed after sgdisk wrote it (its CRC32 no longer matches): fattest
checks that every call gets PITH_E_CORRUPT and that the servers are not
restarted; the harness that neither disk was written."""
import hashlib
import os
import subprocess

import pithqemu

SECTOR = 512
PART_START = 2048
DISK_MIB = 48  # mkfs.fat makes >= 65525 clusters of one sector from this
BAD_MIB = 16  # a FAT16 volume


def pattern(seed, size):
    """fattest's pattern(): byte i of the file made from `seed`."""
    return bytes((((i * 2654435761 + seed * 97) & 0xffffffff) >> 13) & 0xff
                 for i in range(size))


HOST_FILES = {  # path on the volume: content
    "HELLO.TXT": b"hello from the host\n",
    "Long Host Name.txt": pattern(1, 10000),
    "sub/data.bin": pattern(2, 150000),
}

GUEST_FILES = {  # what fattest leaves under guest/: path: (seed, size)
    "guest/g0.bin": (10, 0),
    "guest/g1.bin": (11, 1),
    "guest/g2.bin": (12, 511),
    "guest/g3.bin": (13, 512),
    "guest/g4.bin": (14, 4097),
    "guest/g5.bin": (15, 65536),
    "guest/g6.bin": (16, 300001),
    "guest/A longer name, with spaces.txt": (17, 1000),
    "guest/deep/er/nested.bin": (18, 7000),
    "guest/trunc.bin": (20, 12345),
    "guest/renamed.bin": (21, 3000),
}

GUEST_GONE = ["guest/tmp.bin", "guest/gone.bin"]


def run(cmd, check=False):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=check)


def extract(image, out):
    """Partition 1 of `image` as a file of its own: fsck.fat has no offset
    option."""
    first, last = pithqemu.gpt_partition(image)
    if first is None or last is None:
        return False
    with open(image, "rb") as f, open(out, "wb") as o:
        f.seek(first * SECTOR)
        o.write(f.read((last - first + 1) * SECTOR))
    return True


def fsck(volume, what):
    r = run(["fsck.fat", "-n", volume])
    if r.returncode != 0:
        return [f"{what}: fsck.fat -n exited {r.returncode}: " +
                r.stdout.decode(errors="replace").strip()[-400:]]
    return []


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_file(volume, path):
    r = run(["mtype", "-i", volume, "::" + path])
    return r.stdout if r.returncode == 0 else None


class FatDisks:
    """A Case's `script`: makes the virtio disk, adds it to QEMU's command
    line, and checks both disks when the run is over."""

    def start(self, workdir):
        run_ = FatDisks()
        run_.workdir = workdir
        run_.path = os.path.join(workdir, "fat.img")
        run_.transcript = None
        first, _ = pithqemu.make_fat32_disk(run_.path, DISK_MIB,
                                            label="PITHTEST",
                                            start=PART_START)
        run_.bad = os.path.join(workdir, "fat16.img")
        with open(run_.bad, "wb") as f:
            f.truncate(BAD_MIB << 20)
        run(["mkfs.fat", "-F", "16", "-n", "FAT16", run_.bad], check=True)
        run_.bad_sum = digest(run_.bad)
        run_.badgpt = os.path.join(workdir, "badgpt.img")
        with open(run_.badgpt, "wb") as f:
            f.truncate(BAD_MIB << 20)
        run(["sgdisk", "-o", "-n", f"1:{PART_START}:0", "-t", "1:ef00",
             run_.badgpt], check=True)
        # partition 1's name, in both entry arrays (the backup's 32
        # sectors lie before the backup header, the disk's last sector):
        # with one array sound the firmware would repair the other
        with open(run_.badgpt, "r+b") as f:
            for lba in (2, (BAD_MIB << 20) // SECTOR - 33):
                f.seek(lba * SECTOR + 56)
                f.write(b"X")
        run_.badgpt_sum = digest(run_.badgpt)
        vol = f"{run_.path}@@{first * SECTOR}"
        run(["mmd", "-i", vol, "::sub"], check=True)
        for path, data in HOST_FILES.items():
            src = os.path.join(workdir, "host.file")
            with open(src, "wb") as f:
                f.write(data)
            run(["mcopy", "-i", vol, src, "::" + path], check=True)
        return run_

    def qemu_args(self):
        return ["-drive", f"file={self.path},format=raw,if=none,id=fatdisk",
                "-device", "virtio-blk-pci,drive=fatdisk",
                "-drive", f"file={self.bad},format=raw,if=none,id=fat16",
                "-device", "ide-hd,drive=fat16,bus=ide.1",
                "-drive", f"file={self.badgpt},format=raw,if=none,id=badgpt",
                "-device", "ide-hd,drive=badgpt,bus=ide.2"]

    def poll(self, transcript, proc):
        self.transcript = transcript

    def problems(self):
        out = []
        vol = os.path.join(self.workdir, "fat.part")
        esp = os.path.join(self.workdir, "esp.part")
        if not extract(self.path, vol):
            return ["virtio disk: no partition 1 after the run"]
        out += fsck(vol, "virtio disk")
        for path, data in HOST_FILES.items():
            if read_file(vol, path) != data:
                out.append(f"virtio disk: the host's {path} changed")
        for path, (seed, size) in GUEST_FILES.items():
            got = read_file(vol, path)
            if got is None:
                out.append(f"virtio disk: {path}: mtype cannot read it")
            elif got != pattern(seed, size):
                out.append(f"virtio disk: {path}: {len(got)} bytes, not "
                           f"the {size} of seed {seed}")
        for path in GUEST_GONE:
            if read_file(vol, path) is not None:
                out.append(f"virtio disk: {path} is still there")
        if digest(self.bad) != self.bad_sum:
            out.append("the FAT16 disk was written")
        if digest(self.badgpt) != self.badgpt_sum:
            out.append("the disk with the bad GPT was written")
        boot = os.path.join(self.workdir, "pith.img")
        if not extract(boot, esp):
            out.append("boot disk: no ESP after the run")
        else:
            out += fsck(esp, "boot disk's ESP")
            if read_file(esp, "pith/boot.cfg") is None:
                out.append("boot disk: pith/boot.cfg unreadable")
        return out

    def close(self):
        if self.transcript is not None:
            self.transcript.problems += self.problems()
