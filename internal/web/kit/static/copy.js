// Copy buttons: a button[data-copy] copies the value of the field whose id
// it names, then says so in its data-done text. Without JavaScript the
// buttons stay hidden and the field can be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    var field = document.getElementById(b.getAttribute("data-copy"));
    if (!field) { return; }
    var label = b.textContent;
    b.hidden = false;
    b.addEventListener("click", function () {
      var done = function () {
        b.textContent = b.getAttribute("data-done") || label;
        setTimeout(function () { b.textContent = label; }, 2500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: the person copies */ }
      }
    });
  });
})();
