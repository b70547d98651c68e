// The console's one script: the site editor is some thirty forms on one
// page, and submitting one of them loads the page anew, so what was typed
// into any other and not saved would be lost without a word. Before the
// page is left, the browser asks whether to leave when a form other than
// the one being submitted has changes not yet saved. Forms that only
// search or choose (method GET) hold nothing to save. The console works
// without it; it needs no inline script or style (the console's CSP).
(function () {
  "use strict";
  var submitting = null;

  // changed reports whether a control differs from what the page was
  // served with.
  function changed(el) {
    if (!el.name || el.disabled) {
      return false;
    }
    switch (el.type) {
      case "checkbox":
      case "radio":
        return el.checked !== el.defaultChecked;
      case "select-one": {
        // Without an option marked selected, the first shows; with
        // several, the last.
        var first = 0;
        for (var i = 0; i < el.options.length; i++) {
          if (el.options[i].defaultSelected) {
            first = i;
          }
        }
        return el.options.length > 0 && el.selectedIndex !== first;
      }
      case "select-multiple":
        for (var j = 0; j < el.options.length; j++) {
          if (el.options[j].selected !== el.options[j].defaultSelected) {
            return true;
          }
        }
        return false;
      case "submit":
      case "button":
      case "reset":
      case "image":
      case "hidden":
      case "file":
        return false;
    }
    return el.value !== el.defaultValue;
  }

  function unsaved(form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return false;
    }
    for (var i = 0; i < form.elements.length; i++) {
      if (changed(form.elements[i])) {
        return true;
      }
    }
    return false;
  }

  // The form being submitted takes its own changes with it.
  document.addEventListener("submit", function (e) {
    submitting = e.defaultPrevented ? null : e.target;
  });

  window.addEventListener("beforeunload", function (e) {
    var leaving = submitting;
    submitting = null;
    for (var i = 0; i < document.forms.length; i++) {
      var f = document.forms[i];
      if (f !== leaving && unsaved(f)) {
        e.preventDefault();
        e.returnValue = ""; // older browsers ask only when it is set
        return;
      }
    }
  });
})();
