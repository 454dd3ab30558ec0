// Runs before every test file, before any module is imported: the SDK reads its environment at
// import time, so the strict contract check is switched on here (CAMUNDA_SDK_VALIDATION=fanatical).
process.env.CAMUNDA_SDK_VALIDATION = process.env.CAMUNDA_SDK_VALIDATION ?? 'fanatical';
process.env.CAMUNDA_AUTH_STRATEGY = 'NONE';
process.env.CAMUNDA_SDK_LOG_LEVEL = process.env.CAMUNDA_SDK_LOG_LEVEL ?? 'error';
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
