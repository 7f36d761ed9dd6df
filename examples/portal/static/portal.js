// Live countdowns: every element with data-due counts down to its instant,
// against the server's clock (data-now on the body, which a portal on a
// fake clock sets to its own time), once a second.
(function () {
  "use strict";
  var offset = 0;
  function sync() {
    var now = Date.parse(document.body.getAttribute("data-now"));
    if (!isNaN(now)) { offset = now - Date.now(); }
  }
  function fmt(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60), r = s % 60, out = (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + r + "s";
    return ms < 0 ? "overdue " + out : "in " + out;
  }
  function tick() {
    var els = document.querySelectorAll("[data-due]"), now = Date.now() + offset;
    for (var i = 0; i < els.length; i++) {
      var left = Date.parse(els[i].getAttribute("data-due")) - now;
      els[i].textContent = fmt(left);
      els[i].classList.toggle("overdue", left < 0);
    }
  }
  document.addEventListener("DOMContentLoaded", function () { sync(); tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", function (e) {
    var rows = document.getElementById("rows"), n = rows && rows.getAttribute("data-now");
    if (n) { document.body.setAttribute("data-now", n); sync(); }
    tick();
  });
})();
