(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rota-data").textContent);
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".filter button"));
  var blocks = Array.prototype.slice.call(document.querySelectorAll(".block"));
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row:not(.axis)"));
  function show(issue) {
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-issue") === issue));
    });
    blocks.forEach(function (el) {
      var issues = (el.getAttribute("data-issues") || "").split(" ");
      el.hidden = issue !== "" && issues.indexOf(issue) < 0;
    });
    rows.forEach(function (row) {
      var visible = row.querySelectorAll(".block:not([hidden])").length > 0;
      row.classList.toggle("filtered-out", issue !== "" && !visible);
    });
    try {
      history.replaceState(null, "", issue ? "#issue=" + encodeURIComponent(issue)
                                           : location.pathname + location.search);
    } catch (e) { /* a file: page may refuse; the filter still works */ }
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-issue")); });
  });
  var wanted = /^#issue=(.+)$/.exec(location.hash);
  var known = buttons.map(function (b) { return b.getAttribute("data-issue"); });
  var first = wanted ? decodeURIComponent(wanted[1]) : "";
  show(known.indexOf(first) >= 0 ? first : "");

  var dialog = document.getElementById("details");
  var body = dialog.querySelector(".details-body");
  function line(tag, text, css) {
    if (!text) { return; }
    var el = document.createElement(tag);
    el.textContent = text;
    if (css) { el.className = css; }
    body.appendChild(el);
  }
  blocks.forEach(function (el) {
    el.addEventListener("click", function () {
      var m = data.meetings[el.getAttribute("data-meeting")];
      if (!m) { return; }
      body.replaceChildren();
      line("h3", m.title);
      body.lastChild.id = "details-title";
      line("p", m.when + (m.room ? " · " + m.room : ""));
      var access = "Access: " + m.access;
      if (m.delegations && m.delegations.length) { access += " (" + m.delegations.join(", ") + ")"; }
      line("p", access);
      if (m.issues.length) { line("p", "Issues: " + m.issues.join(", ")); }
      line("p", (m.kind ? m.kind.replace("_", " ") + " · " : "") + "weight " + m.weight +
                " · " + m.seats + " seat(s)");
      if (m.who.length) {
        line("p", "Covered by: " + m.who.map(function (w) {
          return w.delegation ? w.name + " (" + w.delegation + ")" : w.name;
        }).join(", "));
      } else if (m.status === "cancelled") {
        line("p", "Cancelled", "reason");
      } else {
        line("p", "UNCOVERED" + (m.reason ? ": " + m.reason : ""), "reason");
      }
      line("p", el.getAttribute("data-note"), "note");
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    });
  });
})();
