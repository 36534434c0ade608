"""``kaoping report RUN_DIR``: (re)build a run folder's self-contained report.html from its files."""
from __future__ import annotations

from pathlib import Path

from ..i18n import N_, _

NAME = "report"
HELP = N_("rebuild the self-contained report.html of a run folder (tables, figures, texts)")
ORDER = 85


def add_arguments(p):
    p.add_argument("run_dir", metavar="RUN_DIR", help=_("a run folder (written with --out or --save)"))
    p.add_argument("-o", "--output", default=None, help=_("HTML file to write (default: RUN_DIR/report.html)"))


def run(args) -> int:
    from kaoping.report import report_from_folder

    from kaoping.preflight import new_file

    out = new_file(args.output, "-o") if args.output else Path(args.run_dir) / "report.html"
    html = report_from_folder(args.run_dir)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    print(str(out))
    return 0
