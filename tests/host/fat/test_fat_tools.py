#!/usr/bin/env python3
"""host.fat_tools: the FAT32 engine against dosfstools and mtools.

    test_fat_tools.py FAT_TOOL WORKDIR [DISK_IMAGE]

For 512- and 4096-byte sectors:
  1. mkfs.fat makes a FAT32 image and mtools (mmd, mcopy) fill it with a
     tree of files: short and long names, UTF-8 names, nested directories,
     a zero-length file, a file of many clusters, a directory of 150 names.
     fsck.fat finds it clean, and `fat_tool dump` (the engine, read-only)
     must read back exactly that tree, byte for byte.
  2. `fat_tool workload` changes that same image with the engine (files
     and directories made, written, truncated, renamed, deleted, a 6 MiB
     file, a file unlinked while open) and does the same on the host.
     `fsck.fat -n` must then exit 0, and mcopy and mtype must read back
     exactly the host's tree.

And FAT12, FAT16 and too small FAT32 volumes from mkfs.fat are refused
with the reason. With DISK_IMAGE (the build's pith.img, if it was built),
the engine also reads the ESP Pith boots from exactly as mcopy does. Exits 77 (ctest: skipped) if the tools are missing.
"""
import os
import random
import shutil
import subprocess
import sys

TOOLS = ("mkfs.fat", "fsck.fat", "mcopy", "mmd", "mtype")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(cmd, ok_codes=(0,), **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, check=False, **kw)
    if r.returncode not in ok_codes:
        fail(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}")
    return r.stdout


def mtools_env():
    env = dict(os.environ)
    env["MTOOLS_SKIP_CHECK"] = "1"
    env["LC_ALL"] = "C.UTF-8"  # long names as UTF-8
    return env


def make_source(src):
    """The tree the host writes."""
    rnd = random.Random(1)
    os.makedirs(os.path.join(src, "Sub Dir", "deeper", "deepest"))
    os.makedirs(os.path.join(src, "SHORT"))
    os.makedirs(os.path.join(src, "lots"))
    files = {
        "README.TXT": b"short name, upper case\n",
        "lower.txt": b"short name, lower case\n",
        "A Long File Name With Spaces.text": b"long name\n" * 100,
        "host file.txt": bytes(rnd.getrandbits(8) for _ in range(3000)),
        "host-delete-me.txt": b"gone soon",
        "empty": b"",
        "h\u00e9llo \u00fcnicode.txt".encode(): b"utf-8 name",
        "Sub Dir/deeper/deepest/bottom.bin": bytes(range(256)) * 40,
        "SHORT/ABC.DEF": b"abc",
        "many-clusters.bin": bytes(rnd.getrandbits(8)
                                   for _ in range(3 * 1024 * 1024 + 777)),
    }
    for i in range(150):
        files[f"lots/name number {i:03d} in a big directory.txt"] = \
            f"file {i}\n".encode() * (i % 7)
    for name, data in files.items():
        if isinstance(name, bytes):
            name = name.decode()
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)


