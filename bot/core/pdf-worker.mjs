// The PDF worker thread's entry: the worker itself is TypeScript (pdf-worker.ts), loaded through tsx's
// loader, registered here because a worker's own --import is not applied to its entry on Node 20.
import { register } from "tsx/esm/api";

register();
await import("./pdf-worker.ts");
