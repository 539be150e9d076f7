// Prints the app's deterministic outputs as one JSON line (Bun, Deno).
import { outputs } from './app.mjs';

console.log(JSON.stringify(outputs()));
