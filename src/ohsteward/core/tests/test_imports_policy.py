"""The import policy (issue 7 item 1, ADR 0005), checked on the source text.

1. Every import inside a function or method body says why it is not at module level: a ``#``
   comment on the same line or on the line directly above (``# local: … imports … at load``);
   a comment above a block of consecutive imports covers the block.
2. A function-local import between apps obeys the same one-way layers as the import-linter
   ``layers`` contract in pyproject.toml (read from there, not repeated here). import-linter sees
   local imports too, but its ``ignore_imports`` are broad globs; this test names each upward
   local import that is allowed, with the decision that allows it.

Scanned: every module under src/ohsteward except migrations, tests and conftest.py files.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # src/ohsteward
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"

# Upward function-local imports that a decision allows: (importing module, imported module prefix).
SEAMS = {
    # ADR 0005: for_user asks the access rules at query time (core/querysets.py:access_rules).
    ("ohsteward.core.querysets", "ohsteward.accounts.access"): "ADR 0005",
    # ADR 0005: the access layer asks the organisation apps whose clients they have.
    ("ohsteward.accounts.access.clients", "ohsteward.institutions.models"): "ADR 0005",
    ("ohsteward.accounts.access.clients", "ohsteward.stewardship.models"): "ADR 0005",
    # ADR 0002: the declarations app registers its link effect with intake when it is ready.
    # (declarations is above intake, so that import is downward and needs no seam.)
}


@dataclass(frozen=True)
class LocalImport:
    path: str  # relative to src/ohsteward
    module: str  # the importing module, dotted
    line: int
    target: str  # what is imported, dotted and absolute (a module, or a name in a module)
    commented: bool


def _module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["ohsteward", *parts])


def _scanned_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts or "tests" in rel.parts or rel.name == "conftest.py":
            continue
        files.append(path)
    return files


def _exempt(rel: str) -> bool:
    return False


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def local_imports(path: Path, root: Path = PACKAGE) -> list[LocalImport]:
    """Every import statement inside a function, lambda or method body of ``path``."""
    rel = path.relative_to(root)
    module = _module_name(rel)
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[LocalImport] = []

    import_lines = {
        line
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }

    def says_why(text: str) -> bool:
        comment = text.partition("#")[2].replace("local:", "").replace("noqa", "")
        return len(comment.split()) >= 3  # a reason, not a bare marker

    def commented(lineno: int) -> bool:
        """A reason on the line, or directly above it or above the block of imports it is in
        (a block may have blank lines between its groups)."""
        if says_why(lines[lineno - 1]):
            return True
        above = lineno - 1
        while above in import_lines or (not lines[above - 1].strip() and above - 1 in import_lines):
            above -= 1
        return above >= 1 and lines[above - 1].lstrip().startswith("#") and says_why(lines[above - 1])

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    base = _absolute(child, module, rel.name == "__init__.py")
                    targets = [f"{base}.{alias.name}" for alias in child.names]
                for target in targets:
                    found.append(LocalImport(str(rel), module, child.lineno, target, commented(child.lineno)))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, inner)

    visit(ast.parse(source), False)
    return found


def all_local_imports() -> list[LocalImport]:
    return [imp for path in _scanned_files() for imp in local_imports(path)]


def layer_order() -> dict[str, tuple[int, bool]]:
    """App package → (layer index, 0 = top; whether siblings in that layer may import each other).

    Read from the import-linter ``layers`` contract: ``a : b`` siblings may import each other,
    ``a | b`` are independent, ``(x)`` is an optional (not yet existing) package.
    """
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    order: dict[str, tuple[int, bool]] = {}
    for index, layer in enumerate(layers):
        open_siblings = "|" not in layer
        for name in re.split(r"[:|]", layer):
            order[name.strip().strip("()").strip()] = (index, open_siblings)
    return order


def _app_of(dotted: str, order: dict[str, tuple[int, bool]]) -> str | None:
    parts = dotted.split(".")
    app = ".".join(parts[:2])
    return app if app in order else None


def upward(imp: LocalImport, order: dict[str, tuple[int, bool]]) -> bool:
    """Whether ``imp`` goes against the layers (to a higher layer, or to an independent sibling)."""
    source, target = _app_of(imp.module, order), _app_of(imp.target, order)
    if source is None or target is None or source == target:
        return False
    (source_layer, open_siblings), (target_layer, _) = order[source], order[target]
    if source_layer == target_layer:
        return not open_siblings
    return target_layer < source_layer


def _allowed(imp: LocalImport) -> bool:
    return any(
        imp.module == source and (imp.target == target or imp.target.startswith(target + "."))
        for source, target in SEAMS
    )


# --- the checks on the checks ------------------------------------------------------------------


def test_the_scan_finds_local_imports_and_reads_the_comment(tmp_path):
    fake = tmp_path / "ohsteward"
    (fake / "web").mkdir(parents=True)
    (fake / "web" / "views.py").write_text(
        "import os\n"
        "def f():\n"
        "    import json\n"
        "    import csv  # local:\n"
        "    # local: registry imports web at load\n"
        "    from ohsteward.registry.models import Region\n"
        "    from . import context  # local: the context module reads settings\n"
        "    from ohsteward.web import forms\n"
        "class A:\n"
        "    def g(self):\n"
        "        from ohsteward.demo import synth\n",
        encoding="utf-8",
    )
    found = local_imports(fake / "web" / "views.py", root=fake)
    assert [(i.target, i.commented) for i in found] == [
        ("json", False),
        ("csv", False),
        ("ohsteward.registry.models.Region", True),
        ("ohsteward.web.context", True),
        ("ohsteward.web.forms", True),
        ("ohsteward.demo.synth", False),
    ]


def test_the_layer_order_comes_from_pyproject_and_knows_up_from_down():
    order = layer_order()
    assert order["ohsteward.core"][0] > order["ohsteward.accounts"][0] > order["ohsteward.web"][0]

    def imp(module: str, target: str) -> LocalImport:
        return LocalImport("x.py", module, 1, target, True)

    assert upward(imp("ohsteward.core.views", "ohsteward.registry.models"), order)
    assert not upward(imp("ohsteward.web.views", "ohsteward.registry.models"), order)
    # registry | hazards are independent siblings; web : api : demo may import each other
    assert upward(imp("ohsteward.registry.refdata", "ohsteward.hazards.models"), order)
    assert not upward(imp("ohsteward.demo.cmd", "ohsteward.web.management.commands.serve"), order)
    assert _allowed(imp("ohsteward.core.querysets", "ohsteward.accounts.access"))
    assert not _allowed(imp("ohsteward.core.views", "ohsteward.accounts.access"))


# --- the policy --------------------------------------------------------------------------------


def test_every_function_local_import_says_why_it_is_local():
    silent = sorted(
        {
            f"{imp.path}:{imp.line} imports {imp.target}"
            for imp in all_local_imports()
            if not imp.commented and not _exempt(imp.path)
        }
    )
    assert not silent, (
        "A function-local import needs a reason in a comment on its line or the line above "
        "(or move it to module level):\n" + "\n".join(silent)
    )


def test_function_local_imports_between_apps_follow_the_layers():
    order = layer_order()
    against = [
        f"{imp.path}:{imp.line} ({imp.module}) imports {imp.target}"
        for imp in all_local_imports()
        if upward(imp, order) and not _allowed(imp) and not _exempt(imp.path)
    ]
    assert not against, (
        "A function-local import goes up the layers (pyproject.toml [tool.importlinter]); "
        "invert the dependency or, with a decision in docs/decisions/, add it to SEAMS:\n"
        + "\n".join(against)
    )


def test_every_seam_is_still_used():
    used = {
        (source, target)
        for imp in all_local_imports()
        for source, target in SEAMS
        if imp.module == source and (imp.target == target or imp.target.startswith(target + "."))
    }
    assert used == set(SEAMS), f"seams no longer needed: {set(SEAMS) - used}"
