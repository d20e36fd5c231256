// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // After htmx swaps a region, move focus to its first heading or legend so screen readers follow.
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.detail.target;
    if (!region || !region.querySelector) { return; }
    var target = region.querySelector("[data-focus-after-swap]") || (region.matches("[data-focus-after-swap]") ? region : null);
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });

  // « Copier le lien » buttons: copy the page address; the button says so.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-link]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(window.location.href).then(function () {
      var status = document.getElementById(button.getAttribute("aria-controls"));
      if (status) { status.textContent = "Lien copié."; }
    });
  });

  // « Imprimer » buttons.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Buttons that need JavaScript are hidden until it runs.
  document.documentElement.classList.add("js");
})();
