import fs from 'node:fs';
import { openDatabase } from './database.js';
import { runUserRepositoryContractTests } from './user.repository.contract.js';
import { createUserRepository } from './user.repository.js';
import { tempDir } from './testing.js';

runUserRepositoryContractTests('embedded SQLite', async () => {
  const dir = tempDir('shoebox-users-');
  return {
    async open() {
      const db = openDatabase(dir);
      const users = createUserRepository(db);
      return { ...users, close: async () => void db.close() };
    },
    async dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
