// Drag and drop of timetable cells (SEC-27.8): dropping a lesson on another cell posts the same
// move the Move form does (weekday, lesson number, the cell's room kept), through HTMX, so the
// server's conflict checks answer in place and the grid is redrawn.
(function () {
  "use strict";
  var dragged = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest(".tt-entry[data-move-url]");
    if (!entry) return;
    dragged = entry.getAttribute("data-move-url");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });

  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest && event.target.closest("td.tt-drop")) {
      event.preventDefault();
    }
  });

  document.addEventListener("drop", function (event) {
    var cell = event.target.closest && event.target.closest("td.tt-drop");
    if (!dragged || !cell || !window.htmx) return;
    event.preventDefault();
    var url = dragged;
    dragged = null;
    var days = document.querySelector("#tt-grid input[name=days]");
    window.htmx.ajax("POST", url, {
      target: "#tt-grid",
      values: {
        weekday: cell.getAttribute("data-weekday"),
        lesson_number: cell.getAttribute("data-number"),
        days: days ? days.value : "5",
      },
      headers: { "X-CSRFToken": csrfToken() },
    });
  });

  document.addEventListener("dragend", function () {
    dragged = null;
  });
})();
