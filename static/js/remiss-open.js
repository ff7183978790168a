// The form that sends an edition on remiss: show only the windows of the chosen kind (remiss
// or synpunktsinhämtning), the fields for dates set by hand only once "Egna datum" is
// chosen, and the other organisations only for a remiss. Without this file every window and
// field is shown and the server says beside a field what does not fit.
(function () {
  "use strict";

  function wrapper(element) {
    return element ? element.closest("fieldset, .field") : null;
  }

  function setUp(form) {
    var kind = form.querySelector("select[name='kind']");
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[data-window-kind]"));
    if (!kind || radios.length === 0) return;
    var manualFields = ["opens_on", "closes_on", "dates_reason"]
      .map(function (name) { return wrapper(form.querySelector("[name='" + name + "']")); })
      .filter(Boolean);
    var organisations = wrapper(form.querySelector("input[name='organisations']"));
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var windows = wrapper(radios[0]);
    if (windows) windows.appendChild(status);

    // A window's group is the element around its option (Django draws one per kind).
    function groupOf(radio) {
      var option = radio.closest("div");
      return radio.getAttribute("data-window-kind") === "manual" ? option : option.parentElement;
    }

    function update(announce) {
      var chosenKind = kind.value;
      var checked = radios.filter(function (r) { return r.checked; })[0];
      radios.forEach(function (radio) {
        var own = radio.getAttribute("data-window-kind");
        if (own !== "manual") groupOf(radio).hidden = own !== chosenKind;
      });
      if (checked && checked.getAttribute("data-window-kind") !== "manual" &&
          checked.getAttribute("data-window-kind") !== chosenKind) {
        // The window chosen belongs to the other kind: take this kind's next window instead.
        var first = radios.filter(function (r) {
          return r.getAttribute("data-window-kind") === chosenKind;
        })[0];
        if (first) {
          first.checked = true;
          checked = first;
          if (announce) {
            var label = form.querySelector("label[for='" + first.id + "']");
            status.textContent = first.getAttribute("data-window-changed") +
              " " + (label ? label.textContent.trim() : "");
          }
        }
      }
      var manual = !!checked && checked.getAttribute("data-window-kind") === "manual";
      manualFields.forEach(function (field) {
        // A field with an error stays in sight, whatever is chosen.
        field.hidden = !manual && !field.classList.contains("field--error");
      });
      if (organisations) {
        var anyChosen = organisations.querySelector("input:checked");
        organisations.hidden = chosenKind !== "remiss" && !anyChosen;
      }
    }

    kind.addEventListener("change", function () { update(true); });
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () { update(false); });
    });
    update(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("input[data-window-kind]")) setUp(form);
    });
  });
})();
