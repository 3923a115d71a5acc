"""Run a module or a script in this process, then report its peak resident set (VmHWM) on stderr.

    python bench/_peak.py -m game check DIR
    python bench/_peak.py path/to/script.py ARGS
    python bench/_peak.py -c CODE

`ru_maxrss` of a child is useless here: Linux carries the parent's high-water mark across fork and
exec. VmHWM belongs to the process's own address space, which exec replaces.
"""

import atexit
import runpy
import sys


def vmhwm_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def report() -> None:
    sys.stdout.flush()
    print(f"PEAK_KB {vmhwm_kb()}", file=sys.stderr, flush=True)


def main() -> None:
    # at exit, however the command ends: `dayjob check` ends its process itself once done (os._exit, after
    # running what is registered here; game/authoring/check.py)
    atexit.register(report)
    args = sys.argv[1:]
    code = 0
    try:
        if args[0] == "-c":
            sys.argv = ["-c", *args[2:]]
            exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
        elif args[0] == "-m":
            sys.argv = [args[1], *args[2:]]
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = args
            runpy.run_path(args[0], run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
