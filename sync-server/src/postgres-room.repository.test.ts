import { afterAll, beforeAll } from 'vitest';
import { createPostgresRoomRepository } from './postgres-room.repository.js';
import { runRoomStoreContractTests } from './room.repository.contract.js';
import { startPostgres, type PostgresServer } from './test-services.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

let n = 0;
runRoomStoreContractTests('PostgreSQL', async () => {
  const url = await server.createDatabase(`contract_${++n}`);
  return {
    open: () => createPostgresRoomRepository({ url }),
    async dispose() {},
  };
});
