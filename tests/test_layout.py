"""The package is laid out by stage, and its modules import one way, as data
flows: project → catalogs → editions → release → preview, with ``cli`` on
top.  A module never imports one of a later stage, at module level or inside
a function; read from the source with ``ast``, so an import that runs only
on some path is found too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "briefpub"
STAGES = ("project", "catalogs", "editions", "release", "preview")
ON_TOP = ("cli",)
"""Modules above every stage: they may import any."""
EXEMPT = {"briefpub", "briefpub.__main__", *(f"briefpub.{name}" for name in ON_TOP)}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int | None:
    """A module's place in the order of stages; None for the package itself
    and what it holds (``briefpub.__version__``)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "briefpub":
        return None
    order = (*STAGES, *ON_TOP)
    return order.index(parts[1]) if parts[1] in order else None


def imports(tree: ast.Module, module: str, is_package: bool):
    """Every module of briefpub that ``tree`` imports, wherever the import
    is: its line, the module (relative imports resolved) and the statement."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join([*package, *([node.module] if node.module else [])])
            if base == "briefpub":  # from briefpub import release: the names are modules or packages
                for alias in node.names:
                    yield node.lineno, f"briefpub.{alias.name}", ast.unparse(node)
            else:
                yield node.lineno, base, ast.unparse(node)


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """What of ``source`` (the text of ``module``) imports a later stage."""
    order = (*STAGES, *ON_TOP)
    own = rank(module)
    found = []
    for line, target, statement in sorted(imports(ast.parse(source), module, is_package)):
        other = rank(target)
        if own is not None and other is not None and other > own:
            found.append(f"{module}, line {line}: `{statement}` imports {target}, of {order[other]}, a later "
                         f"stage than {order[own]}; move what both need to the earlier stage")
    return found


def package_modules() -> list[tuple[Path, str]]:
    return [(path, module_name(path)) for path in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in path.parts]


def test_every_module_belongs_to_a_stage():
    stray = [module for _, module in package_modules() if module not in EXEMPT and rank(module) is None]
    assert stray == [], f"modules outside the stages {', '.join(STAGES)} (or cli on top): {stray}"
    found = {module.split(".")[1] for _, module in package_modules() if module not in EXEMPT}
    assert found == set(STAGES)


def test_no_module_imports_a_later_stage():
    found = []
    for path, module in package_modules():
        if module not in EXEMPT:
            found += violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert found == [], "\n".join(found)


def test_the_check_finds_every_kind_of_import_of_a_later_stage():
    source = """
from briefpub import __version__
from briefpub.project import layout
from briefpub.catalogs.fingerprint import digest
from . import fonts
import briefpub.release.build

def late():
    from briefpub.release import landing
    from ..preview import preview
    from briefpub import cli, project
"""
    found = violations(source, "briefpub.editions.sphinxext")
    assert [message.split("` imports ")[1].split(",")[0] for message in found] == [
        "briefpub.release.build", "briefpub.release", "briefpub.preview", "briefpub.cli"]
    assert found[0] == ("briefpub.editions.sphinxext, line 6: `import briefpub.release.build` imports "
                        "briefpub.release.build, of release, a later stage than editions; move what both need to "
                        "the earlier stage")
    assert found[2].startswith("briefpub.editions.sphinxext, line 10: `from ..preview import preview` imports "
                               "briefpub.preview, of preview,")
    assert violations("from .. import release\n", "briefpub.catalogs", is_package=True) == [
        "briefpub.catalogs, line 1: `from .. import release` imports briefpub.release, of release, a later stage "
        "than catalogs; move what both need to the earlier stage"]
