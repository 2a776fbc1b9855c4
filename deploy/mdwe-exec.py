#!/usr/bin/python3
"""Runs a command under the seccomp filter systemd installs for MemoryDenyWriteExecute=yes.

Usage: deploy/mdwe-exec.py COMMAND [ARG]...   the command, with the filter in force
       deploy/mdwe-exec.py --self-test         shows that the filter refuses a writable and
                                               executable mapping (exit 0 when it does)

systemd 252 (Debian 12) implements MemoryDenyWriteExecute with a seccomp filter rather than the
kernel's PR_SET_MDWE: mmap with PROT_WRITE and PROT_EXEC together, mprotect and pkey_mprotect with
PROT_EXEC, and shmat with SHM_EXEC fail with EPERM. The same rules are loaded here (Debian's
python3-seccomp), so a binary can be checked against the unit's setting where systemd is not PID 1
(a container, CI). The Debian package's test runs the installed service through this when the unit
sets MemoryDenyWriteExecute=yes.
"""
import ctypes
import errno
import mmap
import os
import sys

import seccomp

PROT_WRITE = 0x2
PROT_EXEC = 0x4
SHM_EXEC = 0o100000


def install():
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)  # sets no_new_privs, as the unit does
    refuse = seccomp.ERRNO(errno.EPERM)
    f.add_rule(refuse, 'mmap', seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC))
    f.add_rule(refuse, 'mprotect', seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
    f.add_rule(refuse, 'pkey_mprotect', seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
    f.add_rule(refuse, 'shmat', seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
    f.load()


def self_test():
    install()
    refused = []
    try:
        mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except PermissionError:
        refused.append('mmap(PROT_WRITE|PROT_EXEC)')
    libc = ctypes.CDLL(None, use_errno=True)
    page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    if libc.mprotect(ctypes.c_void_p(address), ctypes.c_size_t(4096), mmap.PROT_READ | mmap.PROT_EXEC) != 0 \
            and ctypes.get_errno() == errno.EPERM:
        refused.append('mprotect(PROT_EXEC)')
    print('mdwe-exec: refused ' + (', '.join(refused) if refused else 'nothing'))
    return 0 if len(refused) == 2 else 1


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if sys.argv[1] == '--self-test':
        return self_test()
    install()
    os.execv(sys.argv[1], sys.argv[1:])
    return 127


if __name__ == '__main__':
    sys.exit(main())
