// The meeting room page: the clock of the reserved time, and drafts saved as
// one types, so that a dropped connection loses no text. Without this file
// every section still saves with its own button.
(function () {
  var room = document.querySelector("[data-room]");
  if (!room) {
    return;
  }
  var meeting = room.dataset.meeting;
  var storeKey = "yhdessa-room-" + meeting;
  var status = document.querySelector("[data-draft-status]");

  // ---- the clock --------------------------------------------------------
  var clockEl = document.querySelector("[data-clock]");
  var warning = document.querySelector("[data-clock-warning]");
  var left = document.querySelector("[data-clock-left]");
  var warned = "";
  function tick() {
    if (!clockEl) {
      return;
    }
    var now = Date.now();
    var summary = Date.parse(clockEl.dataset.summary);
    var end = Date.parse(clockEl.dataset.end);
    var start = Date.parse(clockEl.dataset.start);
    if (now >= start && now < end) {
      left.textContent = " · " + clockEl.dataset.leftText + " " + Math.ceil((end - now) / 60000) + " " + clockEl.dataset.minText;
    } else {
      left.textContent = "";
    }
    var state = now >= end ? "over" : now >= summary ? "summary" : "";
    if (state !== warned) {
      warned = state;
      // Said once per change (an aria-live region), shown as long as it holds.
      warning.textContent = state === "over" ? clockEl.dataset.overText : state === "summary" ? clockEl.dataset.summaryText : "";
      room.classList.toggle("time-summary", state === "summary");
      room.classList.toggle("time-over", state === "over");
    }
  }
  tick();
  setInterval(tick, 15000);

  // ---- drafts -----------------------------------------------------------
  // Unsent texts live in this browser until the server has them; then only
  // the server keeps them (as the meeting's draft), so a shared tablet does
  // not hold a family's words longer than it must.
  function pending() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "{}");
    } catch (e) {
      return {};
    }
  }
  function keep(fields) {
    try {
      if (Object.keys(fields).length) {
        localStorage.setItem(storeKey, JSON.stringify(fields));
      } else {
        localStorage.removeItem(storeKey);
      }
    } catch (e) {
      // Storage full or refused: the server draft is the only copy.
    }
  }
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  var timer = null;
  var sending = false;
  function send() {
    timer = null;
    var fields = pending();
    if (sending || !Object.keys(fields).length) {
      return;
    }
    sending = true;
    fetch(room.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ fields: fields })
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        sending = false;
        if (!answer.ok) {
          status.textContent = answer.body.detail || room.dataset.offlineText;
          return;
        }
        // What was typed meanwhile stays pending.
        var now = pending();
        Object.keys(fields).forEach(function (name) {
          if (now[name] === fields[name]) {
            delete now[name];
          }
        });
        keep(now);
        var refused = Object.keys(answer.body.refused || {});
        status.textContent = room.dataset.savedText + " " + answer.body.saved_at_text +
          (refused.length ? ". " + room.dataset.refusedText + " " + refused.map(function (name) {
            return answer.body.refused[name];
          }).join(" ") : "");
        if (Object.keys(now).length) {
          schedule();
        }
      })
      .catch(function () {
        sending = false;
        status.textContent = room.dataset.offlineText;
      });
  }
  function schedule() {
    if (!timer) {
      timer = setTimeout(send, 1500);
    }
  }
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    form.addEventListener("input", function (event) {
      var field = event.target;
      if (!field.name || field.type === "hidden" || field.type === "checkbox") {
        return;
      }
      var fields = pending();
      fields[field.name] = field.value;
      keep(fields);
      schedule();
    });
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.type === "radio" || field.tagName === "SELECT") {
        var fields = pending();
        fields[field.name] = field.value;
        keep(fields);
        schedule();
      }
    });
  });
  // Texts typed while offline (or before a reload) come back into their
  // fields and go to the server once it answers.
  var unsent = pending();
  Object.keys(unsent).forEach(function (name) {
    var fields = document.getElementsByName(name);
    fields.forEach(function (field) {
      if (field.type === "radio") {
        field.checked = field.value === unsent[name];
      } else if (field.tagName === "TEXTAREA" || field.tagName === "SELECT" || field.type === "text" || field.type === "date") {
        field.value = unsent[name];
      }
    });
  });
  if (Object.keys(unsent).length) {
    schedule();
  }
  window.addEventListener("online", schedule);
  setInterval(function () {
    if (Object.keys(pending()).length) {
      schedule();
    }
  }, 20000);
})();
