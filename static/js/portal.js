// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // After htmx swaps a region, move focus to its first heading or legend so screen readers follow.
  // The event fires on each swapped-in element: after an outerHTML swap, detail.target is the old, detached one.
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.target;
    if (!region || !region.querySelector || !region.isConnected) { return; }
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

  // Editors' live preview (dev mode only): poll the content state and reload the page when a file changed.
  // The page says which content it was made from: a save made before the first poll is not taken as the start.
  var devState = document.documentElement.getAttribute("data-dev-etat");
  if (devState && window.fetch) {
    var shown = document.documentElement.getAttribute("data-dev-empreinte");
    var poll = function () {
      fetch(devState, { cache: "no-store" }).then(function (response) { return response.json(); }).then(function (state) {
        if (state.empreinte !== shown) { window.location.reload(); }
      }).catch(function () { /* the server restarts: try again at the next tick */ });
    };
    window.setInterval(poll, 1000);
  }

  // Buttons that need JavaScript are hidden until it runs.
  document.documentElement.classList.add("js");
})();
