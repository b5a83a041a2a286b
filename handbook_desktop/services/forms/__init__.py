"""Official Word forms (DESIGN.md "Forms", DOMAIN.md §11–§12).

The public face of the forms engine, which other areas use:

- ``catalog()`` the forms (``FormEntry``: code, title, subject member/meeting/unit/list, scope,
  doc_type for numbering or None, version, notes on what is uncertain); ``find_form(code)``.
- ``render_form(code, context, out_path)`` fills one form; ``render_batch`` many, merged or one file each.
- ``issue_number(session, *, issuer, doc_type, concerns_uuid, issued_on, actor)`` → ``(5, "05-BB/CB")``;
  the same document issued again keeps its number.
- ``unit_header_context(session)``, ``member_context(member)``, ``base_context(session, code, …)``:
  the keys of ``forms.samples`` built from the database.
- ``check_template(path, code)`` the problems of a template, in Vietnamese, with their place.
- ``export_pdf(docx)`` through LibreOffice; ``open_with_system(path)``.
"""

from handbook_desktop.services.forms.catalog import (  # noqa: F401
    FormEntry,
    catalog,
    doc_type_names,
    find_form,
    make_user_copy,
    remove_user_copy,
)
from handbook_desktop.services.forms.context import (  # noqa: F401
    base_context,
    member_context,
    signer_context,
    unit_header_context,
)
from handbook_desktop.services.forms.numbers import issue_number, register  # noqa: F401
from handbook_desktop.services.forms.render import margins_mm, render_form  # noqa: F401


def __getattr__(name):
    # Heavier parts load on first use (the CLI's "forms list" should not pay for them).
    if name in ("render_batch",):
        from handbook_desktop.services.forms import batch

        return getattr(batch, name)
    if name in ("check_template", "TemplateProblem"):
        from handbook_desktop.services.forms import check

        return getattr(check, name)
    if name in ("export_pdf", "open_with_system", "find_soffice"):
        from handbook_desktop.services.forms import export

        return getattr(export, name)
    raise AttributeError(name)
