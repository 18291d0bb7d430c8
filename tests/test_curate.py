"""Curation: add-source's refusals and naming, saves validated against the whole package, atomic writes, the lock."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dashboard import curate, paths
from dashboard.__main__ import main as cli

from conftest import REPO, snapshot, open_app

TEXT = "Astana, 20 June 2022. On 17 June, President Tokayev said Kazakhstan would not recognise the republics.\n"


def add(package: curate.Package, tmp_path: Path, data: bytes, *flags: str) -> int:
    text = tmp_path / "new.txt"
    text.write_bytes(data)
    return cli(["add-source", str(text), "--data", str(package.data_dir), "--seeds", str(package.seeds_dir), *flags])


DATES = ("--title", "New text", "--published-from", "2022-06-20")


@pytest.mark.parametrize(("data", "flags", "message"), [
    (b"", DATES, "error: {file}: the file is empty"),
    (b"  \n\n", DATES, "error: {file}: the file is empty"),
    (b"caf\xe9 au lait", DATES, "error: {file}: not UTF-8 text (byte 3 cannot be decoded)"),
    (b"x" * (curate.MAX_TEXT_BYTES + 1), DATES, "error: {file}: 2,000,001 bytes is more than the 2,000,000 a text may have"),
    (TEXT.encode(), ("--title", "T", "--published-from", "2022-13-01"), "error: --published-from '2022-13-01' is not a date (YYYY-MM-DD)"),
    (TEXT.encode(), ("--title", "T", "--published-from", "20 June"), "error: --published-from '20 June' is not a date (YYYY-MM-DD)"),
    (TEXT.encode(), ("--title", "T", "--published-from", "2022-06-20", "--published-to", "2022-06-19"),
     "error: --published-to 2022-06-19 is before --published-from 2022-06-20"),
    (TEXT.encode(), (*DATES, "--kind", "blog"), "error: unknown --kind 'blog': one of news report, analysis, opinion, translation"),
    (TEXT.encode(), (*DATES, "--grade", "Z", "--grade-reason", "r"), "error: unknown --grade 'Z': one of A, B, C, D, E, F"),
    (TEXT.encode(), (*DATES, "--grade", "B"), "error: --grade needs --grade-reason: one line on why"),
    (TEXT.encode(), ("--title", " ", "--published-from", "2022-06-20"), "error: --title is required and may not be blank"),
])
def test_add_source_refuses_with_one_line_and_changes_nothing(project, tmp_path, capsys, data, flags, message) -> None:
    before = snapshot(project)
    assert add(project, tmp_path, data, *flags) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err == message.format(file=tmp_path / "new.txt") + "\n"
    assert snapshot(project) == before


def test_add_source_refuses_a_text_already_present(project, tmp_path, capsys) -> None:
    seed = sorted(project.seeds_dir.glob("*.txt"))[0]
    before = snapshot(project)
    assert add(project, tmp_path, seed.read_bytes(), *DATES) == 1
    source_id = next(r["source_id"] for r in csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8"))
                     if r["file"] == seed.name)
    assert capsys.readouterr().err == f"error: {tmp_path / 'new.txt'}: this text is already a seed, {source_id} ({seed.name})\n"
    assert snapshot(project) == before


def test_add_source_names_the_seed_appends_provenance_and_validates(project, tmp_path, capsys) -> None:
    rows = list(csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8")))
    number = max(int(r["source_id"][1:]) for r in rows) + 1
    assert add(project, tmp_path, TEXT.encode(), *DATES, "--published-to", "2022-06-21", "--author", "A. Writer",
               "--kind", "news report", "--grade", "C", "--grade-reason", "Unknown outlet.") == 0
    assert capsys.readouterr().out == f"S{number:03d}\n"
    name = f"{number:03d}_{hashlib.sha256(TEXT.encode()).hexdigest()[:16]}.txt"
    assert (project.seeds_dir / name).read_bytes() == TEXT.encode()
    added = list(csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8")))[-1]
    assert {k: added[k] for k in ("source_id", "file", "title", "author", "outlet", "kind", "published_from", "published_to",
                                  "reliability", "reliability_reason", "sha256")} == {
        "source_id": f"S{number:03d}", "file": name, "title": "New text", "author": "A. Writer", "outlet": "not stated",
        "kind": "news report", "published_from": "2022-06-20", "published_to": "2022-06-21", "reliability": "C",
        "reliability_reason": "Unknown outlet.", "sha256": hashlib.sha256(TEXT.encode()).hexdigest()}
    assert cli(["check", "--data", str(project.data_dir), "--seeds", str(project.seeds_dir)]) == 0


def test_add_source_command_runs_as_a_subprocess(project, tmp_path) -> None:
    text = tmp_path / "new.txt"
    text.write_text(TEXT, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "dashboard", "add-source", str(text), *DATES, "--data", str(project.data_dir),
                           "--seeds", str(project.seeds_dir)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "") and done.stdout.strip().startswith("S")


def _event(package: curate.Package, **changes) -> dict[str, str]:
    """A valid new events row citing the first seed (its quote taken from the seed's own text)."""
    sources = list(csv.DictReader((package.seeds_dir / "provenance.csv").open(encoding="utf-8")))
    seed = sources[0]
    text = (package.seeds_dir / seed["file"]).read_text(encoding="utf-8")
    quote = " ".join(text.split()[10:22])
    row = {"event_key": "curated_test_event", "date_from": seed["published_from"], "date_to": seed["published_from"],
           "date_source": "inferred", "date_note": "The seed's first day of publication (a test row).",
           "actor": "Kazakhstan government", "actor_detail": "Foreign Ministry",
           "counterpart": "Russia government", "domain": "diplomatic", "act": "context",
           "credibility": "3", "summary": "A test row", "source_id": seed["source_id"], "quote": quote}
    row.update(changes)
    return row


def test_an_accepted_row_is_written_and_the_previous_version_kept(project) -> None:
    path = project.file("events")
    before = path.read_bytes()
    saved, data = curate.add_rows(project, "events", [_event(project)])
    assert saved.ok and saved.written == [path] and path.read_bytes() == data
    assert data.startswith(before) and data.count(b"\n") == before.count(b"\n") + 1  # appended, the rest unchanged
    assert [p.read_bytes() for p in saved.previous] == [before]
    assert curate.validate_ok(project)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"stance": "5"}, "stance", "5"),  # out of the scale
    ({"quote": "words that are nowhere in the seed"}, "quote", "not found"),
    ({"act": "no_such_act"}, "act", "no_such_act"),
    ({"date_from": "2030-01-01", "date_to": "2030-01-01"}, "date_to", ""),  # after the seed's publication
])
def test_a_rejected_row_shows_its_path_row_field_lines_and_nothing_is_written(project, changes, field, message) -> None:
    path = project.file("events")
    before = snapshot(project)
    rows = sum(1 for _ in csv.reader(path.open(encoding="utf-8"))) - 1
    saved, _ = curate.add_rows(project, "events", [_event(project, **changes)])
    assert not saved.ok and saved.written == []
    expected = f"data/events.csv:{rows + 2}:{field}:"  # row numbers count the header as row 1, as check prints them
    assert any(p.startswith(expected) and message in p for p in saved.problems), saved.problems
    assert snapshot(project) == before


