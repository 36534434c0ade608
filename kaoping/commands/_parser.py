"""argparse in the language in use: the command line's own words (``usage:``, the section titles,
``-h``'s help, ``error:`` and the errors argparse forms itself) from kaoping's catalogue.

argparse passes most of its words in: a usage prefix to the formatter, section titles to the
groups, the help of ``-h``. Those are given here, translated, by subclassing. Its error messages
it forms in English (``argument --draws: expected one argument``) before handing them to
:meth:`ArgumentParser.error`; :meth:`Parser.error` recognises them by argparse's own templates
(the msgids below) and formats the translation with the same values. Nothing global is changed,
so the parser of another program in the same process keeps argparse's English."""
from __future__ import annotations

import argparse
import re
import sys

from ..i18n import N_
from ..i18n import _ as translate

# argparse's msgids (Python 3.11–3.13), in the order they are tried: the first that matches wins
ERRORS = (
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
)
_FIELD = re.compile(r"%\((\w+)\)[sr]|%[sr]")


def _pattern(template: str) -> re.Pattern:
    parts, last, k = [], 0, 0
    for m in _FIELD.finditer(template):
        parts.append(re.escape(template[last:m.start()]))
        name = m.group(1) or f"_{k}"
        k += m.group(1) is None
        parts.append(f"(?P<{name}>.+)" if m.end() == len(template) else f"(?P<{name}>.+?)")
        last = m.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts) + r"\Z", re.S)


_PATTERNS = [(t, _pattern(t)) for t in ERRORS]


def translate_error(message: str) -> str:
    """An error message argparse formed in English, in the language in use (unchanged when no
    template matches, as are the messages of kaoping's own argument types: already translated)."""
    for template, pattern in _PATTERNS:
        m = pattern.match(message)
        if m is None:
            continue
        values = m.groupdict()
        if "message" in values:
            values["message"] = translate_error(values["message"])
        words = _FIELD.sub(lambda f: "{%s}" % (f.group(1) or "_0"), translate(template))
        return words.format(**values)
    return message


class Formatter(argparse.HelpFormatter):
    """argparse's help formatter with the usage prefix in the language in use."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, translate(N_("usage: ")) if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser speaking the language in use (sub-commands' parsers are of this class too)."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = translate(N_("positional arguments"))
        self._optionals.title = translate(N_("options"))
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=translate(N_("show this help message and exit")))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, translate(N_("%(prog)s: error: %(message)s\n")) % {"prog": self.prog,
                                                                       "message": translate_error(message)})
