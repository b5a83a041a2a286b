"""Template check before use: unknown variables, syntax errors, tags split by Word — with the place.

A secretary edits a copy in Word; Word likes to cut ``{{ member.full_name }}`` into several runs
(spell check, a change of format in the middle) and a typo in a variable prints an empty field.
The check reads the template the way docxtpl will and says, in Vietnamese, what is wrong and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from docx import Document
from docx.oxml.ns import qn
from jinja2 import nodes
from docxtpl import DocxTemplate

from handbook_desktop.services.forms.catalog import find_form
from handbook_desktop.services.forms.render import TEMPLATE_GLOBALS, jinja_env

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_ALLOWED_GLOBALS = set(TEMPLATE_GLOBALS)
# Tags that reach other templates or define callables: a form is one self-contained document.
_FORBIDDEN_TAGS = {nodes.Import: "import", nodes.FromImport: "from … import", nodes.Include: "include",
                   nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call",
                   nodes.Block: "block"}


@dataclass(frozen=True)
class TemplateProblem:
    severity: str  # "error" | "warning"
    place: str  # "đoạn 12", "bảng 2, dòng 3, ô 1", "đầu trang"
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


def _places(document):
    """(place, paragraph element) for every paragraph, named as a person finds it in Word."""
    body = document.element.body
    n = 0
    table_no = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            n += 1
            yield f"đoạn {n}", child
        elif child.tag == qn("w:tbl"):
            table_no += 1
            for r, row in enumerate(child.iter(qn("w:tr")), 1):
                for c, cell in enumerate(row.iter(qn("w:tc")), 1):
                    for p in cell.iter(qn("w:p")):
                        yield f"bảng {table_no}, dòng {r}, ô {c}", p
    for s, section in enumerate(document.sections, 1):
        for label, part in (("đầu trang", section.header), ("chân trang", section.footer)):
            if part.is_linked_to_previous:
                continue
            for p in part._element.iter(qn("w:p")):
                yield label, p


def _runs_text(p) -> list[str]:
    return ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "…"


def _split_problems(document) -> list[TemplateProblem]:
    problems = []
    for place, p in _places(document):
        runs = _runs_text(p)
        text = "".join(runs)
        if "{" not in text and "}" not in text:
            continue
        opened = text.count("{{") + text.count("{%")
        closed = text.count("}}") + text.count("%}")
        if opened != closed:
            problems.append(TemplateProblem("error", place, f"thẻ mở và thẻ đóng không khớp trong «{_short(text)}» "
                                            "(mỗi {{ … }} hoặc {% … %} phải nằm trọn trong một đoạn)."))
            continue
        # Braces of one tag cut between two runs: docxtpl cannot see the tag at all.
        for left, right in zip(runs, runs[1:]):
            if (left.endswith("{") and right[:1] in "{%") or (left.endswith(("}", "%")) and right.startswith("}")):
                problems.append(TemplateProblem("error", place, f"Word đã tách dấu ngoặc của một thẻ trong «{_short(text)}». "
                                                "Hãy xóa thẻ rồi gõ lại liền một lần (hoặc dán dạng chữ thuần)."))
                break
        else:
            # A tag spread over several runs still works (docxtpl joins it) but is fragile.
            position = 0
            bounds = []
            for run in runs:
                bounds.append((position, position + len(run)))
                position += len(run)
            for match in _TAG.finditer(text):
                touched = [b for b in bounds if b[0] < match.end() and b[1] > match.start() and b[1] > b[0]]
                if len(touched) > 1:
                    problems.append(TemplateProblem("warning", place, f"thẻ {_short(match.group(0))} bị Word chia thành "
                                                    f"{len(touched)} đoạn định dạng; vẫn dùng được, nhưng nên gõ lại liền một lần."))
    return problems


def _source(path: Path) -> str:
    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml += tpl.patch_xml(tpl.get_part_xml(part))
    return xml


def _chain(node) -> list[str] | None:
    names = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            names.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            names.append(node.arg.value)
        else:
            names.append(None)
        node = node.node
    if isinstance(node, nodes.Name):
        names.append(node.name)
        return list(reversed(names))
    return None


def _resolve(sample, chain):
    value = sample
    for name in chain:
        if name is None:
            return True, None  # an index or a computed key: cannot tell
        if isinstance(value, dict):
            if name not in value:
                return False, None
            value = value[name]
        elif isinstance(value, list):
            value = value[0] if value else None
            if isinstance(value, dict) and name not in value:
                return False, None
            value = value.get(name) if isinstance(value, dict) else None
        elif isinstance(value, date):
            # a date's parts are data; its methods (``replace``, ``strftime``…) are not
            if name not in ("year", "month", "day"):
                return False, None
            value = getattr(value, name)
        elif isinstance(value, (str, int, float, bool)):
            return False, None  # methods of a text or a number are not template data
        else:
            return True, None
    return True, value


def _unknown_variables(ast, sample: dict) -> list[str]:
    """Dotted names used by the template that the form's context does not have.

    A loop variable (``item`` in ``for item in meeting.agenda``) stands for an element of what it
    loops over; the same name may be bound by several loops, and a name is accepted when it exists
    under any of them.
    """
    scope: dict[str, list[list[str]]] = {}
    assigned: set[str] = set()
    for loop in ast.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name):
            iterable = loop.iter
            while isinstance(iterable, (nodes.Filter, nodes.Getitem)) and not _chain(iterable):
                iterable = iterable.node
            chain = _chain(iterable)
            if chain:
                scope.setdefault(loop.target.name, []).append(chain)
            else:
                assigned.add(loop.target.name)
    for assign in ast.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            assigned.add(assign.target.name)

    def expand(chain, depth=0):
        if depth > 8 or chain[0] not in scope:
            return [chain]
        result = []
        for binding in scope[chain[0]]:
            for full in expand(binding, depth + 1):
                result.append(full + chain[1:])
        return result

    unknown: list[str] = []
    inner_nodes = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner_nodes:
            continue
        chain = _chain(node)
        if chain is None:
            continue
        inner = node
        while isinstance(inner, (nodes.Getattr, nodes.Getitem)):
            inner = inner.node
            inner_nodes.add(id(inner))
        if chain[0] in _ALLOWED_GLOBALS or chain[0] in assigned:
            continue
        if not any(_resolve(sample, full)[0] for full in expand(chain)):
            label = ".".join(c for c in chain if c)
            if label not in unknown:
                unknown.append(label)
    return unknown


def used_fields(ast) -> set[str]:
    """Every dotted name the template prints or tests, loop variables expanded to what they loop over."""
    scope: dict[str, list[list[str]]] = {}
    for loop in ast.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name):
            iterable = loop.iter
            while isinstance(iterable, (nodes.Filter, nodes.Getitem)) and not _chain(iterable):
                iterable = iterable.node
            chain = _chain(iterable)
            if chain:
                scope.setdefault(loop.target.name, []).append(chain)

    def expand(chain, depth=0):
        if depth > 8 or chain[0] not in scope:
            return [chain]
        return [full + chain[1:] for binding in scope[chain[0]] for full in expand(binding, depth + 1)]

    # ``names|length`` prints how many, not who: a list counted only is not printed
    counted = set()
    for node in ast.find_all(nodes.Filter):
        if node.name in ("length", "count") and node.node is not None:
            inner = node.node
            counted.add(id(inner))
            while isinstance(inner, (nodes.Getattr, nodes.Getitem)):
                inner = inner.node
                counted.add(id(inner))
    inner_of_counted = counted
    used = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner_of_counted:
            continue
        chain = _chain(node)
        if chain:
            for full in expand(chain):
                used.add(".".join(c for c in full if c))
    return used


# A field printed under another name that says the same: the name with the birth year of a namesake.
SAME_AS = {"member.full_name": ("member.display_name",)}


def missing_required(ast, entry) -> list[str]:
    used = used_fields(ast)
    return [field for field in entry.required
            if field not in used and not any(other in used for other in SAME_AS.get(field, ()))]


def _trick(where_text: str, message: str) -> tuple[str, str]:
    return where_text, message + " Mẫu biểu chỉ được dùng các biến của biểu mẫu và các bộ lọc đã liệt kê."


def _sandbox_problems(ast, env) -> list[tuple[str, str]]:
    """(text to find the place by, message) for every construct that reaches past the form's data.

    The sandbox already makes these harmless at render; the check refuses them so that a copy that
    tries is never used at all, and says where it is.
    """
    found: list[tuple[str, str]] = []
    for node_type, label in _FORBIDDEN_TAGS.items():
        for _ in ast.find_all(node_type):
            found.append(_trick(label, f"thẻ {{% {label} %}} không được dùng trong biểu mẫu."))
    for node in ast.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            found.append(_trick(node.attr, f"thuộc tính '{node.attr}' bắt đầu bằng dấu gạch dưới: không được phép."))
    for node in ast.find_all(nodes.Name):
        if node.name.startswith("_"):
            found.append(_trick(node.name, f"tên '{node.name}' bắt đầu bằng dấu gạch dưới: không được phép."))
    for node in ast.find_all(nodes.Const):
        if isinstance(node.value, str) and (node.value.startswith("_") or "__" in node.value):
            found.append(_trick(node.value, f"chuỗi '{node.value}' trông như tên nội bộ của Python: không được phép."))
    for node in ast.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Slice) and all(
                part is None or isinstance(part, nodes.Const) for part in (node.arg.start, node.arg.stop, node.arg.step)):
            continue
        if not isinstance(node.arg, (nodes.Const, nodes.Name)):
            found.append(_trick("[", "khóa trong ngoặc vuông được ghép hoặc tính ra: không được phép "
                                "(hãy viết tên biến đầy đủ)."))
    for node in ast.find_all(nodes.Call):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "range"):
            callee = ".".join(c for c in (_chain(node.node) or []) if c) or "một giá trị"
            found.append(_trick(callee if callee != "một giá trị" else "(",
                                f"gọi hàm hay phương thức '{callee}(…)' không được phép."))
    for node in ast.find_all(nodes.Test):
        if node.name not in env.tests:
            found.append(_trick(node.name, f"phép thử 'is {node.name}' không có."))
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def _merge(into: dict, other: dict) -> dict:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and value and isinstance(value[0], dict) and isinstance(into.get(key), list) \
                and into[key] and isinstance(into[key][0], dict):
            into[key] = [_merge(dict(into[key][0]), value[0])]
        elif key not in into:
            into[key] = value
    return into


def merged_sample() -> dict:
    """What any form of the catalogue provides: a file checked without its form code is held to this."""
    import copy

    from handbook_desktop.services.forms.catalog import catalog
    from handbook_desktop.services.forms.samples import sample_context

    merged: dict = {}
    for entry in catalog():
        _merge(merged, copy.deepcopy(sample_context(entry.code)))
    return merged


def form_of_file(path: Path):
    """The catalogue entry whose file name ``path`` carries (``…/6_knd_….docx``), or None."""
    from handbook_desktop.services.forms.catalog import catalog

    for entry in catalog():
        if Path(path).name == entry.file:
            return entry
    return None


def check_template(path=None, code: str | None = None) -> list[TemplateProblem]:
    """Problems of the template of form ``code`` (or of the file ``path``, checked against ``code``)."""
    from handbook_desktop.services.forms.samples import sample_context

    entry = find_form(code) if code else (form_of_file(path) if path else None)
    path = Path(path) if path else entry.template_path()
    problems: list[TemplateProblem] = []
    try:
        document = Document(str(path))
    except Exception:  # noqa: BLE001 - any unreadable file gets the same plain answer
        return [TemplateProblem("error", "tệp", f"Không mở được {path.name}: không phải tệp Word .docx hợp lệ.")]
    problems += _split_problems(document)
    if any(p.severity == "error" for p in problems):
        return problems
    # one paragraph per line, so that a syntax error's line number names its paragraph
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", _source(path))
    env = jinja_env()
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as error:
        place, message = syntax_error_place(document, source, error)
        problems.append(TemplateProblem("error", place, f"thẻ viết sai: {message}."))
        return problems
    for needle, message in _sandbox_problems(ast, env):
        problems.append(TemplateProblem("error", _place_of(document, needle), message))
    if entry is None:
        # No form given: names are still checked against what some form of the catalogue provides.
        for name in _unknown_variables(ast, merged_sample()):
            problems.append(TemplateProblem("error", _place_of(document, name),
                                            f"biến '{name}' không có trong dữ liệu của biểu mẫu nào."))
    if entry is not None:
        from handbook_desktop.services.forms.required import label

        for field in missing_required(ast, entry):
            problems.append(TemplateProblem("error", "mẫu", f"mẫu không còn in trường bắt buộc '{field}' "
                                            f"({label(field)}) của {entry.code}: văn bản thiếu nội dung này không "
                                            "được dùng. Hãy thêm lại thẻ {{ " + field + " }} hoặc dùng lại mẫu gốc."))
    for name in sorted({f.name for f in ast.find_all(nodes.Filter)} - set(env.filters)):
        problems.append(TemplateProblem("error", "mẫu", f"bộ lọc '{name}' không có (các bộ lọc có: d, date_line, "
                                        "date_words, upper, num, percent, time, dots …)."))
    if entry is not None:
        sample = sample_context(entry.code)
        for name in _unknown_variables(ast, sample):
            where = _place_of(document, name)
            problems.append(TemplateProblem("error", where, f"biến '{name}' không có trong dữ liệu của mẫu {entry.code} "
                                            "(sẽ in ra trống). Xem danh sách biến trong tài liệu biểu mẫu."))
    return problems


_BLOCK = re.compile(r"\{%-?[pr]?\s*(end)?(if|for)\b")


def _explain(message: str) -> str:
    """Jinja's English message, in the words of a person who edits the form in Word."""
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown:
        return f"thẻ lạ '{unknown.group(1)}' (chỉ dùng if, else, elif, endif, for, endfor, set)"
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if innermost:
        return f"thẻ {{% {innermost.group(1)} %}} mở mà không có {{% end{innermost.group(1)} %}} đóng lại"
    if "Unexpected end of template" in message:
        return "mẫu kết thúc khi một thẻ còn mở"
    got = re.search(r"expected token '([^']+)', got '([^']+)'", message)
    if got:
        return f"trong thẻ có chữ '{got.group(2)}' không đúng chỗ (thiếu dấu chấm, ngoặc hay dấu phẩy?)"
    if "unexpected char" in message:
        return f"ký tự không dùng được trong thẻ ({message.split('unexpected char')[-1].split(' at ')[0].strip()})"
    if "unexpected '" in message:
        return f"dấu {message.split('unexpected ')[-1]} thừa hoặc sai chỗ"
    return f"Jinja báo «{message}»"


