"""The peak resident memory of one command, counted as its own.

``ru_maxrss`` (``wait4``, ``RUSAGE_CHILDREN``) cannot say it: Linux carries the forking
parent's resident size into the child's high-water mark across ``exec``, so a command started
by a pytest process of 400 MB reports at least 400 MB whatever it does, and RUSAGE_CHILDREN is
the largest child ever (a browser, a worker). The command runs instead under a small wrapper
that reads ``VmHWM`` (the high-water mark of the memory it mapped after ``exec``) from
``/proc/self/status`` as the interpreter exits.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

_WRAPPER = """
import atexit, runpy, sys

def _report(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w") as out:
                    out.write(line.split()[1])

atexit.register(_report)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def command_with_peak(script: Path, *args: str, report: Path) -> list[str]:
    """The command line running ``python script args…`` that writes its own peak RSS (kB)
    to ``report`` as it exits (for ``subprocess.Popen``; see :func:`read_peak_mb`)."""
    return [sys.executable, "-c", _WRAPPER, str(report), str(script), *args]


def read_peak_mb(report: Path) -> float:
    kb = report.read_text().strip() if report.exists() else ""
    return int(kb) / 1024 if kb else float("nan")


def run_with_peak(script: Path, *args: str, **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    """``python script args…`` (``subprocess.run`` keyword arguments), and its peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        run = subprocess.run(command_with_peak(script, *args, report=Path(peak.name)), **kwargs)
        return run, read_peak_mb(Path(peak.name))
