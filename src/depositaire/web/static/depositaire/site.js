/* Dépositaire — the little the pages need from script (a static file: the CSP allows no inline script).
 *
 * 1. After an htmx swap, focus moves to what changed (an error first, else the new question,
 *    else the decision, else the first heading of the new part), and the page's aria-live
 *    region (#live, in base.html) reads it out. Without this, focus falls to <body> and the
 *    next Tab leaves the page.
 * 2. A table wider than its box (a phone) scrolls inside that box; the box then becomes a
 *    focusable region named after the table's heading, so that it can be scrolled by
 *    keyboard (WCAG 2.1.1). A box that does not scroll stays out of the Tab order.
 * 3. Printing opens every closed <details> (an explanation, a "why"), and closes them after.
 */
(function () {
  "use strict";

  var FOCUS_ORDER = [
    "[role=alert]",
    ".errorlist",
    "p.error",
    "#question legend",
    "#decision h2",
    "#letter-preview h2",
    "h1, h2, h3",
  ];

  function text(el) {
    return (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function announce(message) {
    var region = document.getElementById("live");
    if (!region || !message) return;
    region.textContent = "";
    // A change after a pause is read even when the words are the same as before.
    window.setTimeout(function () { region.textContent = message; }, 60);
  }

  function focusChange(root) {
    for (var i = 0; i < FOCUS_ORDER.length; i++) {
      var el = root.querySelector(FOCUS_ORDER[i]);
      if (el && el.offsetParent !== null) {
        if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
          el.setAttribute("tabindex", "-1");
        }
        el.focus();
        var said = text(el);
        if (el.matches("#decision h2")) {
          var verdict = root.querySelector("#decision .verdict");
          if (verdict) said += " : " + text(verdict);
        }
        announce(said);
        return;
      }
    }
  }

  function headingBefore(table) {
    var caption = table.querySelector("caption");
    if (caption) return text(caption);
    var node = table.parentElement;
    while (node && node !== document.body) {
      var heading = node.querySelector("h1, h2, h3");
      if (heading && (heading.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING)) {
        return text(heading);
      }
      node = node.parentElement;
    }
    return document.title;
  }

  function boxTables(root) {
    var tables = root.querySelectorAll("table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.closest(".table-box")) continue;
      var box = document.createElement("div");
      box.className = "table-box";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    fitBoxes(root);
  }

  function fitBoxes(root) {
    var boxes = (root || document).querySelectorAll(".table-box");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", headingBefore(box.querySelector("table")));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  function ready() { boxTables(document); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  window.addEventListener("resize", function () { fitBoxes(document); });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    // hx-swap="outerHTML" replaces the target: find its successor by id.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target || !target.isConnected) target = document.getElementById("main") || document.body;
    boxTables(target);
    focusChange(target);
  });
})();
