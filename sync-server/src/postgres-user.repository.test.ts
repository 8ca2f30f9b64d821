import { createPostgresUserRepository } from './postgres-user.repository.js';
import { runUserRepositoryContractTests } from './user.repository.contract.js';
import { useTestPostgres } from './store-fixture.js';

const database = useTestPostgres();
runUserRepositoryContractTests('PostgreSQL', async () => {
  const url = await database('users');
  return {
    open: () => createPostgresUserRepository({ url }),
    async dispose() {},
  };
});
