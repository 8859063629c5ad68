"""The workshop report: one self-contained HTML page to hand the room after a session.

Sections, in order (each an ``<section id=...>``): the system; the timeline of what was
switched on and when, with the evidence for each; the six practices over time (median and
10-90% band of the replicates); the comparison with doing nothing on the same seeds, with 95%
intervals; the explanation (waterfall and story); the networks before and after; caveats in
plain words; and how to reproduce it (seeds, version, manifest hash). Images are embedded as
data URIs, so the one file is the whole report; print CSS lays it out on at most four A4
pages. :func:`print_pdf` prints it with headless Chromium where that is installed.
"""

from __future__ import annotations

import base64
import html
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .._version import __version__
from ..core.outcome_table import PRACTICES, label_of
from ..evaluation.explain import Explanation, comparison
from .waterfall import plot_waterfall

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

CSS = """
@page { size: A4; margin: 13mm 12mm; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; font-size: 10pt;
       color: #222; max-width: 190mm; margin: 0 auto; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; margin: 4mm 0 1.5mm;
     border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 1mm 1.5mm; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { max-width: 100%; } .pair { display: flex; gap: 3mm; } .pair img { width: 49%; }
.small { font-size: 8.5pt; color: #555; } section { break-inside: avoid; }
#practices img, #explanation img { max-height: 88mm; display: block; margin: 0 auto; }
.pagebreak { break-before: page; }
"""

CAVEATS = (
    "This is a model, not a forecast: it shows how the mechanisms described in the King's Fund "
    "reports can play out, not what will happen in your system.",
    "Many of its numbers are assumptions, chosen to be plausible and documented with their "
    "source; the validation report says which patterns it reproduces and which it does not.",
    "Chance matters: each replicate is one possible history. Read the bands and intervals, "
    "not single lines; a difference whose interval includes zero is not shown to be real.",
    "The explanation splits one run's change: by event (what switching each one off would "
    "change, averaged over the orders of switching) and by mechanism (which part of the "
    "weekly cycle moved it). What is left with nothing switched on is the baseline drift.",
    "Organisations stand for their senior leaders; people, places and politics are much "
    "richer than any model of them.",
)


