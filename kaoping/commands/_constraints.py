"""The planner's own constraints as command-line flags (optimizer.constraints does the work).

``--constraints NAME,…`` picks named sets of the scenario (``constraints:`` in scenario.yaml);
``--lock``, ``--force``, ``--force-push``, ``--basic`` and ``--dept-share`` add constraints
directly. A clash exits 3 naming the constraints that clash."""
from __future__ import annotations

from optimizer.errors import BadInput

from ..i18n import _


def add_constraint_arguments(p) -> None:
    g = p.add_argument_group(_("a planner's own constraints"))
    g.add_argument("--constraints", default="", metavar="NAME,…", help=_("named constraint sets of the scenario to honour"))
    g.add_argument("--lock", default="", metavar="IND,…", help=_("indicators the plan must not push"))
    g.add_argument("--force", action="append", default=[], metavar="IND=LEVEL",
                   help=_("reach at least this value at the forecast centre (a promise already made); repeatable"))
    g.add_argument("--force-push", action="append", default=[], metavar="IND=PUSH",
                   help=_("push at least this much [indicator unit]; repeatable"))
    g.add_argument("--basic", default="", metavar="IND,…", help=_("keep the basic points: reach the basic target of these indicators"))
    g.add_argument("--dept-share", action="append", default=[], metavar="DEPT=SHARE",
                   help=_("a department uses at most this share of the total budget (0.3 or 30%%); repeatable"))


def _names(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _pairs(values, flag: str, percent: bool = False) -> dict[str, float]:
    out = {}
    for v in values or []:
        name, eq, num = v.rpartition("=")
        if not eq or not name.strip():
            raise BadInput(_("{flag} takes NAME=NUMBER, got '{value}'").format(flag=flag, value=v))
        num = num.strip()
        scale = 1.0
        if percent and num.endswith("%"):
            num, scale = num[:-1], 0.01
        try:
            out[name.strip()] = float(num) * scale
        except ValueError:
            raise BadInput(_("{flag} {value}: '{number}' is not a number").format(flag=flag, value=v, number=num)) from None
    return out


def constraints_from_args(scn, args, req):
    """``req`` with the constraints the arguments ask for (unchanged when none)."""
    from optimizer.constraints import apply, items_from

    items = items_from(scn, _names(getattr(args, "constraints", "")), lock=_names(getattr(args, "lock", "")),
                       force=_pairs(getattr(args, "force", []), "--force"),
                       force_push=_pairs(getattr(args, "force_push", []), "--force-push"),
                       basic=_names(getattr(args, "basic", "")),
                       share=_pairs(getattr(args, "dept_share", []), "--dept-share", percent=True))
    return apply(scn, req, items)
