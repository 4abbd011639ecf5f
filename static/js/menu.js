/* The header on a phone folds into one Menu button, which this script opens and closes
   (the stylesheet folds it from the first paint where the browser runs scripts). The
   navigation groups are <details> and open without this script, which only adds
   courtesies: one group open at a time, Escape closes (and gives focus back), a click
   elsewhere closes. Without JavaScript the phone shows the whole header, every link
   still there. */
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  if (!header) { return; }
  var toggle = header.querySelector(".menu-toggle");
  var groups = Array.prototype.slice.call(header.querySelectorAll("details.nav-group"));

  function setMenu(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }

  if (toggle) {
    toggle.hidden = false;
    header.classList.add("has-menu");
    toggle.addEventListener("click", function () {
      setMenu(toggle.getAttribute("aria-expanded") !== "true");
    });
  }

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) { return; }
      groups.forEach(function (other) {
        if (other !== group) { other.open = false; }
      });
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var open = groups.filter(function (group) { return group.open; });
    if (open.length) {
      open.forEach(function (group) {
        var hadFocus = group.contains(document.activeElement);
        group.open = false;
        if (hadFocus) { group.querySelector("summary").focus(); }
      });
    } else if (toggle && header.classList.contains("menu-open")) {
      setMenu(false);
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
})();
