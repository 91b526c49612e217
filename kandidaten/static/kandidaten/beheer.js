/* Kandidatenoverzicht, beheer: small accessibility repairs of Django's admin widgets.

   The "filter horizontal" widget (SelectFilter2.js) writes its help icon as <span aria-label="…">: a name on a
   span without a role is not announced (axe: aria-prohibited-attr). Give such spans the img role their
   label needs, as the widget adds them. */
(function () {
  "use strict";

  function herstel(root) {
    if (root.querySelectorAll) {
      root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (span) {
        span.setAttribute("role", "img");
      });
    }
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) {
          herstel(node.parentNode || node);
        }
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
  herstel(document);
}());
