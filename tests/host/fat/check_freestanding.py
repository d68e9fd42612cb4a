#!/usr/bin/env python3
"""host.fat_freestanding: the FAT32 engine builds for the servers.

    check_freestanding.py --out DIR --include GEN_INCLUDE --libc LIBC_INCLUDE
                          SOURCE...

Compiles each source as the freestanding part compiles user programs
(clang, x86_64 ELF, -ffreestanding -nostdinc: only the compiler's own
headers, the SDK's C library headers and the generated ABI header), links
them into one relocatable object and checks that what it still needs is
only memcpy, memmove, memset, memcmp and strlen, which every part of the
system provides.
"""
import argparse
import os
import subprocess
import sys

ALLOWED = {"memcpy", "memmove", "memset", "memcmp", "strlen"}
FLAGS = ["--target=x86_64-unknown-none-elf", "-std=c11", "-O2",
         "-ffreestanding", "-fno-builtin", "-nostdinc", "-fPIE",
         "-fno-stack-protector", "-Wall", "-Wextra", "-Werror",
         "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wshadow", "-Wvla",
         "-Wpointer-arith", "-Wimplicit-fallthrough"]


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, check=False)
    if r.returncode != 0:
        print(f"FAIL: {' '.join(cmd)}\n{r.stdout}")
        sys.exit(1)
    return r.stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--include", required=True)
    p.add_argument("--libc", required=True)
    p.add_argument("sources", nargs="+")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    resource = run(["clang", "-print-resource-dir"]).strip()
    objs = []
    for src in a.sources:
        obj = os.path.join(a.out, os.path.basename(src) + ".o")
        run(["clang", *FLAGS, "-isystem", os.path.join(resource, "include"),
             "-isystem", a.libc, "-I", a.include, "-c", src, "-o", obj])
        objs.append(obj)
    whole = os.path.join(a.out, "fat.o")
    run(["ld.lld", "-r", "-o", whole, *objs])
    undefined = set(run(["llvm-nm", "-u", "--format=just-symbols",
                         whole]).split())
    extra = sorted(undefined - ALLOWED)
    if extra:
        print(f"FAIL: the engine needs {', '.join(extra)}")
        sys.exit(1)
    print(f"PASS: needs only {', '.join(sorted(undefined)) or 'nothing'}")


if __name__ == "__main__":
    main()
