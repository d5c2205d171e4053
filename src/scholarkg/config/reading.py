"""The bytes of a config file: a file of bounded size, never a pipe waited on or a device read
for ever."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from scholarkg.errors import ConfigError

CONFIG_BYTES = 16 * 1024 * 1024
"""The largest config file read (16 MiB): the defaults are 8 kB, and a config listing ten
thousand profiles and people some 2 MB; past it, a file is not a config (``/dev/zero``)."""

_NOT_A_FILE = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def config_bytes(path: Path) -> bytes:
    """The bytes of the config file ``path``; a ConfigError naming it when it is missing or
    unreadable, a pipe, device or socket (opened without waiting for a writer: a pipe is
    never waited on), or larger than :data:`CONFIG_BYTES`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    try:
        kind = _NOT_A_FILE.get(stat.S_IFMT(os.fstat(fd).st_mode))
        if kind is not None:
            raise ConfigError(f"{path}: {kind}, not a file: a config file is read whole")
        os.set_blocking(fd, True)
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > CONFIG_BYTES:
        raise ConfigError(
            f"{path}: config file larger than {CONFIG_BYTES} bytes: not read further (no config "
            "is near that size)"
        )
    return data
