'use strict';
// Installable app for learners and parents: register the service worker (see oqu/web/pwa.py).
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  });
}
