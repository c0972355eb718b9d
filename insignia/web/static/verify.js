/* Insignia public pages: "copy link" and "print" on the verification page.
   Served from our own origin; the pages' Content-Security-Policy allows no inline script. The
   buttons are hidden in the HTML and shown here, so without JavaScript nothing is broken. */
(function () {
  "use strict";

  var feedback = document.getElementById("action-feedback");

  function say(text) {
    if (feedback) {
      feedback.textContent = text;
    }
  }

  function copyWithSelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "offscreen";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(field);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-copy")).then(
        function () {
          say(button.getAttribute("data-copied") || "Link copied.");
        },
        function () {
          var failed = button.getAttribute("data-copy-failed") || "Could not copy: the link is";
          say(failed + " " + button.getAttribute("data-copy"));
        }
      );
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
