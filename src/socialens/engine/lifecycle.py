"""How worker processes start and end: without re-running the user's script, never outliving their parent.

Two traps of ``multiprocessing`` outside a ``python -m`` program:

* A worker started by spawn or a fork server runs the parent's ``__main__`` file again to find
  the functions it may be sent. A plain script without an ``if __name__ == "__main__":`` guard
  then opens the store again in every worker (``StoreBusyError``) and the pool breaks. When the
  work is socialens's own (nothing pickled refers to ``__main__``), ``workers_skip_main`` starts
  the workers without re-running it, as ``multiprocessing`` already does for ``__main__.py``.
* A worker blocked on its task queue does not notice its parent was killed (SIGKILL, or SIGTERM
  before any handler ran): it holds its memory (a loaded model) for a minute or more.
  ``watch_parent`` ends the worker as soon as the parent is gone (a pidfd on Linux, else polling).
"""

from __future__ import annotations

import os
import pickle
import select
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from typing import Any

# Exit status of a worker whose parent died (128 + SIGHUP, as a shell would report a hang-up).
ORPHANED_EXIT = 129
_POLL_S = 0.5


def refers_to_main(obj: Any) -> bool:
    """Whether unpickling ``obj`` needs the ``__main__`` module (a function defined in the script)."""
    try:
        return b"__main__" in pickle.dumps(obj)
    except Exception:  # not picklable by reference: leave the standard behaviour alone
        return True


@contextmanager
def workers_skip_main(skip: bool = True) -> Iterator[None]:
    """Processes started inside this block do not run the ``__main__`` script again.

    ``multiprocessing`` re-runs ``__main__`` by path unless its spec names a module; a spec named
    ``"__main__"`` is the one it leaves alone (``spawn._fixup_main_from_name``). Scripts run with
    ``python -m`` (a real module name) and interactive sessions (no file) are left as they are.
    """
    main = sys.modules.get("__main__")
    if not skip or main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield
        return
    main.__spec__ = ModuleSpec("__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


def watch_parent(parent_pid: int) -> None:
    """End this process (``os._exit``) as soon as ``parent_pid`` has ended; returns at once."""
    thread = threading.Thread(target=_exit_after, args=(parent_pid,), name="socialens-parent-watch", daemon=True)
    thread.start()


def _exit_after(pid: int) -> None:
    try:
        _wait_for_exit(pid)
    finally:
        os._exit(ORPHANED_EXIT)


def _wait_for_exit(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)  # readable once the process has ended; immune to pid reuse
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # not Linux 5.3+ or Python 3.9+: poll
        while _alive(pid):
            time.sleep(_POLL_S)
        return
    select.select([handle], [], [])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
