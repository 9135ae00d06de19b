from html import escape
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.safestring import SafeString, mark_safe

from programmes import outbox, tasks


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail sent by a Celery worker instead of the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = (
            loader.render_to_string(html_email_template_name, context) if html_email_template_name else ""
        )
        outbox.enqueue(tasks.send_email, subject=subject, body=body, to=[to_email], html_body=html_body)


class LongSelect(forms.Select):
    """A select of many options (a catalogue of courses), drawn with the same markup as Django's but
    with its options joined in Python: a template include, or even a template loop, per option is most
    of the cost of a long list."""

    template_name = "widgets/select_inline_options.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = self.options_html(context["widget"]["optgroups"])
        return context

    @staticmethod
    def options_html(optgroups: list[tuple[str | None, list[dict[str, Any]], int]]) -> SafeString:
        """The <option>s (and <optgroup>s), every value and label escaped with the standard library's
        html.escape, as Django's escape does without its lazy-string wrapper."""
        parts = []
        for group_name, options, _index in optgroups:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(str(group_name))}">')
            for option in options:
                attrs = "".join(
                    f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
                    for name, value in option["attrs"].items()
                    if value is not False and value is not None
                )
                parts.append(
                    f'\n  <option value="{escape(str(option["value"]))}"{attrs}>'
                    f"{escape(str(option['label']))}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        return mark_safe("".join(parts))  # every value and label escaped above  # nosec B308 B703
