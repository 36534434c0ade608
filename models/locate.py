"""Where a problem is and what to say: YAML line numbers, readable field paths, and messages in
the scenario author's words for every pydantic error.

Pure functions over the parsed YAML (data and node tree); used by the loader, the tables reader
and the cross-checks.
"""
from __future__ import annotations

import difflib
import math
import re
import types
import typing

import yaml
from pydantic import BaseModel, ValidationError

from .i18n import N_, _, listing, translate
from .problems import SCENARIO_FILE, Problem
from .schema import Indicator, ScenarioFile

NOT_FINITE = "\x00not-finite"  # stands in for .nan/.inf while the schema is checked (reported once, by us)


def unwrap(tp):
    """Strip Annotated[...] and Optional[...] from a type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_members(tp) -> dict[str, type]:
    """Members of a union discriminated by ``kind``: tag -> model."""
    out = {}
    for m in typing.get_args(tp):
        if _is_model(m) and "kind" in m.model_fields:
            tags = typing.get_args(m.model_fields["kind"].annotation)
            if tags:
                out[tags[0]] = m
    return out


_RULES = _union_members(unwrap(Indicator.model_fields["rule"].annotation))


def _model_at(root, loc: tuple):
    """The pydantic model a pydantic error location points into, or None."""
    tp = root
    for key in loc:
        tp = unwrap(tp)
        origin = typing.get_origin(tp)
        if _is_model(tp):
            f = tp.model_fields.get(key) if isinstance(key, str) else None
            if f is None:
                return None
            tp = f.annotation
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            members = _union_members(tp)
            if key not in members:
                return None
            tp = members[key]
    tp = unwrap(tp)
    return tp if _is_model(tp) else None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same marks, 5-10x faster


MAX_VALUES = 1_000_000  # values a YAML document may hold once its aliases are expanded (10 000 indicators: ~200 000)


class TooManyValues(ValueError):
    """A YAML document whose aliases expand past :data:`MAX_VALUES` (an alias 'bomb'); ``line`` of the first alias."""

    def __init__(self, line: int | None):
        self.line = line
        super().__init__(_("its aliases (*name) expand to more than {limit:,} values (or refer to themselves): "
                           "write the values out, or use fewer aliases").format(limit=MAX_VALUES))


def expanded_size(root, limit: int = MAX_VALUES) -> int:
    """Values of a composed YAML node tree with every alias expanded, counted without expanding
    (each node once, in a depth-first walk); ``limit + 1`` as soon as the count exceeds ``limit``
    or an alias refers to a node that contains it."""
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        k = id(node)
        kids = ([x for kv in node.value for x in kv] if isinstance(node, yaml.MappingNode)
                else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            open_.discard(k)
            size[k] = min(1 + sum(size[id(c)] for c in kids), limit + 1)
            if size[k] > limit:
                return limit + 1
            continue
        if k in size:
            continue
        if k in open_:
            return limit + 1
        open_.add(k)
        stack.append((node, True))
        stack.extend((c, False) for c in kids if id(c) not in size)
    return size.get(id(root), 0)


def _first_alias_line(text: str) -> int | None:
    m = re.search(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]+", text, flags=re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def parse_yaml(text: str):
    """Parse once: the data (as ``yaml.safe_load``) and the node tree that carries line numbers.

    Raises :class:`TooManyValues` before constructing a document whose aliases expand past
    :data:`MAX_VALUES` (the size is counted on the composed nodes, in time linear in the text)."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in text and expanded_size(node) > MAX_VALUES:
            raise TooManyValues(_first_alias_line(text))
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def yaml_lines(text: str):
    """Compose the YAML node tree so that a pydantic error path can be mapped to a line."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


def line_of(node, loc: tuple) -> int | None:
    """The line [1-based] of the key that ``loc`` ends on; for a missing key, the line of the key or
    list item whose mapping lacks it."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for i, key in enumerate(loc):
        if node is None:
            break  # a missing key: the line of the key (or list item) that should hold it
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    line = k.start_mark.line + 1
                    nxt = v
                    break
            if nxt is None and isinstance(key, str) and i < len(loc) - 1:
                continue  # a union member's tag (the rule kind), not a key of the file: stay here
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        # else: a tag on a scalar (a union member of a value): stay on this line
    return line


