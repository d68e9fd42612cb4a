#!/usr/bin/env python3
"""The out-of-tree test of the SDK (ctest label sdk): what a user does
with the installed SDK, step by step, each of which must succeed.

    tests/sdk/run.py --build-dir build [--keep]

  1. cmake --install the build into a temporary prefix;
  2. copy sdk/examples/hello-server to a temporary directory, configure it
     there against the prefix (find_package(Pith)) and build it; its build
     files must not mention the Pith source tree; the same for
     tests/sdk/libc-check, the C library's checks on a running system;
  3. pith-image: the installed system plus the example's server, client
     and manifest lines, and libc-check three times (its checks, a double
     free, a failed assert);
  4. pith-run: boot it in QEMU, and see the server start, the client
     print its greetings and exit with status 0, libc-check pass, and the
     other two end with status 134 and their messages;
  5. the example's own test (ctest in its build), as the tutorial runs
     it: its image target and another boot.

The output of every step goes to <build>/tests/sdk/<step>.log (the boot's
is the serial output); the temporary directory is removed unless --keep.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "sdk", "examples", "hello-server")
LIBC_CHECK = os.path.join(ROOT, "tests", "sdk", "libc-check")

# What the boot must show: the server's start, both greetings (the
# manifest gives the client two names), and the client's clean exit.
EXPECT = [
    "hello-server: ready",
    "hello-client: hello, world (greeting 1)",
    "hello-client: hello, Pith (greeting 2)",
    "hello-client exited with status 0",
    "libc-check: 6 cases, 0 failed",
    "libc-check exited with status 0",
    "): double free",
    "libc-abort exited with status 134",
    "assertion failed: argc == 1 (",
    "libc-assert exited with status 134",
]
FAIL = ["hello-client: greet", "hello-client: no capability",
        "hello-server: no service endpoint", "libc-check: FAILED",
        "went unnoticed", "a failed assert went on"]

# libc-check's lines for the manifest: the checks (with room for the
# heap to grow and run out), and the two ways it must end with 134.
LIBC_LINES = [
    "libc-check   libc-check  priority=80 memory=2M slots=1024 debug "
    "restart=0",
    "libc-abort   libc-check  priority=80 memory=64K debug restart=0 "
    "args=double-free",
    "libc-assert  libc-check  priority=80 memory=64K debug restart=0 "
    "args=assert",
]


class StepFailed(Exception):
    pass


def step(name, cmd, logdir, env=None):
    """Run one step; its output goes to <logdir>/<name>.log."""
    log = os.path.join(logdir, f"{name}.log")
    print(f"sdk: {name}: {' '.join(cmd)}", flush=True)
    with open(log, "w", encoding="utf-8") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                           env=env, check=False)
    if r.returncode != 0:
        with open(log, encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        raise StepFailed(f"{name} failed (status {r.returncode}); "
                         f"{log}:\n{tail}")


def clean_env():
    """The environment without anything that could point CMake at the
    tree instead of the installed SDK."""
    env = dict(os.environ)
    for var in ("CMAKE_PREFIX_PATH", "Pith_DIR", "PITH_DIR",
                "CMAKE_TOOLCHAIN_FILE", "CMAKE_GENERATOR"):
        env.pop(var, None)
    return env


def check_no_tree_paths(build):
    """Nothing in the example's build may come from the source tree."""
    for name in ("build.ninja", "CMakeCache.txt"):
        with open(os.path.join(build, name), encoding="utf-8") as f:
            text = f.read()
        if ROOT + os.sep in text:
            line = next(l for l in text.splitlines() if ROOT + os.sep in l)
            raise StepFailed(f"{name} of the out-of-tree build refers to "
                             f"the source tree:\n  {line.strip()}")


def project(name, source, work, prefix, logdir, env, programs):
    """Copy a project out of the tree, configure and build it against the
    installed SDK: its build directory."""
    src = os.path.join(work, name)
    build = os.path.join(work, f"{name}-build")
    shutil.copytree(source, src,
                    ignore=shutil.ignore_patterns("build*", "*.img"))
    step(f"{name}-configure", ["cmake", "-S", src, "-B", build, "-G",
                               "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}"],
         logdir, env)
    step(f"{name}-build", ["cmake", "--build", build], logdir, env)
    check_no_tree_paths(build)
    for program in programs:
        if not os.path.isfile(os.path.join(build, program)):
            raise StepFailed(f"{name}: the build made no {program}")
    return src, build


def run(build_dir, work, logdir, timeout):
    prefix = os.path.join(work, "prefix")
    image = os.path.join(work, "hello.img")
    env = clean_env()

    step("install", ["cmake", "--install", build_dir, "--prefix", prefix],
         logdir, env)
    src, build = project("hello-server", EXAMPLE, work, prefix, logdir, env,
                         ["hello-server", "hello-client"])
    _, libc_build = project("libc-check", LIBC_CHECK, work, prefix, logdir,
                            env, ["libc-check"])
    cmd = [os.path.join(prefix, "bin", "pith-image"), "--out", image,
           "--program", os.path.join(build, "hello-server"),
           "--program", os.path.join(build, "hello-client"),
           "--manifest", os.path.join(src, "hello.manifest"),
           "--program", os.path.join(libc_build, "libc-check")]
    for line in LIBC_LINES:
        cmd += ["--line", line]
    step("image", cmd, logdir, env)
    cmd = [os.path.join(prefix, "bin", "pith-run"), image,
           "--timeout", str(timeout)]
    for text in EXPECT:
        cmd += ["--expect", text]
    for text in FAIL:
        cmd += ["--fail", text]
    step("boot", cmd, logdir, env)
    # The project's own test, as the tutorial runs it: its image target
    # (pith-image again) and a boot.
    step("ctest", ["ctest", "--test-dir", build, "--output-on-failure"],
         logdir, env)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", required=True,
                   help="the tree's (host) build directory")
    p.add_argument("--timeout", type=int, default=300,
                   help="seconds the boot may take")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory")
    a = p.parse_args()
    build_dir = os.path.abspath(a.build_dir)
    logdir = os.path.join(build_dir, "tests", "sdk")
    os.makedirs(logdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="pith-sdk-test-")
    try:
        run(build_dir, work, logdir, a.timeout)
    except StepFailed as e:
        print(f"sdk: FAIL: {e}", file=sys.stderr)
        return 1
    finally:
        if a.keep:
            print(f"sdk: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("sdk: PASS: the example and libc-check build out of tree, boot "
          "and pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
