/* Passkeys (WebAuthn): add one from "Clés d'accès", or sign with one as the second
   step of a login. A static file (the Content-Security-Policy allows no inline
   script); every message is read from the page (data-* attributes, French catalogue).
   The server side is django-otp-webauthn, behind the project's own views. */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(
        function (data) { return { ok: response.ok, data: data }; },
        function () { return { ok: false, data: {} }; }
      );
    });
  }

  function say(text) {
    var status = document.getElementById("passkey-status");
    if (status) { status.textContent = text; }
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials &&
      PublicKeyCredential.parseCreationOptionsFromJSON &&
      PublicKeyCredential.parseRequestOptionsFromJSON);
  }

  function ceremony(button, completeUrl, makeOptions, callBrowser, done) {
    button.disabled = true;
    say(button.dataset.working);
    post(button.dataset.begin).then(function (begin) {
      if (!begin.ok) { throw new Error("begin"); }
      return callBrowser(makeOptions(begin.data)).then(
        function (credential) { return post(completeUrl, credential.toJSON()); },
        function () { var e = new Error("cancelled"); e.cancelled = true; throw e; }
      );
    }).then(function (complete) {
      if (!complete.ok) { throw new Error("complete"); }
      done(complete.data);
    }).catch(function (error) {
      say(error && error.cancelled ? button.dataset.cancelled : button.dataset.failed);
      button.disabled = false;
    });
  }

  function enrol(button) {
    ceremony(button, button.dataset.complete,
      function (options) { return PublicKeyCredential.parseCreationOptionsFromJSON(options); },
      function (options) { return navigator.credentials.create({ publicKey: options }); },
      function () { window.location.assign(button.dataset.after); });
  }

  function verify(button) {
    var next = button.dataset.next;
    var url = button.dataset.complete + (next ? "?next=" + encodeURIComponent(next) : "");
    ceremony(button, url,
      function (options) { return PublicKeyCredential.parseRequestOptionsFromJSON(options); },
      function (options) { return navigator.credentials.get({ publicKey: options }); },
      function (data) { window.location.assign(data.redirect_url || "/"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-passkey]");
    if (!buttons.length) { return; }
    if (!supported()) {
      var note = document.getElementById("passkey-unavailable");
      if (note) { note.hidden = false; }
      return;
    }
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (button.dataset.passkey === "enrol") { enrol(button); } else { verify(button); }
      });
    });
  });
}());
