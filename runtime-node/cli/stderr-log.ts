// Where the CLI's commands send the engine's notes (which adapter was chosen, a lost device): stderr, so that
// stdout keeps only the command's own results.
export function stderrLog(message: string): void {
  process.stderr.write(`${message}\n`);
}
