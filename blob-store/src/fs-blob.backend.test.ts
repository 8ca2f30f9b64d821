import { join } from 'node:path';
import { runBlobBackendContractTests } from './blob-backend.contract.js';
import { createFsBlobBackend } from './fs-blob.backend.js';

runBlobBackendContractTests('filesystem', (dir) => createFsBlobBackend(join(dir, 'originals')));
