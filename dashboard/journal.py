"""The writer's protocol: one lock, a journal for writes that touch several files, and recovery after a crash.

Every command and page that writes (``add-source``, the Curate page's saves, ``release``, ``recover``) does the same:

1. **lock**: it takes the package's lock (``<data>/.history/.lock``) *before* it reads what it will change, so ids
   and release names are allocated under the lock and two writers never interleave (:func:`locked`);
2. **recover**: with the lock held, it finishes or undoes whatever an earlier writer left when it was killed
   (:func:`recover`), so it starts from a whole package;
3. **read and allocate**: it reads the files it will change and allocates the next id or checks the name;
4. **stage**: it writes every new file (or release directory) under a hidden staging name beside its target
   (``.<name>.staged-<pid>-<random>``), fsynced (:func:`stage_file`, :func:`staging_dir`);
5. **commit**: it writes the journal (``<data>/.history/journal.json``: each staged name and its target), fsynced,
   then renames each staged file over its target, then removes the journal (:func:`commit`).

A process killed at any point leaves one of two states, and the next writer (or ``python -m dashboard recover``)
knows which: without a journal nothing was committed, and the staged files are removed (rolled back); with a journal
everything was staged, and the renames not yet done are done (completed). ``python -m dashboard check`` names the
repair command while either is pending (:func:`problems`).

Free of heavy imports: the command line calls it before anything else.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from dashboard import guard, oneline

#: where the lock, the journal and the previous versions live, inside the data directory (ignored by git)
HISTORY_DIR = ".history"
LOCK_NAME = ".lock"
JOURNAL_NAME = "journal.json"
ORPHANS_DIR = "orphans"
#: how long a writer waits for another writer to finish
LOCK_TIMEOUT_S = 60.0
#: the command that repairs a package after a crash (check names it)
REPAIR = "python -m dashboard recover"
#: a staged file or directory: hidden, beside its target, named after it
STAGED = re.compile(r"\.(?P<target>.+)\.staged-[0-9]+-[0-9a-f]+")
#: a seed file as add-source names it
SEED_NAME = re.compile(r"[0-9]{3,}_(?P<prefix>[0-9a-f]{16})\.txt")
#: a test hook: kill this process at the named point of :func:`commit` ("staged", "journaled" or "moved")
KILL_ENV = "DASHBOARD_JOURNAL_TEST_KILL"


class WriteError(Exception):
    """A write that cannot be done or recovered: the message is one line, for the user."""


# --------------------------------------------------------------------------
# the lock


_HELD = threading.local()


@contextmanager
def locked(data_dir: Path | str, seeds_dir: Path | str | None = None, timeout: float = LOCK_TIMEOUT_S) -> Iterator[list[str]]:
    """Hold the package's write lock (across processes and threads; re-entrant within one thread), after recovering
    what an interrupted writer left. Yields the recovery's messages (empty when there was nothing to do)."""
    from filelock import FileLock, Timeout

    history = Path(data_dir) / HISTORY_DIR
    history.mkdir(parents=True, exist_ok=True)
    key = str((history / LOCK_NAME).resolve())
    held: dict[str, int] = getattr(_HELD, "locks", None) or {}
    _HELD.locks = held
    if held.get(key):
        held[key] += 1
        try:
            yield []
        finally:
            held[key] -= 1
        return
    lock = FileLock(key, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise WriteError(f"another writer holds the lock ({_shown(history / LOCK_NAME)}) for more than {timeout:g} s; "
                         "try again") from None
    held[key] = 1
    try:
        yield recover(data_dir, seeds_dir)
    finally:
        held[key] = 0
        lock.release()


def holding(data_dir: Path | str) -> bool:
    """Does this thread hold the package's lock?"""
    key = str((Path(data_dir) / HISTORY_DIR / LOCK_NAME).resolve())
    return bool((getattr(_HELD, "locks", None) or {}).get(key))


# --------------------------------------------------------------------------
# staging


def _fsync_dir(directory: Path) -> None:
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def staged_name(target: Path) -> Path:
    """A fresh hidden staging name beside ``target``."""
    return target.with_name(f".{target.name}.staged-{os.getpid()}-{secrets.token_hex(4)}")


def stage_file(target: Path, data: bytes) -> Path:
    """Write ``data`` fsynced under a staging name beside ``target`` (keeping ``target``'s permissions); its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = staged_name(target)
    with open(staged, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    if target.exists():
        shutil.copymode(target, staged)
    return staged


def staging_dir(target: Path) -> Path:
    """A new, empty staging directory beside ``target`` (readable by everyone who reads the data)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = staged_name(target)
    staged.mkdir(mode=0o755)
    return staged


def _alive(pid: str) -> bool:
    """Is process ``pid`` running (on this machine)?"""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:  # running, as another user
        return True
    return True


def _kill_point(name: str, data_dir: Path) -> None:
    """Tests kill the process here (never set in use): ``KILL_ENV`` = the point, or ``point@DIR`` for a commit into
    the data directory DIR only (not into a trial copy)."""
    wanted = os.environ.get(KILL_ENV)
    if wanted == name or (wanted and wanted.partition("@")[0] == name
                          and Path(wanted.partition("@")[2]).resolve() == Path(data_dir).resolve()):
        os.kill(os.getpid(), signal.SIGKILL)


# --------------------------------------------------------------------------
# the journal


@dataclass
class Move:
    """One rename of a commit: a staged file or directory onto its target (or a file retired into the history)."""

    staged: Path
    target: Path


@dataclass
class Journal:
    operation: str
    moves: list[Move] = field(default_factory=list)


def _journal_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / HISTORY_DIR / JOURNAL_NAME


def _relative(data_dir: Path, path: Path) -> str:
    return os.path.relpath(path.resolve(), data_dir.resolve())


def commit(data_dir: Path | str, operation: str, moves: list[Move]) -> None:
    """Make a multi-file write whole: journal the staged files, rename each onto its target, drop the journal.

    Call with the lock held and every staged file already written and fsynced."""
    data_dir = Path(data_dir)
    if not holding(data_dir):
        raise WriteError("internal error: a commit without the package's lock")
    from dashboard.paths import write_atomic

    _kill_point("staged", data_dir)
    journal = {"operation": oneline.escape(operation),
               "moves": [{"staged": _relative(data_dir, m.staged), "target": _relative(data_dir, m.target)} for m in moves]}
    write_atomic(_journal_path(data_dir), (json.dumps(journal, indent=1) + "\n").encode("utf-8"))
    _kill_point("journaled", data_dir)
    _apply(data_dir, moves)
    _journal_path(data_dir).unlink(missing_ok=True)
    _fsync_dir(_journal_path(data_dir).parent)


def _apply(data_dir: Path, moves: list[Move]) -> None:
    for number, move in enumerate(moves):
        if not os.path.lexists(move.staged):
            continue  # done before the crash
        move.target.parent.mkdir(parents=True, exist_ok=True)
        if move.staged.is_dir() and not move.staged.is_symlink():
            if move.target.exists():
                raise WriteError(f"cannot complete the write: {_shown(move.target)} exists; move it aside and run {REPAIR}")
            os.rename(move.staged, move.target)
        else:
            try:
                os.replace(move.staged, move.target)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                # a file retired from a seeds directory on another file system: copied whole, then removed
                temp = staged_name(move.target)
                shutil.copy2(move.staged, temp)
                os.replace(temp, move.target)
                os.unlink(move.staged)
        _fsync_dir(move.target.parent)
        if number == 0:
            _kill_point("moved", data_dir)


def _read_journal(data_dir: Path, roots: list[Path]) -> Journal:
    path = _journal_path(data_dir)
    try:
        raw = guard.read_json(path)
        operation = raw["operation"]
        moves = []
        for item in raw["moves"]:
            staged, target = data_dir / item["staged"], data_dir / item["target"]
            # a journal only ever moves files within the package's own directories, and never by a symlink's way
            if not all(any(guard.inside(root, end.parent) for root in roots) for end in (staged, target)):
                raise ValueError(f"moves {item['target']} outside the data and seeds directories")
            if not STAGED.fullmatch(staged.name) and HISTORY_DIR not in PurePosixPath(item["target"]).parts:
                raise ValueError(f"{item['staged']} is not a staged name")
            moves.append(Move(staged, target))
    except guard.JsonProblem as exc:
        raise WriteError(f"{_shown(path)}: {exc}; see the README's Security section to repair it by hand") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise WriteError(f"{_shown(path)}: not a journal ({oneline.escape(exc)}); see the README's Security "
                         "section to repair it by hand") from None
    return Journal(str(operation), moves)


def seeds_dir_of(data_dir: Path | str, seeds_dir: Path | str | None = None) -> Path:
    """The seeds directory (see :func:`dashboard.paths.seeds_dir_of`, the one place that says where they live)."""
    from dashboard import paths

    return paths.seeds_dir_of(data_dir, seeds_dir)


def _roots(data_dir: Path, seeds_dir: Path | str | None) -> list[Path]:
    return [data_dir, seeds_dir_of(data_dir, seeds_dir)]


def _staged_leftovers(roots: list[Path]) -> list[Path]:
    """Staged files and directories no journal will move: in the data and seeds directories and data/releases/."""
    found = []
    directories = [*roots, roots[0] / "releases"]
    for directory in dict.fromkeys(directories):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        found += [Path(e.path) for e in entries if STAGED.fullmatch(e.name)]
    return sorted(found)


def recover(data_dir: Path | str, seeds_dir: Path | str | None = None) -> list[str]:
    """Finish the write a journal records, or remove staged files no journal records; one message per repair.

    Call with the lock held (:func:`locked` does)."""
    data_dir = Path(data_dir)
    roots = _roots(data_dir, seeds_dir)
    messages = []
    if _journal_path(data_dir).exists():
        journal = _read_journal(data_dir, roots)
        _apply(data_dir, journal.moves)
        _journal_path(data_dir).unlink(missing_ok=True)
        _fsync_dir(_journal_path(data_dir).parent)
        messages.append(f"completed the interrupted {journal.operation}")
    for leftover in _staged_leftovers(roots):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        messages.append(f"rolled back an interrupted write: removed {_shown(leftover)}")
    for overlay in (data_dir / HISTORY_DIR).glob("overlay-*-*"):  # a killed save's validation copy (hard links)
        if not _alive(overlay.name.split("-")[1]):
            shutil.rmtree(overlay, ignore_errors=True)
    return messages


# --------------------------------------------------------------------------
# what check reports, and the recover command


def listed_seed_files(seeds_dir: Path) -> set[str] | None:
    """The ``file`` column of the seeds' provenance table (None when it cannot be read)."""
    import csv

    try:
        with open(seeds_dir / "provenance.csv", encoding="utf-8-sig", newline="") as handle:
            return {row.get("file") or "" for row in csv.DictReader(handle)}
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def orphan_seeds(seeds_dir: Path) -> list[Path]:
    """Seed files named as add-source names them that no provenance row lists: left by an add-source killed
    between the seed and its row (before this protocol), or copied in by hand."""
    listed = listed_seed_files(seeds_dir)
    if listed is None:
        return []
    try:
        names = sorted(e.name for e in os.scandir(seeds_dir) if e.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [seeds_dir / n for n in names if SEED_NAME.fullmatch(n) and n not in listed]


def problems(data_dir: Path | str, seeds_dir: Path | str | None = None) -> list[str]:
    """``path:row:field: message`` lines for an interrupted write: a journal not yet completed, staged files not
    yet removed, and seed files no provenance row lists. Each names the repair command."""
    data_dir = Path(data_dir)
    roots = _roots(data_dir, seeds_dir)
    out = []
    journal = _journal_path(data_dir)
    if journal.exists():
        out.append(f"{_shown(journal)}:0:-: an interrupted write is pending; run {REPAIR} (or the same command again) "
                   "to complete it")
    if journal.exists():  # what it will complete is not an orphan nor a leftover: one line, the journal's
        return [oneline.escape(line) for line in out]
    for leftover in _staged_leftovers(roots):
        out.append(f"{_shown(leftover)}:0:-: left by an interrupted write; run {REPAIR} (or the same command "
                   "again) to remove it")
    for orphan in orphan_seeds(roots[1]):
        out.append(f"{_shown(orphan)}:0:-: a seed file that provenance.csv does not list (an interrupted add-source?); "
                   f"run {REPAIR} to move it to {_shown(data_dir / HISTORY_DIR / ORPHANS_DIR)}/, then add-source it again")
    return [oneline.escape(line) for line in out]


def retire(data_dir: Path, path: Path) -> Move:
    """A move of ``path`` into ``<data>/.history/orphans/`` (kept, never deleted)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return Move(path, data_dir / HISTORY_DIR / ORPHANS_DIR / f"{path.name}.{stamp}")


def repair(data_dir: Path | str, seeds_dir: Path | str | None = None,
           leftovers: Callable[[Path], list[Path]] | None = None) -> list[str]:
    """``python -m dashboard recover``: under the lock, complete or roll back an interrupted write, move orphaned
    seed files into the history, and the directories ``leftovers(data_dir)`` names (the command passes
    :func:`dashboard.releases.unlisted`: the unlisted release directories an interrupted release left; the journal
    does not import the releases, which write through it)."""
    data_dir = Path(data_dir)
    with locked(data_dir, seeds_dir) as messages:
        messages = list(messages)
        seeds = seeds_dir_of(data_dir, seeds_dir)
        moves = [retire(data_dir, orphan) for orphan in orphan_seeds(seeds)]
        moves += [retire(data_dir, d) for d in (leftovers(data_dir) if leftovers is not None else [])]
        if moves:
            commit(data_dir, "recover", moves)
            messages += [f"moved {_shown(m.staged)} to {_shown(m.target)}" for m in moves]
    return messages


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


__all__ = ["REPAIR", "Move", "WriteError", "commit", "locked", "problems", "recover", "repair", "stage_file", "staging_dir"]
