"""A user copy of a template is untrusted: the well-known Jinja injections are refused by the check,
with the paragraph or table cell named, and are harmless even when rendered without the check."""

from __future__ import annotations

import shutil

import pytest
from docx import Document

from handbook_desktop.services import forms
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.render import render_to_document
from handbook_desktop.services.forms.samples import sample_context


def _payloads(marker):
    shell = f"touch {marker}"
    return [
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if 'Popen' in c.__name__ %}"
        f"{{{{ c('{shell}', shell=True) }}}}{{% endif %}}{{% endfor %}}",
        f"{{{{ cycler.__init__.__globals__.os.popen('{shell}').read() }}}}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__ }}",
        "{{ request }}",
        f"{{{{ joiner.__init__.__globals__.os.system('{shell}') }}}}",
        "{{ member.full_name|attr('__class__') }}",
        "{{ member['__cl' ~ 'ass__'] }}",
        "{{ namespace }}",
        f"{{{{ member.full_name.__class__.__mro__[1].__subclasses__() }}}}",
        "{% set x = member.full_name.format %}{{ x }}",
        "{{ member.full_name.upper() }}",
        "{% include 'etc/passwd' %}",
    ]


def _put(path, text, *, in_table: bool):
    """Replace a paragraph (the '-----' rule) or a table cell (the higher body line) by ``text``."""
    document = Document(str(path))
    if in_table:
        paragraph = document.tables[0].rows[0].cells[0].paragraphs[0]
    else:
        paragraph = next(p for p in document.paragraphs if p.text == "-----")
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run(text)
    document.save(str(path))


@pytest.mark.parametrize("in_table", [False, True])
def test_injection_payloads_are_refused_with_the_place_and_harmless_at_render(tmp_path, in_table):
    marker = tmp_path / "pwned"
    for index, payload in enumerate(_payloads(marker)):
        path = tmp_path / f"t{index}.docx"
        shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
        _put(path, payload, in_table=in_table)
        problems = [p for p in forms.check_template(path, "NQ-MCT") if p.severity == "error"]
        assert problems, payload
        expected = "bảng 1, dòng 1, ô 1" if in_table else "đoạn"
        assert any(p.place.startswith(expected) for p in problems), (payload, [str(p) for p in problems])
        # Without a form code the check still refuses it (the `forms check FILE` path).
        assert [p for p in forms.check_template(path) if p.severity == "error"], payload
        try:
            document = render_to_document(path, sample_context("NQ-MCT"))
        except UserError as refused:  # the sandbox stopped it: refused in Vietnamese, not run
            assert "Kiểm tra mẫu" in str(refused) and "unsafe" not in str(refused), str(refused)
        else:
            text = "\n".join(p.text for p in document.paragraphs)
            text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
            for leak in ("<class", "os.", "TemplateReference", "function", "subprocess", "secretary':"):
                assert leak not in text, (payload, leak)
        assert not marker.exists(), payload


def test_user_copy_with_a_payload_is_refused_at_export(tmp_path):
    copy = forms.make_user_copy("NQ-MCT")
    _put(copy, "{{ cycler.__init__.__globals__.os.popen('id').read() }}", in_table=False)
    with pytest.raises(UserError, match="gạch dưới"):
        forms.render_form("NQ-MCT", sample_context("NQ-MCT"), tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_sandbox_allows_only_documented_filters_and_no_globals():
    from handbook_desktop.services.forms.render import jinja_env

    env = jinja_env()
    assert set(env.globals) == {"range"}
    assert "attr" not in env.filters and "map" not in env.filters and "format" not in env.filters
    assert {"d", "date_line", "percent", "dots", "length", "join"} <= set(env.filters)
    # immutable: a template cannot change the data it is given
    with pytest.raises(Exception, match="unsafe|not safely"):
        env.from_string("{{ items.append(1) }}").render(items=[])
