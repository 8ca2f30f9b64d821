/**
 * Typed calls for administration (`/api/admin/users`) and account settings (`/api/account`),
 * PROTOCOL.md §3.1. Failures are ApiErrors carrying the server's code and message.
 *
 *   const accounts = createAccountsApi(createApiCall(() => session.token))
 *   const { users } = await accounts.listUsers()
 */
import type {
  AccountSessionsResponse,
  AdminUser,
  AdminUsersResponse,
  ChangePasswordRequest,
  ChangePasswordResponse,
  CreateUserRequest,
  DeleteUserResponse,
  PublicUser,
  UpdateUserRequest,
} from '../../../../protocol/src/index.js';
import type { ApiCall } from './api-client.js';

export interface AccountsApi {
  listUsers(): Promise<AdminUsersResponse>;
  createUser(body: CreateUserRequest): Promise<{ user: AdminUser }>;
  updateUser(id: string, body: UpdateUserRequest): Promise<{ user: AdminUser }>;
  resetPassword(id: string, password: string): Promise<{ user: AdminUser }>;
  deleteUser(id: string, confirmEmail: string): Promise<DeleteUserResponse>;
  rename(name: string): Promise<{ user: PublicUser }>;
  changePassword(body: ChangePasswordRequest): Promise<ChangePasswordResponse>;
  sessions(): Promise<AccountSessionsResponse>;
  revokeSession(id: string): Promise<void>;
}

export const createAccountsApi = (call: ApiCall): AccountsApi => {
  const user = (id: string): string => `/api/admin/users/${encodeURIComponent(id)}`;
  return {
    listUsers: () => call('GET', '/api/admin/users'),
    createUser: (body) => call('POST', '/api/admin/users', body),
    updateUser: (id, body) => call('PATCH', user(id), body),
    resetPassword: (id, password) => call('POST', `${user(id)}/password`, { password }),
    deleteUser: (id, confirmEmail) => call('DELETE', user(id), { confirmEmail }),
    rename: (name) => call('PATCH', '/api/account', { name }),
    changePassword: (body) => call('POST', '/api/account/password', body),
    sessions: () => call('GET', '/api/account/sessions'),
    revokeSession: (id) => call('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`),
  };
};
