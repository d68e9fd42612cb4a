"""The storage benchmark's disks (tests/qemu/run.py, case "fsbench";
tools/bench --suite storage; docs/benchmarks.md).

Two virtio-blk disks, in this order on the PCI bus: the first has a GPT
whose partition 1 is a FAT32 volume with 4 KiB clusters (the FAT
server's, at /disk), the second is raw (fsbench writes and reads it
through the blk protocol itself). After QEMU
has ended fsck.fat -n must find the FAT volume clean: fsbench wrote a
large file and many small ones there and removed them all."""
import os
import subprocess

import pithqemu

FAT_MIB = 320  # >= 65525 clusters of 4 KiB
CLUSTER_SECTORS = 8


class FsbenchDisks:
    """A Case's `script`: makes both disks for a run of `mib` MiB, adds
    them to QEMU's command line and checks the FAT volume afterwards."""

    def __init__(self, mib=4):
        self.mib = mib
        self.workdir = self.fat = self.raw = self.transcript = None

    def start(self, workdir):
        run_ = FsbenchDisks(self.mib)
        run_.workdir = workdir
        run_.fat = os.path.join(workdir, "fsbench-fat.img")
        run_.raw = os.path.join(workdir, "fsbench-raw.img")
        pithqemu.make_fat32_disk(run_.fat, max(FAT_MIB, 2 * self.mib + 64),
                                 label="FSBENCH",
                                 cluster_sectors=CLUSTER_SECTORS)
        with open(run_.raw, "wb") as f:
            f.truncate((self.mib + 1) << 20)
        return run_

    def qemu_args(self):
        args = []
        for i, path in enumerate((self.fat, self.raw)):
            args += ["-drive", f"file={path},format=raw,if=none,id=bench{i}",
                     "-device", f"virtio-blk-pci,drive=bench{i}"]
        return args

    def poll(self, transcript, proc):
        self.transcript = transcript

    def problems(self):
        """What is wrong with the FAT volume after the run."""
        first, last = pithqemu.gpt_partition(self.fat)
        if first is None:
            return ["fsbench's FAT disk: no partition 1 after the run"]
        vol = os.path.join(self.workdir, "fsbench-fat.part")
        with open(self.fat, "rb") as f, open(vol, "wb") as o:
            f.seek(first * pithqemu.SECTOR)
            left = (last - first + 1) * pithqemu.SECTOR
            while left:
                chunk = f.read(min(left, 1 << 20))
                if not chunk:
                    break
                o.write(chunk)
                left -= len(chunk)
        r = subprocess.run(["fsck.fat", "-n", vol], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, check=False)
        os.unlink(vol)
        if r.returncode != 0:
            return [f"fsbench's FAT volume: fsck.fat -n exited "
                    f"{r.returncode}: " +
                    r.stdout.decode(errors="replace").strip()[-400:]]
        return []

    def close(self):
        if self.transcript is not None:
            self.transcript.problems += self.problems()
