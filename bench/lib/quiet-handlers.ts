// Bench support, imported first by bench/run.ts: the handlers run in this process and Powertools reads
// its settings when its modules load, so they are set before anything imports them. Benchmarks measure
// the handlers, not their log lines.

const defaults: Readonly<Record<string, string>> = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
