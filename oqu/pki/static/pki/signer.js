/* Pluggable browser signers (DOMAIN.md §7, G-5.3).
 *
 * A signer is an object with `sign(base64Data) -> Promise<base64 CMS>`:
 *  - NCALayerSigner: the national NCALayer running on the user's own computer, over its local
 *    WebSocket (wss://127.0.0.1:13579), module kz.gov.pki.knca.basics, method "sign" with the
 *    signing key's extended key usage; the private key never leaves the user's computer and the
 *    platform installs nothing.
 *  - SoftwareSigner: development and tests only — the server signs with a test key made by the
 *    test CA set-up; the page offers it only when the server has it (never in production).
 * The page puts the CMS into the form and submits it; the server verifies it as the signer.
 */
(function () {
  "use strict";

  var SIGNING_EKU = "1.3.6.1.5.5.7.3.4";

  function NCALayerSigner(url) {
    this.url = url || "wss://127.0.0.1:13579/";
  }
  NCALayerSigner.prototype.sign = function (base64Data) {
    var url = this.url;
    return new Promise(function (resolve, reject) {
      var socket;
      try { socket = new WebSocket(url); } catch (error) { reject(new Error("no-ncalayer")); return; }
      var done = false;
      socket.onerror = function () { if (!done) { done = true; reject(new Error("no-ncalayer")); } };
      socket.onopen = function () {
        socket.send(JSON.stringify({
          module: "kz.gov.pki.knca.basics",
          method: "sign",
          args: {
            allowedStorages: ["PKCS12", "AKKaztokenStore", "AKKZIDCardStore"],
            format: "cms",
            data: base64Data,
            signingParams: { decode: true, encapsulate: false, digested: false, tsaProfile: {} },
            signerParams: { extKeyUsageOids: [SIGNING_EKU] },
            locale: document.documentElement.lang === "kk" ? "kk" : "ru"
          }
        }));
      };
      socket.onmessage = function (event) {
        var answer;
        try { answer = JSON.parse(event.data); } catch (error) { return; }
        if (answer.result && answer.result.version) { return; } // the greeting NCALayer sends first
        if (answer.status === undefined && answer.code === undefined) { return; } // keep-alive {}
        done = true;
        socket.close();
        if (answer.status === true && answer.body && answer.body.result) {
          var result = answer.body.result;
          resolve(Array.isArray(result) ? result[0] : result);
        } else if ((answer.code === "200" || answer.status === true) && answer.responseObject) {
          resolve(answer.responseObject);
        } else {
          reject(new Error(answer.message || answer.code || "ncalayer-refused"));
        }
      };
    });
  };

  function SoftwareSigner(url, csrfToken) {
    this.url = url;
    this.csrfToken = csrfToken;
  }
  SoftwareSigner.prototype.sign = function (base64Data) {
    return fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken },
      body: JSON.stringify({ data: base64Data })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.message || String(response.status)); }
        return body.cms;
      });
    });
  };

  function utf8ToBase64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary);
  }

  function signerFor(form, choice) {
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    if (choice === "software" && form.dataset.softwareUrl) {
      return new SoftwareSigner(form.dataset.softwareUrl, csrf);
    }
    return new NCALayerSigner();
  }

  /* What the form signs: the exact bytes the server will check (`data-sign-content`, base64),
   * or the text of the form's `[data-sign-text]` field encoded as UTF-8. */
  function contentOf(form) {
    if (form.dataset.signContent) { return form.dataset.signContent; }
    return utf8ToBase64(form.querySelector("[data-sign-text]").value);
  }

  /* Every form marked `data-oqu-sign` (see pki/_sign_fields.html) signs before it submits. */
  function wire(form) {
    var button = form.querySelector("[data-sign-button]");
    var status = form.querySelector("[data-sign-status]");
    var choice = form.querySelector("[data-signer-choice]");
    button.addEventListener("click", function () {
      if (!form.reportValidity()) { return; }
      var signer = signerFor(form, choice ? choice.value : "ncalayer");
      button.disabled = true;
      status.textContent = "…";
      signer.sign(contentOf(form)).then(function (cms) {
        form.querySelector("input[name=signature_text]").value = cms;
        form.submit();
      }).catch(function (error) {
        button.disabled = false;
        status.textContent = error.message === "no-ncalayer"
          ? form.dataset.msgNoNcalayer
          : form.dataset.msgFailed + ": " + error.message;
      });
    });
  }

  window.OquSigners = { NCALayerSigner: NCALayerSigner, SoftwareSigner: SoftwareSigner };

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-oqu-sign]");
    for (var i = 0; i < forms.length; i++) { wire(forms[i]); }
  });
})();
