/** Every failure thrown by cardwire: a real Error with a stable `code`. */
export class CardwireError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.name = 'CardwireError';
    this.code = code;
    if (extra) Object.assign(this, extra);
  }
}
