# `{% live_upload "field" %}`: a LiveUploadForm's file input, with what the upload glue
# (static/liveview/uploads.js) reads from it, and the list where it shows each file.
from __future__ import annotations

from django import template
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from liveview.runtime.page import Handle


def upload_input(context: Context, field: str, binding: SafeString) -> SafeString:
    """The file input of `field` (its ``name`` posts the files without JavaScript; `binding`
    its ``{% live %}`` attributes) and the list of its uploads; ``id`` is
    ``<component id>-<field>``, for a ``<label for>``."""
    handle = context.get("lv")
    upload_context = getattr(getattr(handle, "component", None), "upload_context", None)
    if not isinstance(handle, Handle) or upload_context is None:
        raise template.TemplateSyntaxError("{% live_upload %} is used in a LiveUploadForm")
    try:
        info = upload_context(field)
    except KeyError:
        raise template.TemplateSyntaxError(
            f"{{% live_upload %}}: no upload field {field!r}"
        ) from None
    rule = info["rule"]
    dom_id = f"{handle.id}-{field}"
    return format_html(
        '<input type="file" id="{}" name="{}"{}{} data-lv-upload="{}" data-lv-max-size="{}"'
        ' data-lv-max-files="{}" data-lv-round="{}" aria-describedby="{}-uploads" {}>'
        '<ul id="{}-uploads" class="lv-uploads" aria-live="polite"></ul>',
        dom_id,
        field,
        format_html(' accept="{}"', ",".join(rule.accept)) if rule.accept else "",
        mark_safe(" multiple") if rule.max_files > 1 else "",
        info["url"],
        rule.max_size,
        rule.max_files,
        context.get("submitted", 0),
        dom_id,
        binding,
        dom_id,
    )
