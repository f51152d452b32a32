// The attempt page reports tab switches and focus changes to the API with the attempt's session
// token, and counts the time down. The server stamps the time and enforces the deadline itself.
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root) { return; }
  var url = root.dataset.eventsUrl;
  var token = root.dataset.token;
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  function report(kind) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "X-Attempt-Token": token },
      body: JSON.stringify({ kind: kind })
    }).catch(function () { /* offline: the server still enforces the deadline */ });
  }

  document.addEventListener("visibilitychange", function () {
    report(document.visibilityState === "hidden" ? "tab_hidden" : "tab_visible");
  });
  window.addEventListener("blur", function () { report("focus_lost"); });
  window.addEventListener("focus", function () { report("focus_back"); });

  var left = parseInt(root.dataset.secondsLeft, 10) || 0;
  var shown = root.querySelector("[data-countdown]");
  var timer = setInterval(function () {
    left = Math.max(left - 1, 0);
    if (shown) { shown.textContent = String(left); }
    if (left === 0) { clearInterval(timer); window.location.reload(); }
  }, 1000);
})();
