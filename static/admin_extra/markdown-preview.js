// Live Markdown preview for annotation bodies in the admin.
//
// A static file (the CSP allows no inline scripts). It posts the text to the
// admin-only preview endpoint, which renders it exactly as saving would
// (markdown-it "js-default", then the nh3 allowlist), so the HTML it returns is
// already sanitized.
"use strict";
{
  const csrfToken = (element) => {
    const form = element.closest("form");
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  const attach = (textarea) => {
    // The inline's hidden template row is copied when a row is added.
    if (textarea.dataset.previewReady || textarea.name.includes("__prefix__")) {
      return;
    }
    textarea.dataset.previewReady = "1";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = textarea.dataset.previewLabel || "Preview";
    const output = document.createElement("div");
    output.className = "markdown-preview";
    output.hidden = true;
    output.setAttribute("aria-live", "polite");
    textarea.after(button, output);

    button.addEventListener("click", async () => {
      output.hidden = false;
      try {
        const response = await fetch(textarea.dataset.markdownPreview, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken(textarea) },
          body: new URLSearchParams({ body: textarea.value }),
          credentials: "same-origin",
        });
        const data = await response.json();
        if (!response.ok) {
          throw new Error(data.error || response.status);
        }
        output.innerHTML = data.html;
      } catch (error) {
        output.textContent = textarea.dataset.previewError || String(error);
      }
    });
  };

  const attachAll = (root) => {
    root.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  };

  document.addEventListener("DOMContentLoaded", () => attachAll(document));
  document.addEventListener("formset:added", (event) => attachAll(event.target));
}