def _item_name(item) -> str | None:
    if isinstance(item, dict):
        for k in ("name", "grade"):
            if isinstance(item.get(k), str) and item[k]:
                return item[k]
    return None


def field_path(loc: tuple, data) -> str:
    """A readable path: indicators[外贸自营出口].rule.basic rather than indicators.3.rule.threshold.basic."""
    parts: list[str] = []
    cur = data
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, list) and isinstance(key, int):
            item = cur[key] if 0 <= key < len(cur) else None
            name = _item_name(item)
            parts.append(f"[{name}]" if name else f"[{key}]")
            cur = item
        elif isinstance(cur, dict):
            if key in cur:
                parts.append(("." if parts else "") + str(key))
                cur = cur[key]
            elif key == "[key]" or not (last or isinstance(key, str)):
                continue
            elif last:
                parts.append(("." if parts else "") + str(key))  # a missing key
                cur = None
            # else: a union member's tag (the rule kind): not a key of the file
        elif cur is None and parts:
            parts.append("." + str(key))
        else:
            break  # union members of a scalar value: the path ends here
    return "".join(parts)


def _walk(data, loc: tuple):
    """The raw value at a pydantic location (skipping union tags), or None."""
    cur = data
    for key in loc:
        if isinstance(cur, list) and isinstance(key, int):
            cur = cur[key] if 0 <= key < len(cur) else None
        elif isinstance(cur, dict):
            if key in cur:
                cur = cur[key]
        else:
            return None
    return cur


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _subfield(root, loc: tuple, msg: str, data) -> tuple:
    """Narrow a whole-object error ("basic (4) must be below full (3)") to the field it names.

    Prefers a field the message says is needed and the object lacks, then a field it names
    that the object has (directly or under ``rule``)."""
    obj = _walk(data, loc)
    if not isinstance(obj, dict):
        return loc
    model = _model_at(root, loc)
    fields = set(model.model_fields) if model else set()

    def present(word: str):
        for prefix in ((), ("rule",)):
            cur, ok = obj, True
            for p in prefix + tuple(word.split(".")):
                if isinstance(cur, dict) and p in cur:
                    cur = cur[p]
                else:
                    ok = False
                    break
            if ok:
                return prefix + tuple(word.split("."))
        return None

    words = _WORD.findall(msg)
    listed: set[str] = set()
    for k, x in obj.items():  # a list of mappings that holds the named key (grades.levels[].max_rank)
        if isinstance(x, list) and any(isinstance(i, dict) and any(w in i for w in words) for i in x):
            fallback = loc + (k,)
            listed = {w for i in x if isinstance(i, dict) for w in words if w in i}
            break
    else:
        fallback = loc
    needed = _WORD.findall(msg.split("needs", 1)[1]) if "needs" in msg else []
    for w in needed:
        if w in fields and w not in obj:
            return loc + (w,)
    for w in needed + words:  # the first word that names a field wins
        for cand in (w, w.rsplit(".", 1)[-1]):
            hit = present(cand)
            if hit:
                return loc + hit
        if fallback != loc and w in listed:
            return fallback
    return fallback


def describe(v) -> str:
    """A value as a message names it ("the number 3", "the text 'abc'")."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return _("nothing")
    if isinstance(v, dict):
        return _("a mapping")
    if isinstance(v, list):
        return _("a list")
    if isinstance(v, (int, float)):
        return _("the number {value}").format(value=v)
    if isinstance(v, str):
        return _("the text '{text}'").format(text=v[:40] + ("…" if len(v) > 40 else ""))
    return f"{type(v).__name__} {v}"


def translated(ctx: dict) -> str:
    """The message of a validator's error (``models.schema.invalid``) in the language in use."""
    return translate(ctx["_template"]).format(**{k: v for k, v in ctx.items() if not k.startswith("_")})


def alternatives(choices) -> str:
    """'a', 'b' or 'c' in the language in use."""
    choices = [str(c) for c in choices]
    if len(choices) < 2:
        return "".join(choices)
    return _("{choices} or {last}").format(choices=listing(choices[:-1]), last=choices[-1])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def did_you_mean(word, choices) -> str | None:
    hits = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return hits[0] if hits else None


