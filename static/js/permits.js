// Permit pages: a print button (the page prints without it too, from the browser's menu).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
})();
