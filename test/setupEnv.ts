// Every test process keeps Apollo's gateway from phoning home (loopback-only network).
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