_BOUNDS = {"gt": N_("must be greater than {limit}, found {value}"), "ge": N_("must be at least {limit}, found {value}"),
           "lt": N_("must be less than {limit}, found {value}"), "le": N_("must be at most {limit}, found {value}")}


def _message(e: dict, root, data) -> str:
    """What went wrong and what to do, in the scenario author's words (in the language in use)."""
    t, loc, v = e["type"], tuple(e["loc"]), e.get("input")
    msg = e["msg"].removeprefix("Value error, ")
    ctx = e.get("ctx") or {}
    if t == "kaoping":
        return translated(ctx)
    if t == "missing":
        return _("required field '{field}' is missing: add it").format(field=loc[-1])
    if t == "extra_forbidden":
        key = loc[-1]
        model = _model_at(root, loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        tag = loc[-2] if len(loc) >= 2 and loc[-2] in _RULES and model is _RULES.get(loc[-2]) else None
        s = did_you_mean(key, allowed)
        if s:
            return (_("unknown key '{key}' for rule kind '{kind}': did you mean '{hint}'?") if tag else
                    _("unknown key '{key}': did you mean '{hint}'?")).format(key=key, kind=tag, hint=s)
        if tag:
            others = [k for k, m in _RULES.items() if key in m.model_fields]
            if others:
                return _("unknown key '{key}' for rule kind '{kind}' (rule kind '{kind}' takes {allowed}; '{key}' "
                         "belongs to {others}): remove it, or change 'kind'").format(
                    key=key, kind=tag, allowed=listing(allowed), others=listing(others))
            return _("unknown key '{key}' for rule kind '{kind}' (rule kind '{kind}' takes {allowed}): remove it, or "
                     "change 'kind'").format(key=key, kind=tag, allowed=listing(allowed))
        return _("unknown key '{key}': remove it (allowed here: {allowed})").format(key=key, allowed=listing(allowed))
    if t == "union_tag_invalid":
        tag = ctx.get("tag", v)
        s = did_you_mean(tag, _RULES)
        if s:
            return _("unknown rule kind '{kind}': did you mean '{hint}'? (one of {kinds})").format(
                kind=tag, hint=s, kinds=listing(_RULES))
        return _("unknown rule kind '{kind}' (one of {kinds})").format(kind=tag, kinds=listing(_RULES))
    if t == "union_tag_not_found":
        return _("the rule has no 'kind': add kind: with one of {kinds}").format(kinds=listing(_RULES))
    if t in ("model_type", "model_attributes_type", "dict_type"):
        return _("expected a mapping (key: value lines), found {value}").format(value=describe(v))
    if t == "list_type":
        return _("expected a list (lines starting with '- ', or [a, b]), found {value}").format(value=describe(v))
    if t in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        whole = t.startswith("int")
        if isinstance(v, bool):
            out = (_("expected a whole number, found {value} (YAML reads yes, no, on, off as true or false)") if whole
                   else _("expected a number, found {value} (YAML reads yes, no, on, off as true or false)"))
        elif t.endswith("_type") and isinstance(v, str) and _is_number(v):
            out = (_("expected a whole number, found {value}: write it without quotes") if whole
                   else _("expected a number, found {value}: write it without quotes"))
        else:
            out = _("expected a whole number, found {value}") if whole else _("expected a number, found {value}")
        return out.format(value=describe(v))
    if t in ("string_type",):
        return _("expected text, found {value}: put it in quotes").format(value=describe(v))
    if t in ("bool_type", "bool_parsing"):
        return _("expected true or false, found {value}").format(value=describe(v))
    if t == "literal_error":
        expected = ctx.get("expected")
        choices = re.findall(r"'[^']*'|[^\s',]+", expected.replace(" or ", ", ")) if isinstance(expected, str) else []
        return _("{value} is not allowed: use {choices}").format(value=describe(v),
                                                                  choices=alternatives(choices) if choices else msg)
    if t in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op, lim = next(((k, x) for k, x in ctx.items() if k in ("gt", "ge", "lt", "le")), ("", ""))
        lim = f"{lim:g}" if isinstance(lim, (int, float)) else lim
        return translate(_BOUNDS[op]).format(limit=lim, value=v) if op else _("{message} (found {value})").format(message=msg, value=v)
    if t == "string_pattern_mismatch":
        return _("{value} is not allowed: use ASCII letters, digits, '_', '.' or '-'").format(value=describe(v))
    if t == "too_short":
        return _("needs at least {n} item(s), found {found}: add items").format(
            n=ctx.get("min_length", 1), found=ctx.get("actual_length", 0))
    if t == "too_long":
        return _("takes at most {n} item(s), found {found}: remove items").format(
            n=ctx.get("max_length", 0), found=ctx.get("actual_length", 0))
    return msg


def pydantic_problems(err: ValidationError, file: str, data, lines=None, row: int | None = None,
                       root=ScenarioFile) -> list[Problem]:
    """One Problem per pydantic error: the file, its line or row, a readable field path, what to do."""
    errors = [e for e in err.errors(include_url=False) if e.get("input") != NOT_FINITE]
    # 'pionts' is unknown and 'points' is missing: say it once, as a misspelling
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    absorbed = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            loc = tuple(e["loc"])
            model = _model_at(root, loc[:-1])
            s = did_you_mean(loc[-1], model.model_fields) if model else None
            if s and loc[:-1] + (s,) in missing:
                absorbed.add(loc[:-1] + (s,))
    out: list[Problem] = []
    seen: dict[tuple, int] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] == "missing" and loc in absorbed:
            continue
        msg = _message(e, root, data)
        if e["type"] in ("value_error", "kaoping"):  # narrowed by the English text, whatever the language shown
            loc = _subfield(root, loc, e["msg"].removeprefix("Value error, "), data)
        if row is not None:
            where = f"row {row}"
        else:
            ln = line_of(lines, loc) if lines is not None else None
            where = f"line {ln}" if ln else ""
        fld = field_path(loc, data)
        key = (where, fld)
        if key in seen:  # the branches of a union (e.g. 'class' or a number): one problem
            i = seen[key]
            if msg not in out[i].message:
                out[i] = Problem(file, where, fld, _("{first}; or {second}").format(first=out[i].message, second=msg))
            continue
        seen[key] = len(out)
        out.append(Problem(file, where, fld, msg))
    return out


