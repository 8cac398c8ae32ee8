// Findings filter: text, rule and severity; works from file:// with no server and no external script.
(function () {
  "use strict";
  var q = document.getElementById("q");
  var rule = document.getElementById("rule");
  var severity = document.getElementById("severity");
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  if (!q || !rule || !severity) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  // The searchable text of each finding: everything it shows (message, fix, path, symbol, code), computed once.
  var texts = findings.map(function (el) { return el.textContent.toLowerCase(); });
  var groups = Array.prototype.slice.call(document.querySelectorAll(".rule-group"));
  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var r = rule.value, s = severity.value, shown = 0;
    findings.forEach(function (el, i) {
      var text = texts[i];
      var ok = (!r || el.getAttribute("data-rule") === r) && (!s || el.getAttribute("data-severity") === s) &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) {
      var visible = g.querySelectorAll(".finding:not([hidden])").length;
      var total = g.querySelectorAll(".finding").length;
      var badge = g.querySelector("summary .badge");
      if (badge) { badge.textContent = visible === total ? String(total) : visible + " of " + total; }
      g.hidden = visible === 0;
      if (visible && (words.length || r || s)) { g.open = true; }
    });
    count.textContent = shown + " shown";
    none.hidden = shown !== 0;
  }
  q.addEventListener("input", apply);
  rule.addEventListener("change", apply);
  severity.addEventListener("change", apply);
  apply();
  // Printing shows everything: closed groups would otherwise print as one line.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
