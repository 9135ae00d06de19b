/* Essaim: the SCORM player of a lesson. The run-time (scorm-again, vendored) lives in this window as
   window.API (SCORM 1.2) or window.API_1484_11 (SCORM 2004), where the SCO in the frame looks for it.
   Configuration: the JSON of #scorm-player-data (lms.scorm.views.player_context).

   Commits go to the server as {token, session, sequence, cmi}: the token is signed by the server for one
   learner, lesson and SCO; `sequence` grows with every commit, so the server applies each one once and
   ignores repeats and late arrivals. A commit that fails (network drop) is kept in sessionStorage and
   sent again with its number (every 5 seconds, on `online`, and when the page opens again); when the
   page is hidden or closed, the current state leaves by navigator.sendBeacon.
   Written for Essaim. Licence: the project's. */
(function () {
  "use strict";
  var dataElement = document.getElementById("scorm-player-data");
  var root = document.getElementById("scorm-player");
  if (!dataElement || !root) {
    return;
  }
  var config = JSON.parse(dataElement.textContent);
  if (!config.commitUrl) {
    // Staff reading the lesson: the content runs, nothing is recorded.
    config.commitUrl = "";
  }
  var frame = root.querySelector("iframe");
  var status = root.querySelector("[data-scorm-status]");
  var buttons = root.querySelectorAll("[data-sco-index]");
  var nextButton = root.querySelector("[data-scorm-next]");
  var is2004 = config.version === "2004";
  var ApiClass = is2004 ? window.Scorm2004API : window.Scorm12API;
  var retryTimer = null;
  var current = null; // {index, api, session, sequence}

  function pendingKey(sco) {
    return "essaim-scorm-pending-" + sco.id;
  }

  function readPending(sco) {
    try {
      var text = window.sessionStorage.getItem(pendingKey(sco));
      return text ? JSON.parse(text) : null;
    } catch (error) {
      return null;
    }
  }

  function writePending(sco, payload) {
    try {
      window.sessionStorage.setItem(pendingKey(sco), JSON.stringify(payload));
    } catch (error) { /* storage full or refused: the next commit carries the full state anyway */ }
  }

  function clearPending(sco, sequence, session) {
    var pending = readPending(sco);
    if (pending && pending.session === session && pending.sequence <= sequence) {
      window.sessionStorage.removeItem(pendingKey(sco));
    }
  }

  function describe(answer) {
    var parts = [];
    var labels = root.dataset;
    if (answer.lessonCompleted) {
      parts.push(labels.labelLessonCompleted);
    } else if (answer.completion === "completed") {
      parts.push(labels.labelCompleted);
    } else if (answer.completion === "incomplete") {
      parts.push(labels.labelIncomplete);
    }
    if (answer.success === "passed") {
      parts.push(labels.labelPassed);
    } else if (answer.success === "failed") {
      parts.push(labels.labelFailed);
    }
    if (typeof answer.score === "number") {
      parts.push(labels.labelScore.replace("{score}", String(Math.round(answer.score * 100))));
    }
    if (answer.seconds) {
      parts.push(labels.labelTime.replace("{minutes}", String(Math.max(1, Math.round(answer.seconds / 60)))));
    }
    return parts.join(" · ");
  }

  function showAnswer(sco, answer) {
    sco.completion = answer.completion;
    sco.success = answer.success;
    sco.score = answer.score;
    sco.seconds = answer.seconds;
    if (status) {
      status.textContent = describe(answer);
    }
    var button = root.querySelector('[data-sco-index="' + config.scos.indexOf(sco) + '"]');
    if (button && answer.completion === "completed") {
      button.classList.add("is-completed");
    }
    var index = config.scos.indexOf(sco);
    if (nextButton && current && current.index === index && answer.completion === "completed"
        && index + 1 < config.scos.length) {
      nextButton.dataset.target = String(index + 1);
      nextButton.hidden = false;
    }
    if (answer.lessonCompleted) {
      root.classList.add("is-lesson-completed");
      var completion = document.querySelector("[data-lesson-completion]");
      if (completion) {
        completion.textContent = root.dataset.labelLessonCompleted;
        completion.className = "status status-completed";
      }
    }
  }

  function payloadFor(sco, session, sequence, commitObject) {
    return { token: sco.token, session: session, sequence: sequence, cmi: commitObject.cmi || {} };
  }

  function send(sco, payload) {
    if (!window.fetch) {
      return;
    }
    window.fetch(config.commitUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (answer) {
      clearPending(sco, payload.sequence, payload.session);
      showAnswer(sco, answer);
    }).catch(function () {
      scheduleRetry();
    });
  }

  function retryAll() {
    retryTimer = null;
    config.scos.forEach(function (sco) {
      var pending = readPending(sco);
      if (pending) {
        send(sco, pending);
      }
    });
  }

  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(retryAll, 5000);
    }
  }

  function createApi(sco, session) {
    var state = { sequence: 0 };
    var settings = {
      autocommit: true,
      autocommitSeconds: 10,
      logLevel: 5,
      lmsCommitUrl: config.commitUrl || false,
      dataCommitFormat: "json",
      sendFullCommit: true,
      xhrWithCredentials: true,
      requestHandler: function (commitObject) {
        state.sequence += 1;
        var payload = payloadFor(sco, session, state.sequence, commitObject);
        writePending(sco, payload);
        return payload;
      },
      xhrResponseHandler: function (xhr) {
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (error) {
          answer = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.result) {
          var pending = readPending(sco);
          if (pending) {
            clearPending(sco, pending.sequence, pending.session);
          }
          showAnswer(sco, answer);
          return { result: true, errorCode: 0 };
        }
        scheduleRetry();
        // The content carries on: the state is kept here and sent again.
        return { result: true, errorCode: 0 };
      }
    };
    var api = new ApiClass(settings);
    api.loadFromJSON(sco.cmi);
    // A commit the server never got (the network dropped, the page closed): send it again now. The
    // server applies it only if it is newer than what it has.
    var saved = readPending(sco);
    if (saved && config.commitUrl) {
      send(sco, saved);
    }
    return { api: api, state: state };
  }

  function flush() {
    // The page is being hidden or closed: send what the content has said so far, once.
    if (!current || !config.commitUrl || !navigator.sendBeacon) {
      return;
    }
    var api = current.api;
    if (!api.isInitialized || !api.isInitialized() || (api.isTerminated && api.isTerminated())) {
      return;
    }
    var sco = config.scos[current.index];
    current.state.sequence += 1;
    var payload = payloadFor(sco, current.session, current.state.sequence, api.getCommitObject(true));
    writePending(sco, payload);
    navigator.sendBeacon(config.commitUrl, new Blob([JSON.stringify(payload)], { type: "text/plain" }));
  }

  function launch(index) {
    flush();
    var sco = config.scos[index];
    var session = Math.random().toString(36).slice(2, 10);
    var created = createApi(sco, session);
    current = { index: index, api: created.api, state: created.state, session: session };
    if (is2004) {
      window.API_1484_11 = created.api;
    } else {
      window.API = created.api;
    }
    buttons.forEach(function (button) {
      button.setAttribute("aria-current", button.dataset.scoIndex === String(index) ? "true" : "false");
    });
    if (status && sco.completion !== "not_attempted") {
      status.textContent = describe(sco);
    }
    if (nextButton) {
      nextButton.hidden = true;
    }
    frame.setAttribute("title", sco.title);
    frame.src = sco.url;
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      launch(parseInt(button.dataset.scoIndex, 10));
    });
  });
  if (nextButton) {
    nextButton.addEventListener("click", function () {
      launch(parseInt(nextButton.dataset.target, 10));
    });
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.addEventListener("online", retryAll);
  if (config.scos.length) {
    launch(config.start || 0);
  }
}());
