// Exchanges of the recorded corpus the emulator is allowed to answer differently, each with the
// reason. Keep this list short: most MLflow oddities are reproduced, and messages that embed SQL
// error text are already marked volatile by the corpus itself.

/** Corpus `seq` → why the emulator's answer may differ from the recorded one. */
export const ALLOW_LIST: Readonly<Record<number, string>> = {};

/** MLflow 3.11.1 corpus `seq` → why the emulator's answer may differ from the recorded one (corpusV3.test.ts). */
export const ALLOW_LIST_3_11_1: Readonly<Record<number, string>> = {
  94:
    "The message prints a Python set of comparators, whose order follows the process's string-hash seed " +
    '(PYTHONHASHSEED is random per process): the emulator prints the same set in the order 2.12.2 was recorded with.',
};
