"""Running the real `csxl` command line the way a clerk's shell would: a clean environment, Chinese by default."""

import subprocess


def run(cmd, *args, cwd=None, lang="zh"):
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "CSXL_LANG": lang})
