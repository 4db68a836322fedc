/** What talks to the service, through the AWS SDK: index.ts loads it at the first call, not with the plugin. */
export { clientOf, describeS3Error } from './client.js';
export { listHosts, parentOf } from './hosts.js';
export { listRuns } from './list.js';
export { pushRun } from './push.js';
export { readFile } from './read.js';
export { removeRun } from './remove.js';
export { S3Session } from './session.js';
