// A PDF worker whose start never ends: it never says it is ready, and never reads a document.
globalThis.setInterval(() => {}, 1_000);
