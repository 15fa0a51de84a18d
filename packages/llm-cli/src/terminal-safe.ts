/**
 * Control characters a terminal would act on, in text from a server or a model: every escape
 * that is not a colour (SGR, `ESC [ … m`, which the CLI writes itself), the other C0 controls
 * but tab, line feed and carriage return, DEL and the C1 controls. Left raw they could clear the
 * screen, hide the cursor, switch to the alternate screen, set the window's title or write the
 * clipboard (OSC 52).
 */
const CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
  /\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f]/g;

/** `text` with its terminal controls shown, not acted on: `^[`, `^G`, `^?`, `<U+009B>`. */
export function showControls(text: string): string {
  return text.replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return "^?";
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  });
}

/**
 * A terminal stream that shows, rather than acts on, the controls in what is written to it; a
 * stream that is no terminal (a pipe, a file) is returned as it is, its bytes untouched.
 */
export function terminalSafe<T extends NodeJS.WritableStream & { isTTY?: boolean }>(stream: T): T {
  if (stream.isTTY !== true) return stream;
  return new Proxy(stream, {
    get(target, property) {
      if (property === "write")
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(
            typeof chunk === "string" ? showControls(chunk) : chunk,
            ...rest,
          );
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
