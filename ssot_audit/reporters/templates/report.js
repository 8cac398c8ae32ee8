// Findings: built from the JSON block on demand (the group opened, the filter typed), a page of PAGE at a time.
// Filter on rule code and name, severity, concept, path, symbol and text. Works from file:// with no server.
// Every string from the scan goes into the page as text; only the pygments snippets (escaped by pygments) are HTML.
// The findings arrive gzipped and base64-encoded (see html.py); the browser's DecompressionStream unpacks them.
(function () {
  "use strict";
  var dataEl = document.getElementById("findings-data"), count = document.getElementById("count");
  if (!dataEl || !count) { return; }
  if (typeof DecompressionStream === "undefined") {
    count.textContent = "this browser cannot unpack the findings (no DecompressionStream): use a current browser";
    return;
  }
  var bytes = Uint8Array.from(atob(dataEl.textContent.trim()), function (ch) { return ch.charCodeAt(0); });
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
    .then(function (text) { showFindings(JSON.parse(text)); })
    .catch(function (error) { count.textContent = "the findings could not be read: " + error; });
})();

function showFindings(data) {
  "use strict";
  var PAGE = 200;
  var q = document.getElementById("q"), rule = document.getElementById("rule");
  var severity = document.getElementById("severity"), concept = document.getElementById("concept");
  var count = document.getElementById("count"), none = document.getElementById("none");
  var all = data.findings;
  var texts = all.map(function (f) {
    return [f.c, data.names[f.c], f.s, f.p + ":" + f.l, f.y || "", f.m, data.fixes[f.f], f.x || "",
            f.t ? "test" : ""].join("\n").toLowerCase();
  });
  var groups = {}, sizes = {};
  all.forEach(function (f) { sizes[f.c] = (sizes[f.c] || 0) + 1; });
  Array.prototype.forEach.call(document.querySelectorAll(".rule-group"), function (g) {
    groups[g.getAttribute("data-rule")] = {el: g, items: g.querySelector(".items"), shown: [], drawn: 0};
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function box(i) {
    var f = all[i], d = el("div", "finding sev-" + f.s), head = el("div", "head");
    d.id = f.a; d.setAttribute("data-rule", f.c); d.setAttribute("data-severity", f.s);
    head.appendChild(el("span", "badge sev-" + f.s, f.s)); head.appendChild(document.createTextNode(" "));
    head.appendChild(el("code", "loc", f.p + ":" + f.l + ":" + f.o));
    if (f.y) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "sym", f.y)); }
    if (f.t) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "badge test", "test")); }
    if (f.k) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "badge conf", f.k + " confidence")); }
    d.appendChild(head);
    d.appendChild(el("p", "msg", f.m));
    var fix = el("p", "fix"); fix.appendChild(el("span", "", "fix")); fix.appendChild(document.createTextNode(" " + data.fixes[f.f]));
    d.appendChild(fix);
    if (f.h) { var code = el("div", "snippet"); code.innerHTML = f.h; d.appendChild(code); }  // pygments-escaped
    if (f.r) {
      var ul = el("ul", "related");
      f.r.forEach(function (r) {
        var li = el("li"); li.appendChild(el("code", "", r[0] + ":" + r[1])); li.appendChild(document.createTextNode(" " + r[2]));
        ul.appendChild(li);
      });
      if (f.R) { ul.appendChild(el("li", "", "… and " + f.R + " more")); }
      d.appendChild(ul);
    }
    return d;
  }
  function draw(g, upto) {  // render the group's matches up to index `upto` (at least one page)
    var target = Math.min(g.shown.length, Math.max(upto || 0, g.drawn, PAGE));
    var more = g.items.querySelector(".more");
    if (more) { more.remove(); }
    for (; g.drawn < target; g.drawn += 1) { g.items.appendChild(box(g.shown[g.drawn])); }
    if (g.drawn < g.shown.length) {
      var button = el("button", "more", "show " + Math.min(PAGE, g.shown.length - g.drawn) + " more of " +
                      (g.shown.length - g.drawn));
      button.type = "button";
      button.addEventListener("click", function () { draw(g, g.drawn + PAGE); });
      g.items.appendChild(button);
    }
  }
  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var r = rule.value, s = severity.value, c = concept ? concept.value : "", shown = 0, active = words.length || r || s || c;
    Object.keys(groups).forEach(function (code) { groups[code].shown = []; });
    all.forEach(function (f, i) {
      if ((r && f.c !== r) || (s && f.s !== s) || (c && f.x !== c)) { return; }
      var text = texts[i];
      for (var w = 0; w < words.length; w += 1) { if (text.indexOf(words[w]) === -1) { return; } }
      groups[f.c].shown.push(i);
      shown += 1;
    });
    Object.keys(groups).forEach(function (code) {
      var g = groups[code], total = g.el.querySelector("summary .badge");
      var size = sizes[code];
      total.textContent = g.shown.length === size ? String(size) : g.shown.length + " of " + size;
      g.el.hidden = g.shown.length === 0;
      g.items.textContent = ""; g.drawn = 0;
      if (active && g.shown.length) { g.el.open = true; }
      if (g.el.open) { draw(g); }
    });
    count.textContent = shown + " of " + all.length + " findings";
    none.hidden = shown !== 0;
  }
  Object.keys(groups).forEach(function (code) {
    var g = groups[code];
    g.el.addEventListener("toggle", function () { if (g.el.open && g.drawn === 0) { draw(g); } });
  });
  function reveal(anchor) {  // a link to one finding: clear the filter, draw its group up to it, scroll there
    var i = all.findIndex(function (f) { return f.a === anchor; });
    if (i < 0) { return; }
    q.value = ""; rule.value = ""; severity.value = ""; if (concept) { concept.value = ""; }
    apply();
    var g = groups[all[i].c];
    g.el.open = true; draw(g, g.shown.indexOf(i) + 1);
    document.getElementById(anchor).scrollIntoView();
  }
  [q].forEach(function (e) { e.addEventListener("input", apply); });
  [rule, severity, concept].forEach(function (e) { if (e) { e.addEventListener("change", apply); } });
  Array.prototype.forEach.call(document.querySelectorAll("a.show"), function (a) {
    a.addEventListener("click", function () {
      rule.value = a.getAttribute("data-code") || ""; severity.value = "";
      if (concept) { concept.value = a.getAttribute("data-concept") || ""; }
      q.value = a.getAttribute("data-q") || "";
      apply();
    });
  });
  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });
  apply();
  if (location.hash.indexOf("#f-") === 0) { reveal(location.hash.slice(1)); }
  // Printing shows everything that matches: closed groups would otherwise print as one line.
  window.addEventListener("beforeprint", function () {
    Object.keys(groups).forEach(function (code) { var g = groups[code]; g.el.open = true; draw(g, g.shown.length); });
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  document.body.setAttribute("data-ready", String(Math.round(performance.now())));  // interactive: tests time this
}
