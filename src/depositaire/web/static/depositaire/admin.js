/* Dépositaire — the Django admin's filter widget (SelectFilter2.js) names its search icons with
 * aria-label on a <span> without a role, which assistive technologies ignore (ARIA 1.2 forbids
 * it; axe-core: aria-prohibited-attr). Give those icons role="img", so that the name is read.
 * A static file: the CSP allows no inline script. */
(function () {
  "use strict";
  function fix(root) {
    var spans = (root || document).querySelectorAll("span[aria-label]:not([role])");
    for (var i = 0; i < spans.length; i++) spans[i].setAttribute("role", "img");
  }
  window.addEventListener("load", function () {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
  });
})();
