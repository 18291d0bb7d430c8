"""Curation bundles: made where the app may not write, applied to a checkout with add-source's and save's checks;
a changed or invalid bundle is refused with nothing written."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from dashboard import bundle, checks, curate
from dashboard.__main__ import main as cli

from conftest import REPO, snapshot

TEXT = ("Астана, 10 ноября 2023 года.\n\n"
        "9 ноября 2023 года Токаев и Путин подписали в Астане соглашение о поставках газа.\n")
QUOTE = "Токаев и Путин подписали в Астане соглашение о поставках газа"
SOURCE = {"title": "Токаев и Путин подписали соглашение", "language": "ru", "published_from": "2023-11-10",
          "outlet": "Test outlet"}
ROW = {"event_key": "gas_agreement_2023", "date_from": "2023-11-09", "date_to": "2023-11-09", "date_source": "seed",
       "date_note": "The sentence opens «9 ноября 2023 года»",
       "actor": "Kazakhstan government", "actor_detail": "Kassym-Jomart Tokayev", "counterpart": "Russia government",
       "domain": "energy", "act": "integration_step", "stance": "1", "credibility": "2", "place": "Astana",
       "summary": "Tokayev and Putin sign a gas supply agreement in Astana", "quote": QUOTE,
       "quote_en": "Tokayev and Putin signed an agreement on gas supplies in Astana", "quote_en_by": "test curator"}


def apply(package: curate.Package, tmp_path: Path, data: bytes) -> int:
    (tmp_path / "new.curation.json").write_bytes(data)
    return cli(["apply-bundle", str(tmp_path / "new.curation.json"), "--data", str(package.data_dir),
                "--seeds", str(package.seeds_dir)])


def reseal(data: bytes, change) -> bytes:
    """The bundle with ``change`` applied and its sha256 recomputed (a deliberate edit, not a corrupted download)."""
    payload = json.loads(data)
    change(payload)
    payload["sha256"] = bundle._digest(payload)
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def test_a_bundle_round_trip_adds_the_text_and_its_rows_and_check_passes(project, tmp_path, capsys) -> None:
    before = snapshot(project)
    data, problems = bundle.make(project, TEXT, SOURCE, {"events": [ROW]})
    assert problems == [] and snapshot(project) == before  # making it writes nothing
    payload = json.loads(data)
    assert payload["check"] == {"ok": True, "problems": []} and payload["text"] == TEXT
    assert payload["rows"]["events"][0]["quote"] == QUOTE and "source_id" not in payload["rows"]["events"][0]
    assert apply(project, tmp_path, data) == 0
    out = capsys.readouterr().out
    sources = list(csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8")))
    new = sources[-1]
    assert out == f"{new['source_id']}: 1 in events\n"
    assert (new["title"], new["language"], new["outlet"], new["reliability"]) == (SOURCE["title"], "ru", "Test outlet", "F")
    assert (project.seeds_dir / new["file"]).read_text(encoding="utf-8") == TEXT
    events = list(csv.DictReader((project.data_dir / "events.csv").open(encoding="utf-8")))
    assert {k: events[-1][k] for k in ROW} == ROW and events[-1]["source_id"] == new["source_id"]
    assert checks.run(project.data_dir, project.seeds_dir).problems == []
    # the same bundle again: the text is already a seed, refused, nothing changed
    after = snapshot(project)
    assert apply(project, tmp_path, data) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert snapshot(project) == after


def test_a_bundle_changed_after_download_is_refused_and_nothing_is_written(project, tmp_path, capsys) -> None:
    data, _ = bundle.make(project, TEXT, SOURCE, {"events": [ROW]})
    before = snapshot(project)
    tampered = data.replace("Токаев и Путин подписали в Астане".encode(), "Токаев и Путин отвергли в Астане".encode())
    assert tampered != data
    assert apply(project, tmp_path, tampered) == 1
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'new.curation.json'}: the bundle was changed after it was made (its sha256 does not match "
        "its content); download it again from the Curate page\n")
    assert snapshot(project) == before


@pytest.mark.parametrize(("change", "lines"), [
    # a quote reworded (and the checksum recomputed): the quote rule refuses it
    (lambda p: p["rows"]["events"][0].update(quote="Токаев и Путин отвергли соглашение"),
     ['data/events.csv:{row}:quote: not found verbatim in {sid} ({file}): "Токаев и Путин отвергли соглашение"']),
    # a Russian row without its translation, a translation without its translator
    (lambda p: p["rows"]["events"][0].update(quote_en="", quote_en_by=""),
     ["data/events.csv:{row}:quote_en: required: {sid} is in ru, so the quote needs its English translation"]),
    (lambda p: p["rows"]["events"][0].update(quote_en_by=""), ["data/events.csv:{row}:quote_en_by: required when quote_en is given"]),
    # the same text declared English: its rows must not carry a translation
    (lambda p: p["source"].update(language="en"),
     ["data/events.csv:{row}:quote_en: must be blank: {sid} is in English, so its quote needs no translation"]),
])
def test_an_invalid_bundle_is_refused_with_its_check_lines_and_nothing_is_written(project, tmp_path, capsys, change, lines) -> None:
    data, _ = bundle.make(project, TEXT, SOURCE, {"events": [ROW]})
    before = snapshot(project)
    rows = sum(1 for _ in (project.data_dir / "events.csv").open(encoding="utf-8"))
    sid = f"S{len(list(csv.DictReader((project.seeds_dir / 'provenance.csv').open(encoding='utf-8')))):03d}"
    assert apply(project, tmp_path, reseal(data, change)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: {tmp_path / 'new.curation.json'}: refused, nothing written: the package would not validate with it"
    name = curate.seed_name(int(sid[1:]), TEXT.encode("utf-8"))
    expected = [line.format(row=rows + 1, sid=sid, file=name) for line in lines]
    assert err[1:] == expected
    assert snapshot(project) == before


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "not a curation bundle (not JSON: Expecting value: line 1 column 1 (char 0))"),
    (b'{"format": "something else"}', 'not a curation bundle (no "format": "kz-ru-dashboard curation bundle")'),
])
def test_a_file_that_is_not_a_bundle_is_refused_in_one_line(project, tmp_path, capsys, data, message) -> None:
    assert apply(project, tmp_path, data) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'new.curation.json'}: {message}\n"


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p["rows"].update(acts=[{"act": "x"}]), "rows for 'acts', which is not a table of quoted rows"),
    (lambda p: p["rows"]["events"][0].update(path="../../etc/passwd"), "events row 1: fields not declared in events: path"),
    (lambda p: p.update(text=p["text"] + "x"), "the text does not match its text_sha256"),
])
def test_a_bundle_naming_undeclared_tables_or_fields_is_refused(project, tmp_path, capsys, change, message) -> None:
    data, _ = bundle.make(project, TEXT, SOURCE, {"events": [ROW]})
    before = snapshot(project)
    assert apply(project, tmp_path, reseal(data, change)) == 1
    assert message in capsys.readouterr().err
    assert snapshot(project) == before


def test_a_bundle_records_the_check_result_when_it_would_not_apply(project) -> None:
    rows = sum(1 for _ in (project.data_dir / "events.csv").open(encoding="utf-8"))
    sid = f"S{len(list(csv.DictReader((project.seeds_dir / 'provenance.csv').open(encoding='utf-8')))):03d}"
    data, problems = bundle.make(project, TEXT, {**SOURCE, "published_from": "2023-11-01"}, {"events": [ROW]})
    assert problems == [f"data/events.csv:{rows + 1}:date_to: 2023-11-09 is after {sid}'s latest publication date 2023-11-01"]
    assert json.loads(data)["check"] == {"ok": False, "problems": problems}
    # add-source's own refusals come through as its one line
    _, problems = bundle.make(project, TEXT, {**SOURCE, "kind": "blog"}, {"events": [ROW]})
    assert problems == ["unknown --kind 'blog': one of news report, analysis, opinion, translation"]


@pytest.mark.parametrize("point", ["staged", "journaled", "moved"])
def test_an_apply_killed_at_each_point_leaves_all_or_nothing_and_running_it_again_completes(project, tmp_path, capsys,
                                                                                            point) -> None:
    """The text, its provenance row and its rows are one write: the next run finds none of them (and applies the bundle)
    or completes all of them (and says so): never a seed without its rows."""
    import os
    import signal
    import subprocess
    import sys

    from dashboard import data as data_module, journal

    bundled, _ = bundle.make(project, TEXT, SOURCE, {"events": [ROW]})
    (tmp_path / "new.curation.json").write_bytes(bundled)
    args = [sys.executable, "-m", "dashboard", "apply-bundle", str(tmp_path / "new.curation.json"),
            "--data", str(project.data_dir), "--seeds", str(project.seeds_dir)]
    env = {k: v for k, v in os.environ.items() if k not in (data_module.DATA_ENV, data_module.SEEDS_ENV)}
    env["PYTHONPATH"] = str(REPO)
    killed = subprocess.run(args, env={**env, journal.KILL_ENV: f"{point}@{project.data_dir}"}, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    digest = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    listed = [r for r in csv.DictReader((project.seeds_dir / "provenance.csv").open(encoding="utf-8")) if r["sha256"] == digest]
    quoted = [r for r in csv.DictReader((project.data_dir / "events.csv").open(encoding="utf-8")) if r["quote"] == QUOTE]
    assert len(listed) == 1 and [r["source_id"] for r in quoted] == [listed[0]["source_id"]]
    assert cli(["check", "--data", str(project.data_dir), "--seeds", str(project.seeds_dir)]) == 0
