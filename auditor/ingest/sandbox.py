"""Run a parser in a child process with hard limits on its CPU time and memory.

pdfminer's time and memory grow with the operators of a PDF's content streams, not with the text
it yields: 10 MB of ``q`` operators (a 10 KB file) took 60 s and 2 GB without a line of text. No
check made before parsing can bound that, so the PDF parser runs in a forked child whose CPU time
(``RLIMIT_CPU``) and address space (``RLIMIT_AS``) the kernel limits; a child over either is
stopped, and the file is refused with one line. The limits are set by AUDITOR_PARSER_CPU_SECONDS
(default 120) and AUDITOR_PARSER_MEMORY_BYTES (default 1.5 GB above what the auditor already
uses). Where ``os.fork`` is not available the parser runs in this process, unlimited.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

from auditor.errors import InputError

CPU_SECONDS = int(os.environ.get("AUDITOR_PARSER_CPU_SECONDS") or 120)
MEMORY_BYTES = int(os.environ.get("AUDITOR_PARSER_MEMORY_BYTES") or 1536 * 1024 * 1024)
# AUDITOR_PARSER_SANDBOX=0 parses in this process (for the fuzzer, which must see the parser's
# coverage, and sets its own limits on time and memory).
SANDBOX = os.environ.get("AUDITOR_PARSER_SANDBOX", "1") != "0"


def run_limited(path: str, parse: Callable[..., Any], *args: Any, what: str) -> Any:
    """``parse(path, *args)`` in a child process within the limits; its InputError is raised here.
    (``os.fork`` rather than multiprocessing: a batch's workers are daemonic processes, which
    multiprocessing does not let have children.)"""
    if not (SANDBOX and hasattr(os, "fork")):
        return parse(path, *args)
    address_space = _address_space() + MEMORY_BYTES
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(readable)
        _child(writable, parse, path, args, address_space)
    os.close(writable)
    try:
        with os.fdopen(readable, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C, or the batch stopping this worker: no parser left running
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    kind, value = _outcome(payload, signalled)
    if kind == "ok":
        return value
    if kind == "input":
        raise InputError(*value)
    if kind == "memory":
        raise InputError(path, f"needs over {MEMORY_BYTES >> 20} MB of memory to read as {what} (a crafted or "
                         "damaged file)", "export it again, or raise AUDITOR_PARSER_MEMORY_BYTES if it is genuine")
    if kind == "died" and value in (signal.SIGXCPU, signal.SIGKILL):
        raise InputError(path, f"was stopped after {CPU_SECONDS} s of reading as {what}, or out of memory (a crafted "
                         "or damaged file)", "export it again, or raise AUDITOR_PARSER_CPU_SECONDS if it is genuine")
    if kind == "died":
        raise InputError(path, f"crashed the {what} reader ({_death(value, status)})", "export it again")
    raise RuntimeError(value)  # a bug in the parser: shown as such, not blamed on the file


def _outcome(payload: bytes, signalled: int | None) -> tuple[str, Any]:
    """What the child sent; a child stopped while it wrote sent only part of it."""
    if signalled is None and payload:
        try:
            return pickle.loads(payload)
        except (pickle.UnpicklingError, EOFError, ValueError):
            pass
    return "died", signalled


def _death(signalled: int | None, status: int) -> str:
    if signalled is not None:
        return f"killed by {signal.Signals(signalled).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _address_space() -> int:
    """This process's virtual size: the child starts with the same, and its limit is on top."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(writable: int, parse: Callable[..., Any], path: str, args: tuple, address_space: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))  # SIGXCPU, then SIGKILL
        if address_space > MEMORY_BYTES:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        try:
            outcome: tuple[str, Any] = ("ok", parse(path, *args))
        except InputError as exc:
            outcome = ("input", (exc.path, exc.problem, exc.hint))
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        with os.fdopen(writable, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # no atexit handlers or finalisers of the parent's state in the child
