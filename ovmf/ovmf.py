"""Finding the OVMF firmware that boots Pith in QEMU.

Order of precedence:
  1. PITH_OVMF_CODE and PITH_OVMF_VARS: the two files, named explicitly;
  2. PITH_OVMF_DIR: a directory holding OVMF_CODE_4M.fd and OVMF_VARS_4M.fd
     (or the 2 MiB OVMF_CODE.fd and OVMF_VARS.fd);
  3. Debian's ovmf package (/usr/share/OVMF), then other distributions'
     usual places.
Every run gets a fresh copy of the variable store, so no boot entry or
setting survives from one run to the next.
"""
import os
import shutil

PAIRS = (("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"),
         ("OVMF_CODE.fd", "OVMF_VARS.fd"))
DIRS = ("/usr/share/OVMF", "/usr/share/ovmf", "/usr/share/edk2/ovmf",
        "/usr/share/edk2/x64", "/usr/share/qemu")


class OvmfNotFound(Exception):
    pass


def _in_dir(d):
    for code, vars_ in PAIRS:
        c, v = os.path.join(d, code), os.path.join(d, vars_)
        if os.path.isfile(c) and os.path.isfile(v):
            return c, v
    return None


def find():
    """(code, vars_template) paths, or raise OvmfNotFound."""
    code = os.environ.get("PITH_OVMF_CODE")
    vars_ = os.environ.get("PITH_OVMF_VARS")
    if code or vars_:
        for name, path in (("PITH_OVMF_CODE", code),
                           ("PITH_OVMF_VARS", vars_)):
            if not path or not os.path.isfile(path):
                raise OvmfNotFound(f"{name}={path or ''}: not a file "
                                   "(set both PITH_OVMF_CODE and "
                                   "PITH_OVMF_VARS)")
        return code, vars_
    d = os.environ.get("PITH_OVMF_DIR")
    if d:
        found = _in_dir(d)
        if not found:
            raise OvmfNotFound(f"PITH_OVMF_DIR={d}: no OVMF_CODE*/OVMF_VARS* "
                               "pair there")
        return found
    for d in DIRS:
        found = _in_dir(d)
        if found:
            return found
    raise OvmfNotFound("OVMF not found: apt-get install ovmf (tools/setup "
                       "does), or set PITH_OVMF_DIR")


def fresh_vars(template, directory):
    """A private, writable copy of the variable store in `directory`."""
    path = os.path.join(directory, "OVMF_VARS.fd")
    shutil.copyfile(template, path)
    os.chmod(path, 0o644)
    return path