def not_finite(data, lines, file: str = SCENARIO_FILE) -> tuple[object, list[Problem]]:
    """Replace .nan/.inf by a marker (so the schema reports nothing more about them) and report each."""
    probs: list[Problem] = []

    def go(x, loc):
        if isinstance(x, float) and not math.isfinite(x):
            ln = line_of(lines, loc) if lines is not None else None
            probs.append(Problem(file, f"line {ln}" if ln else "", field_path(loc, data),
                                 _("{value} is not a finite number: write a number").format(value=x)))
            return NOT_FINITE
        if isinstance(x, dict):
            return {k: go(v, loc + (k,)) for k, v in x.items()}
        if isinstance(x, list):
            return [go(v, loc + (i,)) for i, v in enumerate(x)]
        return x

    try:
        return go(data, ()), probs
    except RecursionError:
        return data, [Problem(file, "", "", _("nests too deeply (a YAML alias that refers to itself?): simplify it"))]


def duplicate_keys(root, file: str = SCENARIO_FILE) -> list[Problem]:
    """YAML keeps the last of two equal keys silently; we report the second one."""
    out: list[Problem] = []
    seen: set[int] = set()
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                    stack.append((v, path))
                    continue
                here = (path + "." if path else "") + k.value
                ln = k.start_mark.line + 1
                if k.value in first:
                    out.append(Problem(file, f"line {ln}", here,
                                       _("duplicate key '{key}' (first on line {first}): keep one").format(
                                           key=k.value, first=first[k.value])))
                else:
                    first[k.value] = ln
                stack.append((v, here))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                name = None
                if isinstance(item, yaml.MappingNode):
                    name = next((v.value for k, v in item.value if isinstance(k, yaml.ScalarNode)
                                 and k.value in ("name", "grade") and isinstance(v, yaml.ScalarNode) and v.value), None)
                stack.append((item, f"{path}[{name if name else i}]"))
    return out
