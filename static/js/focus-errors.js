// Move the focus to the error summary of a form sent back with errors, so screen readers announce it.
// A file rather than an inline script: the Content Security Policy allows our own scripts only.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
