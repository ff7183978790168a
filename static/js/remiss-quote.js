// Quoting a passage of the text that went out on remiss: the reader selects words inside a
// block and chooses "Citera markerad text"; the quote, and where it starts in the block's
// text (its textContent, as the server counts), go into that block's comment form. Without
// this file the quote is pasted into the field by hand and the server finds where it starts.
(function () {
  "use strict";
  var last = null; // the latest selection inside a block: {source, quote, start}

  function sourceOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-quote-source]") : null;
  }

  function remember() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    var source = sourceOf(range.startContainer);
    if (!source || sourceOf(range.endContainer) !== source) return;
    var before = document.createRange();
    before.selectNodeContents(source);
    before.setEnd(range.startContainer, range.startOffset);
    var raw = range.toString();
    var quote = raw.trim();
    if (!quote) return;
    var leading = raw.length - raw.replace(/^\s+/, "").length;
    last = { source: source, quote: quote, start: before.toString().length + leading };
  }

  function say(form, message) {
    var status = form.querySelector("[data-quote-status]");
    if (status) status.textContent = message || "";
  }

  document.addEventListener("selectionchange", remember);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-quote-tools]").forEach(function (tools) {
      tools.hidden = false;
    });
    // A quote typed or pasted by hand has no known start: the server finds it.
    document.querySelectorAll("[data-quote-field]").forEach(function (field) {
      field.addEventListener("input", function () {
        var start = field.form && field.form.querySelector("[data-quote-start]");
        if (start) start.value = "";
      });
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quote-button]");
    if (!button) return;
    var form = button.closest("form");
    var block = button.closest("[data-quote-block]");
    if (!form) return;
    if (!last || !block || !block.contains(last.source)) {
      say(form, button.getAttribute("data-empty-message"));
      return;
    }
    var field = form.querySelector("[data-quote-field]");
    var start = form.querySelector("[data-quote-start]");
    if (field) field.value = last.quote;
    if (start) start.value = String(last.start);
    say(form, button.getAttribute("data-done-message"));
    var text = form.querySelector("textarea[name='text']");
    if (text) text.focus();
  });
})();
