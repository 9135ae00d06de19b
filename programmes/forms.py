from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

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
    without one template include per option, which is most of the cost of a long list."""

    template_name = "widgets/select_inline_options.html"