def tree(root):
    """{relative path: bytes, or None for a directory}."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(d, name), root)] = None
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def compare(what, got_root, want_root):
    got, want = tree(got_root), tree(want_root)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing or extra:
        fail(f"{what}: missing {missing[:10]}, unexpected {extra[:10]}")
    for path in sorted(want):
        if got[path] != want[path]:
            g, w = got[path], want[path]
            fail(f"{what}: {path} differs "
                 f"({'dir' if g is None else len(g)} bytes read, "
                 f"{'dir' if w is None else len(w)} expected)")
    files = sum(1 for v in want.values() if v is not None)
    print(f"{what}: {files} files, {len(want) - files} directories equal")


def fsck(img):
    r = subprocess.run(["fsck.fat", "-n", img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, check=False)
    if r.returncode != 0:
        fail(f"fsck.fat -n {img} exited {r.returncode}:\n{r.stdout}")
    print(r.stdout.strip().splitlines()[-1])


def round_trip(tool, work, sector):
    base = os.path.join(work, f"s{sector}")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    img, src = os.path.join(base, "img.raw"), os.path.join(base, "src")
    env = mtools_env()
    make_source(src)
    # 40 MiB with 512-byte sectors; 300 MiB (75000 4 KiB clusters) else
    size_kib = 40000 if sector == 512 else 300000
    run(["mkfs.fat", "-F", "32", "-S", str(sector), "-s", "1", "-C", img,
         str(size_kib)])
    for name in sorted(os.listdir(src)):
        run(["mcopy", "-s", "-i", img, os.path.join(src, name), "::/"],
            env=env)
    fsck(img)

    # 1. what the host wrote, the engine reads
    dump = os.path.join(base, "dump")
    run([tool, "dump", img, dump])
    compare(f"{sector}: engine reads host's", dump, src)

    # 2. what the engine writes, the host reads
    want = os.path.join(base, "want")
    shutil.copytree(src, want)
    run([tool, "workload", img, want])
    fsck(img)
    back = os.path.join(base, "back")
    os.makedirs(back)
    run(["mcopy", "-s", "-n", "-i", img, "::/*", back], env=env)
    compare(f"{sector}: host reads engine's", back, want)
    for name in ("README.TXT", "big.bin", "docs/lower-moved.c",
                 "Mixed Case Dir/nested, moved/deeper/"
                 "a file with a long name.txt"):
        r = subprocess.run(["mtype", "-i", img, "::/" + name],
                           stdout=subprocess.PIPE, env=env, check=False)
        with open(os.path.join(want, name), "rb") as f:
            if r.returncode != 0 or r.stdout != f.read():
                fail(f"mtype {name}: differs")
    print(f"{sector}: mtype reads the same")
    shutil.rmtree(base)


def refused(tool, work):
    """Volumes the engine must refuse, as mkfs.fat makes them."""
    os.makedirs(work, exist_ok=True)
    cases = (
        (["-F", "12"], 4000, "only FAT32 is supported"),
        (["-F", "16"], 40000, "only FAT32 is supported"),
        (["-F", "32"], 8000, "cluster count"),  # too few clusters
    )
    for opts, size_kib, why in cases:
        img = os.path.join(work, "refused.raw")
        if os.path.exists(img):
            os.remove(img)
        run(["mkfs.fat", *opts, "-C", img, str(size_kib)])
        r = subprocess.run([tool, "dump", img, os.path.join(work, "none")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, check=False)
        if r.returncode == 0 or why not in r.stdout:
            fail(f"mkfs.fat {' '.join(opts)} ({size_kib} KiB): "
                 f"exit {r.returncode}, said {r.stdout.strip()!r}")
        print(f"mkfs.fat {' '.join(opts)}: refused: {r.stdout.strip()}")
        os.remove(img)


ESP_OFFSET = 2048 * 512  # tools/mkimage: the ESP starts at sector 2048


def boot_esp(tool, work, disk):
    """The ESP of the system's own disk image, read both ways."""
    if not os.path.isfile(disk):
        print(f"{disk} not built: its ESP not read")
        return
    base = os.path.join(work, "esp")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "mtools"))
    esp = f"{disk}@@{ESP_OFFSET}"
    run(["mcopy", "-s", "-n", "-i", esp, "::/*",
         os.path.join(base, "mtools")], env=mtools_env())
    run([tool, "dump", esp, os.path.join(base, "engine")])
    compare(f"the ESP of {os.path.basename(disk)}",
            os.path.join(base, "engine"), os.path.join(base, "mtools"))
    shutil.rmtree(base)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed "
              "(apt-get install dosfstools mtools)")
        sys.exit(77)
    tool, work = sys.argv[1], sys.argv[2]
    refused(tool, work)
    if len(sys.argv) == 4:
        boot_esp(tool, work, sys.argv[3])
    for sector in (512, 4096):
        round_trip(tool, work, sector)
    print("PASS")


if __name__ == "__main__":
    main()
