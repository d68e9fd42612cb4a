"""The block case's disk (tests/qemu/run.py, case "blk"; docs/vfs.md): a
virtio-blk disk image written with a known pattern before the boot, and
checked after QEMU has ended: the sectors the test client wrote hold what
it wrote, and every other sector is untouched.

Each sector s of the image begins b"PITHBLK\\0" and s (64-bit little
endian), then byte i (16 to 511) is (s * 7 + i * 13 + 1) & 0xff. The
client (tests/qemu/user/blktest) writes sectors WRITE_FIRST to
WRITE_FIRST + WRITE_COUNT - 1 as b"WRITTEN\\0", s, and the same bytes
xor 0x5a."""
import os
import struct

SECTOR = 512
SECTORS = 32768  # 16 MiB: the benchmark reads 16 MiB
WRITE_FIRST, WRITE_COUNT = 100, 32


def _tail(s, written):
    x = 0x5a if written else 0
    return bytes(((s * 7 + i * 13 + 1) & 0xff) ^ x for i in range(16, SECTOR))


def sector(s, written=False):
    return (b"WRITTEN\0" if written else b"PITHBLK\0") + \
        struct.pack("<Q", s) + _tail(s, written)


class VirtioDisk:
    """A Case's `script`: adds the disk to QEMU's command line, and checks
    it when the run is over (problems go to the transcript)."""

    def start(self, workdir):
        run = VirtioDisk()
        run.path = os.path.join(workdir, "virtio.img")
        run.transcript = None
        tails = [_tail(s, False) for s in range(256)]
        with open(run.path, "wb") as f:
            for s in range(SECTORS):
                f.write(b"PITHBLK\0" + struct.pack("<Q", s) + tails[s % 256])
        return run

    def qemu_args(self):
        return ["-drive", f"file={self.path},format=raw,if=none,id=vdisk",
                "-device", "virtio-blk-pci,drive=vdisk"]

    def poll(self, transcript, proc):
        self.transcript = transcript

    def problems(self):
        out = []
        with open(self.path, "rb") as f:
            data = f.read()
        if len(data) != SECTORS * SECTOR:
            return [f"virtio disk: {len(data)} bytes after the run"]
        for s in range(SECTORS):
            written = WRITE_FIRST <= s < WRITE_FIRST + WRITE_COUNT
            if data[s * SECTOR:(s + 1) * SECTOR] != sector(s, written):
                out.append(f"virtio disk: sector {s} is not what "
                           f"{'the client wrote' if written else 'it was'}")
                if len(out) == 5:
                    break
        return out

    def close(self):
        if self.transcript is not None:
            self.transcript.problems += self.problems()
