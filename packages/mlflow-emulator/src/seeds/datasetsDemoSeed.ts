// An evaluation dataset for the demo (MLflow 3 mode): a few question/answer records linked to one experiment, so the
// graph's evaluation-dataset fields have something to show. The lead's demo seed calls it with its experiment.
import type { EmulatorStore } from '../EmulatorStore.js';
import type { EvaluationDatasetRecord } from '../DatasetStore.js';

/** The demo dataset's name. */
export const DEMO_DATASET_NAME = 'support-bot-eval';

/** The demo dataset's records: inputs, expected answers, and a difficulty tag. */
export const DEMO_DATASET_RECORDS = [
  {
    inputs: { question: 'How do I reset my password?' },
    expectations: { answer: 'Use "Forgot password" on the sign-in page.' },
    tags: { difficulty: 'easy' },
  },
  {
    inputs: { question: 'Can I export my run history?' },
    expectations: { answer: 'Yes: runs/search, or the UI download button.' },
    tags: { difficulty: 'medium' },
  },
  {
    inputs: { question: 'Why is my model version stuck in PENDING_REGISTRATION?' },
    expectations: { answer: 'The artifact copy has not finished; check the source location.' },
    tags: { difficulty: 'hard' },
  },
] as const;

/** Creates the demo evaluation dataset linked to `experimentId`, with its records, and returns it. */
export function seedDatasetsDemo(store: EmulatorStore, experimentId: string): EvaluationDatasetRecord {
  const dataset = store.datasets.create(DEMO_DATASET_NAME, [experimentId], { purpose: 'demo', owner: 'support-team' });
  store.datasets.upsertRecords(
    dataset.datasetId,
    DEMO_DATASET_RECORDS.map((record) => ({
      inputs: { ...record.inputs },
      expectations: { ...record.expectations },
      tags: { ...record.tags },
    })),
  );
  return dataset;
}
