/** The "Examples:" section that ends every command's --help (commander's addHelpText), one command line each. */
export function examples(...commandLines: string[]): string {
  return `\nExamples:\n${commandLines.map((line) => `  $ ${line}`).join("\n")}`;
}
