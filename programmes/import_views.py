"""Coordinators' CSV upload: check the file (a dry run), show what it will do, then import it on
confirmation. Between the two steps the file waits in the session, so the confirmed import is
exactly the previewed file."""

import base64
import hashlib
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programmes.evaluation.importers import ResponseImporter
from programmes.imports import ImportResult, run_import
from programmes.imports.importers import CohortImporter, ParticipantImporter, PartnerImporter
from programmes.imports.parsing import FileError, decode
from programmes.permissions import role_required
from programmes.roles import Role

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_EXTENSIONS = {".csv", ".txt"}
PREVIEW_ROWS = 50
SESSION_KEY = "programmes.pending_import"
# The kinds coordinators may upload here; each checks every row against the uploader's scope.
KINDS = {
    CohortImporter.kind: (gettext_lazy("Cohorts"), CohortImporter.columns),
    PartnerImporter.kind: (gettext_lazy("Partners (local committees)"), PartnerImporter.columns),
    ParticipantImporter.kind: (gettext_lazy("Participants"), ParticipantImporter.columns),
    ResponseImporter.kind: (
        gettext_lazy("Questionnaire responses (paper)"),
        (*ResponseImporter.columns, gettext_lazy("<item code>…")),
    ),
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[(kind, label) for kind, (label, _c) in KINDS.items()],
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("A .csv or .txt file of at most 5 MB, exported from a spreadsheet."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise ValidationError(_("Only .csv and .txt files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: split it into several files."))
        content: bytes = upload.read()
        try:
            decode(content)
        except FileError as error:
            raise ValidationError(str(error)) from error
        self.file_name = Path(upload.name).name
        return content


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _preview(request: HttpRequest, result: ImportResult, *, file_name: str, digest: str = "") -> HttpResponse:
    return render(
        request,
        "programmes/imports/preview.html",
        {
            "result": result,
            "kind_label": KINDS[result.kind][0],
            "file_name": file_name,
            "outcomes": result.outcomes[:PREVIEW_ROWS],
            "more_rows": max(len(result.outcomes) - PREVIEW_ROWS, 0),
            "digest": digest,
        },
    )


@role_required(Role.COORDINATOR, Role.FABRIQUE)
def import_upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: a dry run of the file, shown as a preview to confirm."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, content = form.cleaned_data["kind"], form.cleaned_data["file"]
        result = run_import(kind, content, dry_run=True, by=request.user)
        digest = ""
        if result.ok:
            digest = _digest(content)
            request.session[SESSION_KEY] = {
                "kind": kind,
                "file_name": form.file_name,
                "content": base64.b64encode(content).decode("ascii"),
                "digest": digest,
            }
        else:
            request.session.pop(SESSION_KEY, None)
        return _preview(request, result, file_name=form.file_name, digest=digest)
    kinds = [(label, columns) for label, columns in KINDS.values()]
    return render(request, "programmes/imports/upload.html", {"form": form, "kinds": kinds})


@role_required(Role.COORDINATOR, Role.FABRIQUE)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import for real the file previewed last (checked again: the data may have changed since)."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("digest") != request.POST.get("digest"):
        messages.error(request, _("The file to import is no longer known: upload it again."))
        return redirect("programmes:import_upload")
    content = base64.b64decode(pending["content"])
    result = run_import(pending["kind"], content, by=request.user)
    del request.session[SESSION_KEY]
    if not result.ok:
        return _preview(request, result, file_name=pending["file_name"])
    messages.success(
        request,
        _("%(file)s imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "file": pending["file_name"],
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return redirect("programmes:import_upload")
