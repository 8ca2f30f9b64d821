import fs from 'node:fs';
import { openDatabase } from './database.js';
import { runRoomStoreContractTests } from './room.repository.contract.js';
import { createRoomRepository } from './room.repository.js';
import { tempDir } from './testing.js';

runRoomStoreContractTests('embedded SQLite', async () => {
  const dir = tempDir('shoebox-contract-');
  return {
    async open() {
      const db = openDatabase(dir);
      const store = createRoomRepository(db);
      return {
        ...store,
        async close() {
          await store.close();
          db.close();
        },
      };
    },
    async dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
