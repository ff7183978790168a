// The reading site's small enhancements; every page works without this file.
// - "Kopiera länk" copies the link to a section or recommendation (Clipboard API); without
//   it, or if copying fails, the link is followed as usual and the address bar holds it.
// - A link to text inside folded in-depth text opens the fold.
// - Printing shows the folded in-depth text too.
(function () {
  "use strict";

  function status() {
    return document.querySelector(".copy-status");
  }

  function say(key) {
    var region = status();
    if (!region) return;
    region.textContent = "";
    // A new text after an empty one is announced again, even when it is the same words.
    window.setTimeout(function () {
      region.textContent = region.getAttribute(key) || "";
    }, 50);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-copy-link]") : null;
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    event.preventDefault();
    var address = new URL(link.getAttribute("href"), window.location.href).href;
    navigator.clipboard.writeText(address).then(
      function () {
        link.classList.add("copy-link--done");
        window.setTimeout(function () {
          link.classList.remove("copy-link--done");
        }, 2500);
        say("data-copied");
      },
      function () {
        say("data-failed");
      }
    );
  });

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var fold = target.closest("details");
    while (fold) {
      fold.open = true;
      fold = fold.parentElement ? fold.parentElement.closest("details") : null;
    }
    target.scrollIntoView();
  }

  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("hashchange", openTarget);

  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.in-depth:not([open])").forEach(function (fold) {
      fold.open = true;
      openedForPrint.push(fold);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (fold) {
      fold.open = false;
    });
    openedForPrint = [];
  });
})();
