"""Ready for Streamlit Community Cloud: what it installs, how it starts the app, its config, and what the README tells the deployer.

Cloud looks for requirements.txt before pyproject.toml (and would treat a bare pyproject.toml as a Poetry project), installs
it, then runs the entry point from the repository root with ``streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from browser import ENTRY_POINT, REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
#: lines of requirements.txt that install this project itself, from its pyproject.toml
THE_PROJECT = {".", "./", "-e .", "-e ./"}


def requirement_lines(path: Path) -> list[str]:
    lines = [line.split(" #", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def requirements(lines) -> dict[str, Requirement]:
    out = {}
    for line in lines:
        requirement = Requirement(line)
        out[canonicalize_name(requirement.name)] = requirement
    return out


def test_requirements_txt_installs_what_pyproject_declares() -> None:
    lines = requirement_lines(REPO / "requirements.txt")
    listed = requirements(line for line in lines if line not in THE_PROJECT)
    declared = requirements(PYPROJECT["project"]["dependencies"])
    if any(line in THE_PROJECT for line in lines):
        # the project itself, so its declared dependencies; anything else listed must not contradict them
        for name, requirement in listed.items():
            assert name not in declared or requirement.specifier == declared[name].specifier, (name, requirement)
    else:
        assert {n: str(r.specifier) for n, r in listed.items()} == {n: str(r.specifier) for n, r in declared.items()}


def test_pyproject_builds_with_setuptools_and_ships_every_package() -> None:
    """pip (not Poetry) builds the project, and the wheel holds every package of dashboard/."""
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"
    assert "tool" not in PYPROJECT or "poetry" not in PYPROJECT["tool"]
    packages = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "dashboard").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert packages == on_disk


def test_python_version_for_cloud_is_the_one_declared() -> None:
    minimum = re.fullmatch(r">=\s*(3\.\d+)", PYPROJECT["project"]["requires-python"]).group(1)
    deployment = readme_section("Deployment")
    assert f"Python {minimum}" in deployment


def readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_readme_says_how_to_deploy() -> None:
    deployment = readme_section("Deployment")
    for needed in (f"`{ENTRY_POINT}`", "`requirements.txt`", "`.streamlit/config.toml`", "Community Cloud"):
        assert needed in deployment, needed


def test_streamlit_config_for_cloud() -> None:
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["showErrorDetails"] == "none"  # visitors never see a traceback
    assert CONFIG["server"].get("enableXsrfProtection", True) is True
    assert CONFIG["theme"]["light"]["primaryColor"] and CONFIG["theme"]["dark"]["primaryColor"]
    # a setting Cloud manages itself would be ignored there and confuse local runs
    assert "port" not in CONFIG.get("server", {}) and "address" not in CONFIG.get("server", {})


def test_entry_point_imports_the_checkout_from_the_repository_root(tmp_path: Path) -> None:
    """Run the entry point as Cloud does, from the root, where ``import dashboard`` must find this checkout even when a
    different copy is installed (Cloud installs the project from requirements.txt) and without the working directory on
    sys.path. Here: no site processing (so no editable install), site-packages added by hand, and a decoy installed copy."""
    decoy = tmp_path / "site" / "dashboard"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text('raise ImportError("imported an installed copy, not the checkout")\n', encoding="utf-8")
    script = (
        "import sys\n"
        f"sys.path += [{sysconfig.get_paths()['purelib']!r}, {sysconfig.get_paths()['platlib']!r}, {str(decoy.parent)!r}]\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(REPO / ENTRY_POINT)!r}, default_timeout=120).run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "print(sys.modules['dashboard'].__file__)\n"
        "print(at.title[0].value)\n"
    )
    result = subprocess.run([sys.executable, "-S", "-P", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    module, title = result.stdout.strip().splitlines()[-2:]
    assert Path(module) == REPO / "dashboard" / "__init__.py"
    assert title  # the default page ran


CI_PROBE = """
import pytest

def test_skips():
    pytest.skip("no browser here")
"""


@pytest.mark.parametrize(("ci", "outcome"), [("1", "1 failed"), ("", "1 skipped")])
def test_a_skip_fails_in_ci(tmp_path: Path, ci: str, outcome: str) -> None:
    """With $CI set (.ci/run sets it), a skipped test is reported as failed: CI runs every test, the browser ones included."""
    for name in ("conftest.py", "browser.py"):
        (tmp_path / name).write_text((REPO / "tests" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_probe.py").write_text(CI_PROBE, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "CI": ci}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert outcome in result.stdout, result.stdout[-2000:]
    if ci:
        assert "skipped in CI, where every test must run (no browser here)" in result.stdout
