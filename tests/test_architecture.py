"""The architecture holds: the import contracts in pyproject.toml ([tool.importlinter]) are kept, a broken contract
is reported as broken (so breaking one fails this file), the rule kinds register themselves, and plain ``pytest``
collects the suite as ``python -m pytest`` does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: lint-imports as the venv running the tests has it, run as its own process (it imports the package it checks)
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def _lint(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([*LINT, "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def test_the_import_contracts_are_kept() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    kept = re.search(r"Contracts: (\d+) kept, 0 broken\.", result.stdout)
    assert kept is not None and int(kept.group(1)) >= 6, result.stdout  # the six of issue 19, and any added since


def test_a_broken_contract_fails(tmp_path: Path) -> None:
    """dashboard.data imports dashboard.checks (it validates before loading): a contract forbidding that is broken."""
    config = tmp_path / "contracts.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["dashboard"]

        [[tool.importlinter.contracts]]
        name = "data may not import the checks"
        type = "forbidden"
        source_modules = ["dashboard.data"]
        forbidden_modules = ["dashboard.checks"]
    """), encoding="utf-8")
    result = _lint("--config", str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data may not import the checks BROKEN" in result.stdout
    assert "dashboard.data -> dashboard.checks" in result.stdout


def test_a_layer_imported_from_below_fails(tmp_path: Path) -> None:
    """A layers contract that puts dashboard.data under dashboard.checks is broken: data imports the checks."""
    config = tmp_path / "layers.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["dashboard"]

        [[tool.importlinter.contracts]]
        name = "data under the checks"
        type = "layers"
        layers = ["dashboard.checks", "dashboard.data"]
    """), encoding="utf-8")
    result = _lint("--config", str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data under the checks BROKEN" in result.stdout


def test_the_rule_kinds_register_themselves_and_the_release_kind_is_a_plugin() -> None:
    from dashboard import checks
    from dashboard.checks import registry

    assert checks.RULE_CHECKS == frozenset({
        "both-or-neither", "conflict-links-two", "date-in-words", "group-agrees", "has-pattern", "linked-or-explained",
        "lookup-allows", "no-other-seed", "not-after", "not-after-publication", "phrases-quoted-not-coded",
        "quote-in-seed", "release-sha256", "required-when-in", "required-when-present", "seed-sha256",
        "translation-by-language", "unique-together", "value-in-when"})
    assert registry.kind_of("release-sha256").run.__module__ == "dashboard.releases"
    assert registry.kind_of("release-sha256").implies == ("release",)
    assert registry.kind_of("conflict-links-two").across is True
    with pytest.raises(ValueError, match='rule kind "unique-together" is registered twice'):
        registry.rule_kind("unique-together", needs=("fields",))(lambda checker, rule: None)


def test_plain_pytest_collects_the_suite() -> None:
    """``pytest`` (not ``python -m pytest``) finds benchmarks/ too: pyproject's pythonpath puts the root on sys.path."""
    pytest_bin = Path(sys.executable).with_name("pytest")
    if not pytest_bin.exists():
        pytest.skip(f"no pytest script beside {sys.executable}")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(pytest_bin), "--collect-only", "-q", "-p", "no:cacheprovider",
                             "tests/test_faults.py", "tests/test_benchmarks.py"],
                            cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " collected" in result.stdout and "error" not in result.stdout.splitlines()[-1], result.stdout[-2000:]


#: a module longer than this says why in its opening docstring, in a sentence starting "Longer than"
MODULE_LINES = 500


def _modules() -> list[Path]:
    return sorted(p for p in (REPO / "dashboard").rglob("*.py") if ".venv" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_module_says_its_one_job_and_a_long_one_why(path: Path) -> None:
    import ast

    source = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc and doc.strip(), f"{path.relative_to(REPO)}: no opening docstring saying its job"
    lines = source.count("\n")
    if lines > MODULE_LINES:
        assert "Longer than" in doc, f"{path.relative_to(REPO)}: {lines} lines and no reason in its docstring"
