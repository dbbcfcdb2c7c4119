"""Run every benchmark in this folder (`bench/*.py` with a `main()`), or those named."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[str]:
    """The modules beside this one, found rather than listed: a new file is a new benchmark.
    Each has a `main()`, plain or async, that runs with its defaults and prints its figures."""
    return sorted(path.stem for path in HERE.glob("*.py") if not path.stem.startswith("_"))


def run(names: list[str]) -> int:
    failed = []
    for name in names:
        print(f"== bench.{name} " + "=" * max(0, 80 - len(name) - 10), flush=True)
        started = time.perf_counter()
        arguments, sys.argv = sys.argv, [f"bench.{name}"]  # a main() reading argv sees only its own
        try:
            main = importlib.import_module(f"bench.{name}").main
            result = main()
            if inspect.iscoroutine(result):
                asyncio.run(result)
        except SystemExit as exit_:  # one benchmark's sys.exit does not stop the others
            if exit_.code not in (None, 0):
                failed.append(name)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        finally:
            sys.argv = arguments
        print(f"(bench.{name}: {time.perf_counter() - started:.1f} s)\n", flush=True)
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def cli(argv: list[str]) -> int:
    known = benchmarks()
    unknown = [name for name in argv if name not in known]
    if unknown:
        print(f"No benchmark {', '.join(unknown)}; there are: {', '.join(known)}", file=sys.stderr)
        return 2
    return run(argv or known)


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
