"""A throwaway PostgreSQL server for the test session, from the machine's own binaries (Debian's ``postgresql``).

initdb refuses to run as root, so under root (as in CI) the server runs as the ``postgres``
system user the package creates.  Trust authentication on 127.0.0.1 only; fsync off (a
test server's durability is not under test — the store's transactions are).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path


def binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, folder: Path):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")

    def _run(self, *args) -> None:
        done = subprocess.run([*self._as, *map(str, args)], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> str:
        self._run(self.bin / "initdb", "-D", self.data, "-U", "csxl", "--auth=trust", "-E", "UTF8", "--no-instructions")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder} -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "server.log", "-w", "start")
        return self.url("postgres")

    def url(self, database: str, user: str = "csxl") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
