// Test support: type-checks browser sources (the page, the React example) with their own tsconfig, whose
// DOM library the repository's Node-typed tsconfig does not have.

import ts from 'typescript';

/** The files a tsconfig names, and each type error in them as `file: message`. */
export function typeCheck(configPath: string): { fileNames: string[]; problems: string[] } {
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map(
      (diagnostic) =>
        `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
    );
  return { fileNames: config.fileNames, problems };
}
