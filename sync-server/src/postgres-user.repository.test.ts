import { afterAll, beforeAll } from 'vitest';
import { createPostgresUserRepository } from './postgres-user.repository.js';
import { startPostgres, type PostgresServer } from './test-services.js';
import { runUserRepositoryContractTests } from './user.repository.contract.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

let n = 0;
runUserRepositoryContractTests('PostgreSQL', async () => {
  const url = await server.createDatabase(`users_${++n}`);
  return {
    open: () => createPostgresUserRepository({ url }),
    async dispose() {},
  };
});