def data_uri(fig_or_path: Figure | os.PathLike[str] | str, dpi: int = 110) -> str:
    """A PNG as a ``data:`` URI, from a figure or a PNG file."""
    if isinstance(fig_or_path, Figure):
        buf = io.BytesIO()
        fig_or_path.savefig(buf, format="png", dpi=dpi)
        data = buf.getvalue()
    else:
        data = Path(fig_or_path).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _img(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{html.escape(alt)}">'


def _table(head: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(str(c))}</td>'
            if i in numeric
            else f"<td>{html.escape(str(c))}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _timeline(scn) -> list[list[Any]]:
    from ..interventions import REGISTRY

    rows = []
    for path, e in scn.events():
        cls = REGISTRY[e.type]
        when = f"week {e.start}" + (f" to {e.end}" if e.end is not None else " on")
        targets = e.targets.model_dump() if e.targets is not None else None
        who = (
            ", ".join(f"{k}: {', '.join(v)}" for k, v in targets.items() if v)
            if targets
            else "default targets"
        )
        kind = "shock" if path.startswith("shocks") else "intervention"
        rows.append([when, f"{cls.title} ({kind})", cls.summary, who or "everyone", cls.evidence])
    return sorted(rows, key=lambda r: int(r[0].split()[1]))


def build_report(run_dir: Path, manifest: dict[str, Any], scn, result: Explanation) -> str:
    """The report's HTML, from a run folder, its manifest, its scenario and its explanation."""
    from ..experiments.manifest import sha256
    from . import plots

    comp = scn.composition()
    counts = {k: v for k, v in comp.counts().items() if v}
    out: list[str] = []
    title = html.escape(scn.name)
    out.append(f"<h1>{title}</h1>")
    if scn.description:
        out.append(f"<p>{html.escape(' '.join(scn.description.split()))}</p>")

    # the system
    out.append('<section id="system"><h2>The system</h2>')
    out.append(
        f"<p>{html.escape(comp.name)}: {comp.n} organisations ("
        + html.escape(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
        + f"), {len(comp.forums)} forums. Simulated for {manifest.get('weeks')} weeks "
        "after a warm-up.</p></section>"
    )

    # timeline
    out.append('<section id="timeline"><h2>What was switched on, and when</h2>')
    rows = _timeline(scn)
    if rows:
        out.append(_table(["when", "what", "in plain words", "who", "evidence"], rows))
    else:
        out.append("<p>Nothing was switched on: this is the system left to itself.</p>")
    out.append("</section>")

    # practices over time
    out.append('<section id="practices"><h2>The six practices over time</h2>')
    table_path = run_dir / "outcomes.parquet"
    df = pd.read_parquet(table_path) if table_path.exists() else None
    if df is not None:
        events = [
            (
                e.start,
                e.type.replace("_", " "),
                "shock" if p.startswith("shocks") else "intervention",
            )
            for p, e in scn.events()
            if 0 < e.start
        ]
        fig = plots.plot_outcomes(df, list(PRACTICES), title="", events=events)
        reps = int(df["replicate"].nunique()) if "replicate" in df else 1
        out.append(_img(data_uri(fig, dpi=80), "the six practices over time"))
        band = (
            f"Lines are the median of {reps} replicates, bands 10-90%."
            if reps > 1
            else "One replicate: no band."
        )
        out.append(f'<p class="small">{band}</p>')
    else:
        out.append("<p>(the run folder has no outcomes.parquet)</p>")
    out.append("</section>")

    # comparison
    out.append('<section id="comparison"><h2>Compared with doing nothing</h2>')
    if result.events:
        cmp = comparison(result)
        crow = [
            [
                label_of(r.outcome),
                f"{r.difference:+.3f}",
                f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}]" if r.replicates > 1 else "n/a",
                "yes" if r.replicates > 1 and (r.ci_low > 0 or r.ci_high < 0) else "no",
            ]
            for r in cmp.itertuples()
        ]
        out.append(
            f'<p class="small">Change from week {result.start} to {result.end} with everything '
            f"switched on, minus the change with nothing switched on, on the same "
            f"{len(result.seeds)} seeds; 95% interval.</p>"
        )
        out.append(
            _table(["outcome", "difference", "95% interval", "distinguishable"], crow, {1, 2})
        )
    else:
        out.append("<p>Nothing was switched on, so there is nothing to compare.</p>")
    out.append("</section>")

    # explanation
    out.append('<section id="explanation" class="pagebreak"><h2>What made the difference</h2>')
    fig = plot_waterfall(result.table(), "collaboration_index")
    out.append(_img(data_uri(fig, dpi=80), "waterfall of the collaboration index"))
    out.append(
        "".join(
            f'<p class="small">{html.escape(s)}</p>' for s in result.story()[: len(result.outcomes)]
        )
    )
    top = result.organisations.head(5)
    out.append('<p class="small">Organisations that moved most (mean of the replicates):</p>')
    out.append(
        _table(
            ["organisation", "kind", "safety", "trust in", "trust out", "power sharing"],
            [
                [
                    r.organisation,
                    r.kind.replace("_", " "),
                    f"{r.safety_change:+.3f}",
                    f"{r.trust_in_change:+.3f}",
                    f"{r.trust_out_change:+.3f}",
                    f"{r.power_sharing_change:+.3f}",
                ]
                for r in top.itertuples()
            ],
            {2, 3, 4, 5},
        )
    )
    out.append("</section>")

    # networks
    out.append('<section id="networks"><h2>Relationships before and after</h2>')
    pics = [run_dir / "network_start.png", run_dir / "network_end.png"]
    if all(p.exists() for p in pics):
        out.append(
            '<div class="pair">'
            + "".join(
                _img(data_uri(p), a) for p, a in zip(pics, ("week 0", "the end"), strict=True)
            )
            + "</div>"
        )
    else:
        out.append("<p>(the run folder has no network pictures)</p>")
    out.append("</section>")

    # caveats
    out.append('<section id="caveats"><h2>Caveats</h2><ul>')
    out.append("".join(f"<li>{html.escape(c)}</li>" for c in CAVEATS))
    out.append("</ul></section>")

    # reproduce
    seeds = manifest.get("seeds") or [manifest.get("seed")]
    digest = sha256(run_dir / "manifest.json")
    cmd = " ".join(manifest.get("command") or [])
    out.append('<section id="reproduce"><h2>Reproduce it</h2><p class="small">')
    out.append(
        f"ics-sim {html.escape(str(manifest.get('version')))} (report by ics-sim "
        f"{html.escape(__version__)}); seeds {html.escape(_seeds(seeds))}; "
        f"manifest SHA-256 <code>{digest}</code>; command <code>{html.escape(cmd)}</code>. "
        f"The explanation used seeds {html.escape(_seeds(result.seeds))} and "
        f"{result.runs} runs ({'exact' if result.exact else 'sampled'} Shapley values)."
    )
    out.append("</p></section>")
    body = "\n".join(out)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}: workshop report</title><style>{CSS}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def _seeds(seeds: list[Any]) -> str:
    seeds = [int(s) for s in seeds if s is not None]
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds))


def chromium() -> str | None:
    """The Chromium executable, or None."""
    for c in CHROMIUM:
        if os.path.exists(c):
            return c
    return shutil.which("chromium")


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> Path | None:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; None if it is not
    installed or fails (the HTML report is complete on its own)."""
    exe = chromium()
    if exe is None:
        return None
    cmd = [
        exe,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf_path}",
        Path(html_path).resolve().as_uri(),
    ]
    try:
        subprocess.run(
            cmd, capture_output=True, timeout=timeout, check=True, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return pdf_path if pdf_path.exists() and pdf_path.stat().st_size > 0 else None
