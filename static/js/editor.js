// The editor's small helpers: a Markdown toolbar and adding ICD-10 codes from the search.
// Everything here is an enhancement; the forms work without it.
(function () {
  "use strict";

  var wrappers = {
    bold: ["**", "**", "fetstil"],
    italic: ["*", "*", "kursiv"],
    link: ["[", "](https://)", "länktext"],
  };
  var linePrefixes = { heading: "### ", list: "- ", numbered: "1. " };

  function applyMarkdown(textarea, action) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end);
    var replacement;
    if (wrappers[action]) {
      var w = wrappers[action];
      replacement = w[0] + (selected || w[2]) + w[1];
    } else if (linePrefixes[action]) {
      var lines = (selected || "").split("\n");
      replacement = lines.map(function (line) { return linePrefixes[action] + line; }).join("\n");
      if (start > 0 && value[start - 1] !== "\n") replacement = "\n" + replacement;
    } else {
      return;
    }
    textarea.setRangeText(replacement, start, end, "end");
    textarea.focus();
    // Let htmx (preview, autosave) know the text changed.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-md]");
    if (button) {
      var toolbar = button.closest("[data-toolbar-for]");
      var textarea = toolbar && document.getElementById(toolbar.getAttribute("data-toolbar-for"));
      if (textarea) applyMarkdown(textarea, button.getAttribute("data-md"));
      return;
    }
    var add = event.target.closest("[data-icd-code]");
    if (add) {
      var field = document.getElementById("id_diagnoses");
      if (!field) return;
      var codes = field.value.split(",").map(function (c) { return c.trim(); }).filter(Boolean);
      var code = add.getAttribute("data-icd-code");
      if (codes.indexOf(code) === -1) codes.push(code);
      field.value = codes.join(", ");
      add.textContent = "Tillagd";
      add.disabled = true;
    }
  });
})();
