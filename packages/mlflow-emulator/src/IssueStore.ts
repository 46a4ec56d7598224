// MLflow 3's issues (`/api/3.0/mlflow/issues...`): quality problems found in an experiment's traces, with a status
// (`pending` when created), severity, root causes and categories (corpus seq 251-256).
import { MlflowError } from './MlflowError.js';
import type { Prng } from './prng.js';

/** An issue. */
export interface IssueRecord {
  readonly issueId: string;
  readonly experimentId: string;
  name: string;
  description: string;
  status: string;
  severity: string | null;
  rootCauses: string[];
  readonly sourceRunId: string | null;
  readonly createdTimestamp: number;
  lastUpdatedTimestamp: number;
  readonly createdBy: string | null;
  categories: string[];
}

/** The fields `PATCH issues/{id}` may change. */
export interface IssueChanges {
  name?: string;
  description?: string;
  status?: string;
  severity?: string;
  rootCauses?: string[];
  categories?: string[];
}

/** Issues. */
export class IssueStore {
  readonly issues = new Map<string, IssueRecord>();
  private readonly options: { readonly now: () => number; readonly random: Prng };

  constructor(options: { readonly now: () => number; readonly random: Prng }) {
    this.options = options;
  }

  /** `POST issues`. */
  create(request: Omit<IssueRecord, 'issueId' | 'status' | 'createdTimestamp' | 'lastUpdatedTimestamp'>): IssueRecord {
    const now = this.options.now();
    const issue: IssueRecord = {
      ...request,
      issueId: `iss-${this.options.random.hex(32)}`,
      status: 'pending',
      createdTimestamp: now,
      lastUpdatedTimestamp: now,
    };
    this.issues.set(issue.issueId, issue);
    return issue;
  }

  /** The issue, or MLflow's 404. */
  get(issueId: string): IssueRecord {
    const issue = this.issues.get(issueId);
    if (!issue) throw MlflowError.notFound(`Issue with ID '${issueId}' not found`);
    return issue;
  }

  /** `PATCH issues/{id}`. */
  update(issueId: string, changes: IssueChanges): IssueRecord {
    const issue = this.get(issueId);
    if (changes.name !== undefined) issue.name = changes.name;
    if (changes.description !== undefined) issue.description = changes.description;
    if (changes.status !== undefined) issue.status = changes.status;
    if (changes.severity !== undefined) issue.severity = changes.severity;
    if (changes.rootCauses !== undefined) issue.rootCauses = changes.rootCauses;
    if (changes.categories !== undefined) issue.categories = changes.categories;
    issue.lastUpdatedTimestamp = this.options.now();
    return issue;
  }

  /** `issues/search`: an experiment's issues, newest first. */
  search(experimentId: string): IssueRecord[] {
    return [...this.issues.values()]
      .filter((issue) => experimentId === '' || issue.experimentId === experimentId)
      .sort((a, b) => b.createdTimestamp - a.createdTimestamp);
  }
}
