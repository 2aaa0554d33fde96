"""The coverage MIP (`coverage.solver.mip`) racing CP-SAT on the other core.

Imported by every solve, so it stays light: the MIP and MathOpt are imported only in the
MIP's own process."""

from __future__ import annotations

import contextlib
import ctypes
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from coverage.hard_rules import keeps_the_rules
from coverage.problem import StaffingProblem
from coverage.solver.objective import coverage_score

if TYPE_CHECKING:
    from coverage.solver.mip import MipResult

Pair = tuple[str, str]
_NOT_STARTED = object()  # a race whose process could not be started


class MipRace:
    """The coverage MIP solved on the other core while the caller runs CP-SAT, with
    a rule that keeps the rota the same whichever finishes first:

    - CP-SAT proves the optimum itself: its rota (the MIP is stopped);
    - the MIP proves an optimum first: CP-SAT goes on until it finds a rota of that
      value, which is the rota it would have ended with had it proven it (its rotas only
      improve), and stops there;
    - CP-SAT's time runs out short of that value: the MIP's proven rota;
    - neither proves: CP-SAT's rota and bound (the MIP's, which depend on when its wall
      clock stopped it, are not used).

    HiGHS runs in a process of its own, a fresh interpreter: it does not stop when asked
    to from another thread, and a process can be ended at once (not a fork: the MIP
    starts while CP-SAT's thread runs, and forking a process with running threads is
    unsafe).
    """

    def __init__(
        self,
        problem: StaffingProblem,
        commitments: int | None,
        hint: Iterable[Pair],
        seconds: float,
    ):
        self._problem = problem
        self._seconds = seconds
        self._commitments = commitments
        self._hint = frozenset(hint)
        self._result: MipResult | None = None
        self._optimum: int | None = None
        self.done = threading.Event()
        self._process: Any = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        """Whether a race may start (tests turn it off to see CP-SAT alone)."""
        return True

    @property
    def started(self) -> bool:
        """Whether the race was started (or tried to start)."""
        return self._process is not None

    def start(self, elapsed: float = 0.0) -> None:
        """Start the MIP, with what is left of the step's time `elapsed` seconds into it."""
        from coverage.solver.mip import MipResult

        seconds = max(0.05, self._seconds - elapsed)
        order = pickle.dumps((self._problem, self._commitments, self._hint, seconds))
        # The child starts as `python -P -m coverage.solver.race` (-P: the current folder
        # is not searched for modules), so that nothing of the caller's main module runs
        # again there; it reads its order on stdin and answers on stdout.
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", "coverage.solver.race"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError):
            self._process = _NOT_STARTED  # no process to be had: CP-SAT decides alone
            self.done.set()
            return
        process = self._process

        def wait() -> None:
            try:
                answer, _ = process.communicate(order)
                chosen, proven, elapsed = pickle.loads(answer)
                result = MipResult(None if chosen is None else frozenset(chosen), proven, elapsed)
                # Trusted only when it keeps every rule, judged pair by pair.
                if result.proven and result.chosen is not None:
                    if keeps_the_rules(self._problem, result.chosen):
                        self._optimum = coverage_score(self._problem, result.chosen)
                    else:
                        result = MipResult(result.chosen, False, result.seconds)
                self._result = result
            except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError):
                self._result = None  # stopped, or failed: CP-SAT decides
            finally:
                self.done.set()

        self._thread = threading.Thread(target=wait, name="highs", daemon=True)
        self._thread.start()

    @property
    def optimum(self) -> int | None:
        """The coverage the MIP proved optimal (None until then, or if it does not)."""
        return self._optimum if self.done.is_set() else None

    def stop(self) -> None:
        if self._process not in (None, _NOT_STARTED) and self._process.poll() is None:
            self._process.kill()

    def result(self) -> MipResult | None:
        """Wait for the MIP and return what it found (None when it failed or was stopped)."""
        if self._thread is not None:
            self._thread.join()
        if self._process not in (None, _NOT_STARTED):
            self._process.wait()
        return self._result


def _main() -> None:
    """The MIP's process: an order on stdin, the answer on stdout. Ctrl-C is the
    parent's to handle, and the process ends with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    problem, commitments, hint, seconds = pickle.loads(sys.stdin.buffer.read())
    try:
        from coverage.solver.mip import CoverageMip

        result = CoverageMip(problem, commitments).solve(seconds, hint)
        chosen = None if result.chosen is None else sorted(result.chosen)
        answer = (chosen, result.proven, result.seconds)
    except Exception:  # a failing MIP never fails a plan: CP-SAT decides
        answer = (None, False, 0.0)
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    _main()
