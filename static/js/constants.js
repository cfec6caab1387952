// Copy buttons for the constants on a code page; the page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  const status = document.querySelector(".constants__status");
  for (const button of document.querySelectorAll("button.copy-code[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        if (status) status.textContent = `已复制 ${button.dataset.copy}`;
      } catch {
        if (status) status.textContent = "无法复制，请手动选中名称复制";
      }
    });
  }
});
