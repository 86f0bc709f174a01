/** The version `tributary --version` prints (the app package's; version.test.ts keeps them equal). */
export const CLI_VERSION = '0.1.0';
