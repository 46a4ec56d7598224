// Assessments (feedback and expectations on a trace) in MLflow 3.x mode, `/api/3.0/mlflow/traces/{trace_id}/
// assessments[/{assessment_id}]`, as MLflow 3.11.1 answered them in the recorded corpus: a missing name is
// accepted (as ""), an unknown trace is SQLite's foreign-key failure (400), an update needs `update_mask`,
// and deleting is idempotent.
import type { EmulatorRequest, Route } from '../router.js';
import { assessmentJson } from '../traceJson.js';
import { TraceMessages, assessmentInput, assessmentUpdate, readTraceRequest } from '../traceRequests.js';

function param(request: EmulatorRequest, name: string): string {
  return request.params?.[name] ?? '';
}

/** The assessment routes, paths relative to `/api/3.0/mlflow`. */
export const assessmentRoutes: readonly Route[] = [
  {
    operation: 'CreateAssessment',
    path: '/traces/{trace_id}/assessments',
    methods: ['POST'],
    handler: (request, { store }) => {
      const { json } = readTraceRequest(request, TraceMessages.CreateAssessment, [['assessment', ['required']]]);
      const assessment = store.traces.createAssessment(param(request, 'trace_id'), assessmentInput(json['assessment']));
      return { assessment: assessmentJson(assessment) };
    },
  },
  {
    operation: 'GetAssessmentRequest',
    path: '/traces/{trace_id}/assessments/{assessment_id}',
    methods: ['GET'],
    handler: (request, { store }) => ({
      assessment: assessmentJson(
        store.traces.getAssessment(param(request, 'trace_id'), param(request, 'assessment_id')),
      ),
    }),
  },
  {
    operation: 'UpdateAssessment',
    path: '/traces/{trace_id}/assessments/{assessment_id}',
    methods: ['PATCH'],
    handler: (request, { store }) => {
      const { json, message } = readTraceRequest(request, TraceMessages.UpdateAssessment, [
        ['assessment', ['required']],
        ['update_mask', ['required']],
      ]);
      const assessment = store.traces.updateAssessment(
        param(request, 'trace_id'),
        param(request, 'assessment_id'),
        assessmentUpdate(json['assessment'], message.str('update_mask')),
      );
      return { assessment: assessmentJson(assessment) };
    },
  },
  {
    operation: 'DeleteAssessment',
    path: '/traces/{trace_id}/assessments/{assessment_id}',
    methods: ['DELETE'],
    handler: (request, { store }) => {
      store.traces.deleteAssessment(param(request, 'trace_id'), param(request, 'assessment_id'));
      return {};
    },
  },
];