def syntax_error_place(document, source: str, error) -> tuple[str, str]:
    """(paragraph or table cell, Vietnamese explanation) of a Jinja syntax error."""
    import html

    message = _explain(error.message or "")
    places = [(place, "".join(_runs_text(p))) for place, p in _places(document)]
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", error.message or "")
    if innermost:  # the unclosed block: the last opening left on the stack
        stack = []
        for place, text in places:
            for match in _BLOCK.finditer(text):
                if match.group(2) != innermost.group(1):
                    continue
                if match.group(1):
                    if stack:
                        stack.pop()
                else:
                    stack.append(place)
        if stack:
            return stack[-1], message
    try:
        lines = source.splitlines()
        line = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
    except (TypeError, IndexError):
        line = ""
    text = html.unescape(re.sub(r"<[^>]+>", "", line)).strip()
    if text:
        for place, para_text in places:
            if text[:40] and text[:40] in para_text:
                return place, message
    return f"gần «{_short(text)}»" if text else "mẫu", message


def _place_of(document, name: str) -> str:
    """The first paragraph or table cell with a tag that mentions ``name`` (whole, else its last part)."""
    places = [(place, "".join(_runs_text(p))) for place, p in _places(document)]
    for needle in dict.fromkeys((name, name.split(".")[-1])):
        for place, text in places:
            if any(needle in tag for tag in _TAG.findall(text)):
                return place
        for place, text in places:  # a tag cut over several paragraphs ({% … %} spread by Word)
            if needle in text and ("{{" in text or "{%" in text):
                return place
    return "mẫu"
