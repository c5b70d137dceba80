"""Run the benchmarks and print one table of figures, targets and ratios.

    .venv/bin/python bench/run.py            # every bench/bench_*.py
    .venv/bin/python bench/run.py roster     # only those whose name contains "roster"

Each bench/bench_<topic>.py exposes ``run() -> list[Result]`` (bench/common.py).
Exits 1 when a figure misses its target.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Result  # noqa: E402


def discover(filters: list[str]) -> list[str]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(ROOT / "bench")])
        if info.name.startswith("bench_")
    )
    return [n for n in names if not filters or any(f in n for f in filters)]


def verdict(result: Result, ratio: float | None) -> str:
    missed = (result.target is not None and result.value > result.target) or (
        ratio is not None and result.ratio_target is not None and ratio > result.ratio_target
    )
    if result.target is None and result.ratio_target is None:
        return ""
    return "MISSED" if missed else "ok"


def table(rows: list[tuple[str, Result]]) -> tuple[str, bool]:
    by_name = {(module, r.name): r for module, r in rows}
    lines = [("benchmark", "figure", "value", "target", "ratio", "")]
    all_ok = True
    for module, r in rows:
        base = by_name.get((module, r.ratio_to)) if r.ratio_to else None
        ratio = r.value / base.value if base and base.value else None
        target = f"≤ {r.target:g} {r.unit}" if r.target is not None else ""
        if r.ratio_target is not None:
            target = (target + " " if target else "") + f"≤ {r.ratio_target:g}× {r.ratio_to}"
        ok = verdict(r, ratio)
        all_ok &= ok != "MISSED"
        lines.append(
            (
                module.removeprefix("bench_"),
                r.name,
                f"{r.value:,.2f} {r.unit}",
                target,
                f"{ratio:.2f}× {r.ratio_to}" if ratio is not None else "",
                ok,
            )
        )
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = "\n".join(
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True))
        for line in lines
    )
    return text, all_ok


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def main(argv: list[str]) -> int:
    rows: list[tuple[str, Result]] = []
    for name in discover(argv):
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        rows.extend((name, result) for result in module.run())
    if not rows:
        print("no benchmark matched", argv)
        return 1
    text, ok = table(rows)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
