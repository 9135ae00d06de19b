"""Small SCORM packages written in code, for the demo data and the tests (no third-party content).

Each SCO is one HTML page with two screens: "Next" saves the position (location and suspend data),
"Finish" reports a score, the status and the time spent, commits and terminates, through the SCORM 1.2
(LMSInitialize...) or 2004 (Initialize...) API the player puts in the parent window."""

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from lms.choices import ScormVersion

SCO_SCRIPT = """(function () {
  "use strict";
  var body = document.body;
  var is2004 = body.dataset.version === "2004";
  var started = Date.now();
  function findApi(win) {
    for (var depth = 0; win && depth < 10; depth += 1) {
      if (is2004 && win.API_1484_11) { return win.API_1484_11; }
      if (!is2004 && win.API) { return win.API; }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window);
  function call(name12, name2004) {
    var args = Array.prototype.slice.call(arguments, 2);
    return api ? api[is2004 ? name2004 : name12].apply(api, args) : "";
  }
  function get(element12, element2004) { return String(call("LMSGetValue", "GetValue", is2004 ? element2004 : element12)); }
  function set(element12, element2004, value) { return call("LMSSetValue", "SetValue", is2004 ? element2004 : element12, value); }
  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }
  function sessionTime() {
    var seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
    if (is2004) { return "PT" + seconds + "S"; }
    return pad(Math.floor(seconds / 3600), 4) + ":" + pad(Math.floor(seconds % 3600 / 60), 2) + ":" + pad(seconds % 60, 2);
  }
  function show(page) {
    document.getElementById("page-1").hidden = page !== 1;
    document.getElementById("page-2").hidden = page !== 2;
    document.getElementById("done").hidden = page !== 3;
  }
  call("LMSInitialize", "Initialize", "");
  var location = get("cmi.core.lesson_location", "cmi.location");
  var suspend = get("cmi.suspend_data", "cmi.suspend_data");
  var status = document.getElementById("status");
  status.textContent = api ? (location ? "Reprise à l'écran " + location + " (" + suspend + ")" : "Connecté") : "API SCORM introuvable";
  show(location === "2" ? 2 : 1);
  document.getElementById("next").addEventListener("click", function () {
    set("cmi.core.lesson_location", "cmi.location", "2");
    set("cmi.suspend_data", "cmi.suspend_data", "page=2");
    set("cmi.core.lesson_status", "cmi.completion_status", "incomplete");
    call("LMSCommit", "Commit", "");
    show(2);
  });
  document.getElementById("finish").addEventListener("click", function () {
    var score = body.dataset.score;
    set("cmi.core.score.min", "cmi.score.min", "0");
    set("cmi.core.score.max", "cmi.score.max", "100");
    set("cmi.core.score.raw", "cmi.score.raw", score);
    if (is2004) {
      set("", "cmi.score.scaled", String(Number(score) / 100));
      set("", "cmi.completion_status", "completed");
      set("", "cmi.success_status", body.dataset.success);
      set("", "cmi.exit", "normal");
    } else {
      set("cmi.core.lesson_status", "", body.dataset.status);
      set("cmi.core.exit", "", "");
    }
    set("cmi.core.session_time", "cmi.session_time", sessionTime());
    call("LMSCommit", "Commit", "");
    call("LMSFinish", "Terminate", "");
    show(3);
  });
}());
"""

SCO_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;margin:1rem;line-height:1.5}}button{{font-size:1.1rem;padding:.75rem 1.25rem;min-height:44px}}</style>
</head>
<body data-version="{version}" data-score="{score}" data-status="{status}" data-success="{success}">
<h1>{title}</h1>
<p id="status" role="status"></p>
<section id="page-1"><p>Écran 1 sur 2 : {title}.</p><button type="button" id="next">Suivant</button></section>
<section id="page-2" hidden><p>Écran 2 sur 2 : dernier écran.</p><button type="button" id="finish">Terminer</button></section>
<section id="done" hidden><p>Module terminé, vous pouvez continuer.</p></section>
<script src="{script}"></script>
</body></html>
"""


def sco_page(
    *, title: str, version: str, score: int = 80, passed: bool = True, script: str = "../sco.js"
) -> str:
    status = "passed" if passed else "failed"
    return SCO_PAGE.format(
        title=escape(title),
        version=version,
        score=score,
        status=status,
        success=status,
        script=script,
    )


def manifest_xml(
    *,
    version: str,
    title: str,
    scos: Sequence[tuple[str, str]],
    mastery_score: Decimal | None = None,
    parameters: str = "",
) -> str:
    """imsmanifest.xml for SCOs given as (identifier, title); SCO n launches sco-n/index.html."""
    if version == ScormVersion.SCORM_12:
        namespaces = (
            'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'
        )
        schema = "<schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>"
        type_attribute = "adlcp:scormtype"
    else:
        namespaces = (
            'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
            'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"'
        )
        schema = "<schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>"
        type_attribute = "adlcp:scormType"
    items, resources = [], []
    for number, (identifier, sco_title) in enumerate(scos, start=1):
        mastery = ""
        if mastery_score is not None and version == ScormVersion.SCORM_12:
            mastery = f"<adlcp:masteryscore>{mastery_score}</adlcp:masteryscore>"
        elif mastery_score is not None:
            mastery = (
                "<imsss:sequencing><imsss:objectives>"
                '<imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">'
                f"<imsss:minNormalizedMeasure>{mastery_score}</imsss:minNormalizedMeasure>"
                "</imsss:primaryObjective></imsss:objectives></imsss:sequencing>"
            )
        parameter_attribute = f' parameters="{escape(parameters)}"' if parameters else ""
        items.append(
            f'<item identifier="{escape(identifier)}" identifierref="res-{number}"{parameter_attribute}>'
            f"<title>{escape(sco_title)}</title>{mastery}</item>"
        )
        resources.append(
            f'<resource identifier="res-{number}" type="webcontent" {type_attribute}="sco" '
            f'href="sco-{number}/index.html"><file href="sco-{number}/index.html"/>'
            '<file href="sco.js"/></resource>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="essaim-sample" version="1.0" {namespaces}>'
        f"<metadata>{schema}</metadata>"
        f'<organizations default="org"><organization identifier="org"><title>{escape(title)}</title>'
        f"{''.join(items)}</organization></organizations>"
        f"<resources>{''.join(resources)}</resources></manifest>"
    )


def build_package(
    *,
    version: str = ScormVersion.SCORM_12,
    title: str = "Module interactif",
    scos: Sequence[tuple[str, str]] = (("sco-intro", "Introduction"),),
    mastery_score: Decimal | None = None,
    score: int = 80,
    passed: bool = True,
) -> bytes:
    """A zip of a working SCORM package: manifest, one page per SCO, the shared script."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "imsmanifest.xml",
            manifest_xml(version=version, title=title, scos=scos, mastery_score=mastery_score),
        )
        archive.writestr("sco.js", SCO_SCRIPT)
        for number, (_identifier, sco_title) in enumerate(scos, start=1):
            archive.writestr(
                f"sco-{number}/index.html",
                sco_page(title=sco_title, version=version, score=score, passed=passed),
            )
    return buffer.getvalue()
