// Exchanges of the recorded corpus the emulator is allowed to answer differently, each with the
// reason. Keep this list short: most MLflow oddities are reproduced, and messages that embed SQL
// error text are already marked volatile by the corpus itself.

/** Corpus `seq` → why the emulator's answer may differ from the recorded one. */
export const ALLOW_LIST: Readonly<Record<number, string>> = {};

const MODEL_OUTPUT_ORDER =
  "MLflow lists a run's model outputs in model-id order (read through the inputs table's unique index), and " +
  'model ids are random on both sides: the two outputs differ only in order, because the ids the emulator drew ' +
  'sort the other way round (the id order itself is held by packages/mlflow-emulator/test/mlflow3Surface.test.ts).';

/** MLflow 3.11.1 corpus `seq` → why the emulator's answer may differ from the recorded one (corpusV3.test.ts). */
export const ALLOW_LIST_3_11_1: Readonly<Record<number, string>> = {
  88: MODEL_OUTPUT_ORDER,
  91: MODEL_OUTPUT_ORDER,
  93: MODEL_OUTPUT_ORDER,
  94:
    "The message prints a Python set of comparators, whose order follows the process's string-hash seed " +
    '(PYTHONHASHSEED is random per process): the emulator prints the same set in the order 2.12.2 was recorded with.',
  190:
    'The message quotes the SQL INSERT MLflow attempted, whose parameters hold the assessment id it had just ' +
    "generated (a random uuid4, 'a-b77a…') and the recording's wall-clock milliseconds (1796483652124); the " +
    'recording did not mark the message volatile. The emulator answers the same status, error code and message ' +
    'with its own fresh id and clock in those two places (packages/mlflow-emulator/test/traces.test.ts holds the ' +
    'rest of the text to the recording); matching them would mean hard-coding the recording.',
};
