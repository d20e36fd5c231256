// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // After htmx swaps a region, move focus to its first heading or legend so screen readers follow.
  // The event fires on each swapped-in element: after an outerHTML swap, detail.target is the old, detached one.
  // data-focus-after-swap="start" also scrolls the heading to the top of the screen (the contacts of a result,
  // once the place is given: what follows it is what the médecin came for).
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.target;
    if (!region || !region.querySelector || !region.isConnected) { return; }
    var target = region.querySelector("[data-focus-after-swap]") || (region.matches("[data-focus-after-swap]") ? region : null);
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      if (target.getAttribute("data-focus-after-swap") === "start") {
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: "start" });
      } else {
        target.focus();
      }
    }
  });

  // A page opened on an anchor (« …#contacts ») also moves the focus to its heading, as a swap would.
  var anchored = window.location.hash.length > 1 ? document.getElementById(window.location.hash.slice(1)) : null;
  var heading = anchored && anchored.querySelector("[data-focus-after-swap]");
  if (heading) { heading.focus({ preventScroll: true }); }

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
