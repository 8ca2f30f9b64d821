import { createPostgresRoomRepository } from './postgres-room.repository.js';
import { runRoomStoreContractTests } from './room.repository.contract.js';
import { useTestPostgres } from './store-fixture.js';

const database = useTestPostgres();
runRoomStoreContractTests('PostgreSQL', async () => {
  const url = await database('contract');
  return {
    open: () => createPostgresRoomRepository({ url }),
    async dispose() {},
  };
});
