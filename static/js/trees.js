// Editors' trees page: draw each tree's Mermaid text (a <pre class="mermaid">) as a diagram. Without this
// file, or if drawing fails, the text stays on the page as it is.
(function () {
  "use strict";
  if (!window.mermaid) { return; }
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",  // labels are text: no HTML, no links, no click handlers
    theme: "neutral",
    flowchart: { htmlLabels: false, useMaxWidth: false, nodeSpacing: 20, rankSpacing: 40 }
  });
  var blocks = document.querySelectorAll("pre.mermaid");
  Array.prototype.forEach.call(blocks, function (pre, index) {
    window.mermaid.render("graphe-arbre-" + (index + 1), pre.textContent).then(function (result) {
      var figure = document.createElement("figure");
      figure.className = "tree-graph";
      figure.tabIndex = 0;  // a region that scrolls must be reachable with the keyboard
      figure.innerHTML = result.svg;
      pre.replaceWith(figure);
      var svg = figure.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", "Graphe de l'arbre « " + pre.getAttribute("data-titre") + " »");
        // Up to half again as wide as the page, a tree is shrunk to fit (its text stays at two thirds of its
        // size or more); a larger one keeps its size and scrolls: shrunk, it could not be read.
        var width = svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
        if (width && width <= figure.clientWidth * 1.5) { svg.classList.add("fit"); }
      }
      // The text stays one click away, for a reviewer who wants to copy it.
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = "Texte Mermaid de l'arbre";
      details.append(summary, pre);
      figure.after(details);
    }).catch(function () { /* a graph Mermaid cannot draw: the text stays */ });
  });
})();