def test_read_only_validation_returns_the_new_table_without_writing(project) -> None:
    before = snapshot(project)
    saved, data = curate.add_rows(project, "events", [_event(project)], write=False)
    assert saved.ok and saved.written == [] and data.startswith(project.file("events").read_bytes())
    assert snapshot(project) == before


@pytest.mark.parametrize(("value", "enabled"), [(None, False), ("", False), ("0", False), ("no", False), ("1", True),
                                                 ("true", True), ("YES", True), ("on", True)])
def test_write_mode_is_off_unless_enabled(value, enabled) -> None:
    assert curate.write_enabled({} if value is None else {curate.WRITE_ENV: value}) is enabled


def test_a_save_outside_the_data_and_seeds_directories_is_refused(project, tmp_path) -> None:
    with pytest.raises(curate.CurateError, match="not in the data or seeds directory"):
        curate.save(project, {tmp_path / "elsewhere.csv": b"x"})
    with pytest.raises(curate.CurateError, match="not in the data or seeds directory"):
        curate.save(project, {project.data_dir / ".." / ".." / "escape.csv": b"x"})


def test_killing_the_process_mid_save_leaves_the_previous_file_intact(tmp_path) -> None:
    target = tmp_path / "events.csv"
    target.write_bytes(b"id,quote\nEV001,old\n")
    script = ("import sys; from pathlib import Path; from dashboard import paths; "
              "paths.write_atomic(Path(sys.argv[1]), b'id,quote\\n' + b'EV999,new\\n' * 200000)")
    child = subprocess.Popen([sys.executable, "-c", script, str(target)], cwd=REPO,
                             env={**os.environ, paths.PAUSE_ENV: "30"})
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 2_000_000 for p in tmp_path.glob(".events.csv.*.tmp")):
            # the temporary file is complete and fsynced, the rename not yet done
            assert child.poll() is None and time.monotonic() < deadline, "the writer never reached the rename"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
    assert target.read_bytes() == b"id,quote\nEV001,old\n"  # the reader's file: the previous version, whole


