/* Essaim: connected time of a lesson. While the lesson is visible (Page Visibility API) this sends a
   heartbeat every `data-interval` seconds to `data-url`; when the page is hidden or left it sends a last
   one with navigator.sendBeacon. The server decides what counts (idle cut-off, per-session cap).
   Written for Essaim, no dependency. Licence: the project's. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.url) {
    return;
  }
  var url = script.dataset.url;
  var csrf = script.dataset.csrf || "";
  var interval = Math.max(1, parseInt(script.dataset.interval || "30", 10)) * 1000;
  var timer = null;

  function beat(last) {
    var at = new Date().toISOString();
    if (last && navigator.sendBeacon) {
      var form = new FormData();
      form.append("at", at);
      form.append("csrfmiddlewaretoken", csrf);
      if (navigator.sendBeacon(url, form)) {
        return;
      }
    }
    if (!window.fetch) {
      return;
    }
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ at: at })
    }).catch(function () { /* offline: the next heartbeat will do */ });
  }

  function start() {
    if (timer === null) {
      beat(false);
      timer = window.setInterval(function () { beat(false); }, interval);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
      beat(true);
    }
  }

  function follow() {
    if (document.visibilityState === "visible") {
      start();
    } else {
      stop();
    }
  }

  document.addEventListener("visibilitychange", follow);
  window.addEventListener("pagehide", stop);
  window.addEventListener("pageshow", follow);
  follow();
}());
