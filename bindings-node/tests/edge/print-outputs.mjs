// Prints the app's deterministic outputs as one JSON line (Bun, Deno).
import { outputs } from './app.mjs';

// The entry the runtime's export condition picked, then the outputs.
console.log(JSON.stringify({ entry: import.meta.resolve('cardwire') }));
console.log(JSON.stringify(outputs()));
