#!/usr/bin/env node
// `mlflow-emulator [--port 5000] [--auth | --databricks | --gitlab] ...` (flags: ../README.md). The package runs
// from its TypeScript sources (no build step), so tsx's loader is registered before the CLI is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
