// Small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy-link buttons stay hidden until we know the clipboard can be used.
  for (const button of document.querySelectorAll("button.copy-link[data-copy]")) {
    if (!navigator.clipboard) continue;
    const status = button.parentElement.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        if (status) status.textContent = "链接已复制";
      } catch {
        if (status) status.textContent = "无法复制，请从地址栏复制链接";
      }
    });
  }
});
