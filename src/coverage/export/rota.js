(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rota-data").textContent);
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".filter button"));
  var blocks = Array.prototype.slice.call(document.querySelectorAll(".block"));
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row:not(.axis)"));
  var nav = document.querySelector(".filter");
  var note = document.querySelector(".filter-note");
  nav.hidden = false;  /* without JavaScript there is no filter, so no buttons */
  function show(issue) {
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-issue") === issue));
    });
    blocks.forEach(function (el) {
      var issues = (el.getAttribute("data-issues") || "").split(" ");
      el.hidden = issue !== "" && issues.indexOf(issue) < 0;
    });
    rows.forEach(function (row) {
      var visible = row.querySelectorAll(".block:not([hidden])").length;
      row.classList.toggle("filtered-out", issue !== "" && visible === 0);
      if (row.classList.contains("uncovered")) {
        row.querySelector(".who small").textContent = visible + " meetings";
      }
    });
    var pressed = buttons.filter(function (b) { return b.getAttribute("data-issue") === issue; });
    note.hidden = issue === "";
    note.textContent = issue === "" ? "" :
      "Showing only " + pressed[0].textContent + " (" +
      blocks.filter(function (el) { return !el.hidden; }).length + " blocks). Tap \u201cAll issues\u201d for everything.";
    if (pressed.length && pressed[0].scrollIntoView && issue !== "") {
      pressed[0].scrollIntoView({block: "nearest", inline: "nearest"});
    }
    try {
      if (issue) {
        history.replaceState(null, "", "#issue=" + encodeURIComponent(issue));
      } else if (/^#issue=/.test(location.hash)) {
        history.replaceState(null, "", location.pathname + location.search);
      }
    } catch (e) { /* a file: page may refuse; the filter still works */ }
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-issue")); });
  });
  var known = buttons.map(function (b) { return b.getAttribute("data-issue"); });
  function fromAddress() {
    var wanted = /^#issue=(.+)$/.exec(location.hash);
    var issue = "";
    if (wanted) {
      try { issue = decodeURIComponent(wanted[1]); } catch (e) { issue = ""; }
    }
    return known.indexOf(issue) >= 0 ? issue : "";
  }
  show(fromAddress());
  window.addEventListener("hashchange", function () {
    if (/^#issue=/.test(location.hash) || !location.hash) { show(fromAddress()); }
  });
  /* On a phone the list of changes starts folded, so the timeline is in sight. */
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details.changes"), function (d) {
      d.open = false;
    });
  }

  /* My day: the picker and #person=<id> show one person's meetings as a list; on the day
     itself the meetings still to come are on top, the next one marked. */
  var myDay = document.querySelector(".my-day");
  var picker = document.getElementById("person-picker");
  var personDays = Array.prototype.slice.call(document.querySelectorAll(".person-day"));
  var mainPart = document.querySelector("main");
  myDay.hidden = false;
  var people = personDays.map(function (d) { return d.getAttribute("data-person"); });
  function personFromAddress() {
    var wanted = /^#person=(.+)$/.exec(location.hash);
    var who = "";
    if (wanted) {
      try { who = decodeURIComponent(wanted[1]); } catch (e) { who = ""; }
    }
    return people.indexOf(who) >= 0 ? who : "";
  }
  function order(list) {
    var now = Date.now();
    var items = Array.prototype.slice.call(list.children);
    var starts = items.map(function (li) { return Date.parse(li.getAttribute("data-start")); });
    var ends = items.map(function (li) { return Date.parse(li.getAttribute("data-end")); });
    var hour = 3600 * 1000;
    var today = items.length > 0 && now > Math.min.apply(null, starts) - 12 * hour &&
                now < Math.max.apply(null, ends) + 6 * hour;
    items.forEach(function (li) { li.classList.remove("next", "past"); });
    if (!today) { return; }
    var coming = items.filter(function (li) { return Date.parse(li.getAttribute("data-end")) > now; });
    var past = items.filter(function (li) { return coming.indexOf(li) < 0; });
    coming.concat(past).forEach(function (li) { list.appendChild(li); });
    if (coming.length) { coming[0].classList.add("next"); }
    past.forEach(function (li) { li.classList.add("past"); });
  }
  function showPerson(who) {
    picker.value = who;
    personDays.forEach(function (d) {
      var mine = d.getAttribute("data-person") === who;
      d.hidden = !mine;
      var list = d.querySelector("ol");
      if (mine && list) { order(list); }
    });
    mainPart.hidden = who !== "";
    nav.hidden = who !== "";
  }
  picker.addEventListener("change", function () {
    var who = picker.value;
    try {
      history.replaceState(null, "", who ? "#person=" + encodeURIComponent(who)
                                         : location.pathname + location.search);
    } catch (e) { /* a file: page may refuse; the view still changes */ }
    showPerson(who);
  });
  showPerson(personFromAddress());
  window.addEventListener("hashchange", function () {
    if (/^#person=/.test(location.hash) || !location.hash) { showPerson(personFromAddress()); }
  });

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
