// Progressive enhancement only: every page works without this file.
// Print buttons (no inline handlers because of the content security policy).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});

// A suggested slot on the convening page fills in the date and the time in
// place, so that the ticked expertise and invitees stay as they are. Without
// this file the chip submits the form, which comes back with the time filled
// in and the same choices.
document.addEventListener("click", function (event) {
  var chip = event.target.closest("[data-slot-date]");
  var form = chip && chip.form;
  var date = form && form.querySelector("input[name=date]");
  var time = form && form.querySelector("input[name=time]");
  if (!date || !time) {
    return;
  }
  event.preventDefault();
  date.value = chip.getAttribute("data-slot-date");
  time.value = chip.getAttribute("data-slot-time");
  // A found slot names who covers each expertise: they are ticked too.
  (chip.getAttribute("data-cover") || "").split(",").forEach(function (pk) {
    var box = pk && form.querySelector("input[name=invitees][value='" + pk + "']");
    if (box) {
      box.checked = true;
    }
  });
  document.querySelectorAll("[data-slot-date]").forEach(function (other) {
    other.setAttribute("aria-pressed", other === chip ? "true" : "false");
  });
  date.dispatchEvent(new Event("change", { bubbles: true }));
  time.dispatchEvent(new Event("change", { bubbles: true }));
});

// A field that applies to one choice only (data-shown-with = the radio's id)
// shows while that choice is chosen. Without this file it stays visible,
// labelled under its own choice.
function showChosenFields() {
  document.querySelectorAll("[data-shown-with]").forEach(function (field) {
    var choice = document.getElementById(field.dataset.shownWith);
    field.hidden = !(choice && choice.checked);
  });
}
document.addEventListener("change", showChosenFields);
document.addEventListener("DOMContentLoaded", showChosenFields);

// A copy button copies its text box (the summary for one's own records).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var box = document.getElementById(button.dataset.copy);
  var status = document.querySelector("[data-copy-status]");
  box.select();
  var done = function () {
    if (status) {
      status.textContent = button.dataset.copied;
    }
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(box.value).then(done, function () {
      document.execCommand("copy");
      done();
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
