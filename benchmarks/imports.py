"""``python -m benchmarks.imports``: how the package's modules depend on each other.

Prints the number of modules in each top-level folder (layer) of ``ics_sim`` (a package's
``__init__`` counts as a module) and the longest chain of imports between the package's own
modules, with the folder of each (imports under ``if TYPE_CHECKING:`` are left out; imports
inside functions count, they are dependencies too). The modules at the package root that only
keep an old import path working are counted apart.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "ics_sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Package modules imported by the file at ``path``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(up + ([base] if base else []))
                found.add(base)
                found.update(f"{base}.{a.name}" for a in child.names)
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    out = set()
    for m in found:
        while m and m not in modules:
            m = m.rpartition(".")[0]
        if m and m != name:
            out.add(m)
    return out


def graph() -> nx.DiGraph:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for f in files:
        for m in imports_of(f, modules):
            # A package's __init__ importing its own children is not a floor of its own.
            if not m.startswith(module_name(f) + "."):
                g.add_edge(module_name(f), m)
    return g


def longest_chain(g: nx.DiGraph) -> list[str]:
    """The longest import chain, with each cycle of mutual imports counted as one floor."""
    c = nx.condensation(g)
    path = nx.dag_longest_path(c)
    return [sorted(c.nodes[n]["members"])[0] for n in path]


def folder_of(module: str) -> str:
    """The top-level folder of a module, or what a module of the package root is."""
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    if module == "ics_sim":
        return "(facade)"
    doc = ast.get_docstring(ast.parse((PACKAGE / f"{parts[1]}.py").read_text())) or ""
    return "(old-path aliases)" if doc.startswith("Old import path") else "(root modules)"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__)
    parser.parse_args()
    g = graph()
    layers = Counter(folder_of(n) for n in g.nodes)
    print(f"{g.number_of_nodes()} modules, {g.number_of_edges()} internal imports")
    for layer, n in sorted(layers.items()):
        print(f"  {layer:<20}{n:>4}")
    chain = longest_chain(g)
    folders = len(set(map(folder_of, chain)))
    print(f"longest import chain: {len(chain)} modules, through {folders} folders")
    for m in chain:
        print(f"  {folder_of(m):<20}{m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