def test_two_curators_cannot_interleave(project) -> None:
    entered = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with curate.locked(project):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert entered.wait(10)
    try:
        with pytest.raises(curate.CurateError, match="another writer holds the lock"):
            with curate.locked(project, timeout=0.2):
                pass
    finally:
        release.set()
        thread.join()
    with curate.locked(project, timeout=1):  # free again
        pass


# --------------------------------------------------------------------------
# the Curate page, under AppTest


def _page(project: curate.Package, monkeypatch, write: bool):

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(project.data_dir))
    monkeypatch.setenv("DASHBOARD_SEEDS_DIR", str(project.seeds_dir))
    if write:
        monkeypatch.setenv(curate.WRITE_ENV, "1")
    else:
        monkeypatch.delenv(curate.WRITE_ENV, raising=False)
    at = open_app("curate", timeout=120)
    at.run()
    assert not at.exception
    return at


def _widget(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, f"{label}: {[e.label for e in elements]}"
    return found[0]


def _fill_event(at, **values: str) -> None:
    """Fill the editor as an events row: a context marker (no stance), with the candidate's own quote."""
    _widget(at.selectbox, "Table").set_value("events").run()
    fields = {"New event_key (blank: made from the summary)": "curated_page_event", "actor_detail": "Foreign Ministry",
              "credibility": "3", "summary": "A curated row", **values}
    for name, value in fields.items():
        if name == "quote":
            _widget(at.text_area, name).set_value(value)
        else:
            _widget(at.text_input, name).set_value(value)
    for name, value in {"actor": "Kazakhstan government", "counterpart": "Russia government", "domain": "diplomatic",
                        "act": "context", "date_source": "seed"}.items():
        _widget(at.selectbox, name).set_value(value)
    at.run()


def _dated_candidate(at) -> None:
    """Pick the first candidate that comes with a date (so the row's interval is filled)."""
    picker = _widget(at.selectbox, "Candidate")
    rank = next(o for o in picker.options if "undated" not in o)
    picker.set_value(int(rank.split(" · ")[0].lstrip("#"))).run()


def test_curate_page_accepts_a_valid_row_into_its_table(project, monkeypatch) -> None:
    at = _page(project, monkeypatch, write=True)
    _dated_candidate(at)
    _fill_event(at)
    before = project.file("events").read_bytes()
    _widget(at.button, "Accept into events").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success][0].startswith("Saved to `events.csv`")
    after = project.file("events").read_bytes()
    assert after.startswith(before) and b"curated_page_event" in after[len(before):]
    assert curate.validate_ok(project)


def test_curate_page_rejects_a_row_that_does_not_validate_and_writes_nothing(project, monkeypatch) -> None:
    at = _page(project, monkeypatch, write=True)
    _dated_candidate(at)
    _fill_event(at, quote="A sentence that is nowhere in the seed.")
    before = snapshot(project)
    _widget(at.button, "Accept into events").click().run()
    # the problem beside its field in plain words, then the summary; the check's line folded below
    assert [e.value for e in at.error] == [
        "\"seed\", but neither quote nor date_note names a year or a month of 2019-01-01 to 2019-12-31: a date not in "
        "the seed's words is inferred or reference",
        "Not in the text word for word. Copy the passage from the text: shorten it if needed, never reword it.",
        "Not saved: the package would not validate with this row. Nothing was written."]
    rows = sum(1 for _ in csv.reader(project.file("events").open(encoding="utf-8")))
    lines = at.code[0].value.splitlines()
    # the quote is not the seed's; so neither are the words that carried the candidate's date (seed-date-carried)
    assert [line.split(": ")[0] for line in lines] == [f"data/events.csv:{rows + 1}:date_source", f"data/events.csv:{rows + 1}:quote"]
    assert snapshot(project) == before


def test_curate_page_in_read_only_mode_offers_a_download_and_writes_nothing(project, monkeypatch) -> None:
    at = _page(project, monkeypatch, write=False)
    assert at.info[0].value.startswith("Read-only: accepted rows are validated and offered as a download")
    assert not [b for b in at.button if b.label == "Add the text"]  # adding a text writes: not offered
    _dated_candidate(at)
    _fill_event(at)
    before = snapshot(project)
    _widget(at.button, "Accept into events").click().run()
    assert not at.error and [s.value for s in at.success][0].startswith("Accepted (1 in `events` this session)")
    assert [d.label for d in at.get("download_button")] == ["Download events.csv with 1 accepted row"]
    assert snapshot(project) == before
